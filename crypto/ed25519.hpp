// Ed25519 (RFC 8032, pure Ed25519: no prehash, no context): keys and
// signatures through Botan 2's Ed25519_PrivateKey with PK_Signer ("Pure"),
// verification through libsodium's crypto_sign_ed25519_verify_detached,
// which refuses what Botan 2 lets through: S >= L, and public keys or R
// that are non-canonical or of small order. A small non-template interface
// keeps both libraries' headers out of users' translation units.
//
//   auto key = crypto::ed25519::private_key::from_seed(seed32);  // or generate()
//   auto sig = key.value().sign(message);
//   bool ok = crypto::ed25519::verify(key.value().public_key(), message, sig);
//
// A private key is its 32-byte seed (RFC 8032's "private key"; OpenSSH and
// Go keep seed || public key, 64 bytes); the expanded secret is kept in
// wiped memory. Nothing here throws.
#pragma once

#include <array>
#include <cstdint>
#include <system_error>

#include "crypto/error.hpp"
#include "transport/bytes.hpp"
#include "transport/result.hpp"

namespace polywire::crypto::ed25519 {

inline constexpr std::size_t seed_size = 32;
inline constexpr std::size_t public_key_size = 32;
inline constexpr std::size_t signature_size = 64;

using public_key = std::array<std::uint8_t, public_key_size>;
using signature = std::array<std::uint8_t, signature_size>;

class private_key {
public:
    /// An all-zero seed's key (a placeholder: load or generate a real one).
    private_key() noexcept;

    /// The key of a 32-byte seed (crypto::errc::invalid_key for another size).
    static result<private_key> from_seed(byte_view seed) noexcept;
    /// A key from a fresh random seed (crypto::errc::random_failure).
    static result<private_key> generate() noexcept;

    byte_view seed() const noexcept { return seed_.view(); }
    const ed25519::public_key& public_key() const noexcept { return pk_; }

    /// The signature of `message` (all-zero, which never verifies, if Botan
    /// failed: it does not for valid keys).
    signature sign(byte_view message) const noexcept;

private:
    struct uninitialized {};
    explicit private_key(uninitialized) noexcept {}

    secret<seed_size> seed_;
    ed25519::public_key pk_{};
};

/// Whether `sig` is `key`'s signature of `message`. False for S >= L and
/// for a non-canonical or small-order public key or R (libsodium's rules).
bool verify(const public_key& key, byte_view message, const signature& sig) noexcept;

/// Whether `key` is a canonical encoding of a point of the prime-order
/// subgroup (libsodium's crypto_core_ed25519_is_valid_point): what every
/// honestly generated key is. Small-order, mixed-order and non-canonical
/// encodings are not.
bool valid_public_key(const public_key& key) noexcept;

}  // namespace polywire::crypto::ed25519
