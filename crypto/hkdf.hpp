// HKDF with HMAC-SHA256 (RFC 5869), wrapped from Botan 2's "HKDF(SHA-256)".
// Noise's and BOLT 8's `HKDF(ck, ikm)` is
//     hkdf_sha256(out = 64 bytes, ikm, salt = ck, info = empty)
// with the output split 32/32.
#pragma once

#include <system_error>

#include "crypto/error.hpp"
#include "transport/bytes.hpp"

namespace polywire::crypto {

/// Fills `out` (1 to 255*32 bytes) with HKDF-Expand(HKDF-Extract(salt, ikm),
/// info). Errors: crypto::errc::invalid_argument for an output size
/// outside that range, crypto::errc::backend_failure if Botan fails.
std::error_code hkdf_sha256(mutable_byte_view out, byte_view ikm, byte_view salt, byte_view info = {}) noexcept;

}  // namespace polywire::crypto
