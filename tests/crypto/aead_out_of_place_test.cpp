// Sealing out of place (`seal(nonce, ad, in, out, tag)`), for every AEAD
// that offers it: the same ciphertext and tag as sealing a copy in place,
// the input untouched, and buffers that partly overlap or differ in length
// refused (aead_errc::bad_buffers) with the output and tag zeroed.
#include <gtest/gtest.h>

#include <algorithm>

#include "crypto/backend.hpp"
#include "crypto/openssl_aead.hpp"
#include "crypto/openssl_aes_gcm.hpp"
#include "crypto/sodium_aead.hpp"

namespace polywire::crypto {
namespace {

bytes seq(std::size_t n, std::uint8_t from) {
    bytes b(n);
    for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(from + 13 * i);
    return b;
}

template <class A>
class AeadOutOfPlaceTest : public ::testing::Test {};
using aeads = ::testing::Types<openssl_aes256_gcm, sodium_chacha20_poly1305, sodium_xchacha20_poly1305,
                               openssl_chacha20_poly1305, openssl_xchacha20_poly1305,
                               backend_traits<size_switched_backend>::chacha20_poly1305,
                               backend_traits<size_switched_backend>::xchacha20_poly1305>;
TYPED_TEST_SUITE(AeadOutOfPlaceTest, aeads);

TYPED_TEST(AeadOutOfPlaceTest, SealsWhatSealingACopyInPlaceSeals) {
    TypeParam a, b;
    ASSERT_FALSE(a.set_key(seq(32, 1)));
    ASSERT_FALSE(b.set_key(seq(32, 1)));
    const bytes nonce = seq(TypeParam::nonce_size, 9), ad = seq(5, 77);
    for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{63}, std::size_t{600}, std::size_t{16384}}) {
        const bytes plain = seq(n, static_cast<std::uint8_t>(n));
        bytes copy = plain, out(n, 0xee);
        std::array<std::uint8_t, 16> t1{}, t2{};
        ASSERT_FALSE(a.seal(nonce, ad, copy, t1));
        ASSERT_FALSE(b.seal(nonce, ad, plain, out, t2)) << n;
        EXPECT_EQ(out, copy) << n;
        EXPECT_EQ(t1, t2) << n;
        EXPECT_EQ(plain, seq(n, static_cast<std::uint8_t>(n)));  // the input is read only
        ASSERT_FALSE(a.open(nonce, ad, out, t2)) << n;
        EXPECT_EQ(out, plain) << n;
    }
}

TYPED_TEST(AeadOutOfPlaceTest, RefusesOverlappingOrUnequalBuffers) {
    TypeParam a;
    ASSERT_FALSE(a.set_key(seq(32, 1)));
    const bytes nonce = seq(TypeParam::nonce_size, 9);
    bytes buf = seq(600, 3);
    std::array<std::uint8_t, 16> tag{};
    tag.fill(0x55);
    // `out` starts 1 byte into `in`: they overlap without being the same bytes.
    const byte_view in(buf.data(), 500);
    const mutable_byte_view out(buf.data() + 1, 500);
    EXPECT_EQ(a.seal(nonce, {}, in, out, tag), aead_errc::bad_buffers);
    EXPECT_TRUE(std::all_of(out.begin(), out.end(), [](std::uint8_t v) { return v == 0; }));
    EXPECT_TRUE(std::all_of(tag.begin(), tag.end(), [](std::uint8_t v) { return v == 0; }));
    // `in` starts inside `out`.
    buf = seq(600, 3);
    EXPECT_EQ(a.seal(nonce, {}, byte_view(buf.data() + 99, 500), mutable_byte_view(buf.data(), 500), tag),
              aead_errc::bad_buffers);
    // Unequal lengths.
    bytes small(10), big(11);
    EXPECT_EQ(a.seal(nonce, {}, small, big, tag), aead_errc::bad_buffers);
    // Adjacent is apart; the same bytes is in place.
    buf = seq(600, 3);
    EXPECT_FALSE(a.seal(nonce, {}, byte_view(buf.data(), 300), mutable_byte_view(buf.data() + 300, 300), tag));
    EXPECT_FALSE(a.seal(nonce, {}, byte_view(buf.data(), 300), mutable_byte_view(buf.data(), 300), tag));
}

}  // namespace
}  // namespace polywire::crypto
