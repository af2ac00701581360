// crypto/backend.hpp: each backend tag names a wrapper per
// primitive with one interface, the defaults name real backends, what one
// backend seals every other opens, and the size-switched AEADs give Botan's
// bytes on both sides of their threshold.
#include "crypto/backend.hpp"

#include <gtest/gtest.h>

#include <array>
#include <type_traits>

#include "crypto/random.hpp"

namespace polywire::crypto {
namespace {

static_assert(std::is_same_v<backend_traits<botan_backend>::aes_ctr, aes_ctr>);
static_assert(std::is_same_v<backend_traits<openssl_backend>::xchacha20_poly1305, openssl_xchacha20_poly1305>);
static_assert(std::is_same_v<backend_traits<sodium_backend>::chacha20_poly1305, sodium_chacha20_poly1305>);
static_assert(backend_traits<openssl_backend>::chacha20_poly1305::nonce_size == 12);
static_assert(backend_traits<sodium_backend>::xchacha20_poly1305::nonce_size == 24);

TEST(BackendTest, DefaultsAreNamedBackends) {
    EXPECT_EQ(default_aes_ctr_backend::name, "OpenSSL");
    EXPECT_EQ(default_chacha20_poly1305_backend::name, "libsodium/OpenSSL by size");
    EXPECT_EQ(default_xchacha20_poly1305_backend::name, "libsodium/OpenSSL by size");
    EXPECT_EQ(botan_backend::name, "Botan");
    EXPECT_EQ(sodium_backend::name, "libsodium");
}

template <class Seal, class Open>
void crosses(std::size_t nonce_size) {
    bytes key(32), nonce(nonce_size), ad(13), plain(777);
    ASSERT_FALSE(random_bytes(key));
    ASSERT_FALSE(random_bytes(nonce));
    ASSERT_FALSE(random_bytes(ad));
    ASSERT_FALSE(random_bytes(plain));
    Seal s;
    Open o;
    ASSERT_FALSE(s.set_key(key));
    ASSERT_FALSE(o.set_key(key));
    bytes m = plain;
    std::array<std::uint8_t, 16> tag{};
    ASSERT_FALSE(s.seal(nonce, ad, m, tag));
    ASSERT_FALSE(o.open(nonce, ad, m, tag));
    EXPECT_EQ(m, plain);
}

template <template <class> class Member>
void every_pair(std::size_t nonce_size) {
    using b = Member<botan_backend>;
    using o = Member<openssl_backend>;
    using s = Member<sodium_backend>;
    using w = Member<size_switched_backend>;
    crosses<typename b::type, typename o::type>(nonce_size);
    crosses<typename o::type, typename b::type>(nonce_size);
    crosses<typename o::type, typename s::type>(nonce_size);
    crosses<typename s::type, typename o::type>(nonce_size);
    crosses<typename b::type, typename s::type>(nonce_size);
    crosses<typename s::type, typename b::type>(nonce_size);
    crosses<typename w::type, typename b::type>(nonce_size);
    crosses<typename b::type, typename w::type>(nonce_size);
}

template <class B>
struct chacha {
    using type = typename backend_traits<B>::chacha20_poly1305;
};
template <class B>
struct xchacha {
    using type = typename backend_traits<B>::xchacha20_poly1305;
};

TEST(BackendTest, WhatOneBackendSealsEveryOtherOpens) {
    every_pair<chacha>(12);
    every_pair<xchacha>(24);
}

template <class Switched, class Reference>
void agrees_around_the_threshold() {
    bytes key(32), nonce(Switched::nonce_size);
    ASSERT_FALSE(random_bytes(key));
    ASSERT_FALSE(random_bytes(nonce));
    Switched s;
    Reference r;
    ASSERT_FALSE(s.set_key(key));
    ASSERT_FALSE(r.set_key(key));
    EXPECT_TRUE(s.has_key());
    for (std::size_t n : {std::size_t{0}, Switched::threshold - 1, Switched::threshold, Switched::threshold + 1,
                          4 * Switched::threshold}) {
        bytes plain(n), x, y;
        ASSERT_FALSE(random_bytes(plain));
        x = y = plain;
        std::array<std::uint8_t, 16> tx{}, ty{};
        ASSERT_FALSE(s.seal(nonce, {}, x, tx));
        ASSERT_FALSE(r.seal(nonce, {}, y, ty));
        EXPECT_EQ(x, y) << n;
        EXPECT_EQ(tx, ty) << n;
        auto bad = tx;
        bad[15] ^= 1;
        bytes z = x;
        EXPECT_EQ(s.open(nonce, {}, z, bad), aead_errc::tag_mismatch) << n;
        EXPECT_EQ(z, bytes(n, 0)) << n;
        ASSERT_FALSE(s.open(nonce, {}, x, tx)) << n;
        EXPECT_EQ(x, plain) << n;
    }
}

TEST(BackendTest, SizeSwitchedAeadsAgreeWithBotanOnBothSidesOfTheirThreshold) {
    using traits = backend_traits<size_switched_backend>;
    static_assert(traits::chacha20_poly1305::threshold == 512 && traits::xchacha20_poly1305::threshold == 256);
    agrees_around_the_threshold<traits::chacha20_poly1305, chacha20_poly1305>();
    agrees_around_the_threshold<traits::xchacha20_poly1305, xchacha20_poly1305>();
}

TEST(BackendTest, AesCtrBackendsShareTheKeystream) {
    const bytes key(32, 5), iv(16, 6);
    bytes a(1000, 0), b(1000, 0);
    backend_traits<botan_backend>::aes_ctr(key, iv).apply(a);
    backend_traits<openssl_backend>::aes_ctr(key, iv).apply(b);
    EXPECT_EQ(a, b);
    EXPECT_NE(a, bytes(1000, 0));
}

}  // namespace
}  // namespace polywire::crypto
