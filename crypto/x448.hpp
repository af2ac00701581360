// X448 (RFC 7748) from OpenSSL 3's EVP_PKEY_X448: public keys and the
// Diffie-Hellman function, behind a small non-template interface so
// OpenSSL's headers stay out of users' translation units.
//
//   auto pub = crypto::x448::public_key_of(k);            // result<public_key>
//   auto ss = crypto::x448::shared_secret(k, peer_pub);   // result<secret<56>>
//
// The scalar is decoded (clamped) by OpenSSL as RFC 7748 §5 says. An
// all-zero shared secret (a low-order peer key) is refused, as for X25519
// (x25519.hpp).
#pragma once

#include <array>
#include <cstdint>

#include "transport/bytes.hpp"
#include "transport/result.hpp"

namespace polywire::crypto::x448 {

inline constexpr std::size_t key_size = 56;

using private_key = secret<key_size>;
using public_key = std::array<std::uint8_t, key_size>;

/// X448(k, 5): the public key of `k`. transport::errc::crypto_failure if
/// OpenSSL fails.
result<public_key> public_key_of(const private_key& k) noexcept;

/// X448(k, peer): the shared secret. transport::errc::bad_key if the output
/// is all zero (checked in constant time), crypto_failure if OpenSSL fails.
result<secret<key_size>> shared_secret(const private_key& k, const public_key& peer) noexcept;

}  // namespace polywire::crypto::x448
