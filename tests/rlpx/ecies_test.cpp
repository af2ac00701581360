#include "rlpx/ecies.hpp"

#include <gtest/gtest.h>

#include "rlpx/error.hpp"
#include "tests/support/hex.hpp"
#include "tests/support/replay_random.hpp"
#include "tests/support/vectors.hpp"

namespace polywire::rlpx::ecies {
namespace {
namespace secp = crypto::secp256k1;
using test::h;
using test::hx;

secp::private_key key(const std::string& hex) { return secp::parse_private_key(h(hex)).value(); }

const nlohmann::json& vectors() {
    static const nlohmann::json v = test::load_vectors("rlpx-vectors.json");
    return v;
}

struct keypair {
    secp::private_key priv;
    secp::public_key pub;
};

keypair fresh_keypair() {
    keypair k{secp::generate_private_key().value(), {}};
    k.pub = secp::derive_public_key(k.priv).value();
    return k;
}

TEST(EciesTest, ConcatKdfMatchesGethTestKdf) {
    const auto& kdf = vectors()["ecies"]["geth_TestKDF"];
    const bytes z = h(kdf["z_hex"].get<std::string>());
    for (const auto& [length, expected] : kdf["outputs"].items()) {
        bytes out(std::stoul(length));
        concat_kdf(z, out);
        EXPECT_EQ(hx(out), expected.get<std::string>()) << "length " << length;
    }
    bytes one_block(32);
    concat_kdf(as_bytes("input"), one_block);
    EXPECT_EQ(hx(one_block), "858b192fa2ed4395e2bf88dd8d5770d67dc284ee539f12da8bceaa45d06ebae0");
}

TEST(EciesTest, RoundTripWithoutSharedMacData) {
    const keypair b = fresh_keypair();
    const bytes m = h("00112233445566778899aabbccddeeff0102");
    const bytes c = encrypt(b.pub, m, {}).value();
    ASSERT_EQ(c.size(), m.size() + overhead);
    EXPECT_EQ(c[0], 0x04);
    const secure_bytes back = decrypt(b.priv, c, {}).value();
    EXPECT_EQ(bytes(back.begin(), back.end()), m);
}

TEST(EciesTest, RoundTripWithSharedMacDataWhichMustMatch) {
    const keypair b = fresh_keypair();
    const bytes m(300, 0x5a);
    const bytes s2 = h("01b3");
    const bytes c = encrypt(b.pub, m, s2).value();
    const secure_bytes back = decrypt(b.priv, c, s2).value();
    EXPECT_EQ(bytes(back.begin(), back.end()), m);
    EXPECT_EQ(decrypt(b.priv, c, {}).error(), errc::bad_auth_mac);
    EXPECT_EQ(decrypt(b.priv, c, h("01b4")).error(), errc::bad_auth_mac);
}

TEST(EciesTest, RoundTripOfAnEmptyPlaintext) {
    const keypair b = fresh_keypair();
    const bytes c = encrypt(b.pub, {}, {}).value();
    ASSERT_EQ(c.size(), overhead);
    EXPECT_TRUE(decrypt(b.priv, c, {}).value().empty());
}

TEST(EciesTest, TheRandomSourceGivesTheEphemeralKeyThenTheIv) {
    const keypair b = fresh_keypair();
    const keypair r = fresh_keypair();
    const std::array<std::uint8_t, 16> iv{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    const bytes m = h("68656c6c6f");
    const bytes c1 = encrypt(b.pub, m, {}, test::replay(test::cat(r.priv.view(), iv), false)).value();
    const bytes c2 = encrypt(b.pub, m, {}, test::replay(test::cat(r.priv.view(), iv), false)).value();
    EXPECT_EQ(c1, c2);
    EXPECT_EQ(hx(byte_view(c1).subspan(1, 64)), hx(r.pub));
    EXPECT_EQ(hx(byte_view(c1).subspan(65, 16)), hx(iv));
    EXPECT_NE(encrypt(b.pub, m, {}).value(), c1);
}

TEST(EciesTest, ARandomSourceErrorIsReturned) {
    const keypair b = fresh_keypair();
    const auto ec = std::make_error_code(std::errc::resource_unavailable_try_again);
    EXPECT_EQ(encrypt(b.pub, as_bytes("m"), {}, test::failing(ec)).error(), ec);     // the ephemeral key
    EXPECT_EQ(encrypt(b.pub, as_bytes("m"), {}, test::failing(ec, 1)).error(), ec);  // the IV
}

TEST(EciesTest, DecryptsEveryOfficialHandshakePacketToTheDerivedPlaintext) {
    const auto& hs = vectors()["handshake"];
    const auto& official = hs["official"];
    const auto& decrypted = hs["derived"]["decrypted"];
    struct packet_case {
        const char* group;
        const char* name;
        const char* derived_name;
        const char* key;
        bool eip8;
    };
    const packet_case cases[] = {
        {"auth", "auth1_legacy_v4_plain", "auth1_legacy", "static_key_b", false},
        {"auth", "auth2_eip8_v4", "auth2_eip8", "static_key_b", true},
        {"auth", "auth3_eip8_v56", "auth3_eip8_v56", "static_key_b", true},
        {"ack", "ack1_legacy_v4_plain", "ack1_legacy", "static_key_a", false},
        {"ack", "ack2_eip8_v4", "ack2_eip8", "static_key_a", true},
        {"ack", "ack3_eip8_v57", "ack3_eip8_v57", "static_key_a", true},
    };
    for (const auto& pc : cases) {
        SCOPED_TRACE(pc.name);
        const bytes packet = h(official[pc.group][pc.name]["hex"].get<std::string>());
        const byte_view wire(packet);
        const byte_view prefix = pc.eip8 ? wire.first(2) : byte_view{};
        const byte_view ciphertext = pc.eip8 ? wire.subspan(2) : wire;
        auto plain = decrypt(key(official[pc.key].get<std::string>()), ciphertext, prefix);
        ASSERT_TRUE(plain) << plain.error().message();
        EXPECT_EQ(hx(plain.value()), decrypted[pc.derived_name]["plaintext"].get<std::string>());
        EXPECT_EQ(hx(ciphertext.subspan(1, 64)), decrypted[pc.derived_name]["ecies"]["R"].get<std::string>());
        // An EIP-8 packet's prefix is authenticated: without it the tag fails.
        if (pc.eip8) {
            EXPECT_EQ(decrypt(key(official[pc.key].get<std::string>()), ciphertext, {}).error(), errc::bad_auth_mac);
        }
    }
}

TEST(EciesTest, DecryptWithTheWrongKeyFailsTheMac) {
    const keypair b = fresh_keypair();
    const keypair other = fresh_keypair();
    const bytes c = encrypt(b.pub, h("abcdef"), {}).value();
    EXPECT_EQ(decrypt(other.priv, c, {}).error(), errc::bad_auth_mac);
}

TEST(EciesTest, EveryTamperedByteAfterRFailsTheMac) {
    const keypair b = fresh_keypair();
    const bytes m(40, 0x11);
    const bytes c = encrypt(b.pub, m, h("0102")).value();
    for (std::size_t i = 65; i < c.size(); ++i) {
        bytes t = c;
        t[i] ^= 0x01;
        EXPECT_EQ(decrypt(b.priv, t, h("0102")).error(), errc::bad_auth_mac) << "byte " << i;
    }
}

TEST(EciesTest, RejectsAnEphemeralKeyOffTheCurve) {
    const keypair b = fresh_keypair();
    bytes c = encrypt(b.pub, h("abcdef"), {}).value();
    // X = 1, Y = 1: 1 != 1 + 7, not on secp256k1.
    std::fill(c.begin() + 1, c.begin() + 65, 0);
    c[32] = 1;
    c[64] = 1;
    EXPECT_EQ(decrypt(b.priv, c, {}).error(), errc::invalid_curve_point);
}

TEST(EciesTest, RejectsAFirstByteOtherThanUncompressed) {
    const keypair b = fresh_keypair();
    bytes c = encrypt(b.pub, h("abcdef"), {}).value();
    for (std::uint8_t first : {0x00, 0x02, 0x03, 0x05, 0xff}) {
        c[0] = first;
        EXPECT_EQ(decrypt(b.priv, c, {}).error(), errc::invalid_curve_point) << int(first);
    }
}

TEST(EciesTest, RejectsInputShorterThanTheOverhead) {
    const keypair b = fresh_keypair();
    const bytes c = encrypt(b.pub, h("abcdef"), {}).value();
    for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{65}, overhead - 1}) {
        EXPECT_EQ(decrypt(b.priv, byte_view(c).first(n), {}).error(), errc::handshake_too_short) << n;
    }
    // Cut inside the body: long enough, but the tag no longer matches.
    EXPECT_EQ(decrypt(b.priv, byte_view(c).first(c.size() - 1), {}).error(), errc::bad_auth_mac);
}

TEST(EciesTest, EncryptToAKeyOffTheCurveFails) {
    secp::public_key bad{};
    bad[31] = 1;
    bad[63] = 1;
    EXPECT_EQ(encrypt(bad, h("00"), {}).error(), errc::invalid_curve_point);
}

}  // namespace
}  // namespace polywire::rlpx::ecies
