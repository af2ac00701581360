// The system random generator (getrandom(2)).
#pragma once

#include <system_error>

#include "transport/bytes.hpp"

namespace polywire::crypto {

/// Fills `out` with random bytes from the kernel; an error only if the
/// kernel refuses (crypto::errc::random_failure).
std::error_code random_bytes(mutable_byte_view out) noexcept;

}  // namespace polywire::crypto
