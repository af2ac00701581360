// transport::session<Config>: output — pending_output(), consume_output(),
// send(), send_batch(), ping(), and sealing frames. Read the contract at the
// top of transport/session.hpp first.
#pragma once

namespace polywire::transport {

template <class Config>
byte_view session<Config>::pending_output() const noexcept {
    return flight_.next_datagram(out_, out_pos_);
}

template <class Config>
void session<Config>::consume_output(std::size_t n) noexcept {
    out_pos_ += std::min(n, out_.size() - out_pos_);
    if (out_pos_ == out_.size()) {
        out_.clear();
        out_pos_ = 0;
        for (queued_reply& r : replies_) r.end = 0;
        flight_.output_cleared();
    }
    flight_.output_taken(out_pos_);
}

template <class Config>
std::error_code session<Config>::check_send(std::uint64_t code, std::size_t size) const noexcept {
    if (state_ == session_state::closed || state_ == session_state::closing) return errc::session_closed;
    if (state_ != session_state::established) return errc::not_established;
    if (base_.is_control(code) || code > policies::max_code_of<frame_layout>()) return errc::invalid_argument;
    if constexpr (requires(const codec& c) { { c.sealable() } noexcept -> std::same_as<std::error_code>; }) {
        if (auto ec = egress_->sealable()) return ec;  // e.g. a one-way pattern's responder
    }
    if (size > frame_limit()) return errc::message_too_large;
    if (compressing() && size > compressor::max_decompressed_size) return errc::message_too_large;
    if (out_.size() - out_pos_ > opts_.limits.max_output_buffer) return errc::buffer_limit_exceeded;
    return {};
}

template <class Config>
std::error_code session<Config>::send_batch(std::span<const outgoing_message> messages, time_point now) noexcept {
    for (const outgoing_message& m : messages) {
        if (auto ec = check_send(m.code, m.payload.size())) return ec;
    }
    // Encode every message (code prefix, payload) into batch_ first, so a
    // message too large once encoded refuses the batch before anything is sent.
    batch_.clear();
    batch_ends_.clear();
    const std::size_t limit = frame_limit();
    for (const outgoing_message& m : messages) {
        byte_view p = m.payload;
        if (compressing()) {
            zbuf_.resize(compressor::max_compressed_size(p.size()));
            zbuf_.resize(compressor::compress(p, zbuf_));
            p = zbuf_;
        }
        code_buf_.clear();
        if constexpr (policies::packs_messages<frame_layout>) {
            frame_layout::encode_code(m.code, p.size(), code_buf_);
        } else {
            frame_layout::encode_code(m.code, code_buf_);
        }
        if (code_buf_.size() + p.size() > limit) return errc::message_too_large;
        batch_.insert(batch_.end(), code_buf_.begin(), code_buf_.end());
        batch_.insert(batch_.end(), p.begin(), p.end());
        batch_ends_.push_back(batch_.size());
    }
    std::size_t start = 0;
    for (std::size_t i = 0; i < batch_ends_.size();) {
        std::size_t j = i + 1;
        if constexpr (policies::packs_messages<frame_layout>) {
            while (j < batch_ends_.size() && batch_ends_[j] - start <= limit) ++j;
        }
        if (auto ec = seal_body(byte_view(batch_.data() + start, batch_ends_[j - 1] - start))) return fail(ec);
        start = batch_ends_[j - 1];
        i = j;
    }
    if (!messages.empty()) timers_.sent(now);
    note_buffer_use(now);
    return {};
}

template <class Config>
std::error_code session<Config>::send(std::uint64_t code, byte_view payload, time_point now) noexcept {
    if (auto ec = check_send(code, payload.size())) return ec;
    if (auto ec = write_frame(code, payload, true)) {
        // Too large once encoded: refused, the session goes on. A frame the
        // codec cannot seal: nothing more can be sent, the session closes.
        return ec == errc::message_too_large ? ec : fail(ec);
    }
    timers_.sent(now);
    note_buffer_use(now);
    return {};
}

template <class Config>
std::error_code session<Config>::ping(time_point now) noexcept {
    if (state_ == session_state::closed || state_ == session_state::closing) return errc::session_closed;
    if (state_ != session_state::established) return errc::not_established;
    auto w = writer();
    base_.ping(w);
    timers_.pinged(now);
    return {};
}

template <class Config>
void session<Config>::apply_key_updates() noexcept {
    if constexpr (policies::has_key_updates<base_protocol>) {
        if (!keys_ready()) return;
        while (auto u = base_.take_key_update()) {
            if (u->dir == policies::direction::egress) {
                egress_->update_keys(*u);
            } else {
                ingress_->update_keys(*u);
            }
        }
    }
}

template <class Config>
std::error_code session<Config>::append_frame(byte_view head, byte_view rest) {
    // A payload inside the output itself (a caller sending back what
    // pending_output() gave) would move when the output grows: copied first.
    const std::less<const std::uint8_t*> below;  // a total order, whatever memory `rest` is in
    if (!rest.empty() && !below(rest.data(), out_.data()) && below(rest.data(), out_.data() + out_.capacity())) {
        zbuf_.assign(rest.begin(), rest.end());
        rest = zbuf_;
    }
    const std::size_t start = out_.size(), n = head.size() + rest.size();
    mutable_byte_view frame = out_.extend(codec::wire_size(n));  // every byte written below
    std::error_code ec;
    bool sealed = false;
    if constexpr (requires(codec& c) { c.seal_from(frame, rest); }) {
        if (head.empty()) {
            ec = egress_->seal_from(frame, rest);
            sealed = true;
        }
    }
    if (!sealed) {
        // In place: prefix zero, the body copied in, padding and tags zero.
        const auto body = frame.begin() + static_cast<std::ptrdiff_t>(codec::body_offset);
        std::fill(frame.begin(), body, std::uint8_t{0});
        const auto end = std::copy(rest.begin(), rest.end(), std::copy(head.begin(), head.end(), body));
        std::fill(end, frame.end(), std::uint8_t{0});
        ec = egress_->seal(frame, n);
    }
    if (ec) {
        out_.truncate(start);  // the frame is not sent
        return ec;
    }
    flight_.end_datagram(out_);
    return {};
}

template <class Config>
std::error_code session<Config>::seal_body(byte_view body) {
    apply_key_updates();
    if (!keys_ready()) return errc::session_closed;
    return append_frame({}, body);
}

template <class Config>
std::error_code session<Config>::write_frame(std::uint64_t code, byte_view payload, bool compressible, bool reply) {
    if (reply) {
        for (queued_reply& r : replies_) {
            if (r.end <= out_pos_) r.end = 0;  // taken
            if (r.end != 0 && r.code == code && std::equal(payload.begin(), payload.end(), r.payload.begin(), r.payload.end()))
                return {};  // the same answer is still waiting to be taken: one is enough
        }
    }
    apply_key_updates();
    byte_view body_payload = payload;
    if (compressible && compressing()) {
        zbuf_.resize(compressor::max_compressed_size(payload.size()));
        zbuf_.resize(compressor::compress(payload, zbuf_));
        body_payload = zbuf_;
    }
    code_buf_.clear();
    if constexpr (policies::packs_messages<frame_layout>) {
        frame_layout::encode_code(code, body_payload.size(), code_buf_);
    } else {
        frame_layout::encode_code(code, code_buf_);
    }
    const std::size_t body_size = code_buf_.size() + body_payload.size();
    if (body_size > frame_limit()) return errc::message_too_large;
    if (!keys_ready()) return errc::session_closed;
    if (auto ec = append_frame(code_buf_, body_payload)) return ec;
    if (reply) {
        auto slot = std::find_if(replies_.begin(), replies_.end(), [](const queued_reply& r) { return r.end == 0; });
        if (slot == replies_.end()) slot = replies_.insert(replies_.end(), queued_reply{});
        slot->code = code;
        slot->payload.assign(payload.begin(), payload.end());
        slot->end = out_.size();
    }
    return {};
}

}  // namespace polywire::transport
