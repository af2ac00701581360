// BOLT 8 §Lightning Message Specification: noise-xk's FrameLayout model.
//
//   message on the wire = enc(be16 len) (2 + 16 tag) | enc(payload) (len + 16 tag)
//
// The 2-byte big-endian length is sealed as its own AEAD message (nonce n),
// the payload as the next one (n + 1); there is no padding and no message
// code: BOLT 8 carries payloads as given. The message type lives inside the
// payload (BOLT 1's 2-byte type), so encode_code writes nothing, decode_code
// reports code 0 with no prefix, and max_code = 0 makes session::send refuse
// any other code (transport::errc::invalid_argument) rather than drop it
// silently. Lengths are 16-bit, so every decoded header is within the limit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "policies/frame_layout.hpp"
#include "transport/bytes.hpp"
#include "transport/result.hpp"

namespace polywire::variants::noise_xk {

struct frame_layout {
    static constexpr std::string_view name = "BOLT 8 message: enc(be16 length) | enc(payload)";
    static constexpr std::size_t header_size = 2;
    static constexpr std::size_t max_frame_size = 65535;
    static constexpr std::uint64_t max_code = 0;  ///< no code on the wire

    static std::size_t padded_size(std::size_t n) noexcept { return n; }

    static void encode_header(std::size_t n, mutable_byte_view h) noexcept {
        h[0] = static_cast<std::uint8_t>(n >> 8);
        h[1] = static_cast<std::uint8_t>(n);
    }

    static result<std::size_t> decode_header(byte_view h) noexcept { return std::size_t{h[0]} << 8 | h[1]; }

    static void encode_code(std::uint64_t, bytes&) {}

    static result<policies::decoded_code> decode_code(byte_view) noexcept { return policies::decoded_code{0, 0}; }
};

static_assert(policies::FrameLayout<frame_layout>);

}  // namespace polywire::variants::noise_xk
