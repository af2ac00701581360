// §Framing: RLPx's FrameLayout model.
//
//   frame  = header-ct(16) | header-mac(16) | frame-ct(roundup16(size)) | frame-mac(16)
//   header = be24(frame-size) | header-data rlp([0, 0]) = c2 80 80 | zero padding
//   frame-data = rlp(msg-id) | msg-data, zero-padded to 16 bytes
// Readers ignore header-data (as go-ethereum and ethereumjs do). Frame sizes
// are 24-bit: at most 16 MiB - 1.
#pragma once

#include <cstdint>
#include <string_view>

#include "policies/frame_layout.hpp"
#include "policies/key_agreement.hpp"
#include "rlpx/error.hpp"
#include "rlpx/rlp.hpp"
#include "rlpx/secrets.hpp"

namespace polywire::rlpx {

struct frame_layout {
    static constexpr std::string_view name = "RLPx frame";
    static constexpr std::size_t header_size = 16;
    static constexpr std::size_t max_frame_size = 0xFFFFFF;

    static std::size_t padded_size(std::size_t n) noexcept { return (n + 15) & ~std::size_t{15}; }

    static void encode_header(std::size_t n, mutable_byte_view h) noexcept {
        h[0] = static_cast<std::uint8_t>(n >> 16);
        h[1] = static_cast<std::uint8_t>(n >> 8);
        h[2] = static_cast<std::uint8_t>(n);
        h[3] = 0xc2;
        h[4] = 0x80;
        h[5] = 0x80;
        for (std::size_t i = 6; i < header_size; ++i) h[i] = 0;
    }

    static result<std::size_t> decode_header(byte_view h) noexcept {
        const std::size_t n = std::size_t{h[0]} << 16 | std::size_t{h[1]} << 8 | h[2];
        if (n == 0) return make_error_code(errc::bad_rlp);  // no room for the message code
        return n;
    }

    static void encode_code(std::uint64_t code, bytes& out) { rlp::encode_uint(out, code); }

    static result<policies::decoded_code> decode_code(byte_view body) noexcept {
        auto it = rlp::decode(body);
        if (!it) return it.error();
        auto code = rlp::to_uint(it.value());
        if (!code) return code.error();
        return policies::decoded_code{code.value(), it.value().encoded.size()};
    }
};

// Key and IV of RLPx's frame cipher (policies::aes_ctr<32>): aes-secret and a
// zero IV, the same for both directions (a known weakness of RLPx: see the
// spec's "Known Issues").
inline byte_view cipher_key(const secrets& s, policies::direction) noexcept { return s.aes_secret.view(); }
inline byte_view cipher_iv(const secrets&, policies::direction) noexcept {
    static constexpr std::uint8_t zero_iv[16] = {};
    return byte_view(zero_iv, 16);
}

}  // namespace polywire::rlpx
