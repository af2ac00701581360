// SHA-256 and HMAC-SHA256 from libsodium (crypto_hash_sha256,
// crypto_auth_hmacsha256): the same functions as openssl_digest's SHA-256,
// computed with their state on the stack, so a call never allocates
// (OpenSSL 3's HMAC allocates its digest contexts at every new key, about
// eighteen times a call). libsodium's SHA-256 is portable C, three to four
// times slower than OpenSSL's on a CPU with SHA extensions: for work where
// an allocation matters more than a microsecond (BOLT 8's key rotation,
// every 1,000 messages of a direction), not for handshakes. libsodium's
// headers stay in the .cpp file; nothing here throws.
#pragma once

#include <initializer_list>
#include <system_error>

#include "transport/bytes.hpp"

namespace polywire::crypto::sodium_hash {

inline constexpr std::size_t sha256_size = 32;

/// SHA-256(parts[0] || parts[1] || ...) into `out` (32 bytes).
/// Errors: transport::errc::invalid_argument (wrong output size),
/// transport::errc::crypto_failure (libsodium failed to initialise).
std::error_code sha256(std::initializer_list<byte_view> parts, mutable_byte_view out) noexcept;

/// HMAC-SHA256(key, parts[0] || parts[1] || ...) into `out` (32 bytes); any
/// key length (RFC 2104), empty included. Same errors as sha256().
std::error_code hmac_sha256(byte_view key, std::initializer_list<byte_view> parts, mutable_byte_view out) noexcept;

}  // namespace polywire::crypto::sodium_hash
