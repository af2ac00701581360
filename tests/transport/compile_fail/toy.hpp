// Pieces shared by the compile-fail snippets: a minimal frame layout and a
// helper that checks a configuration the way session<Config> does.
#pragma once

#include <cstdint>
#include <string_view>

#include <boost/hana/map.hpp>
#include <boost/hana/pair.hpp>
#include <boost/hana/type.hpp>

#include "policies/compressor.hpp"
#include "policies/mac_state.hpp"
#include "tests/support/preset_key_agreement.hpp"
#include "transport/config.hpp"
#include "transport/error.hpp"

namespace polywire::transport::compile_fail {
namespace hana = boost::hana;

// be16 size; one code byte; no padding; at most 1000-byte frames.
struct toy_layout {
    static constexpr std::string_view name = "toy";
    static constexpr std::size_t header_size = 2;
    static constexpr std::size_t max_frame_size = 1000;
    static std::size_t padded_size(std::size_t n) noexcept { return n; }
    static void encode_header(std::size_t n, mutable_byte_view h) noexcept {
        h[0] = static_cast<std::uint8_t>(n >> 8);
        h[1] = static_cast<std::uint8_t>(n);
    }
    static result<std::size_t> decode_header(byte_view h) noexcept {
        std::size_t n = std::size_t{h[0]} << 8 | h[1];
        if (n == 0 || n > max_frame_size) return make_error_code(errc::message_too_large);
        return n;
    }
    static void encode_code(std::uint64_t code, bytes& out) { out.push_back(static_cast<std::uint8_t>(code)); }
    static result<policies::decoded_code> decode_code(byte_view b) noexcept { return policies::decoded_code{b[0], 1}; }
};

}  // namespace polywire::transport::compile_fail
