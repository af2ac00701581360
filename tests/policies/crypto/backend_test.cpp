// policies/crypto/backend.hpp: each backend tag names a wrapper per
// primitive with one interface, the defaults name real backends, and what
// one backend seals every other opens.
#include "policies/crypto/backend.hpp"

#include <gtest/gtest.h>

#include <array>
#include <type_traits>

#include "policies/crypto/random.hpp"

namespace polywire::crypto {
namespace {

static_assert(std::is_same_v<backend_traits<botan_backend>::aes_ctr, aes_ctr>);
static_assert(std::is_same_v<backend_traits<openssl_backend>::xchacha20_poly1305, openssl_xchacha20_poly1305>);
static_assert(std::is_same_v<backend_traits<sodium_backend>::chacha20_poly1305, sodium_chacha20_poly1305>);
static_assert(backend_traits<openssl_backend>::chacha20_poly1305::nonce_size == 12);
static_assert(backend_traits<sodium_backend>::xchacha20_poly1305::nonce_size == 24);

TEST(BackendTest, DefaultsAreNamedBackends) {
    EXPECT_EQ(default_aes_ctr_backend::name, "OpenSSL");
    EXPECT_EQ(default_chacha20_poly1305_backend::name, "OpenSSL");
    EXPECT_EQ(default_xchacha20_poly1305_backend::name, "OpenSSL");
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
    crosses<typename b::type, typename o::type>(nonce_size);
    crosses<typename o::type, typename b::type>(nonce_size);
    crosses<typename o::type, typename s::type>(nonce_size);
    crosses<typename s::type, typename o::type>(nonce_size);
    crosses<typename b::type, typename s::type>(nonce_size);
    crosses<typename s::type, typename b::type>(nonce_size);
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
