// AES-256-GCM (NIST SP 800-38D) with a 96-bit nonce and a 16-byte tag,
// from OpenSSL 3's EVP interface. The cipher context is made once per
// object and keyed by set_key, so sealing and opening a message does not
// allocate. Same shape as the ChaCha20-Poly1305 wrappers
// (chacha20_poly1305.hpp, sodium_aead.hpp) and the same error codes
// (crypto::aead_errc). Move-only; the key schedule is wiped on destruction.
#pragma once

#include <cstddef>
#include <system_error>

#include "crypto/chacha20_poly1305.hpp"
#include "transport/bytes.hpp"

namespace polywire::crypto {

class openssl_aes256_gcm {
public:
    static constexpr std::size_t key_size = 32;
    static constexpr std::size_t nonce_size = 12;
    static constexpr std::size_t tag_size = 16;

    openssl_aes256_gcm() noexcept = default;
    ~openssl_aes256_gcm();
    openssl_aes256_gcm(openssl_aes256_gcm&& o) noexcept : ctx_(o.ctx_) { o.ctx_ = nullptr; }
    openssl_aes256_gcm& operator=(openssl_aes256_gcm&& o) noexcept;
    openssl_aes256_gcm(const openssl_aes256_gcm&) = delete;
    openssl_aes256_gcm& operator=(const openssl_aes256_gcm&) = delete;

    /// Keys the following calls (32 bytes). Errors: aead_errc::bad_key_size,
    /// aead_errc::library_failure.
    std::error_code set_key(byte_view key) noexcept;
    bool has_key() const noexcept { return ctx_ != nullptr; }

    /// Encrypts `inout` in place under `nonce` and `ad`, writes the tag; on
    /// an error both are zeroed.
    std::error_code seal(byte_view nonce, byte_view ad, mutable_byte_view inout, mutable_byte_view tag) noexcept;
    /// Encrypts `in` into `out` (as long; the same bytes or apart, else
    /// aead_errc::bad_buffers), writes the tag; on an error `out` and the
    /// tag are zeroed.
    std::error_code seal(byte_view nonce, byte_view ad, byte_view in, mutable_byte_view out,
                         mutable_byte_view tag) noexcept;
    /// Checks `tag` and decrypts `inout` in place; on a mismatch returns
    /// aead_errc::tag_mismatch with `inout` zeroed (no plaintext escapes).
    std::error_code open(byte_view nonce, byte_view ad, mutable_byte_view inout, byte_view tag) noexcept;

private:
    void* ctx_ = nullptr;  // EVP_CIPHER_CTX
};

}  // namespace polywire::crypto
