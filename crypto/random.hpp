// The system random generator (getrandom(2)).
#pragma once

#include <system_error>

#include "transport/bytes.hpp"
#include "transport/random.hpp"

namespace polywire::crypto {

/// Fills `out` with random bytes from the kernel; an error only if the
/// kernel refuses (crypto::errc::random_failure).
std::error_code random_bytes(mutable_byte_view out) noexcept;

/// Fills `out` from `source` (a session's random source, transport/
/// random.hpp), or from the kernel if `source` is empty. The source's error
/// is returned as it is; a source must not throw.
std::error_code random_bytes(const transport::random_source& source, mutable_byte_view out) noexcept;

}  // namespace polywire::crypto
