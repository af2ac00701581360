// X25519 (RFC 7748) through Botan 2's curve25519_donna: key generation,
// public keys and the Diffie-Hellman function, behind a small non-template
// interface so Botan's headers stay out of users' translation units.
//
//   auto k = crypto::x25519::generate();             // result<private_key>
//   auto pub = crypto::x25519::public_key_of(k.value());
//   auto ss = crypto::x25519::shared_secret(k.value(), peer_pub);
//   if (!ss) ...;   // crypto::errc::invalid_point: the peer sent a low-order point
//
// The scalar is clamped as RFC 7748 §5 says (by the function, not the
// caller). An all-zero shared secret (a low-order or otherwise degenerate
// peer key) is refused, as RFC 7748 §6.1 permits and as protocols that mix
// the secret into their keys must.
#pragma once

#include <array>
#include <cstdint>
#include <system_error>

#include "crypto/error.hpp"
#include "transport/bytes.hpp"
#include "transport/random.hpp"
#include "transport/result.hpp"

namespace polywire::crypto::x25519 {

inline constexpr std::size_t key_size = 32;

/// A 32-byte scalar (used clamped).
using private_key = secret<key_size>;
/// A 32-byte u-coordinate, little-endian.
using public_key = std::array<std::uint8_t, key_size>;

/// A fresh random private key (crypto::errc::random_failure if the
/// kernel refuses).
result<private_key> generate() noexcept;
/// The same from `source` (empty: the kernel's): 32 bytes.
result<private_key> generate(const transport::random_source& source) noexcept;

/// X25519(k, 9): the public key of `k`.
public_key public_key_of(const private_key& k) noexcept;

/// X25519(k, u) as defined by RFC 7748 §5, without any check of the result
/// (for the RFC's known answers).
std::array<std::uint8_t, key_size> scalar_mult(byte_view scalar32, byte_view u32) noexcept;

/// X25519(k, peer): the shared secret. crypto::errc::invalid_point if `peer`
/// gives the all-zero output (checked in constant time).
result<secret<key_size>> shared_secret(const private_key& k, const public_key& peer) noexcept;

}  // namespace polywire::crypto::x25519
