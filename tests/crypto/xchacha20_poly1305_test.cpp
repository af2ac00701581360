// XChaCha20-Poly1305 on every backend (crypto::xchacha20_poly1305 from
// Botan, crypto::openssl_xchacha20_poly1305, crypto::sodium_xchacha20_poly1305,
// and the size-switched pair of the last two)
// against draft-irtf-cfrg-xchacha-03 §A.3.1 (the AEAD_XChaCha20_Poly1305
// example): seal, open, every flipped bit refused with the output wiped, and
// misuse reported.
#include "crypto/xchacha20_poly1305.hpp"

#include <gtest/gtest.h>

#include "crypto/backend.hpp"

#include "tests/support/hex.hpp"
#include "transport/error.hpp"

namespace polywire::crypto {
namespace {
using test::h;
using test::hx;

constexpr std::string_view sunscreen =
    "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be "
    "it.";

// draft-irtf-cfrg-xchacha-03, A.3.1.
struct draft_a31 {
    bytes key = h("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
    bytes nonce = h("404142434445464748494a4b4c4d4e4f5051525354555657");
    bytes ad = h("50515253c0c1c2c3c4c5c6c7");
    bytes plaintext = bytes(as_bytes(sunscreen).begin(), as_bytes(sunscreen).end());
    std::string ciphertext =
        "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54"
        "c216cb96b72e1213b4522f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff921f9664c97637da9768812"
        "f615c68b13b52e";
    std::string tag = "c0875924c1c7987947deafd8780acf49";
};

template <class Aead>
class XChaCha20Poly1305Test : public ::testing::Test {};
using backends = ::testing::Types<backend_traits<botan_backend>::xchacha20_poly1305,
                                  backend_traits<openssl_backend>::xchacha20_poly1305,
                                  backend_traits<sodium_backend>::xchacha20_poly1305,
                                  backend_traits<size_switched_backend>::xchacha20_poly1305>;
TYPED_TEST_SUITE(XChaCha20Poly1305Test, backends);

TYPED_TEST(XChaCha20Poly1305Test, SealsDraftA31Vector) {
    draft_a31 v;
    TypeParam aead;
    ASSERT_FALSE(aead.set_key(v.key));
    bytes data = v.plaintext;
    std::array<std::uint8_t, 16> tag{};
    ASSERT_FALSE(aead.seal(v.nonce, v.ad, data, tag));
    EXPECT_EQ(hx(data), v.ciphertext);
    EXPECT_EQ(hx(tag), v.tag);
}

TYPED_TEST(XChaCha20Poly1305Test, OpensDraftA31Vector) {
    draft_a31 v;
    TypeParam aead;
    ASSERT_FALSE(aead.set_key(v.key));
    bytes data = h(v.ciphertext);
    ASSERT_FALSE(aead.open(v.nonce, v.ad, data, h(v.tag)));
    EXPECT_EQ(data, v.plaintext);
}

TYPED_TEST(XChaCha20Poly1305Test, RejectsAnyFlippedBitAndWipesTheOutput) {
    draft_a31 v;
    TypeParam aead;
    ASSERT_FALSE(aead.set_key(v.key));
    const bytes ct = h(v.ciphertext), tag = h(v.tag);
    const std::size_t total = ct.size() + tag.size() + v.ad.size() + v.nonce.size();
    for (std::size_t i = 0; i < total; ++i) {
        bytes c = ct, t = tag, ad = v.ad, n = v.nonce;
        std::size_t j = i;
        if (j < c.size()) c[j] ^= 0x01;
        else if ((j -= c.size()) < t.size()) t[j] ^= 0x80;
        else if ((j -= t.size()) < ad.size()) ad[j] ^= 0x40;
        else n[j - ad.size()] ^= 0x02;
        auto ec = aead.open(n, ad, c, t);
        ASSERT_EQ(ec, aead_errc::tag_mismatch) << "byte " << i;
        EXPECT_EQ(ec, transport::condition::authentication_failed);
        EXPECT_EQ(c, bytes(c.size(), 0)) << "byte " << i;
    }
}

TYPED_TEST(XChaCha20Poly1305Test, DiffersFromTheIetfAeadAndRoundTripsEmptyMessages) {
    draft_a31 v;
    TypeParam aead;
    ASSERT_FALSE(aead.set_key(v.key));
    std::array<std::uint8_t, 16> tag{};
    bytes empty;
    ASSERT_FALSE(aead.seal(v.nonce, {}, empty, tag));
    EXPECT_FALSE(aead.open(v.nonce, {}, empty, tag));
    // Re-keying takes effect at once.
    ASSERT_FALSE(aead.set_key(bytes(32, 7)));
    EXPECT_EQ(aead.open(v.nonce, {}, empty, tag), aead_errc::tag_mismatch);
}

TYPED_TEST(XChaCha20Poly1305Test, ReportsMisuse) {
    TypeParam aead;
    std::array<std::uint8_t, 16> tag{};
    bytes data(4, 1);
    EXPECT_FALSE(aead.has_key());
    EXPECT_EQ(aead.seal(bytes(24), {}, data, tag), aead_errc::no_key);
    EXPECT_EQ(aead.set_key(bytes(16)), aead_errc::bad_key_size);
    ASSERT_FALSE(aead.set_key(bytes(32)));
    EXPECT_EQ(aead.seal(bytes(12), {}, data, tag), aead_errc::bad_nonce_size);
    EXPECT_EQ(aead.open(bytes(24), {}, data, bytes(15)), aead_errc::bad_tag_size);
}

}  // namespace
}  // namespace polywire::crypto
