// Hashes and HMAC over any of them, from OpenSSL 3's EVP digests: SHA-256,
// SHA-512, BLAKE2s-256 and BLAKE2b-512 (the four hash functions of the
// Noise Protocol Framework). HMAC uses each digest's own block size (64 for
// SHA-256 and BLAKE2s, 128 for SHA-512 and BLAKE2b), as RFC 2104 and Noise
// define it. OpenSSL's headers stay in the .cpp file; nothing here throws.
//
//   std::array<std::uint8_t, 64> h;
//   crypto::openssl_digest::hash(crypto::digest_algorithm::blake2b512, {a, b}, h);
//   crypto::openssl_digest::hmac(crypto::digest_algorithm::sha256, key, {data}, out);
#pragma once

#include <cstddef>
#include <initializer_list>
#include <system_error>

#include "transport/bytes.hpp"

namespace polywire::crypto {

enum class digest_algorithm { sha256, sha512, blake2s256, blake2b512 };

/// Output bytes of `a`: 32 or 64.
constexpr std::size_t digest_size(digest_algorithm a) noexcept {
    return a == digest_algorithm::sha256 || a == digest_algorithm::blake2s256 ? 32 : 64;
}

namespace openssl_digest {

/// HASH(parts[0] || parts[1] || ...) into `out` (digest_size(a) bytes).
/// Errors: transport::errc::invalid_argument (wrong output size),
/// transport::errc::crypto_failure (OpenSSL failed).
std::error_code hash(digest_algorithm a, std::initializer_list<byte_view> parts, mutable_byte_view out) noexcept;

/// HMAC-HASH(key, parts[0] || parts[1] || ...) into `out` (digest_size(a)
/// bytes). The key may be empty. Same errors as hash().
std::error_code hmac(digest_algorithm a, byte_view key, std::initializer_list<byte_view> parts,
                     mutable_byte_view out) noexcept;

}  // namespace openssl_digest
}  // namespace polywire::crypto
