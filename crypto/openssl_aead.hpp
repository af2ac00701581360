// ChaCha20-Poly1305 (RFC 8439) and XChaCha20-Poly1305
// (draft-irtf-cfrg-xchacha) from OpenSSL 3's EVP "ChaCha20-Poly1305"; the
// XChaCha20 subkey comes from libsodium's crypto_core_hchacha20 (OpenSSL
// has no HChaCha20). Same interface, errors and guarantees as the Botan
// wrappers crypto::chacha20_poly1305 / crypto::xchacha20_poly1305 — select
// them with crypto::openssl_backend (crypto/backend.hpp).
//
//   crypto::openssl_xchacha20_poly1305 aead;
//   aead.set_key(key);                                // 32 bytes
//   aead.seal(nonce24, ad, inout, tag);               // encrypts in place, writes the tag
//   if (auto ec = aead.open(nonce24, ad, inout, tag)) // aead_errc::tag_mismatch
//       ...;                                          // inout is wiped: no plaintext escapes
//
// OpenSSL's headers stay in the .cpp file. Nothing here throws, and once
// keyed, seal/open never allocate.
#pragma once

#include <cstddef>
#include <memory>
#include <system_error>

#include "crypto/chacha20_poly1305.hpp"
#include "transport/bytes.hpp"

namespace polywire::crypto {

/// ChaCha20-Poly1305 with a NonceSize-byte nonce: 12 for RFC 8439's
/// AEAD, 24 for XChaCha20-Poly1305 (an HChaCha20 subkey per 16-byte nonce
/// prefix, then the 12-byte AEAD). Instantiated for those two only; use the
/// names openssl_chacha20_poly1305 and openssl_xchacha20_poly1305.
template <std::size_t NonceSize>
class openssl_chacha20_poly1305_aead {
public:
    static_assert(NonceSize == 12 || NonceSize == 24);
    static constexpr std::size_t key_size = 32;
    static constexpr std::size_t nonce_size = NonceSize;
    static constexpr std::size_t tag_size = 16;

    openssl_chacha20_poly1305_aead() noexcept;
    ~openssl_chacha20_poly1305_aead();
    openssl_chacha20_poly1305_aead(openssl_chacha20_poly1305_aead&&) noexcept;
    openssl_chacha20_poly1305_aead& operator=(openssl_chacha20_poly1305_aead&&) noexcept;
    openssl_chacha20_poly1305_aead(const openssl_chacha20_poly1305_aead&) = delete;
    openssl_chacha20_poly1305_aead& operator=(const openssl_chacha20_poly1305_aead&) = delete;

    /// Keys the following seal/open calls (32 bytes; the previous key and
    /// any derived subkey are wiped).
    std::error_code set_key(byte_view key) noexcept;
    bool has_key() const noexcept;
    /// Encrypts `inout` in place under `nonce` (nonce_size bytes) and `ad`,
    /// writes the 16-byte tag; on an error both are zeroed.
    std::error_code seal(byte_view nonce, byte_view ad, mutable_byte_view inout, mutable_byte_view tag) noexcept;
    /// Encrypts `in` into `out` (as long; the same bytes or apart, else
    /// aead_errc::bad_buffers), writes the tag; on an error `out`
    /// and the tag are zeroed.
    std::error_code seal(byte_view nonce, byte_view ad, byte_view in, mutable_byte_view out,
                         mutable_byte_view tag) noexcept;
    /// Checks `tag` and decrypts `inout` in place; on a mismatch returns
    /// aead_errc::tag_mismatch with `inout` zeroed.
    std::error_code open(byte_view nonce, byte_view ad, mutable_byte_view inout, byte_view tag) noexcept;

private:
    struct impl;
    std::unique_ptr<impl> p_;
};

extern template class openssl_chacha20_poly1305_aead<12>;
extern template class openssl_chacha20_poly1305_aead<24>;

using openssl_chacha20_poly1305 = openssl_chacha20_poly1305_aead<12>;
using openssl_xchacha20_poly1305 = openssl_chacha20_poly1305_aead<24>;

}  // namespace polywire::crypto
