// crypto::openssl_chacha20_poly1305 and crypto::openssl_xchacha20_poly1305
// beyond the shared known answers (chacha20_poly1305_test.cpp,
// xchacha20_poly1305_test.cpp): they agree with Botan's wrappers on many
// sizes; the XChaCha20 subkey follows the nonce's first 16 bytes when they
// change and the key when it is replaced; a failed open leaves the object
// usable and nothing of the plaintext behind.
#include "crypto/openssl_aead.hpp"

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
    const bytes nonce = random(nonce_size), ad = random(n % 7), plain = random(n);
    bytes x = plain, y = plain;
    std::array<std::uint8_t, 16> tx{}, ty{};
    ASSERT_FALSE(a.seal(nonce, ad, x, tx));
    ASSERT_FALSE(b.seal(nonce, ad, y, ty));
    ASSERT_EQ(x, y) << n;
    ASSERT_EQ(tx, ty) << n;
    ASSERT_FALSE(a.open(nonce, ad, y, ty)) << n;  // across wrappers too
    ASSERT_EQ(y, plain) << n;
}

TEST(OpenSslAeadTest, AgreesWithBotanOnManySizes) {
    const bytes key = random(32);
    openssl_chacha20_poly1305 o12;
    chacha20_poly1305 b12;
    openssl_xchacha20_poly1305 o24;
    xchacha20_poly1305 b24;
    ASSERT_FALSE(o12.set_key(key));
    ASSERT_FALSE(b12.set_key(key));
    ASSERT_FALSE(o24.set_key(key));
    ASSERT_FALSE(b24.set_key(key));
    for (std::size_t n : {0u, 1u, 15u, 16u, 17u, 63u, 64u, 65u, 255u, 1024u, 16384u, 100000u}) {
        agree(o12, b12, 12, n);
        agree(o24, b24, 24, n);
    }
}

TEST(OpenSslAeadTest, XChaChaSubkeyFollowsThePrefixAndTheKey) {
    // Alternate two prefixes (each direction caches the subkey of the last
    // one it saw), then change the key.
    openssl_xchacha20_poly1305 o;
    xchacha20_poly1305 b;
    for (int round = 0; round < 2; ++round) {
        const bytes key = random(32);
        ASSERT_FALSE(o.set_key(key));
        ASSERT_FALSE(b.set_key(key));
        bytes n1 = random(24), n2 = random(24);
        for (int i = 0; i < 3; ++i) {
            for (bytes* n : {&n1, &n2}) {
                (*n)[23] = static_cast<std::uint8_t>(i);  // counter part moves, prefix stays
                bytes x(40, 0x11), y(40, 0x11);
                std::array<std::uint8_t, 16> tx{}, ty{};
                ASSERT_FALSE(o.seal(*n, {}, x, tx));
                ASSERT_FALSE(b.seal(*n, {}, y, ty));
                EXPECT_EQ(x, y);
                EXPECT_EQ(tx, ty);
                ASSERT_FALSE(o.open(*n, {}, x, tx));
                EXPECT_EQ(x, bytes(40, 0x11));
            }
        }
    }
}

TEST(OpenSslAeadTest, AFailedOpenWipesAndLeavesTheObjectUsable) {
    openssl_xchacha20_poly1305 a;
    ASSERT_FALSE(a.set_key(random(32)));
    const bytes nonce = random(24), plain = random(3000);
    bytes c = plain;
    std::array<std::uint8_t, 16> tag{};
    ASSERT_FALSE(a.seal(nonce, {}, c, tag));
    const bytes sealed = c;
    auto bad = tag;
    bad[0] ^= 1;
    EXPECT_EQ(a.open(nonce, {}, c, bad), aead_errc::tag_mismatch);
    EXPECT_EQ(c, bytes(c.size(), 0));  // no decrypted byte survives
    c = sealed;
    ASSERT_FALSE(a.open(nonce, {}, c, tag));
    EXPECT_EQ(c, plain);
}

}  // namespace
}  // namespace polywire::crypto
