// crypto::ed25519 against RFC 8032 §7.1 (TEST 1, 2, 3 and SHA(abc)); any
// changed bit of the message, signature or key fails verification; keys of
// small order, non-canonical keys and S >= L are refused even where the
// verification equation holds.
#include "crypto/ed25519.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

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

// The eight points of order dividing 8, each in its canonical encoding:
// (0, 1) of order 1, (0, -1) of order 2, (±sqrt(-1), 0) of order 4 and the
// four points of order 8.
const char* const small_order_points[] = {
    "0100000000000000000000000000000000000000000000000000000000000000",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0000000000000000000000000000000000000000000000000000000000000080",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
};
// L = 2^252 + 27742317777372353535851937790883648493, little-endian.
const char* const group_order = "edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010";
const char* const identity = "0100000000000000000000000000000000000000000000000000000000000000";

public_key pk(const std::string& hex) {
    public_key k{};
    const bytes b = h(hex);
    std::copy(b.begin(), b.end(), k.begin());
    return k;
}

/// A message M for which k = SHA-512(R || A || M) mod L is a multiple of 8,
/// so that [k]A is the identity for any A of order dividing 8: then
/// R = identity, S = 0 satisfies the verification equation [S]B = R + [k]A.
/// (libsodium computes the hash and the reduction.)
bytes message_with_k_multiple_of_8(const public_key& a) {
    const bytes r = h(identity);
    for (std::uint32_t n = 0;; ++n) {
        const byte_view prefix = as_bytes("small order ");
        bytes m(prefix.begin(), prefix.end());
        for (int i = 0; i < 4; ++i) m.push_back(static_cast<std::uint8_t>(n >> (8 * i)));
        bytes in = r;
        in.insert(in.end(), a.begin(), a.end());
        in.insert(in.end(), m.begin(), m.end());
        std::uint8_t hash[64], k[32];
        crypto_hash_sha512(hash, in.data(), in.size());
        crypto_core_ed25519_scalar_reduce(k, hash);
        if ((k[0] & 7) == 0) return m;
    }
}

signature sig_of(const std::string& r_hex, const std::string& s_hex) {
    signature sig{};
    const bytes r = h(r_hex), s = h(s_hex);
    std::copy(r.begin(), r.end(), sig.begin());
    std::copy(s.begin(), s.end(), sig.begin() + 32);
    return sig;
}

TEST(Ed25519Test, RefusesEverySmallOrderPublicKey) {
    ASSERT_GE(sodium_init(), 0);
    const std::string zero_s(64, '0');
    for (const char* point : small_order_points) {
        const public_key a = pk(point);
        EXPECT_EQ(crypto_core_ed25519_is_valid_point(a.data()), 0) << point;
        EXPECT_FALSE(valid_public_key(a)) << point;
        // R = identity, S = 0 satisfies [S]B = R + [k]A for this message.
        const bytes m = message_with_k_multiple_of_8(a);
        EXPECT_FALSE(verify(a, m, sig_of(identity, zero_s))) << point;
        // The neutral point's "signature" of any message.
        EXPECT_FALSE(verify(a, as_bytes("anything"), sig_of(identity, zero_s))) << point;
    }
}

TEST(Ed25519Test, RefusesNonCanonicalPublicKeys) {
    const std::string zero_s(64, '0');
    // y = p + 1 (the neutral point (0, 1), encoded with y >= p) and (0, 1)
    // with the sign bit of x set although x = 0.
    for (const char* enc : {"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
                            "0100000000000000000000000000000000000000000000000000000000000080"}) {
        const public_key a = pk(enc);
        EXPECT_FALSE(valid_public_key(a)) << enc;
        EXPECT_FALSE(verify(a, message_with_k_multiple_of_8(a), sig_of(identity, zero_s))) << enc;
    }
    // Every encoding of y + p for y < 19 (where y + p < 2^255 still fits).
    for (std::uint8_t y = 0; y < 19; ++y) {
        public_key a = pk("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
        a[0] = static_cast<std::uint8_t>(0xed + y);
        EXPECT_FALSE(valid_public_key(a)) << hx(a);
        EXPECT_FALSE(verify(a, message_with_k_multiple_of_8(a), sig_of(identity, zero_s))) << hx(a);
    }
}

TEST(Ed25519Test, RefusesSAtOrAboveTheGroupOrder) {
    const auto& v = rfc8032[1];
    const public_key a = pk(v.pub);
    const bytes msg = h(v.message);
    const signature good = sig_of(std::string(v.sig).substr(0, 64), std::string(v.sig).substr(64));
    ASSERT_TRUE(verify(a, msg, good));
    // S + L: the same point, so the equation still holds (malleability).
    signature malleated = good;
    const bytes l = h(group_order);
    unsigned carry = 0;
    for (std::size_t i = 0; i < 32; ++i) {
        const unsigned sum = malleated[32 + i] + l[i] + carry;
        malleated[32 + i] = static_cast<std::uint8_t>(sum);
        carry = sum >> 8;
    }
    ASSERT_EQ(carry, 0u);
    EXPECT_FALSE(verify(a, msg, malleated));
    // S = L exactly (as good as S = 0 in the equation), with R = identity
    // and the neutral point as key, where S = 0 would hold.
    EXPECT_FALSE(verify(pk(identity), as_bytes("anything"), sig_of(identity, group_order)));
    // Top bits set.
    signature high = good;
    high[63] |= 0xe0;
    EXPECT_FALSE(verify(a, msg, high));
}

TEST(Ed25519Test, HonestKeysAreValidPublicKeys) {
    for (const auto& v : rfc8032) EXPECT_TRUE(valid_public_key(pk(v.pub))) << v.pub;
    for (int i = 0; i < 8; ++i) EXPECT_TRUE(valid_public_key(private_key::generate().value().public_key()));
}

}  // namespace
}  // namespace polywire::crypto::ed25519
