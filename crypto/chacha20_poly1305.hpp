// ChaCha20-Poly1305, the IETF AEAD of RFC 8439 (96-bit nonce, 16-byte tag),
// wrapped from Botan 2's "ChaCha20Poly1305" AEAD mode behind a small class
// (explicitly instantiated, so Botan's headers stay out of users'
// translation units). The same class with a 24-byte nonce is
// XChaCha20-Poly1305 (xchacha20_poly1305.hpp).
//
//   crypto::chacha20_poly1305 aead;
//   aead.set_key(key);                                // 32 bytes
//   aead.seal(nonce, ad, inout, tag);                 // encrypts in place, writes the tag
//   if (auto ec = aead.open(nonce, ad, inout, tag))   // aead_errc::tag_mismatch
//       ...;                                          // inout is wiped: no plaintext escapes
//
// The nonce is the caller's: protocols lay out the 96 bits differently
// (Noise and BOLT 8: 4 zero bytes || LE64(counter)). Nothing here throws.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <system_error>

#include "transport/bytes.hpp"

namespace polywire::crypto {

/// Error codes of the AEAD wrappers (category "polywire.aead").
enum class aead_errc {
    tag_mismatch = 1,  ///< authentication failed: wrong key, nonce, data or tag
    bad_key_size,
    bad_nonce_size,
    bad_tag_size,
    no_key,            ///< seal/open before set_key
    library_failure,   ///< Botan failed unexpectedly (or memory ran out)
    nonce_exhausted,   ///< a message counter reached 2^64 - 1: the key is used up (never wraps)
    bad_buffers,       ///< sealing out of place: the output is not as long as the input, or partly overlaps it
};
const std::error_category& aead_category() noexcept;
inline std::error_code make_error_code(aead_errc e) noexcept { return {static_cast<int>(e), aead_category()}; }


/// The IETF ChaCha20-Poly1305 AEAD with a NonceSize-byte nonce: 12 for RFC
/// 8439's ChaCha20-Poly1305, 24 for XChaCha20-Poly1305 (Botan's
/// "ChaCha20Poly1305" mode chooses by the nonce's length). Instantiated for
/// those two only; use the names chacha20_poly1305 and xchacha20_poly1305.
template <std::size_t NonceSize>
class botan_chacha20_poly1305 {
public:
    static_assert(NonceSize == 12 || NonceSize == 24);
    static constexpr std::size_t key_size = 32;
    static constexpr std::size_t nonce_size = NonceSize;
    static constexpr std::size_t tag_size = 16;

    botan_chacha20_poly1305() noexcept;
    ~botan_chacha20_poly1305();
    botan_chacha20_poly1305(botan_chacha20_poly1305&&) noexcept;
    botan_chacha20_poly1305& operator=(botan_chacha20_poly1305&&) noexcept;
    botan_chacha20_poly1305(const botan_chacha20_poly1305&) = delete;
    botan_chacha20_poly1305& operator=(const botan_chacha20_poly1305&) = delete;

    /// Keys the following seal/open calls (32 bytes; the previous key is wiped).
    /// Errors: aead_errc::bad_key_size, aead_errc::library_failure.
    std::error_code set_key(byte_view key) noexcept;
    bool has_key() const noexcept;

    /// Encrypts `inout` in place under `nonce` (nonce_size bytes) and
    /// associated data `ad`, and writes the 16-byte tag to `tag`. On an error
    /// `inout` and `tag` are zeroed, so nothing readable leaves.
    std::error_code seal(byte_view nonce, byte_view ad, mutable_byte_view inout, mutable_byte_view tag) noexcept;

    /// Checks `tag` and decrypts `inout` in place. On a mismatch returns
    /// aead_errc::tag_mismatch and zeroes `inout` (the tag comparison is
    /// Botan's constant-time one).
    std::error_code open(byte_view nonce, byte_view ad, mutable_byte_view inout, byte_view tag) noexcept;

private:
    struct impl;
    std::unique_ptr<impl> p_;
};

extern template class botan_chacha20_poly1305<12>;
extern template class botan_chacha20_poly1305<24>;

/// ChaCha20-Poly1305 of RFC 8439 (12-byte nonce).
using chacha20_poly1305 = botan_chacha20_poly1305<12>;

}  // namespace polywire::crypto

template <>
struct std::is_error_code_enum<polywire::crypto::aead_errc> : std::true_type {};

namespace polywire::crypto {

/// For an AEAD sealing `in` into `out`: {} if they are as long and either
/// the same bytes (in place) or apart; else aead_errc::bad_buffers.
inline std::error_code check_out_of_place(byte_view in, mutable_byte_view out) noexcept {
    if (in.size() != out.size()) return aead_errc::bad_buffers;
    if (in.empty() || in.data() == out.data()) return {};
    const auto a = reinterpret_cast<std::uintptr_t>(in.data());
    const auto b = reinterpret_cast<std::uintptr_t>(out.data());
    if (a < b + out.size() && b < a + in.size()) return aead_errc::bad_buffers;
    return {};
}

}  // namespace polywire::crypto
