// ECIES exactly as RLPx uses it (rlpx.md §ECIES Encryption; go-ethereum's
// crypto/ecies with the ECIES_AES128_SHA256 parameters of secp256k1):
//
//   z  = X(r * K_B)                      (32-byte big-endian X coordinate)
//   K  = SHA256(be32(1) || z)            (NIST SP 800-56 concat KDF, s1 empty)
//   Ke = K[0:16],  Km = SHA256(K[16:32])
//   c  = AES-128-CTR(Ke, iv, m)
//   d  = HMAC-SHA256(Km, iv || c || shared_mac_data)
//   wire = 0x04 || R(64) || iv(16) || c || d(32)
//
// RLPx passes the EIP-8 size prefix as `shared_mac_data` (ECIES's s2) and
// nothing for pre-EIP-8 packets. The prefix is not part of the KDF.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "crypto/secp256k1.hpp"
#include "transport/bytes.hpp"
#include "transport/random.hpp"
#include "transport/result.hpp"

namespace polywire::rlpx::ecies {

inline constexpr std::size_t public_key_size = 65;  ///< 0x04 || X || Y
inline constexpr std::size_t iv_size = 16;
inline constexpr std::size_t mac_size = 32;
/// Bytes ECIES adds to a plaintext: 65 + 16 + 32 = 113.
inline constexpr std::size_t overhead = public_key_size + iv_size + mac_size;

/// NIST SP 800-56 concatenation KDF with SHA-256 and an empty s1: fills `out`
/// with SHA256(be32(1) || z) || SHA256(be32(2) || z) || ..., truncated.
void concat_kdf(byte_view z, mutable_byte_view out) noexcept;

/// Encrypts `plaintext` to `remote`; the result is `overhead` bytes longer.
/// Draws its ephemeral key r (32 bytes, again while not a valid key) and
/// then its IV (16 bytes) from `random` (empty: the kernel's generator;
/// known-answer tests replay a vector's r and IV through it).
/// Errors: rlpx::errc::invalid_curve_point if `remote` is not on the curve,
/// the random source's error (transport::errc::random_failure from the
/// kernel's). Allocation failure terminates (docs/architecture.md,
/// "Failure policy").
result<bytes> encrypt(const crypto::secp256k1::public_key& remote, byte_view plaintext, byte_view shared_mac_data,
                      const transport::random_source& random = {}) noexcept;

/// Decrypts `ciphertext` (the whole ECIES message) with `key`. The tag is
/// checked in constant time before anything is decrypted.
/// Errors: rlpx::errc::handshake_too_short (shorter than `overhead`),
/// rlpx::errc::invalid_curve_point (first byte not 0x04 or R off the curve),
/// rlpx::errc::bad_auth_mac (tag mismatch: wrong key or altered data).
result<secure_bytes> decrypt(const crypto::secp256k1::private_key& key, byte_view ciphertext,
                             byte_view shared_mac_data) noexcept;

}  // namespace polywire::rlpx::ecies
