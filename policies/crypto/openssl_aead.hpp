// ChaCha20-Poly1305 (RFC 8439) and XChaCha20-Poly1305
// (draft-irtf-cfrg-xchacha) from OpenSSL 3's EVP "ChaCha20-Poly1305"; the
// XChaCha20 subkey comes from libsodium's crypto_core_hchacha20 (OpenSSL
// has no HChaCha20). Same interface, errors and guarantees as the Botan
// wrappers crypto::chacha20_poly1305 / crypto::xchacha20_poly1305 — select
// them with crypto::openssl_backend (policies/crypto/backend.hpp).
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

#include "policies/crypto/chacha20_poly1305.hpp"
#include "transport/bytes.hpp"

namespace polywire::crypto {

class openssl_chacha20_poly1305 {
public:
    static constexpr std::size_t key_size = 32;
    static constexpr std::size_t nonce_size = 12;
    static constexpr std::size_t tag_size = 16;

    openssl_chacha20_poly1305() noexcept;
    ~openssl_chacha20_poly1305();
    openssl_chacha20_poly1305(openssl_chacha20_poly1305&&) noexcept;
    openssl_chacha20_poly1305& operator=(openssl_chacha20_poly1305&&) noexcept;
    openssl_chacha20_poly1305(const openssl_chacha20_poly1305&) = delete;
    openssl_chacha20_poly1305& operator=(const openssl_chacha20_poly1305&) = delete;

    /// Keys the following seal/open calls (32 bytes; the previous key is wiped).
    std::error_code set_key(byte_view key) noexcept;
    bool has_key() const noexcept;
    /// Encrypts `inout` in place under `nonce` (12 bytes) and `ad`, writes
    /// the 16-byte tag; on an error both are zeroed.
    std::error_code seal(byte_view nonce, byte_view ad, mutable_byte_view inout, mutable_byte_view tag) noexcept;
    /// Checks `tag` and decrypts `inout` in place; on a mismatch returns
    /// aead_errc::tag_mismatch with `inout` zeroed.
    std::error_code open(byte_view nonce, byte_view ad, mutable_byte_view inout, byte_view tag) noexcept;

private:
    struct impl;
    std::unique_ptr<impl> p_;
};

class openssl_xchacha20_poly1305 {
public:
    static constexpr std::size_t key_size = 32;
    static constexpr std::size_t nonce_size = 24;
    static constexpr std::size_t tag_size = 16;

    openssl_xchacha20_poly1305() noexcept;
    ~openssl_xchacha20_poly1305();
    openssl_xchacha20_poly1305(openssl_xchacha20_poly1305&&) noexcept;
    openssl_xchacha20_poly1305& operator=(openssl_xchacha20_poly1305&&) noexcept;
    openssl_xchacha20_poly1305(const openssl_xchacha20_poly1305&) = delete;
    openssl_xchacha20_poly1305& operator=(const openssl_xchacha20_poly1305&) = delete;

    /// Keys the following seal/open calls (32 bytes; the previous key and
    /// any derived subkey are wiped).
    std::error_code set_key(byte_view key) noexcept;
    bool has_key() const noexcept;
    /// As openssl_chacha20_poly1305::seal with a 24-byte nonce.
    std::error_code seal(byte_view nonce, byte_view ad, mutable_byte_view inout, mutable_byte_view tag) noexcept;
    /// As openssl_chacha20_poly1305::open with a 24-byte nonce.
    std::error_code open(byte_view nonce, byte_view ad, mutable_byte_view inout, byte_view tag) noexcept;

private:
    struct impl;
    std::unique_ptr<impl> p_;
};

}  // namespace polywire::crypto
