// XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha: HChaCha20 subkey from the
// first 16 nonce bytes, then the RFC 8439 AEAD with nonce 0^32 || the last 8
// bytes; 192-bit nonce, 16-byte tag), wrapped from Botan 2's
// "ChaCha20Poly1305" AEAD mode, which selects XChaCha20Poly1305 when it is
// given a 24-byte nonce.
//
//   crypto::xchacha20_poly1305 aead;
//   aead.set_key(key);                                // 32 bytes
//   aead.seal(nonce24, ad, inout, tag);               // encrypts in place, writes the tag
//   if (auto ec = aead.open(nonce24, ad, inout, tag)) // crypto::aead_errc::tag_mismatch
//       ...;                                          // inout is wiped: no plaintext escapes
//
// Errors are crypto::aead_errc (policies/crypto/chacha20_poly1305.hpp).
// A 24-byte nonce is large enough to be random; protocols may also build it
// from a session id and a counter. Nothing here throws.
#pragma once

#include <cstddef>
#include <memory>
#include <system_error>

#include "policies/crypto/chacha20_poly1305.hpp"
#include "transport/bytes.hpp"

namespace polywire::crypto {

class xchacha20_poly1305 {
public:
    static constexpr std::size_t key_size = 32;
    static constexpr std::size_t nonce_size = 24;
    static constexpr std::size_t tag_size = 16;

    xchacha20_poly1305() noexcept;
    ~xchacha20_poly1305();
    xchacha20_poly1305(xchacha20_poly1305&&) noexcept;
    xchacha20_poly1305& operator=(xchacha20_poly1305&&) noexcept;
    xchacha20_poly1305(const xchacha20_poly1305&) = delete;
    xchacha20_poly1305& operator=(const xchacha20_poly1305&) = delete;

    /// Keys the following seal/open calls (32 bytes; the previous key is wiped).
    /// Errors: aead_errc::bad_key_size, aead_errc::library_failure.
    std::error_code set_key(byte_view key) noexcept;
    bool has_key() const noexcept;

    /// Encrypts `inout` in place under `nonce` (24 bytes) and associated data
    /// `ad`, and writes the 16-byte tag. On an error `inout` and `tag` are
    /// zeroed, so nothing readable leaves.
    std::error_code seal(byte_view nonce, byte_view ad, mutable_byte_view inout, mutable_byte_view tag) noexcept;

    /// Checks `tag` and decrypts `inout` in place. On a mismatch returns
    /// aead_errc::tag_mismatch and zeroes `inout` (Botan compares the tag in
    /// constant time).
    std::error_code open(byte_view nonce, byte_view ad, mutable_byte_view inout, byte_view tag) noexcept;

private:
    struct impl;
    std::unique_ptr<impl> p_;
};

}  // namespace polywire::crypto
