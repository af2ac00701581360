// totlen_framing: the packet layout of c-lightning's 2016 transport
// (facts.md §C; commit 74f294e3 "3) All packets from then on are encrypted").
//
//   packet = hmac(32) | le64 totlen | AES-128-CTR(data zero-padded to 16)
//   hmac   = HMAC-SHA256(hmac key, le64 totlen | padded ciphertext)
//
// totlen is the running sum of the unpadded data lengths sent in this
// direction, this packet included: the header carries no length, the
// receiver takes the difference from the previous totlen. A totlen below
// the previous one is rejected (errc::packet_went_backwards), one more than
// 1 MiB above it too (errc::packet_too_large) — before the session waits for
// the data. A 0-byte message is a packet whose totlen does not advance.
//
// The frame shape is `leading` (one MAC in front over everything after it)
// with the header in clear; each direction's layout object keeps its
// totlen. There is no message code on the wire: every packet is code 0.
#pragma once

#include <cstdint>
#include <string_view>

#include "policies/frame_layout.hpp"
#include "variants/sha256_per_side/error.hpp"

namespace polywire::variants::sha256_per_side {

/// MAX_PKT_LEN of the original: the largest data a packet may carry.
inline constexpr std::size_t max_packet_length = 1024 * 1024;

class totlen_framing {
public:
    static constexpr std::string_view name = "hmac | le64 totlen | padded data";
    static constexpr std::size_t header_size = 8;
    static constexpr std::size_t max_frame_size = max_packet_length;
    static constexpr std::uint64_t max_code = 0;
    static constexpr policies::frame_shape shape{.tags = policies::tag_placement::leading, .header_encrypted = false};

    static std::size_t padded_size(std::size_t n) noexcept { return (n + 15) & ~std::size_t{15}; }

    /// Egress: advances totlen by n and writes it.
    void encode_header(std::size_t n, mutable_byte_view h) noexcept {
        totlen_ += n;
        for (std::size_t i = 0; i < 8; ++i) h[i] = static_cast<std::uint8_t>(totlen_ >> (8 * i));
    }

    /// Ingress: the data length is the growth of totlen.
    result<std::size_t> decode_header(byte_view h) noexcept {
        std::uint64_t t = 0;
        for (std::size_t i = 0; i < 8; ++i) t |= std::uint64_t{h[i]} << (8 * i);
        if (t < totlen_) return make_error_code(errc::packet_went_backwards);
        if (t - totlen_ > max_packet_length) return make_error_code(errc::packet_too_large);
        const auto n = static_cast<std::size_t>(t - totlen_);
        totlen_ = t;
        return n;
    }

    static void encode_code(std::uint64_t, bytes&) {}
    static result<policies::decoded_code> decode_code(byte_view) noexcept { return policies::decoded_code{}; }

    /// The totlen of the last packet written (egress) or read (ingress).
    std::uint64_t totlen() const noexcept { return totlen_; }

private:
    std::uint64_t totlen_ = 0;
};

}  // namespace polywire::variants::sha256_per_side
