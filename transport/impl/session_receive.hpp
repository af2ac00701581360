// transport::session<Config>: input — receive(), receive_datagram(),
// receive_eof(), reading and dispatching frames, and next_event(). Read the
// contract at the top of transport/session.hpp first.
#pragma once

namespace polywire::transport {

template <class Config>
std::size_t session<Config>::input_capacity() const noexcept {
    if (state_ == session_state::closed) return 0;
    const std::size_t held = in_.size() - reclaimable();
    return held >= opts_.limits.max_input_buffer ? 0 : opts_.limits.max_input_buffer - held;
}

template <class Config>
void session<Config>::compact() noexcept {
    events_.recycle();
    // Keep bytes that undelivered messages still point into.
    const std::size_t keep_from = reclaimable();
    in_.drop_front(keep_from);
    events_.shift_offsets(keep_from);
}

template <class Config>
std::error_code session<Config>::receive(byte_view data, time_point now) noexcept {
    if (state_ == session_state::closed) return errc::session_closed;
    if (state_ == session_state::initial) {
        if (auto ec = start(now)) return ec;
    }
    compact();
    if (data.size() > input_capacity()) return fail(errc::buffer_limit_exceeded);
    in_.append(data);
    return received(data.size(), now);
}

template <class Config>
mutable_byte_view session<Config>::receive_space(std::size_t n) noexcept {
    if constexpr (datagrams) {
        return {};  // a datagram's boundary must be kept: receive_datagram()
    } else {
        if (state_ == session_state::closed) return {};
        compact();
        return in_.space(std::min(n, input_capacity()));
    }
}

template <class Config>
std::error_code session<Config>::receive_in_place(std::size_t k, time_point now) noexcept {
    if (state_ == session_state::closed) return errc::session_closed;
    if (datagrams || k > in_.room()) return errc::invalid_argument;
    if (state_ == session_state::initial) {
        if (auto ec = start(now)) return ec;
    }
    if (k > input_capacity()) return fail(errc::buffer_limit_exceeded);
    in_.commit(k);
    return received(k, now);
}

template <class Config>
std::error_code session<Config>::received(std::size_t n, time_point now) noexcept {
    if (n != 0) timers_.received(now);
    if (state_ == session_state::closing) {
        in_.skip_all();  // after our goodbye, input is read only to notice the peer's
        return {};
    }
    const std::error_code ec = process(now);
    note_buffer_use(now);
    return ec;
}

template <class Config>
std::error_code session<Config>::receive_datagram(byte_view datagram, time_point now) noexcept {
    // docs/architecture.md, "Datagrams": over a datagram layout, what fails
    // before authentication is discarded, not fatal (reject()); over a
    // stream each datagram is a piece of the stream that must end on a
    // message boundary.
    if (state_ == session_state::closed) return errc::session_closed;
    if (state_ == session_state::initial) {
        if (auto ec = start(now)) return ec;
    }
    compact();
    if (state_ == session_state::closing) return {};  // only the linger remains
    const std::uint64_t discarded_before = flight_.discarded();
    flight_.begin_datagram(datagram.size(), unverified());
    if (datagram.size() > input_capacity()) {
        if (auto ec = reject(errc::buffer_limit_exceeded)) return fail(ec);
    } else if (policies::misplaced_datagram<frame_layout>(datagram, keys_ready())) {
        reject(errc::unexpected_datagram);  // a late handshake message, or an early frame
    } else {
        in_.append(datagram);
        if (auto ec = process(now)) return ec;
        if (state_ != session_state::closed && in_.parsed() != in_.size()) {
            if (auto ec = reject(errc::truncated_datagram)) return fail(ec);
        }
    }
    if (state_ == session_state::closed) return error_;
    note_buffer_use(now);
    if (flight_.discarded() == discarded_before && !flight_.stale()) {
        if (!datagram.empty()) timers_.received(now);
    } else if (flight_.discarded() != discarded_before && keys_ready()) {
        flight_.after_discard(out_, now);  // the peer may not have our final flight
    }
    return {};
}

template <class Config>
std::error_code session<Config>::receive_eof(time_point) noexcept {
    if (state_ == session_state::closed) return errc::session_closed;
    if (state_ == session_state::closing) {
        state_ = session_state::closed;
        wipe_keys();
        return {};
    }
    return fail(errc::peer_closed);
}

template <class Config>
std::error_code session<Config>::reject(std::error_code ec) noexcept {
    if (!flight_.discard(ec)) return ec;
    in_.skip_all();
    return {};
}

template <class Config>
std::error_code session<Config>::read_frame(bool& progressed) noexcept {
    // parsed() stays at the frame's start until the whole frame is read.
    const std::size_t start = in_.parsed();
    const std::size_t avail = in_.size() - start;
    if (!in_.frame_body()) {
        if (avail < codec::prefix_size) return {};
        auto n = ingress_->open_prefix(mutable_byte_view(in_.data() + start, codec::prefix_size));
        if (!n) return reject(n.error());
        // The size is checked now, before waiting for (or buffering) the body.
        if (n.value() > frame_layout::max_frame_size) return reject(errc::message_too_large);
        if (codec::wire_size(n.value()) > opts_.limits.max_input_buffer) return reject(errc::buffer_limit_exceeded);
        in_.set_frame_body(n.value());
        progressed = true;
    }
    const std::size_t body_size = *in_.frame_body();
    const std::size_t total = codec::wire_size(body_size);
    if (avail < total) return {};
    if (auto ec = ingress_->open(mutable_byte_view(in_.data() + start, total), body_size)) return reject(ec);
    in_.advance(total);
    in_.end_frame();
    progressed = true;
    return dispatch_body(start + codec::body_offset, body_size);
}

// The frame is authenticated: from here on every error is fatal.
template <class Config>
std::error_code session<Config>::dispatch_body(std::size_t body, std::size_t size) noexcept {
    if constexpr (policies::packs_messages<frame_layout>) {
        std::size_t off = body;
        const std::size_t end = body + size;
        while (off < end && state_ != session_state::closed) {
            auto code = frame_layout::decode_code(byte_view(in_.data() + off, end - off));
            if (!code) return code.error();
            const policies::decoded_code c = code.value();
            if (c.prefix_size > end - off) return errc::malformed_frame;
            const std::size_t rest = end - off - c.prefix_size;
            const std::size_t n = c.payload_size == policies::decoded_code::rest_of_body ? rest : c.payload_size;
            if (n > rest || c.prefix_size + n == 0) return errc::malformed_frame;
            if (auto ec = dispatch(c.code, off + c.prefix_size, n)) return ec;
            off += c.prefix_size + n;
        }
        return {};
    } else {
        auto code = frame_layout::decode_code(byte_view(in_.data() + body, size));
        if (!code) return code.error();
        return dispatch(code.value().code, body + code.value().prefix_size, size - code.value().prefix_size);
    }
}

template <class Config>
std::error_code session<Config>::dispatch(std::uint64_t code, std::size_t offset, std::size_t size) noexcept {
    byte_view payload(in_.data() + offset, size);
    if constexpr (probes_datagram_size) {
        if (code == frame_layout::probe_code || code == frame_layout::probe_ack_code) return on_probe(code, payload);
    }
    if (base_.is_control(code)) {
        auto w = writer();
        auto r = base_.on_control(code, payload, w);
        apply_key_updates();
        if (!r) return r.error();
        switch (r.value().event) {
            case policies::control_event::none: break;
            case policies::control_event::greeting:
                if (state_ == session_state::handshaking && base_.greeting_done()) {
                    if constexpr (policies::has_remote_id<base_protocol, remote_id_type>) {
                        remote_id_ = base_.remote_id();  // the greeting authenticated the peer
                    }
                    state_ = session_state::established;
                    push({.kind = event_kind::handshake_complete});
                }
                break;
            case policies::control_event::ping: push({.kind = event_kind::ping}); break;
            case policies::control_event::pong:
                timers_.ponged();
                push({.kind = event_kind::pong});
                break;
            case policies::control_event::disconnect:
                state_ = session_state::closed;
                peer_reason_ = r.value().reason;
                push({.kind = event_kind::disconnected, .reason = r.value().reason});
                wipe_keys();
                break;
        }
        return {};
    }
    if (auto ec = base_.check_app_code(code)) return ec;
    const bool compressed = compressing();
    if (compressed) {
        // The declared size is checked now, before anything is allocated.
        auto n = compressor::declared_size(payload);
        if (!n) return n.error();
        if (n.value() > compressor::max_decompressed_size) return errc::message_too_large;
    }
    push({.kind = event_kind::message, .code = code, .offset = offset, .size = size, .compressed = compressed});
    return {};
}

template <class Config>
std::optional<event> session<Config>::next_event() noexcept {
    const std::optional<detail::queued_event> q = events_.pop();
    if (!q) return std::nullopt;
    const detail::queued_event& p = *q;
    event e{.kind = p.kind, .code = p.code, .reason = p.reason, .error = p.error};
    if (p.kind != event_kind::message) return e;
    byte_view raw(in_.data() + p.offset, p.size);
    if (!p.compressed) {
        e.payload = raw;
        return e;
    }
    std::error_code bad;
    auto n = compressor::declared_size(raw);
    if (n) {
        scratch_.resize(n.value());
        bad = compressor::decompress(raw, scratch_);
        if (!bad) {
            e.payload = byte_view(scratch_.data(), n.value());
            return e;
        }
    } else {
        bad = n.error();
    }
    // The message failed to decompress: one error event replaces it and
    // everything queued after it (nothing after a bad message is delivered).
    // The session may already be closed (close() and its linger, or the
    // peer's EOF, came before the application took the message): fail()
    // then queues nothing, so the error event is queued here.
    events_.drop_queued();
    if (state_ != session_state::closed) {
        fail(bad);  // queues the error event (and the goodbye, if keys remain)
    } else {
        if (!error_) error_ = bad;
        push({.kind = event_kind::error, .error = bad});
    }
    return next_event();
}

}  // namespace polywire::transport
