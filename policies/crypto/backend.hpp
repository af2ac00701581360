// Primitive backends: which library computes a primitive is a compile-time
// choice. A backend is a tag; `backend_traits<Tag>` names its wrapper for
// each primitive it offers, and the policy models take the tag as a
// template parameter (policies/models: aes_ctr<32, openssl_backend>,
// chacha20_poly1305<1000, botan_backend>, basic_xchacha20_poly1305<sodium_backend>).
//
//   primitive            Botan 2                OpenSSL 3                    libsodium
//   AES-CTR              aes_ctr                openssl_aes_ctr              —
//   ChaCha20-Poly1305    chacha20_poly1305      openssl_chacha20_poly1305    sodium_chacha20_poly1305
//   XChaCha20-Poly1305   xchacha20_poly1305     openssl_xchacha20_poly1305   sodium_xchacha20_poly1305
//                                               (HChaCha20 from libsodium)
//
// Every wrapper of a row has the same interface and passes the same known
// answers (tests/policies/crypto). The defaults below are chosen by the
// benchmark suite (tools/bench, docs/performance.md, "Backends"): a library
// replaces Botan only where it is measurably faster on the target machine.
// Keccak-256, AES single blocks, hashes, key agreement and signatures stay
// with Botan and libsecp256k1 (no Debian library was faster; see the doc).
#pragma once

#include <string_view>

#include "policies/crypto/aes.hpp"
#include "policies/crypto/chacha20_poly1305.hpp"
#include "policies/crypto/openssl_aead.hpp"
#include "policies/crypto/openssl_aes.hpp"
#include "policies/crypto/sodium_aead.hpp"
#include "policies/crypto/xchacha20_poly1305.hpp"

namespace polywire::crypto {

struct botan_backend {
    static constexpr std::string_view name = "Botan";
};
struct openssl_backend {
    static constexpr std::string_view name = "OpenSSL";
};
struct sodium_backend {
    static constexpr std::string_view name = "libsodium";
};

template <class Backend>
struct backend_traits;  // no such backend

template <>
struct backend_traits<botan_backend> {
    using aes_ctr = crypto::aes_ctr;
    using chacha20_poly1305 = crypto::chacha20_poly1305;
    using xchacha20_poly1305 = crypto::xchacha20_poly1305;
};

template <>
struct backend_traits<openssl_backend> {
    using aes_ctr = openssl_aes_ctr;
    using chacha20_poly1305 = openssl_chacha20_poly1305;
    using xchacha20_poly1305 = openssl_xchacha20_poly1305;
};

template <>
struct backend_traits<sodium_backend> {
    using chacha20_poly1305 = sodium_chacha20_poly1305;
    using xchacha20_poly1305 = sodium_xchacha20_poly1305;
};

// ---- defaults, by measurement (docs/performance.md, "Backends") ----------
// OpenSSL's AES-CTR (AES-NI, 8 blocks at a time) and ChaCha20-Poly1305
// (AVX2/AVX-512) are several times Botan 2.19's on x86-64; libsodium's
// AEADs sit in between.

/// AES-CTR (RLPx's AES-256-CTR, c-lightning 2016's AES-128-CTR).
using default_aes_ctr_backend = openssl_backend;
/// ChaCha20-Poly1305 (BOLT 8).
using default_chacha20_poly1305_backend = openssl_backend;
/// XChaCha20-Poly1305 (x25519-xchacha).
using default_xchacha20_poly1305_backend = openssl_backend;

}  // namespace polywire::crypto
