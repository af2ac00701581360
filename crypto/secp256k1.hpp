// secp256k1 through libsecp256k1: keys, ECDH (raw X coordinate for RLPx,
// SHA256 of the compressed point for Lightning), recoverable signatures
// (RLPx) and plain ECDSA.
#pragma once

#include <array>
#include <cstdint>
#include <system_error>

#include "transport/bytes.hpp"
#include "transport/random.hpp"
#include "transport/result.hpp"

namespace polywire::crypto::secp256k1 {

using private_key = secret<32>;
/// An uncompressed public key without its 0x04 prefix: X || Y (64 bytes),
/// which is what RLPx puts on the wire and calls a node id.
using public_key = std::array<std::uint8_t, 64>;
/// A compressed public key (33 bytes: 0x02/0x03 || X).
using compressed_public_key = std::array<std::uint8_t, 33>;
/// r || s || v with v in {0, 1}.
using recoverable_signature = std::array<std::uint8_t, 65>;
/// r || s (64 bytes, big-endian, low-S).
using compact_signature = std::array<std::uint8_t, 64>;

/// A fresh random private key.
result<private_key> generate_private_key() noexcept;
/// The same from `source` (empty: the kernel's): 32 bytes at a time until
/// they make a valid key (almost always the first 32).
result<private_key> generate_private_key(const transport::random_source& source) noexcept;
/// Checks a 32-byte scalar is a valid private key.
result<private_key> parse_private_key(byte_view raw) noexcept;
result<public_key> derive_public_key(const private_key& k) noexcept;
result<compressed_public_key> derive_compressed_public_key(const private_key& k) noexcept;

/// Parses a 64-byte X||Y, a 65-byte 0x04||X||Y or a 33-byte compressed key
/// and checks the point lies on the curve (the invalid-curve defence).
result<public_key> parse_public_key(byte_view raw) noexcept;
compressed_public_key compress(const public_key& k) noexcept;

/// ECDH returning the raw 32-byte big-endian X coordinate of k*P (RLPx).
result<secret<32>> ecdh_x(const private_key& k, const public_key& p) noexcept;
/// ECDH returning SHA256(0x02|parity(Y) || X) (libsecp256k1's default,
/// BOLT 8 and c-lightning).
result<secret<32>> ecdh_sha256(const private_key& k, const public_key& p) noexcept;

/// Signs a 32-byte digest with a recoverable signature (RFC 6979 nonce).
result<recoverable_signature> sign_recoverable(const private_key& k, byte_view digest32) noexcept;
/// Recovers the public key that made `sig` over `digest32`.
result<public_key> recover(const recoverable_signature& sig, byte_view digest32) noexcept;

result<compact_signature> sign(const private_key& k, byte_view digest32) noexcept;
bool verify(const compact_signature& sig, byte_view digest32, const public_key& p) noexcept;

/// The largest DER-encoded ECDSA signature (SEQUENCE of two INTEGERs).
inline constexpr std::size_t max_der_signature_size = 72;
/// Signs a 32-byte digest (RFC 6979 nonce, low-S) and serializes the
/// signature in DER (libp2p's secp256k1 signatures); `out` gets its bytes.
std::error_code sign_der(const private_key& k, byte_view digest32, bytes& out) noexcept;
/// Whether `der` (strict DER, low-S) is a signature of `digest32` by `p`.
bool verify_der(byte_view der, byte_view digest32, const public_key& p) noexcept;

/// Error codes of this wrapper (category "polywire.secp256k1").
enum class errc {
    invalid_private_key = 1,
    invalid_public_key,   ///< not a point on the curve, or malformed
    invalid_signature,
    recovery_failed,
};
const std::error_category& error_category() noexcept;
inline std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), error_category()}; }

}  // namespace polywire::crypto::secp256k1

template <>
struct std::is_error_code_enum<polywire::crypto::secp256k1::errc> : std::true_type {};
