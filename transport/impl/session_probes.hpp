// transport::session<Config>: datagram size negotiation — probes, their
// acknowledgements and the size in use (impl/datagram_size.hpp decides;
// this writes and reads the frames). Read "Datagram sizes" in the contract
// at the top of transport/session.hpp first.
//
//   probe      on frame_layout::probe_code: id (LE32) | zeros, a frame body
//              of exactly the size probed, alone in its datagram
//   probe_ack  on frame_layout::probe_ack_code: id (LE32) | the probe's
//              payload length (LE32)
#pragma once

namespace polywire::transport {

namespace detail {
inline std::uint32_t load_le32(const std::uint8_t* p) noexcept {
    return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 | std::uint32_t{p[3]} << 24;
}
inline void store_le32(std::uint8_t* p, std::uint32_t v) noexcept {
    for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
}  // namespace detail

template <class Config>
std::size_t session<Config>::frame_limit() const noexcept {
    if constexpr (probes_datagram_size) {
        return std::max<std::size_t>(sizer_.frame_limit(), frame_layout::base_frame_size);
    } else {
        return frame_layout::max_frame_size;
    }
}

template <class Config>
std::error_code session<Config>::tick_probes(time_point now) noexcept {
    if constexpr (probes_datagram_size) {
        return sizer_.tick(now, [this](std::uint32_t id, std::size_t frame) { return write_probe(id, frame); });
    } else {
        (void)now;
        return {};
    }
}

template <class Config>
std::error_code session<Config>::write_probe(std::uint32_t id, std::size_t frame) {
    if constexpr (probes_datagram_size) {
        apply_key_updates();
        if (!keys_ready()) return errc::session_closed;
        code_buf_.clear();
        frame_layout::encode_code(frame_layout::probe_code, 0, code_buf_);
        const std::size_t prefix = code_buf_.size();
        if (frame < prefix + 4 || frame > frame_layout::max_frame_size) return {};
        code_buf_.clear();
        frame_layout::encode_code(frame_layout::probe_code, frame - prefix, code_buf_);
        const std::size_t start = out_.size();
        mutable_byte_view sealed = out_.extend_zeroed(codec::wire_size(frame));  // zero: the probe's filler
        std::uint8_t* p = sealed.data() + codec::body_offset;
        std::memcpy(p, code_buf_.data(), code_buf_.size());
        detail::store_le32(p + code_buf_.size(), id);
        if (auto ec = egress_->seal(sealed, frame)) {
            out_.truncate(start);
            return ec;
        }
        flight_.end_datagram(out_);
        return {};
    } else {
        (void)id;
        (void)frame;
        return {};
    }
}

// An authenticated probe or acknowledgement (dispatch()): a probe is
// answered, an acknowledgement goes to the sizer, which ignores any that
// names no probe outstanding. A malformed one is a protocol error (it was
// authenticated: the peer sent it).
template <class Config>
std::error_code session<Config>::on_probe(std::uint64_t code, byte_view payload) {
    if constexpr (probes_datagram_size) {
        if (code == frame_layout::probe_code) {
            if (payload.size() < 4) return errc::malformed_frame;
            std::array<std::uint8_t, 8> ack{};
            std::copy_n(payload.begin(), 4, ack.begin());
            detail::store_le32(ack.data() + 4, static_cast<std::uint32_t>(payload.size()));
            if (auto ec = write_frame(frame_layout::probe_ack_code, ack, false)) return ec;
            sizer_.answered();
            return {};
        }
        if (payload.size() != 8) return errc::malformed_frame;
        code_buf_.clear();
        const std::size_t n = detail::load_le32(payload.data() + 4);
        frame_layout::encode_code(frame_layout::probe_code, n, code_buf_);
        (void)sizer_.acknowledged(detail::load_le32(payload.data()), code_buf_.size() + n);
        return {};
    } else {
        (void)code;
        (void)payload;
        return {};
    }
}

}  // namespace polywire::transport
