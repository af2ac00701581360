// The official RLPx handshake vectors (EIP-8 "Test Vectors"; geth
// p2p/rlpx/rlpx_test.go) replayed through handshake, plus the MAC
// states the vector collector derived for every auth/ack pair.
//
// ECIES encryption is randomized, so an initiator cannot send the official
// auth packet byte for byte. The tests that inject it
// (send_auth_for_testing_only; the random source replays the official
// ephemeral keys and nonces) check the initiator's reading of the
// official acks and its MAC seeds; what the initiator BUILDS is checked by
// InitiatorBuildsTheOfficialAuthBodies (the signature is deterministic,
// RFC 6979 as libsecp256k1 computes it, so the whole decrypted body must
// equal the official one) and what the recipient builds by
// RecipientBuildsTheOfficialAckBodies.
#include "rlpx/handshake.hpp"

#include <botan/auto_rng.h>
#include <botan/bigint.h>
#include <botan/ecdsa.h>
#include <botan/pubkey.h>
#include <gtest/gtest.h>

#include "rlpx/config.hpp"  // before tests/support/pair.hpp, which needs the policies
#include "rlpx/ecies.hpp"
#include "rlpx/error.hpp"
#include "rlpx/rlp.hpp"
#include "tests/support/hex.hpp"
#include "tests/support/pair.hpp"
#include "tests/support/replay_random.hpp"
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
const nlohmann::json& geth() { return handshake_vectors()["from_geth_rlpx_test"]; }
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
handshake recipient_b() {
    handshake::options o{};
    o.static_key = key("static_key_b");
    return handshake(handshake_role::recipient, o, {.random = test::replay(test::cat(key("ephemeral_key_b").view(), nonce("nonce_b")))});
}

// Node A with the official keys and nonce, dialling B, whose auth "as sent"
// is the official packet `auth` (injected: that "sent == auth" then holds
// by construction; these tests check what A does with the acks).
handshake initiator_a(bytes auth) {
    handshake::options o{};
    o.static_key = key("static_key_a");
    o.remote_id = pub("static_pub_b");
    handshake a(handshake_role::initiator, o, {.random = test::replay(test::cat(key("ephemeral_key_a").view(), nonce("nonce_a")))});
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
        handshake b = recipient_b();
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

// Two sessions with the official static keys whose random sources replay
// the official ephemeral keys and nonces: each session's key log is told
// the official secrets under the documented labels (docs/architecture.md,
// "Key log").
TEST(OfficialVectorsTest, EachSessionsKeyLogIsToldTheOfficialSecrets) {
    test::recorded_key_log log_a, log_b;
    auto options = [](const char* self, const char* self_pub, const char* eph, const char* nonce_name,
                      const test::recorded_key_log& log) {
        rlpx::session::options o;
        o.handshake.static_key = key(self);
        o.protocol.capabilities = {{"test", 1, 4}};
        o.protocol.node_id = pub(self_pub);
        o.random = test::replay(test::cat(key(eph).view(), nonce(nonce_name)));
        o.key_log = log.sink();
        return o;
    };
    auto oa = options("static_key_a", "static_pub_a", "ephemeral_key_a", "nonce_a", log_a);
    oa.handshake.remote_id = pub("static_pub_b");
    test::session_pair<rlpx::session> p(oa, options("static_key_b", "static_pub_b", "ephemeral_key_b", "nonce_b", log_b));
    p.start();
    ASSERT_EQ(p.a.state(), transport::session_state::established);
    ASSERT_EQ(p.b.state(), transport::session_state::established);
    const auto& expected = official()["expected_secrets"];
    for (const auto* log : {&log_a, &log_b}) {
        EXPECT_EQ(hx(log->last("RLPX_AES_SECRET").value_or(bytes{})), str(expected["aes_secret"]));
        EXPECT_EQ(hx(log->last("RLPX_MAC_SECRET").value_or(bytes{})), str(expected["mac_secret"]));
        for (const auto& e : log->entries()) EXPECT_TRUE(e.label.starts_with("RLPX_")) << e.label;
    }
    // What the initiator holds after start(). The recipient reads the auth,
    // answers and completes in one step, and wipes its ephemeral key and
    // the nonces within it: they are never held between steps, so never told.
    EXPECT_EQ(hx(log_a.last("RLPX_EPHEMERAL_PRIVATE_KEY").value_or(bytes{})), str(official()["ephemeral_key_a"]));
    EXPECT_EQ(hx(log_a.last("RLPX_INITIATOR_NONCE").value_or(bytes{})), str(official()["nonce_a"]));
    EXPECT_EQ(hx(log_a.last("RLPX_STATIC_PRIVATE_KEY").value_or(bytes{})), str(official()["static_key_a"]));
}

TEST(OfficialVectorsTest, RecipientReproducesTheExpectedSecretsOfAuth2Ack2) {
    handshake b = recipient_b();
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
            handshake a = initiator_a(auth_packet);
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
        handshake b = recipient_b();
        bytes ack;
        ASSERT_TRUE(b.consume(auth_bytes(auth), ack));
        handshake a = initiator_a(auth_bytes(auth));
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
        handshake b = recipient_b();
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
        handshake a = initiator_a(auth_bytes(auths[1]));
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

/// The plaintext of a handshake packet (EIP-8: size prefix as MAC data).
secure_bytes open_packet(const secp::private_key& k, byte_view wire, bool eip8) {
    auto plain = eip8 ? ecies::decrypt(k, wire.subspan(2), wire.first(2)) : ecies::decrypt(k, wire, {});
    EXPECT_TRUE(plain) << plain.error().message();
    return plain ? std::move(plain).value() : secure_bytes{};
}
/// The RLP list at the front of an EIP-8 plaintext (the padding after it
/// is random), as encoded.
std::string body_list(const secure_bytes& plain) {
    auto list = rlp::decode(plain);
    EXPECT_TRUE(list);
    return list ? hx(list.value().encoded) : std::string{};
}

/// Whether `sig` (r || s || recid) is A's ephemeral key's signature over
/// static-shared-secret ^ nonce_a with the deterministic nonce of RFC 6979
/// (HMAC-SHA256), as libsecp256k1 computes it: checked against Botan's
/// ECDSA, an independent implementation, whose s may be the high one of
/// the pair (libsecp256k1 always gives the low s).
::testing::AssertionResult signed_as_rfc6979(byte_view sig) {
    if (sig.size() != 65) return ::testing::AssertionFailure() << "size " << sig.size();
    const bytes shared = h(str(derived()["static_shared_secret"]));
    const bytes na = h(str(official()["nonce_a"]));
    std::array<std::uint8_t, 32> signed_value{};
    for (std::size_t i = 0; i < 32; ++i) signed_value[i] = shared[i] ^ na[i];
    // The signature recovers to A's ephemeral key...
    secp::recoverable_signature rs{};
    std::copy(sig.begin(), sig.end(), rs.begin());
    auto recovered = secp::recover(rs, signed_value);
    if (!recovered || hx(recovered.value()) != str(derived()["ephemeral_pub_a"]))
        return ::testing::AssertionFailure() << "does not recover to ephemeral_pub_a";
    // ...and is RFC 6979's.
    Botan::AutoSeeded_RNG rng;
    const Botan::EC_Group group("secp256k1");
    const bytes x = h(str(official()["ephemeral_key_a"]));
    const Botan::ECDSA_PrivateKey k(rng, group, Botan::BigInt(x.data(), x.size()));
    Botan::PK_Signer signer(k, rng, "Raw(SHA-256)");  // RFC 6979 with SHA-256, the input as is
    const std::vector<std::uint8_t> botan_sig = signer.sign_message(signed_value.data(), signed_value.size(), rng);
    if (botan_sig.size() != 64) return ::testing::AssertionFailure() << "Botan gave " << botan_sig.size() << " bytes";
    if (hx(byte_view(botan_sig).first(32)) != hx(sig.first(32)))
        return ::testing::AssertionFailure() << "r differs from RFC 6979's " << hx(byte_view(botan_sig).first(32));
    const Botan::BigInt s_botan(botan_sig.data() + 32, 32), s_ours(sig.data() + 32, 32);
    if (s_ours != s_botan && s_ours != group.get_order() - s_botan)
        return ::testing::AssertionFailure() << "s differs from RFC 6979's";
    return ::testing::AssertionSuccess();
}

// Node A with the official keys and nonce, building its own auth.
handshake initiator_a_building(bool legacy) {
    handshake::options o{};
    o.static_key = key("static_key_a");
    o.remote_id = pub("static_pub_b");
    o.legacy_auth = legacy;
    return handshake(handshake_role::initiator, o, {.random = test::replay(test::cat(key("ephemeral_key_a").view(), nonce("nonce_a")))});
}

TEST(OfficialVectorsTest, InitiatorBuildsTheOfficialAuthBodies) {
    const secp::private_key kb = key("static_key_b");
    for (const bool legacy : {false, true}) {
        SCOPED_TRACE(legacy ? "legacy" : "EIP-8");
        const packet& official_auth = legacy ? auths[0] : auths[1];
        handshake a = initiator_a_building(legacy);
        bytes sent;
        ASSERT_FALSE(a.start(sent));
        EXPECT_NE(sent, auth_bytes(official_auth));  // ECIES is randomized: a packet of its own
        const secure_bytes ours = open_packet(kb, sent, !legacy);
        const secure_bytes theirs = open_packet(kb, auth_bytes(official_auth), !legacy);
        ASSERT_FALSE(ours.empty());
        ASSERT_FALSE(theirs.empty());
        if (legacy) {
            // sig || keccak256(ephemeral pubk) || pubk || nonce || 0x00: all
            // but the signature byte for byte.
            ASSERT_EQ(ours.size(), theirs.size());
            EXPECT_TRUE(signed_as_rfc6979(byte_view(ours).first(65)));
            EXPECT_EQ(hx(byte_view(ours).subspan(65)), hx(byte_view(theirs).subspan(65)));
        } else {
            ASSERT_EQ((std::size_t{sent[0]} << 8 | sent[1]) + 2, sent.size());
            // [sig, pubk, nonce, 4]: every field but the signature equals
            // the official body (see signed_as_rfc6979 for the signature).
            rlp::list_reader r(rlp::decode(ours).value().payload);
            const byte_view sig = r.next_bytes().value();
            EXPECT_TRUE(signed_as_rfc6979(sig)) << hx(sig);
            // The official auth's own signature recovers to the same key but
            // was made with another (random) nonce: it cannot be reproduced.
            EXPECT_FALSE(signed_as_rfc6979(h(str(geth()["auth_signature"]))));
            const std::size_t sig_field = 2 + 65;  // b8 41 || 65 bytes, after the list header
            const std::string list = body_list(ours), official_list = body_list(theirs);
            ASSERT_EQ(list.size(), official_list.size());
            const std::size_t header = 2 * 2;  // f8 a7
            EXPECT_EQ(list.substr(0, header), official_list.substr(0, header));
            EXPECT_EQ(list.substr(header + 2 * sig_field), official_list.substr(header + 2 * sig_field));
            EXPECT_EQ(hx(r.next_bytes().value()), str(derived()["static_pub_a"]));
            EXPECT_EQ(hx(r.next_bytes().value()), str(official()["nonce_a"]));
            EXPECT_EQ(r.next_uint().value(), geth()["auth2_want"]["version"].get<std::uint64_t>());
            EXPECT_TRUE(r.empty());
        }

        // B completes on it, and both ends derive the official secrets.
        handshake b = recipient_b();
        bytes ack, none;
        auto got = b.consume(sent, ack);
        ASSERT_TRUE(got) << got.error().message();
        ASSERT_TRUE(got.value().done);
        auto step = a.consume(ack, none);
        ASSERT_TRUE(step) << step.error().message();
        ASSERT_TRUE(step.value().done);
        secrets sa = a.take_secrets(), sb = b.take_secrets();
        for (const secrets* s : {&sa, &sb}) {
            EXPECT_EQ(hx(s->aes_secret), str(official()["expected_secrets"]["aes_secret"]));
            EXPECT_EQ(hx(s->mac_secret), str(official()["expected_secrets"]["mac_secret"]));
        }
        EXPECT_EQ(digest_after_foo(sa.egress_mac), digest_after_foo(sb.ingress_mac));
        EXPECT_EQ(digest_after_foo(sa.ingress_mac), digest_after_foo(sb.egress_mac));
    }
}

TEST(OfficialVectorsTest, RecipientBuildsTheOfficialAckBodies) {
    // B answers each official auth; its ack decrypts to the official ack's
    // body (legacy: byte for byte; EIP-8: the list [eph pubk, nonce, 4]).
    const secp::private_key ka = key("static_key_a");
    for (const auto& [auth, official_ack] : {std::pair{auths[0], acks[0]}, std::pair{auths[1], acks[1]}}) {
        SCOPED_TRACE(auth.name);
        handshake b = recipient_b();
        bytes ack;
        ASSERT_TRUE(b.consume(auth_bytes(auth), ack));
        const secure_bytes ours = open_packet(ka, ack, auth.eip8);
        const secure_bytes theirs = open_packet(ka, ack_bytes(official_ack), official_ack.eip8);
        if (auth.eip8) {
            EXPECT_EQ(body_list(ours), body_list(theirs));
        } else {
            EXPECT_EQ(hx(ours), hx(theirs));
        }
    }
}

TEST(OfficialVectorsTest, TheForwardCompatiblePacketsCarryWhatGethWants) {
    // The official packets decrypted here: the version and the extra list
    // elements after the known fields are geth's auth*_want / ack*_want.
    struct want {
        const packet& p;
        const char* name;
        bool is_auth;
        std::size_t known_fields;
    };
    const want wants[] = {
        {auths[1], "auth2_want", true, 3},
        {auths[2], "auth3_want", true, 3},
        {acks[1], "ack2_want", false, 2},
        {acks[2], "ack3_want", false, 2},
    };
    for (const want& w : wants) {
        SCOPED_TRACE(w.name);
        const auto& expected = geth()[w.name];
        const bytes wire = w.is_auth ? auth_bytes(w.p) : ack_bytes(w.p);
        const secure_bytes plain = open_packet(key(w.is_auth ? "static_key_b" : "static_key_a"), wire, true);
        rlp::list_reader r(rlp::decode(plain).value().payload);
        for (std::size_t i = 0; i < w.known_fields; ++i) ASSERT_TRUE(r.next_bytes());
        EXPECT_EQ(r.next_uint().value(), expected["version"].get<std::uint64_t>());
        std::vector<std::string> rest;
        while (!r.empty()) rest.push_back(hx(r.next().value().encoded));
        EXPECT_EQ(rest, expected["rest_raw_rlp"].get<std::vector<std::string>>());
    }
    EXPECT_EQ(geth()["auth3_want"]["version"].get<int>(), 56);
    EXPECT_EQ(geth()["ack3_want"]["version"].get<int>(), 57);
    EXPECT_EQ(geth()["auth3_want"]["rest_raw_rlp"].size(), 3u);
    EXPECT_EQ(geth()["ack3_want"]["rest_raw_rlp"].size(), 3u);
}

TEST(OfficialVectorsTest, RecipientExpectingAnotherNodeRejectsTheOfficialAuth) {
    handshake::options o{};
    o.static_key = key("static_key_b");
    o.remote_id = pub("static_pub_b");  // anyone but A
    handshake b(handshake_role::recipient, o);
    bytes ack;
    EXPECT_EQ(b.consume(auth_bytes(auths[1]), ack).error(), errc::wrong_remote_identity);
    EXPECT_TRUE(ack.empty());
}

}  // namespace
}  // namespace polywire::rlpx
