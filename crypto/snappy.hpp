// Snappy block format (not the framing format), as RLPx v5 uses it.
#pragma once

#include <cstddef>
#include <system_error>

#include "transport/bytes.hpp"
#include "transport/result.hpp"

namespace polywire::crypto::snappy {

std::size_t max_compressed_length(std::size_t n) noexcept;
/// Compresses `in` into `out` (at least max_compressed_length(in.size())
/// bytes); returns the compressed length.
std::size_t compress(byte_view in, mutable_byte_view out) noexcept;
/// The uncompressed length the block's header declares; an error if the
/// header is malformed. Call this and check the limit before allocating.
result<std::size_t> declared_length(byte_view in) noexcept;
/// Decompresses into `out`, which must be exactly declared_length(in) long.
std::error_code uncompress(byte_view in, mutable_byte_view out) noexcept;

/// Error codes of this wrapper (category "polywire.snappy").
enum class errc {
    corrupt = 1,     ///< malformed or truncated compressed data
    size_over_limit, ///< declares a decompressed size above the caller's limit
};
const std::error_category& error_category() noexcept;
inline std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), error_category()}; }

}  // namespace polywire::crypto::snappy

template <>
struct std::is_error_code_enum<polywire::crypto::snappy::errc> : std::true_type {};
