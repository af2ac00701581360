// crypto::ed25519 against RFC 8032 §7.1 (TEST 1, 2, 3 and SHA(abc)); any
// changed bit of the message, signature or key fails verification.
#include "policies/crypto/ed25519.hpp"

#include <gtest/gtest.h>

#include "tests/support/hex.hpp"

namespace polywire::crypto::ed25519 {
namespace {
using test::h;
using test::hx;

struct vector {
    const char* seed;
    const char* pub;
    const char* message;
    const char* sig;
};

// RFC 8032 §7.1.
const vector rfc8032[] = {
    {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
    {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
    {"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"},
    // TEST SHA(abc): the message is SHA-512("abc").
    {"833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
     "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
     "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
     "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704"},
};

TEST(Ed25519Test, Rfc8032Section7_1) {
    for (const auto& v : rfc8032) {
        auto k = private_key::from_seed(h(v.seed));
        ASSERT_TRUE(k);
        EXPECT_EQ(hx(k.value().public_key()), v.pub);
        EXPECT_EQ(hx(k.value().seed()), v.seed);
        const auto sig = k.value().sign(h(v.message));
        EXPECT_EQ(hx(sig), v.sig);
        EXPECT_TRUE(verify(k.value().public_key(), h(v.message), sig));
    }
}

TEST(Ed25519Test, AnyFlippedBitFailsVerification) {
    const auto& v = rfc8032[2];
    auto k = private_key::from_seed(h(v.seed)).value();
    const bytes msg = h(v.message);
    const auto sig = k.sign(msg);
    for (std::size_t i = 0; i < msg.size() * 8; ++i) {
        bytes m = msg;
        m[i / 8] ^= static_cast<std::uint8_t>(1u << (i % 8));
        EXPECT_FALSE(verify(k.public_key(), m, sig)) << "message bit " << i;
    }
    for (std::size_t i = 0; i < sig.size() * 8; ++i) {
        auto s = sig;
        s[i / 8] ^= static_cast<std::uint8_t>(1u << (i % 8));
        EXPECT_FALSE(verify(k.public_key(), msg, s)) << "signature bit " << i;
    }
    for (std::size_t i = 0; i < 256; ++i) {
        auto p = k.public_key();
        p[i / 8] ^= static_cast<std::uint8_t>(1u << (i % 8));
        EXPECT_FALSE(verify(p, msg, sig)) << "key bit " << i;
    }
}

TEST(Ed25519Test, RefusesSeedsOfTheWrongSize) {
    EXPECT_FALSE(private_key::from_seed(h("00")));
    EXPECT_FALSE(private_key::from_seed(bytes(64, 1)));
}

TEST(Ed25519Test, GeneratedKeysSignAndVerify) {
    auto a = private_key::generate(), b = private_key::generate();
    ASSERT_TRUE(a && b);
    EXPECT_NE(hx(a.value().public_key()), hx(b.value().public_key()));
    const auto sig = a.value().sign(as_bytes("polywire"));
    EXPECT_TRUE(verify(a.value().public_key(), as_bytes("polywire"), sig));
    EXPECT_FALSE(verify(b.value().public_key(), as_bytes("polywire"), sig));
}

}  // namespace
}  // namespace polywire::crypto::ed25519
