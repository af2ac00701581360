// snappy<MaxDecompressed>: a Compressor model — the snappy block format.
// `declared_size` rejects a payload that claims more than MaxDecompressed
// bytes before anything is allocated (RLPx: 16 MiB - 1, as go-ethereum).
#pragma once

#include <cstddef>
#include <string_view>

#include "crypto/snappy.hpp"

namespace polywire::policies {

template <std::size_t MaxDecompressed>
struct snappy {
    static constexpr std::string_view name = "snappy";
    static constexpr std::size_t max_decompressed_size = MaxDecompressed;

    static std::size_t max_compressed_size(std::size_t n) noexcept { return crypto::snappy::max_compressed_length(n); }
    static std::size_t compress(byte_view in, mutable_byte_view out) noexcept { return crypto::snappy::compress(in, out); }
    static result<std::size_t> declared_size(byte_view in) noexcept {
        auto n = crypto::snappy::declared_length(in);
        if (n && n.value() > MaxDecompressed) return make_error_code(crypto::snappy::errc::size_over_limit);
        return n;
    }
    static std::error_code decompress(byte_view in, mutable_byte_view out) noexcept {
        return crypto::snappy::uncompress(in, out);
    }
};

}  // namespace polywire::policies
