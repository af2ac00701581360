// Compressor: compresses message payloads (the code stays uncompressed).
//
// What it provides: stateless functions. `declared_size(in)` reads the size
// a compressed payload claims, so the session rejects anything over
// `max_decompressed_size` *before* allocating; `decompress` then fills an
// exactly sized buffer. Whether compression is in force is decided by the
// base protocol (RLPx: after a Hello of version 5 or later).
// Who calls it: transport::session, for every message once active.
#pragma once

#include <concepts>
#include <algorithm>
#include <cstddef>
#include <limits>
#include <string_view>
#include <system_error>

#include "transport/bytes.hpp"
#include "transport/result.hpp"

namespace polywire::policies {

template <class C>
concept Compressor = requires(std::size_t n, byte_view in, mutable_byte_view out) {
    { C::name } -> std::convertible_to<std::string_view>;
    { C::max_decompressed_size } -> std::convertible_to<std::size_t>;
    { C::max_compressed_size(n) } noexcept -> std::same_as<std::size_t>;
    { C::compress(in, out) } noexcept -> std::same_as<std::size_t>;
    { C::declared_size(in) } noexcept -> std::same_as<result<std::size_t>>;
    { C::decompress(in, out) } noexcept -> std::same_as<std::error_code>;
};

/// The null Compressor: a configuration without compression.
struct no_compression {
    static constexpr std::string_view name = "none";
    static constexpr std::size_t max_decompressed_size = std::numeric_limits<std::size_t>::max();
    static std::size_t max_compressed_size(std::size_t n) noexcept { return n; }
    // The identity; the session skips these calls for this model.
    static std::size_t compress(byte_view in, mutable_byte_view out) noexcept {
        std::copy(in.begin(), in.end(), out.begin());
        return in.size();
    }
    static result<std::size_t> declared_size(byte_view in) noexcept { return in.size(); }
    static std::error_code decompress(byte_view in, mutable_byte_view out) noexcept {
        std::copy(in.begin(), in.end(), out.begin());
        return {};
    }
};

}  // namespace polywire::policies
