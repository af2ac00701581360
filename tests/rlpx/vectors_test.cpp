// The official RLPx handshake vectors (EIP-8 "Test Vectors"; geth
// p2p/rlpx/rlpx_test.go) replayed through ecies_handshake, plus the MAC
// states the vector collector derived for every auth/ack pair.
#include "rlpx/handshake.hpp"

#include <gtest/gtest.h>

#include "rlpx/ecies.hpp"
#include "rlpx/error.hpp"
#include "rlpx/rlp.hpp"
#include "tests/support/hex.hpp"
#include "tests/support/vectors.hpp"

namespace polywire::rlpx {
namespace {
namespace secp = crypto::secp256k1;
using policies::handshake_role;
using test::h;
using test::hx;

const nlohmann::json& handshake_vectors() {
    static const nlohmann::json v = test::load_vectors("rlpx-vectors.json")["handshake"];
    return v;
}
const nlohmann::json& official() { return handshake_vectors()["official"]; }
const nlohmann::json& derived() { return handshake_vectors()["derived"]; }

std::string str(const nlohmann::json& j) { return j.get<std::string>(); }
secp::private_key key(const char* name) { return secp::parse_private_key(h(str(official()[name]))).value(); }
secp::public_key pub(const char* name) { return secp::parse_public_key(h(str(derived()[name]))).value(); }
std::array<std::uint8_t, 32> nonce(const char* name) {
    const bytes b = h(str(official()[name]));
    std::array<std::uint8_t, 32> out{};
    std::copy(b.begin(), b.end(), out.begin());
    return out;
}

struct packet {
    const char* name;       // key in handshake.official.auth / .ack
    const char* pair_name;  // its name in mac_state_foo_for_all_auth_ack_pairs
    bool eip8;
};
const packet auths[] = {
    {"auth1_legacy_v4_plain", "auth1_legacy", false},
    {"auth2_eip8_v4", "auth2_eip8", true},
    {"auth3_eip8_v56", "auth3_eip8_v56", true},
};
const packet acks[] = {
    {"ack1_legacy_v4_plain", "ack1_legacy", false},
    {"ack2_eip8_v4", "ack2_eip8", true},
    {"ack3_eip8_v57", "ack3_eip8_v57", true},
};

bytes auth_bytes(const packet& p) { return h(str(official()["auth"][p.name]["hex"])); }
bytes ack_bytes(const packet& p) { return h(str(official()["ack"][p.name]["hex"])); }
const nlohmann::json& mac_pair(const packet& auth, const packet& ack) {
    return derived()["mac_state_foo_for_all_auth_ack_pairs"][std::string(auth.pair_name) + "+" + ack.pair_name];
}

std::string digest_after_foo(crypto::keccak256 mac) {
    mac.update(as_bytes("foo"));
    return hx(mac.digest());
}

// Node B with the official static key, ephemeral key and nonce.
ecies_handshake recipient_b() {
    ecies_handshake::options o{};
    o.static_key = key("static_key_b");
    o.ephemeral_key_for_testing_only = key("ephemeral_key_b");
    o.nonce_for_testing_only = nonce("nonce_b");
    return ecies_handshake(handshake_role::recipient, o);
}

// Node A with the official keys and nonce, dialling B, whose auth "as sent"
// is the official packet `auth`.
ecies_handshake initiator_a(bytes auth) {
    ecies_handshake::options o{};
    o.static_key = key("static_key_a");
    o.remote_id = pub("static_pub_b");
    o.ephemeral_key_for_testing_only = key("ephemeral_key_a");
    o.nonce_for_testing_only = nonce("nonce_a");
    ecies_handshake a(handshake_role::initiator, o);
    a.send_auth_for_testing_only(std::move(auth));
    return a;
}

TEST(OfficialVectorsTest, DerivedPublicKeysMatchTheOfficialPrivateKeys) {
    EXPECT_EQ(hx(secp::derive_public_key(key("static_key_a")).value()), str(derived()["static_pub_a"]));
    EXPECT_EQ(hx(secp::derive_public_key(key("static_key_b")).value()), str(derived()["static_pub_b"]));
    EXPECT_EQ(hx(secp::derive_public_key(key("ephemeral_key_a")).value()), str(derived()["ephemeral_pub_a"]));
    EXPECT_EQ(hx(secp::derive_public_key(key("ephemeral_key_b")).value()), str(derived()["ephemeral_pub_b"]));
}

TEST(OfficialVectorsTest, RecipientCompletesOnEveryOfficialAuthAndAnswersInKind) {
    for (const packet& p : auths) {
        SCOPED_TRACE(p.name);
        const bytes auth = auth_bytes(p);
        ecies_handshake b = recipient_b();
        bytes ack;
        auto step = b.consume(auth, ack);
        ASSERT_TRUE(step) << step.error().message();
        EXPECT_TRUE(step.value().done);
        EXPECT_EQ(step.value().consumed, auth.size());

        // The ack carries B's official ephemeral key and nonce, in A's format.
        const secp::private_key ka = key("static_key_a");
        secure_bytes plain;
        if (p.eip8) {
            ASSERT_GE(ack.size(), 2u);
            ASSERT_EQ((std::size_t{ack[0]} << 8 | ack[1]) + 2, ack.size());
            plain = ecies::decrypt(ka, byte_view(ack).subspan(2), byte_view(ack).first(2)).value();
            const auto list = rlp::decode(plain).value();
            rlp::list_reader r(list.payload);
            EXPECT_EQ(hx(r.next_bytes().value()), str(derived()["ephemeral_pub_b"]));
            EXPECT_EQ(hx(r.next_bytes().value()), str(official()["nonce_b"]));
            EXPECT_EQ(r.next_uint().value(), 4u);
            EXPECT_TRUE(r.empty());
            EXPECT_GE(plain.size() - list.encoded.size(), 100u);  // padding
            EXPECT_LE(plain.size() - list.encoded.size(), 250u);
        } else {
            ASSERT_EQ(ack.size(), legacy_ack_size);
            plain = ecies::decrypt(ka, ack, {}).value();
            EXPECT_EQ(hx(plain), str(derived()["ephemeral_pub_b"]) + str(official()["nonce_b"]) + "00");
        }

        secrets s = b.take_secrets();
        EXPECT_EQ(hx(s.remote_id), str(derived()["static_pub_a"]));
        EXPECT_EQ(s.remote_eip8, p.eip8);
        // aes/mac secrets depend only on keys and nonces: the same for every auth.
        EXPECT_EQ(hx(s.aes_secret), str(official()["expected_secrets"]["aes_secret"]));
        EXPECT_EQ(hx(s.mac_secret), str(official()["expected_secrets"]["mac_secret"]));
        EXPECT_EQ(digest_after_foo(s.ingress_mac), str(mac_pair(p, acks[0])["recipient_ingress_mac_foo"]));
    }
}

TEST(OfficialVectorsTest, RecipientReproducesTheExpectedSecretsOfAuth2Ack2) {
    ecies_handshake b = recipient_b();
    bytes ack;
    ASSERT_TRUE(b.consume(auth_bytes(auths[1]), ack));
    secrets s = b.take_secrets();
    const auto& expected = official()["expected_secrets"];
    EXPECT_EQ(hx(s.aes_secret), str(expected["aes_secret"]));
    EXPECT_EQ(hx(s.mac_secret), str(expected["mac_secret"]));
    s.ingress_mac.update(as_bytes("foo"));
    EXPECT_EQ(hx(s.ingress_mac.digest()), str(expected["ingress_mac_foo"]));
}

TEST(OfficialVectorsTest, InitiatorCompletesOnEveryOfficialAckWithEveryAuth) {
    for (const packet& auth : auths) {
        for (const packet& ack : acks) {
            SCOPED_TRACE(std::string(auth.name) + " + " + ack.name);
            const bytes auth_packet = auth_bytes(auth);
            ecies_handshake a = initiator_a(auth_packet);
            bytes sent;
            ASSERT_FALSE(a.start(sent));
            EXPECT_EQ(sent, auth_packet);
            const bytes ack_packet = ack_bytes(ack);
            bytes none;
            auto step = a.consume(ack_packet, none);
            ASSERT_TRUE(step) << step.error().message();
            EXPECT_TRUE(step.value().done);
            EXPECT_EQ(step.value().consumed, ack_packet.size());
            EXPECT_TRUE(none.empty());

            secrets s = a.take_secrets();
            EXPECT_EQ(hx(s.remote_id), str(derived()["static_pub_b"]));
            EXPECT_EQ(s.remote_eip8, ack.eip8);
            EXPECT_EQ(hx(s.aes_secret), str(official()["expected_secrets"]["aes_secret"]));
            EXPECT_EQ(hx(s.mac_secret), str(official()["expected_secrets"]["mac_secret"]));
            // A's MAC states mirror B's: A egress = B ingress, A ingress = B egress.
            const auto& pair = mac_pair(auth, ack);
            EXPECT_EQ(digest_after_foo(s.egress_mac), str(pair["recipient_ingress_mac_foo"]));
            EXPECT_EQ(digest_after_foo(s.ingress_mac), str(pair["recipient_egress_mac_foo"]));
        }
    }
}

TEST(OfficialVectorsTest, InitiatorAndRecipientAgreeOnTheOfficialAuths) {
    // B answers the official auth with a fresh ack; A, whose auth was the
    // official one, reads it: all four MAC states pair up.
    for (const packet& auth : auths) {
        SCOPED_TRACE(auth.name);
        ecies_handshake b = recipient_b();
        bytes ack;
        ASSERT_TRUE(b.consume(auth_bytes(auth), ack));
        ecies_handshake a = initiator_a(auth_bytes(auth));
        bytes sent, none;
        ASSERT_FALSE(a.start(sent));
        auto step = a.consume(ack, none);
        ASSERT_TRUE(step) << step.error().message();
        ASSERT_TRUE(step.value().done);
        secrets sa = a.take_secrets(), sb = b.take_secrets();
        EXPECT_EQ(hx(sa.aes_secret), hx(sb.aes_secret));
        EXPECT_EQ(hx(sa.mac_secret), hx(sb.mac_secret));
        EXPECT_EQ(digest_after_foo(sa.egress_mac), digest_after_foo(sb.ingress_mac));
        EXPECT_EQ(digest_after_foo(sa.ingress_mac), digest_after_foo(sb.egress_mac));
        EXPECT_EQ(digest_after_foo(sb.ingress_mac), str(mac_pair(auth, acks[0])["recipient_ingress_mac_foo"]));
    }
}

TEST(OfficialVectorsTest, DecryptedAuthsCarryGethsSignature) {
    const std::string signature = str(handshake_vectors()["from_geth_rlpx_test"]["auth_signature"]);
    const secp::private_key kb = key("static_key_b");
    for (const packet& p : auths) {
        SCOPED_TRACE(p.name);
        const bytes wire = auth_bytes(p);
        const secure_bytes plain = p.eip8 ? ecies::decrypt(kb, byte_view(wire).subspan(2), byte_view(wire).first(2)).value()
                                          : ecies::decrypt(kb, wire, {}).value();
        if (p.eip8) {
            const auto list = rlp::decode(plain).value();
            rlp::list_reader r(list.payload);
            EXPECT_EQ(hx(r.next_bytes().value()), signature);
            EXPECT_EQ(hx(r.next_bytes().value()), str(derived()["static_pub_a"]));
            EXPECT_EQ(hx(r.next_bytes().value()), str(official()["nonce_a"]));
        } else {
            EXPECT_EQ(hx(byte_view(plain).first(65)), signature);
        }
        // The signature is A's ephemeral key's over static-shared-secret ^ nonce_a.
        const bytes shared = h(str(derived()["static_shared_secret"]));
        const bytes na = h(str(official()["nonce_a"]));
        std::array<std::uint8_t, 32> signed_value{};
        for (std::size_t i = 0; i < 32; ++i) signed_value[i] = shared[i] ^ na[i];
        secp::recoverable_signature sig{};
        const bytes sig_bytes = h(signature);
        std::copy(sig_bytes.begin(), sig_bytes.end(), sig.begin());
        EXPECT_EQ(hx(secp::recover(sig, signed_value).value()), str(derived()["ephemeral_pub_a"]));
    }
}

TEST(OfficialVectorsTest, OfficialPacketsDeliveredByteByByte) {
    for (const packet& p : auths) {
        SCOPED_TRACE(p.name);
        const bytes auth = auth_bytes(p);
        ecies_handshake b = recipient_b();
        bytes ack;
        for (std::size_t n = 0; n < auth.size(); ++n) {
            auto step = b.consume(byte_view(auth).first(n), ack);
            ASSERT_TRUE(step) << n << ": " << step.error().message();
            ASSERT_EQ(step.value().consumed, 0u) << n;
        }
        auto step = b.consume(auth, ack);
        ASSERT_TRUE(step);
        EXPECT_TRUE(step.value().done);
    }
    for (const packet& p : acks) {
        SCOPED_TRACE(p.name);
        const bytes ack = ack_bytes(p);
        ecies_handshake a = initiator_a(auth_bytes(auths[1]));
        bytes sent, none;
        ASSERT_FALSE(a.start(sent));
        for (std::size_t n = 0; n < ack.size(); ++n) {
            auto step = a.consume(byte_view(ack).first(n), none);
            ASSERT_TRUE(step) << n << ": " << step.error().message();
            ASSERT_EQ(step.value().consumed, 0u) << n;
        }
        auto step = a.consume(ack, none);
        ASSERT_TRUE(step);
        EXPECT_TRUE(step.value().done);
    }
}

TEST(OfficialVectorsTest, RecipientExpectingAnotherNodeRejectsTheOfficialAuth) {
    ecies_handshake::options o{};
    o.static_key = key("static_key_b");
    o.remote_id = pub("static_pub_b");  // anyone but A
    ecies_handshake b(handshake_role::recipient, o);
    bytes ack;
    EXPECT_EQ(b.consume(auth_bytes(auths[1]), ack).error(), errc::wrong_remote_identity);
    EXPECT_TRUE(ack.empty());
}

}  // namespace
}  // namespace polywire::rlpx
