// Primitive backends: which library computes a primitive is a compile-time
// choice. A backend is a tag; `backend_traits<Tag>` names its wrapper for
// each primitive it offers, and the policy models take the tag as a
// template parameter (policies/models: aes_ctr<32, openssl_backend>,
// chacha20_poly1305<1000, botan_backend>, basic_xchacha20_poly1305<sodium_backend>).
//
//   primitive            Botan 2              OpenSSL 3                   libsodium                  size_switched
//   AES-CTR              aes_ctr              openssl_aes_ctr             —                          (OpenSSL's)
//   ChaCha20-Poly1305    chacha20_poly1305    openssl_chacha20_poly1305   sodium_chacha20_poly1305   libsodium < 512 B <= OpenSSL
//   XChaCha20-Poly1305   xchacha20_poly1305   openssl_xchacha20_poly1305  sodium_xchacha20_poly1305  libsodium < 256 B <= OpenSSL
//                                             (HChaCha20 from libsodium)
//
// Every wrapper of a row has the same interface and passes the same known
// answers (tests/crypto). The defaults at the bottom are chosen by
// the benchmark suite (tools/bench; docs/performance.md, "Backends"): a
// library replaces Botan only where it is measurably faster. OpenSSL's
// ChaCha20-Poly1305 is the fastest from a few hundred bytes up, but each
// EVP message costs about half a microsecond more set-up than libsodium's,
// so short messages are faster in libsodium: `size_switched_backend` picks
// per message, by its size.
// AES single blocks, hashes, key agreement and signatures stay with Botan
// and libsecp256k1 (no Debian library was faster; see the doc), except
// Ed25519 verification: libsodium's, for its stricter checks (ed25519.hpp).
// Keccak-256 is polywire's own (keccak.hpp): no Debian library exports a
// faster one with Ethereum's padding.
#pragma once

#include <cstddef>
#include <string_view>
#include <system_error>

#include "crypto/aes.hpp"
#include "crypto/chacha20_poly1305.hpp"
#include "crypto/openssl_aead.hpp"
#include "crypto/openssl_aes.hpp"
#include "crypto/sodium_aead.hpp"
#include "crypto/xchacha20_poly1305.hpp"

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

/// libsodium for short AEAD messages, OpenSSL for long ones (the AES-CTR
/// keystream is OpenSSL's throughout).
struct size_switched_backend {
    static constexpr std::string_view name = "libsodium/OpenSSL by size";
};

/// An AEAD that seals and opens messages shorter than `Threshold` bytes with
/// `Small`, the others with `Large`: two implementations of one primitive,
/// so each side may pick either and the bytes on the wire are the same.
template <class Small, class Large, std::size_t Threshold>
class size_switched_aead {
    static_assert(Small::key_size == Large::key_size && Small::nonce_size == Large::nonce_size &&
                      Small::tag_size == Large::tag_size,
                  "both implementations must be of one primitive");

public:
    static constexpr std::size_t key_size = Large::key_size;
    static constexpr std::size_t nonce_size = Large::nonce_size;
    static constexpr std::size_t tag_size = Large::tag_size;
    static constexpr std::size_t threshold = Threshold;

    /// Keys both implementations (the previous keys are wiped).
    std::error_code set_key(byte_view key) noexcept {
        if (auto ec = small_.set_key(key)) return ec;
        return large_.set_key(key);
    }
    bool has_key() const noexcept { return small_.has_key() && large_.has_key(); }
    std::error_code seal(byte_view nonce, byte_view ad, mutable_byte_view inout, mutable_byte_view tag) noexcept {
        return inout.size() < Threshold ? small_.seal(nonce, ad, inout, tag) : large_.seal(nonce, ad, inout, tag);
    }
    /// Out of place (`in` into `out`), where both implementations can.
    std::error_code seal(byte_view nonce, byte_view ad, byte_view in, mutable_byte_view out,
                         mutable_byte_view tag) noexcept
        requires requires(Small& s, Large& l, byte_view b, mutable_byte_view m) {
            s.seal(b, b, b, m, m);
            l.seal(b, b, b, m, m);
        }
    {
        return in.size() < Threshold ? small_.seal(nonce, ad, in, out, tag) : large_.seal(nonce, ad, in, out, tag);
    }
    std::error_code open(byte_view nonce, byte_view ad, mutable_byte_view inout, byte_view tag) noexcept {
        return inout.size() < Threshold ? small_.open(nonce, ad, inout, tag) : large_.open(nonce, ad, inout, tag);
    }

private:
    Small small_;
    Large large_;
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

template <>
struct backend_traits<size_switched_backend> {
    using aes_ctr = openssl_aes_ctr;
    // About where the two cost the same per message (preliminary:
    // docs/performance.md, "Backends").
    using chacha20_poly1305 = size_switched_aead<sodium_chacha20_poly1305, openssl_chacha20_poly1305, 512>;
    using xchacha20_poly1305 = size_switched_aead<sodium_xchacha20_poly1305, openssl_xchacha20_poly1305, 256>;
};

// ---- defaults, by measurement (docs/performance.md, "Backends") ----------
// On x86-64 with AES-NI and AVX2/AVX-512, OpenSSL's AES-CTR is about 1.2-2x
// Botan 2.19's from 1 KiB up and its ChaCha20-Poly1305 about 3x from 16 KiB
// up, while below a few hundred bytes libsodium (and Botan) beat OpenSSL's
// per-message cost.

/// AES-CTR (RLPx's AES-256-CTR, c-lightning 2016's AES-128-CTR).
using default_aes_ctr_backend = openssl_backend;
/// ChaCha20-Poly1305 (BOLT 8: a 2-byte length and a body per message).
using default_chacha20_poly1305_backend = size_switched_backend;
/// XChaCha20-Poly1305 (x25519-xchacha).
using default_xchacha20_poly1305_backend = size_switched_backend;

}  // namespace polywire::crypto
