// ChaCha20-Poly1305 (RFC 8439, libsodium's "IETF" construction) and
// XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha) from libsodium's detached
// AEAD functions. Same interface, errors and guarantees as the Botan
// wrappers crypto::chacha20_poly1305 / crypto::xchacha20_poly1305 — select
// them with crypto::sodium_backend (crypto/backend.hpp).
//
// libsodium checks the tag before it decrypts anything; on a mismatch the
// buffer is zeroed all the same, so every backend leaves the same bytes
// behind. libsodium's headers stay in the .cpp file; nothing here throws or
// allocates once keyed.
#pragma once

#include <cstddef>
#include <system_error>

#include "crypto/chacha20_poly1305.hpp"
#include "transport/bytes.hpp"

namespace polywire::crypto {

namespace detail {
/// The key (wiped on destruction) and the checks both wrappers share.
class sodium_aead_base {
public:
    static constexpr std::size_t key_size = 32;
    static constexpr std::size_t tag_size = 16;

    /// Keys the following seal/open calls (32 bytes; the previous key is wiped).
    std::error_code set_key(byte_view key) noexcept;
    bool has_key() const noexcept { return keyed_; }

protected:
    std::error_code check(byte_view nonce, std::size_t nonce_size, std::size_t tag) const noexcept;
    secret<key_size> key_;
    bool keyed_ = false;
};
}  // namespace detail

class sodium_chacha20_poly1305 : public detail::sodium_aead_base {
public:
    static constexpr std::size_t nonce_size = 12;
    /// Encrypts `inout` in place under `nonce` and `ad`, writes the 16-byte
    /// tag; on an error both are zeroed.
    std::error_code seal(byte_view nonce, byte_view ad, mutable_byte_view inout, mutable_byte_view tag) noexcept;
    /// Encrypts `in` into `out` (as long; the same bytes or apart, else
    /// aead_errc::bad_buffers), writes the tag; on an error `out` and the
    /// tag are zeroed.
    std::error_code seal(byte_view nonce, byte_view ad, byte_view in, mutable_byte_view out,
                         mutable_byte_view tag) noexcept;
    /// Checks `tag`, then decrypts `inout` in place; on a mismatch returns
    /// aead_errc::tag_mismatch with `inout` zeroed.
    std::error_code open(byte_view nonce, byte_view ad, mutable_byte_view inout, byte_view tag) noexcept;
};

class sodium_xchacha20_poly1305 : public detail::sodium_aead_base {
public:
    static constexpr std::size_t nonce_size = 24;
    /// As sodium_chacha20_poly1305::seal with a 24-byte nonce.
    std::error_code seal(byte_view nonce, byte_view ad, mutable_byte_view inout, mutable_byte_view tag) noexcept;
    std::error_code seal(byte_view nonce, byte_view ad, byte_view in, mutable_byte_view out,
                         mutable_byte_view tag) noexcept;
    /// As sodium_chacha20_poly1305::open with a 24-byte nonce.
    std::error_code open(byte_view nonce, byte_view ad, mutable_byte_view inout, byte_view tag) noexcept;
};

}  // namespace polywire::crypto
