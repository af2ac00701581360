// ChaCha20-Poly1305 (RFC 8439) on every backend: crypto::chacha20_poly1305
// (Botan), crypto::openssl_chacha20_poly1305, crypto::sodium_chacha20_poly1305
// and the size-switched pair of the last two pass the same known answers, refuse every
// flipped bit with the output wiped, and report misuse alike.
#include "crypto/chacha20_poly1305.hpp"

#include <gtest/gtest.h>

#include "crypto/backend.hpp"

#include "tests/support/hex.hpp"
#include "transport/error.hpp"

namespace polywire::crypto {
namespace {
using test::h;
using test::hx;

// RFC 8439 §2.8.2: the AEAD_CHACHA20_POLY1305 test vector.
struct rfc8439 {
    bytes key = h("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
    bytes nonce = h("070000004041424344454647");
    bytes ad = h("50515253c0c1c2c3c4c5c6c7");
    bytes plaintext = bytes(as_bytes("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for "
                                     "the future, sunscreen would be it.").begin(),
                            as_bytes("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for "
                                     "the future, sunscreen would be it.").end());
    std::string ciphertext =
        "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b1a71de0a9e06"
        "0b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9de576d265"
        "86cec64b6116";
    std::string tag = "1ae10b594f09e26a7e902ecbd0600691";
};

template <class Aead>
class ChaCha20Poly1305Test : public ::testing::Test {};
using backends = ::testing::Types<backend_traits<botan_backend>::chacha20_poly1305,
                                  backend_traits<openssl_backend>::chacha20_poly1305,
                                  backend_traits<sodium_backend>::chacha20_poly1305,
                                  backend_traits<size_switched_backend>::chacha20_poly1305>;
TYPED_TEST_SUITE(ChaCha20Poly1305Test, backends);

TYPED_TEST(ChaCha20Poly1305Test, SealsRfc8439Vector) {
    rfc8439 v;
    TypeParam aead;
    ASSERT_FALSE(aead.set_key(v.key));
    bytes data = v.plaintext;
    std::array<std::uint8_t, 16> tag{};
    ASSERT_FALSE(aead.seal(v.nonce, v.ad, data, tag));
    EXPECT_EQ(hx(data), v.ciphertext);
    EXPECT_EQ(hx(tag), v.tag);
}

TYPED_TEST(ChaCha20Poly1305Test, OpensRfc8439Vector) {
    rfc8439 v;
    TypeParam aead;
    ASSERT_FALSE(aead.set_key(v.key));
    bytes data = h(v.ciphertext);
    ASSERT_FALSE(aead.open(v.nonce, v.ad, data, h(v.tag)));
    EXPECT_EQ(data, v.plaintext);
}

TYPED_TEST(ChaCha20Poly1305Test, RejectsAnyFlippedBitAndWipesTheOutput) {
    rfc8439 v;
    TypeParam aead;
    ASSERT_FALSE(aead.set_key(v.key));
    const bytes ct = h(v.ciphertext), tag = h(v.tag);
    for (std::size_t i = 0; i < ct.size() + tag.size() + v.ad.size(); ++i) {
        bytes c = ct, t = tag, ad = v.ad;
        if (i < c.size()) c[i] ^= 0x01;
        else if (i < c.size() + t.size()) t[i - c.size()] ^= 0x80;
        else ad[i - c.size() - t.size()] ^= 0x40;
        auto ec = aead.open(v.nonce, ad, c, t);
        ASSERT_EQ(ec, aead_errc::tag_mismatch) << "byte " << i;
        EXPECT_EQ(ec, transport::condition::authentication_failed);
        EXPECT_EQ(c, bytes(c.size(), 0)) << "byte " << i;
    }
    // The state is not poisoned by failures.
    bytes c = ct;
    EXPECT_FALSE(aead.open(v.nonce, v.ad, c, tag));
}

TYPED_TEST(ChaCha20Poly1305Test, EmptyPlaintextIsATagOnly) {
    // BOLT 8 Act One: encryptWithAD(temp_k1, 0, h, zero) = c.
    TypeParam aead;
    ASSERT_FALSE(aead.set_key(h("e68f69b7f096d7917245f5e5cf8ae1595febe4d4644333c99f9c4a1282031c9f")));
    std::array<std::uint8_t, 16> tag{};
    ASSERT_FALSE(aead.seal(bytes(12, 0), h("9e0e7de8bb75554f21db034633de04be41a2b8a18da7a319a03c803bf02b396c"), {}, tag));
    EXPECT_EQ(hx(tag), "0df6086551151f58b8afe6c195782c6a");
}

TYPED_TEST(ChaCha20Poly1305Test, RekeyingTakesEffectForBothDirections) {
    TypeParam a, b;
    ASSERT_FALSE(a.set_key(bytes(32, 1)));
    ASSERT_FALSE(b.set_key(bytes(32, 1)));
    bytes m = {1, 2, 3};
    std::array<std::uint8_t, 16> tag{};
    ASSERT_FALSE(a.seal(bytes(12, 0), {}, m, tag));
    ASSERT_FALSE(b.open(bytes(12, 0), {}, m, tag));
    ASSERT_FALSE(a.set_key(bytes(32, 2)));
    ASSERT_FALSE(a.seal(bytes(12, 0), {}, m, tag));
    EXPECT_EQ(b.open(bytes(12, 0), {}, m, tag), aead_errc::tag_mismatch);
    ASSERT_FALSE(b.set_key(bytes(32, 2)));
    m = {1, 2, 3};
    ASSERT_FALSE(a.seal(bytes(12, 0), {}, m, tag));
    ASSERT_FALSE(b.open(bytes(12, 0), {}, m, tag));
    EXPECT_EQ(m, (bytes{1, 2, 3}));
}

TYPED_TEST(ChaCha20Poly1305Test, ReportsMisuseWithoutThrowing) {
    TypeParam aead;
    bytes m = {1, 2, 3};
    std::array<std::uint8_t, 16> tag{};
    EXPECT_EQ(aead.seal(bytes(12, 0), {}, m, tag), aead_errc::no_key);
    EXPECT_EQ(m, bytes(3, 0));  // nothing readable leaves on an error
    EXPECT_EQ(aead.set_key(bytes(16, 0)), aead_errc::bad_key_size);
    ASSERT_FALSE(aead.set_key(bytes(32, 0)));
    EXPECT_EQ(aead.seal(bytes(8, 0), {}, m, tag), aead_errc::bad_nonce_size);
    EXPECT_EQ(aead.open(bytes(12, 0), {}, m, bytes(15, 0)), aead_errc::bad_tag_size);
    EXPECT_EQ(aead.open(bytes(12, 0), {}, m, bytes(15, 0)), transport::condition::misuse);
}

}  // namespace
}  // namespace polywire::crypto
