// crypto::sodium_chacha20_poly1305 and crypto::sodium_xchacha20_poly1305
// beyond the shared known answers (chacha20_poly1305_test.cpp,
// xchacha20_poly1305_test.cpp): they agree with Botan's wrappers on many
// sizes, with and without associated data, and a re-key takes effect.
#include "crypto/sodium_aead.hpp"

#include <gtest/gtest.h>

#include <array>

#include "crypto/random.hpp"
#include "crypto/xchacha20_poly1305.hpp"

namespace polywire::crypto {
namespace {

bytes random(std::size_t n) {
    bytes b(n);
    EXPECT_FALSE(random_bytes(b));
    return b;
}

template <class A, class B>
void agree(A& a, B& b, std::size_t nonce_size, std::size_t n) {
    const bytes nonce = random(nonce_size), ad = random(n % 5), plain = random(n);
    bytes x = plain, y = plain;
    std::array<std::uint8_t, 16> tx{}, ty{};
    ASSERT_FALSE(a.seal(nonce, ad, x, tx));
    ASSERT_FALSE(b.seal(nonce, ad, y, ty));
    ASSERT_EQ(x, y) << n;
    ASSERT_EQ(tx, ty) << n;
    ASSERT_FALSE(a.open(nonce, ad, y, ty)) << n;
    ASSERT_EQ(y, plain) << n;
}

TEST(SodiumAeadTest, AgreesWithBotanOnManySizes) {
    const bytes key = random(32);
    sodium_chacha20_poly1305 s12;
    chacha20_poly1305 b12;
    sodium_xchacha20_poly1305 s24;
    xchacha20_poly1305 b24;
    ASSERT_FALSE(s12.set_key(key));
    ASSERT_FALSE(b12.set_key(key));
    ASSERT_FALSE(s24.set_key(key));
    ASSERT_FALSE(b24.set_key(key));
    for (std::size_t n : {0u, 1u, 63u, 64u, 65u, 1024u, 16384u, 100000u}) {
        agree(s12, b12, 12, n);
        agree(s24, b24, 24, n);
    }
}

TEST(SodiumAeadTest, ReKeyingTakesEffect) {
    sodium_xchacha20_poly1305 a;
    ASSERT_FALSE(a.set_key(bytes(32, 1)));
    const bytes nonce(24, 9);
    bytes m = {1, 2, 3};
    std::array<std::uint8_t, 16> tag{};
    ASSERT_FALSE(a.seal(nonce, {}, m, tag));
    ASSERT_FALSE(a.set_key(bytes(32, 2)));
    EXPECT_EQ(a.open(nonce, {}, m, tag), aead_errc::tag_mismatch);
    EXPECT_EQ(m, bytes(3, 0));
}

}  // namespace
}  // namespace polywire::crypto
