// Member definitions of transport::session<Config>; included at the bottom
// of transport/session.hpp. Read the contract there first.
#pragma once

namespace polywire::transport {

namespace detail {
/// The key agreement of a session: over datagrams built with
/// policies::over_datagrams if it takes that, and given the session's random
/// source and key log if it takes them (policies/key_agreement.hpp).
template <class KeyAgreement, bool Datagrams, class Options>
KeyAgreement make_key_agreement(policies::handshake_role role, const Options& o, const random_source& random,
                                const key_log& log) {
    using ctx = const key_agreement_context&;
    using r = policies::handshake_role;
    using od = policies::over_datagrams;
    if constexpr (Datagrams && std::is_constructible_v<KeyAgreement, r, const Options&, od, ctx>) {
        return KeyAgreement(role, o, od{}, key_agreement_context{random, log});
    } else if constexpr (Datagrams && std::is_constructible_v<KeyAgreement, r, const Options&, od>) {
        return KeyAgreement(role, o, od{});
    } else if constexpr (std::is_constructible_v<KeyAgreement, r, const Options&, ctx>) {
        return KeyAgreement(role, o, key_agreement_context{random, log});
    } else {
        return KeyAgreement(role, o);
    }
}

/// The base protocol of a session, given the session's random source and
/// key log if it takes them (a rekey draws ephemeral keys).
template <class BaseProtocol, class Options>
BaseProtocol make_base_protocol(const Options& o, const random_source& random, const key_log& log) {
    if constexpr (std::is_constructible_v<BaseProtocol, const Options&, const key_agreement_context&>) {
        return BaseProtocol(o, key_agreement_context{random, log});
    } else {
        return BaseProtocol(o);
    }
}

/// Over datagrams: may a key agreement's refusal of a handshake message be
/// discarded? Yes, unless it is misuse or a primitive's failure.
inline bool discardable_handshake_error(std::error_code ec) noexcept {
    return ec != condition::misuse && ec != condition::system_failure;
}
}  // namespace detail

template <class Config>
session<Config>::session(policies::handshake_role role, options opts)
    : opts_(std::move(opts)),
      role_(role),
      ka_(detail::make_key_agreement<key_agreement, datagrams>(role, opts_.handshake, opts_.random, opts_.key_log)),
      base_(detail::make_base_protocol<base_protocol>(opts_.protocol, opts_.random, opts_.key_log)) {}

template <class Config>
std::error_code session<Config>::start(time_point now) noexcept {
    if (state_ != session_state::initial) return state_ == session_state::closed ? errc::session_closed : errc::invalid_argument;
    state_ = session_state::handshaking;
    started_ = last_rx_ = last_activity_ = now;
    const std::size_t before = out_.size();
    if (auto ec = ka_.start(out_)) return fail(ec);
    log_keys(nullptr);
    if constexpr (datagrams) {
        end_datagram();
        if (out_.size() > before) remember_flight(before, now);
    }
    return process(now);  // a key agreement may complete without input
}

template <class Config>
std::size_t session<Config>::reclaimable() const noexcept {
    // Bytes before the first undelivered message (or all parsed bytes).
    std::size_t keep_from = parse_;
    for (std::size_t i = event_head_; i < events_.size(); ++i)
        if (events_[i].kind == event_kind::message) keep_from = std::min(keep_from, events_[i].offset);
    return keep_from;
}

template <class Config>
std::size_t session<Config>::input_capacity() const noexcept {
    if (state_ == session_state::closed) return 0;
    const std::size_t held = in_.size() - reclaimable();
    return held >= opts_.limits.max_input_buffer ? 0 : opts_.limits.max_input_buffer - held;
}

template <class Config>
std::error_code session<Config>::receive(byte_view data, time_point now) noexcept {
    if (state_ == session_state::closed) return errc::session_closed;
    if (state_ == session_state::initial) {
        if (auto ec = start(now)) return ec;
    }
    compact();
    if (data.size() > input_capacity()) return fail(errc::buffer_limit_exceeded);
    in_.insert(in_.end(), data.begin(), data.end());
    if (!data.empty()) last_rx_ = last_activity_ = now;
    if (state_ == session_state::closing) {
        // After our goodbye, input is read only to notice the peer's.
        parse_ = in_.size();
        return {};
    }
    const std::error_code ec = process(now);
    note_buffer_use(now);
    return ec;
}

template <class Config>
std::error_code session<Config>::receive_datagram(byte_view datagram, time_point now) noexcept {
    if constexpr (!datagrams) {
        if (auto ec = receive(datagram, now)) return ec;
        if (state_ != session_state::closed && parse_ != in_.size()) return fail(errc::truncated_datagram);
        return {};
    } else {
        // docs/architecture.md, "Datagrams": what fails before authentication
        // is discarded, not fatal.
        if (state_ == session_state::closed) return errc::session_closed;
        if (state_ == session_state::initial) {
            if (auto ec = start(now)) return ec;
        }
        compact();
        if (state_ == session_state::closing) return {};  // only the linger remains
        const std::uint64_t discarded_before = discarded_;
        stale_ = false;
        if (role_ == policies::handshake_role::recipient && !keys_ready()) unverified_in_ += datagram.size();
        if (datagram.size() > input_capacity()) {
            discard(errc::buffer_limit_exceeded);
        } else if (frame_layout::carries_frame(datagram) != keys_ready()) {
            discard(errc::unexpected_datagram);  // a late handshake message, or an early frame
        } else {
            in_.insert(in_.end(), datagram.begin(), datagram.end());
            if (auto ec = process(now)) return ec;
            if (state_ != session_state::closed && parse_ != in_.size()) discard(errc::truncated_datagram);
        }
        if (state_ == session_state::closed) return error_;
        note_buffer_use(now);
        if (discarded_ == discarded_before && !stale_) {
            last_rx_ = last_activity_ = now;
        } else if (discarded_ != discarded_before && keys_ready() && now <= flight_until_) {
            resend_flight(now);  // the peer may not have our final flight
        }
        return {};
    }
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
byte_view session<Config>::pending_output() const noexcept {
    if constexpr (datagrams) {
        for (std::size_t i = out_end_head_; i < out_ends_.size(); ++i)
            if (out_ends_[i] > out_pos_) return byte_view(out_.data() + out_pos_, out_ends_[i] - out_pos_);
    }
    return byte_view(out_).subspan(out_pos_);
}

template <class Config>
void session<Config>::consume_output(std::size_t n) noexcept {
    out_pos_ += std::min(n, out_.size() - out_pos_);
    if (out_pos_ == out_.size()) {
        out_.clear();
        out_pos_ = 0;
        for (queued_reply& r : replies_) r.end = 0;
        out_ends_.clear();
        out_end_head_ = 0;
    }
    while (out_end_head_ < out_ends_.size() && out_ends_[out_end_head_] <= out_pos_) ++out_end_head_;
}

template <class Config>
void session<Config>::end_datagram() noexcept {
    if constexpr (datagrams) {
        const std::size_t last = out_ends_.empty() ? 0 : out_ends_.back();
        if (out_.size() > last) out_ends_.push_back(out_.size());
    }
}

template <class Config>
void session<Config>::remember_flight(std::size_t from, time_point now) {
    flight_.assign(out_.begin() + static_cast<std::ptrdiff_t>(from), out_.end());
    flight_ends_.clear();
    for (std::size_t e : out_ends_)
        if (e > from) flight_ends_.push_back(e - from);
    flight_sent_ = now;
}

// Responder over datagrams, before the keys: may n more bytes go to an
// address that has not proved it receives there? Counts them if so.
template <class Config>
bool session<Config>::within_amplification_limit(std::size_t n) noexcept {
    if (role_ != policies::handshake_role::recipient || keys_ready()) return true;
    if (unverified_out_ + n > amplification_limit * unverified_in_) return false;
    unverified_out_ += n;
    return true;
}

template <class Config>
void session<Config>::resend_flight(time_point now) {
    if (flight_.empty() || !within_amplification_limit(flight_.size())) return;
    const std::size_t start = out_.size();
    out_.insert(out_.end(), flight_.begin(), flight_.end());
    for (std::size_t e : flight_ends_) out_ends_.push_back(start + e);
    flight_sent_ = now;
}

template <class Config>
std::error_code session<Config>::discard(std::error_code why) noexcept {
    ++discarded_;
    last_discard_ = why;
    parse_ = in_.size();
    header_read_ = false;
    return {};
}

template <class Config>
std::error_code session<Config>::reject(std::error_code ec) noexcept {
    if constexpr (datagrams) {
        return discard(ec);
    } else {
        return ec;
    }
}

template <class Config>
bool session<Config>::holds_large_buffers() const noexcept {
    const std::size_t r = opts_.limits.retained_buffer;
    return in_.capacity() > r || out_.capacity() > r || scratch_.capacity() > r || zbuf_.capacity() > r ||
           batch_.capacity() > r;
}

template <class Config>
bool session<Config>::large_buffers_releasable() const noexcept {
    // The transient buffers can always go; input only once every received
    // byte is parsed and delivered, output once written.
    const std::size_t r = opts_.limits.retained_buffer;
    return (in_.capacity() <= r || reclaimable() == in_.size()) && (out_.capacity() <= r || out_.empty());
}

template <class Config>
void session<Config>::release_large_buffers(time_point now) noexcept {
    if (now < large_use_ + opts_.limits.release_after || !holds_large_buffers() || !large_buffers_releasable()) return;
    const std::size_t r = opts_.limits.retained_buffer;
    auto release = [r](bytes& b) noexcept {
        if (b.capacity() > r) bytes().swap(b);
    };
    compact();  // every received byte is delivered: in_ empties
    release(in_);
    release(out_);
    release(scratch_);
    release(zbuf_);
    release(batch_);
}

template <class Config>
void session<Config>::compact() noexcept {
    if (event_head_ == events_.size()) {
        events_.clear();
        event_head_ = 0;
    }
    // Keep bytes that undelivered messages still point into.
    const std::size_t keep_from = reclaimable();
    if (keep_from == 0) return;
    in_.erase(in_.begin(), in_.begin() + static_cast<std::ptrdiff_t>(keep_from));
    parse_ -= keep_from;
    for (std::size_t i = event_head_; i < events_.size(); ++i)
        if (events_[i].kind == event_kind::message) events_[i].offset -= keep_from;
}

template <class Config>
std::error_code session<Config>::fail(std::error_code ec) noexcept {
    if (state_ == session_state::closed) return ec;
    if (keys_ready() && ec != make_error_code(errc::peer_closed)) {
        // Best effort goodbye; our egress state is intact whatever failed.
        auto w = writer();
        local_reason_ = base_.reason_for(ec);
        base_.disconnect(*local_reason_, w);
    }
    state_ = session_state::closed;
    error_ = ec;
    push({.kind = event_kind::error, .error = ec});
    wipe_keys();
    return ec;
}

template <class Config>
void session<Config>::wipe_keys() noexcept {
    // Nothing is sealed or opened after a session closes (closing: the
    // goodbye is already sealed, and input is only watched for the peer's).
    egress_.reset();
    ingress_.reset();
    if constexpr (requires { base_.wipe_keys(); }) base_.wipe_keys();  // e.g. a rekey chaining key
    if constexpr (std::is_move_assignable_v<key_agreement>) {
        // A handshake cut short may still hold an ephemeral key or a chaining key.
        ka_ = detail::make_key_agreement<key_agreement, datagrams>(role_, opts_.handshake, opts_.random, opts_.key_log);
    }
}

template <class Config>
void session<Config>::log_keys(const secrets* s) const noexcept {
    if (!opts_.key_log) return;  // always so in production
    detail::key_log_forwarder c{opts_.key_log};
    if constexpr (requires { dump_secrets(ka_, c); }) dump_secrets(ka_, c);
    if constexpr (requires { dump_secrets(opts_.handshake, c); }) dump_secrets(opts_.handshake, c);
    if constexpr (requires { dump_secrets(opts_.protocol, c); }) dump_secrets(opts_.protocol, c);
    if (s != nullptr) {
        if constexpr (requires { dump_secrets(*s, c); }) dump_secrets(*s, c);
    }
}

template <class Config>
std::error_code session<Config>::process(time_point now) noexcept {
    while (state_ == session_state::handshaking || state_ == session_state::established) {
        if (!keys_ready()) {
            const std::size_t before = out_.size();
            auto step = ka_.consume(byte_view(in_).subspan(parse_), out_);
            if (!step) {
                if constexpr (datagrams) {
                    // docs/architecture.md, "Datagrams": a handshake message
                    // the key agreement refuses (forged, foreign, malformed)
                    // is discarded; the genuine one may still come, and the
                    // handshake deadline bounds the wait.
                    if (detail::discardable_handshake_error(step.error())) {
                        discard(step.error());
                        break;
                    }
                }
                return fail(step.error());
            }
            parse_ += step.value().consumed;
            if (step.value().consumed > 0 && !step.value().done) log_keys(nullptr);
            if constexpr (datagrams) {
                if (!step.value().done && !within_amplification_limit(out_.size() - before)) out_.resize(before);
                end_datagram();
                if (step.value().stale) {
                    stale_ = true;
                    resend_flight(now);  // the peer missed our answer
                } else if (step.value().consumed > 0 && !step.value().done) {
                    remember_flight(before, now);  // the new flight (empty: nothing to resend)
                }
            }
            if (step.value().done) {
                if (auto ec = on_keys(now)) return ec;
                if constexpr (datagrams) {
                    // The final flight: resent when the peer repeats itself.
                    remember_flight(before, now);
                    flight_until_ = now + opts_.timeouts.handshake;
                }
                continue;
            }
            if (step.value().consumed == 0) break;
            continue;
        }
        bool progressed = false;
        if (auto ec = read_frame(progressed)) return fail(ec);
        if (!progressed) break;
    }
    return {};
}

template <class Config>
std::error_code session<Config>::on_keys(time_point now) noexcept {
    {
        secrets s = ka_.take_secrets();
        log_keys(&s);
        egress_.emplace(s, policies::direction::egress);
        ingress_.emplace(s, policies::direction::ingress);
        remote_id_ = s.remote_id;
        auto w = writer();
        if (auto ec = base_.start(s, w)) return fail(ec);
        apply_key_updates();
    }
    if (auto ec = tick_base(now, true)) return ec;  // arms the base protocol's timers
    if (base_.greeting_done()) {
        state_ = session_state::established;
        push({.kind = event_kind::handshake_complete});
    }
    return {};
}

template <class Config>
std::error_code session<Config>::read_frame(bool& progressed) noexcept {
    // parse_ stays at the frame's start until the whole frame is read.
    const std::size_t avail = in_.size() - parse_;
    if (!header_read_) {
        if (avail < codec::prefix_size) return {};
        auto n = ingress_->open_prefix(mutable_byte_view(in_.data() + parse_, codec::prefix_size));
        if (!n) return reject(n.error());
        // The size is checked now, before waiting for (or buffering) the body.
        if (n.value() > frame_layout::max_frame_size) return reject(errc::message_too_large);
        if (codec::wire_size(n.value()) > opts_.limits.max_input_buffer) return reject(errc::buffer_limit_exceeded);
        body_size_ = n.value();
        header_read_ = true;
        progressed = true;
    }
    const std::size_t total = codec::wire_size(body_size_);
    if (avail < total) return {};
    if (auto ec = ingress_->open(mutable_byte_view(in_.data() + parse_, total), body_size_)) return reject(ec);
    const std::size_t body = parse_ + codec::body_offset;
    parse_ += total;
    header_read_ = false;
    progressed = true;
    return dispatch_body(body);
}

// The frame is authenticated: from here on every error is fatal.
template <class Config>
std::error_code session<Config>::dispatch_body(std::size_t body) noexcept {
    if constexpr (policies::packs_messages<frame_layout>) {
        std::size_t off = body;
        const std::size_t end = body + body_size_;
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
        auto code = frame_layout::decode_code(byte_view(in_.data() + body, body_size_));
        if (!code) return code.error();
        return dispatch(code.value().code, body + code.value().prefix_size, body_size_ - code.value().prefix_size);
    }
}

template <class Config>
std::error_code session<Config>::dispatch(std::uint64_t code, std::size_t offset, std::size_t size) noexcept {
    byte_view payload(in_.data() + offset, size);
    if (base_.is_control(code)) {
        auto w = writer();
        auto r = base_.on_control(code, payload, w);
        apply_key_updates();
        if (!r) return r.error();
        switch (r.value().event) {
            case policies::control_event::none: break;
            case policies::control_event::greeting:
                if (state_ == session_state::handshaking && base_.greeting_done()) {
                    if constexpr (requires(const base_protocol& b) {
                                      { b.remote_id() } -> std::convertible_to<remote_id_type>;
                                  }) {
                        remote_id_ = base_.remote_id();  // the greeting authenticated the peer
                    }
                    state_ = session_state::established;
                    push({.kind = event_kind::handshake_complete});
                }
                break;
            case policies::control_event::ping: push({.kind = event_kind::ping}); break;
            case policies::control_event::pong:
                ping_outstanding_ = false;
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
    if (event_head_ == events_.size()) return std::nullopt;
    const pending p = events_[event_head_++];
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
    events_.resize(event_head_);
    if (state_ != session_state::closed) {
        fail(bad);  // queues the error event (and the goodbye, if keys remain)
    } else {
        if (!error_) error_ = bad;
        push({.kind = event_kind::error, .error = bad});
    }
    return next_event();
}

template <class Config>
std::optional<time_point> session<Config>::next_deadline() const noexcept {
    switch (state_) {
        case session_state::initial:
        case session_state::closed: return std::nullopt;
        case session_state::handshaking: {
            time_point d = std::min(started_ + opts_.timeouts.handshake, last_rx_ + opts_.timeouts.read);
            if constexpr (datagrams) {
                if (role_ == policies::handshake_role::initiator && !keys_ready() && !flight_.empty())
                    d = std::min(d, flight_sent_ + opts_.timeouts.retransmit);
            }
            if constexpr (policies::has_timers<base_protocol, time_point>) {
                if (keys_ready()) {
                    if (std::optional<time_point> b = base_.next_deadline()) d = std::min(d, *b);
                }
            }
            return d;
        }
        case session_state::closing: return linger_until_;
        case session_state::established: {
            time_point d = last_rx_ + opts_.timeouts.read;
            if (base_protocol::keepalive) {
                d = std::min(d, ping_outstanding_ ? ping_sent_ + opts_.timeouts.pong
                                                  : last_activity_ + opts_.timeouts.ping_interval);
            }
            if constexpr (policies::has_timers<base_protocol, time_point>) {
                if (std::optional<time_point> b = base_.next_deadline()) d = std::min(d, *b);
            }
            if (holds_large_buffers() && large_buffers_releasable()) d = std::min(d, large_use_ + opts_.limits.release_after);
            return d;
        }
    }
    return std::nullopt;
}

template <class Config>
std::error_code session<Config>::on_tick(time_point now) noexcept {
    switch (state_) {
        case session_state::initial: return {};
        case session_state::closed: return errc::session_closed;
        case session_state::closing:
            if (now >= linger_until_) state_ = session_state::closed;
            return {};
        case session_state::handshaking:
            if (now >= started_ + opts_.timeouts.handshake) return fail(errc::handshake_timeout);
            if (now >= last_rx_ + opts_.timeouts.read) return fail(errc::read_timeout);
            if constexpr (datagrams) {
                if (role_ == policies::handshake_role::initiator && !keys_ready() && !flight_.empty() &&
                    now >= flight_sent_ + opts_.timeouts.retransmit)
                    resend_flight(now);
            }
            if (keys_ready()) return tick_base(now, false);
            return {};
        case session_state::established:
            release_large_buffers(now);
            if (now >= last_rx_ + opts_.timeouts.read) return fail(errc::read_timeout);
            if (auto ec = tick_base(now, false)) return ec;
            if (base_protocol::keepalive) {
                if (ping_outstanding_ && now >= ping_sent_ + opts_.timeouts.pong) return fail(errc::ping_timeout);
                if (!ping_outstanding_ && now >= last_activity_ + opts_.timeouts.ping_interval) return ping(now);
            }
            return {};
    }
    return {};
}

template <class Config>
std::error_code session<Config>::check_send(std::uint64_t code, std::size_t size) const noexcept {
    if (state_ == session_state::closed || state_ == session_state::closing) return errc::session_closed;
    if (state_ != session_state::established) return errc::not_established;
    if (base_.is_control(code) || code > policies::max_code_of<frame_layout>()) return errc::invalid_argument;
    if (size > frame_layout::max_frame_size) return errc::message_too_large;
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
        if (code_buf_.size() + p.size() > frame_layout::max_frame_size) return errc::message_too_large;
        batch_.insert(batch_.end(), code_buf_.begin(), code_buf_.end());
        batch_.insert(batch_.end(), p.begin(), p.end());
        batch_ends_.push_back(batch_.size());
    }
    std::size_t start = 0;
    for (std::size_t i = 0; i < batch_ends_.size();) {
        std::size_t j = i + 1;
        if constexpr (policies::packs_messages<frame_layout>) {
            while (j < batch_ends_.size() && batch_ends_[j] - start <= frame_layout::max_frame_size) ++j;
        }
        seal_body(byte_view(batch_.data() + start, batch_ends_[j - 1] - start));
        start = batch_ends_[j - 1];
        i = j;
    }
    if (!messages.empty()) last_activity_ = now;
    note_buffer_use(now);
    return {};
}

template <class Config>
std::error_code session<Config>::send(std::uint64_t code, byte_view payload, time_point now) noexcept {
    if (auto ec = check_send(code, payload.size())) return ec;
    const std::size_t before = out_.size();
    write_frame(code, payload, true);
    if (out_.size() == before) return errc::message_too_large;
    last_activity_ = now;
    note_buffer_use(now);
    return {};
}

template <class Config>
std::error_code session<Config>::ping(time_point now) noexcept {
    if (state_ == session_state::closed || state_ == session_state::closing) return errc::session_closed;
    if (state_ != session_state::established) return errc::not_established;
    auto w = writer();
    base_.ping(w);
    if (!ping_outstanding_) ping_sent_ = now;
    ping_outstanding_ = true;
    last_activity_ = now;
    return {};
}

template <class Config>
std::error_code session<Config>::close(std::uint8_t reason, time_point now) noexcept {
    if (state_ == session_state::closed || state_ == session_state::closing) return errc::session_closed;
    if (!keys_ready()) {
        state_ = session_state::closed;
        wipe_keys();
        return {};
    }
    auto w = writer();
    local_reason_ = reason;
    base_.disconnect(reason, w);
    state_ = session_state::closing;
    linger_until_ = now + opts_.timeouts.linger;
    wipe_keys();  // the goodbye is sealed: no key is needed any more
    return {};
}

template <class Config>
void session<Config>::abort(std::error_code ec) noexcept {
    if (state_ == session_state::closed) return;
    state_ = session_state::closed;
    error_ = ec;
    push({.kind = event_kind::error, .error = ec});
    wipe_keys();
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
std::error_code session<Config>::tick_base(time_point now, bool force) noexcept {
    if constexpr (policies::has_timers<base_protocol, time_point>) {
        if (!force) {
            std::optional<time_point> due = base_.next_deadline();
            if (!due || now < *due) return {};
        }
        auto w = writer();
        std::error_code ec = base_.on_tick(now, w);
        apply_key_updates();
        if (ec) return fail(ec);
    } else {
        (void)now;
        (void)force;
    }
    return {};
}

template <class Config>
void session<Config>::seal_body(byte_view body) {
    apply_key_updates();
    const std::size_t start = out_.size();
    out_.resize(start + codec::wire_size(body.size()));  // zero-filled: the padding
    if (!body.empty()) std::memcpy(out_.data() + start + codec::body_offset, body.data(), body.size());
    egress_->seal(mutable_byte_view(out_.data() + start, codec::wire_size(body.size())), body.size());
    end_datagram();
}

template <class Config>
void session<Config>::write_frame(std::uint64_t code, byte_view payload, bool compressible, bool reply) {
    if (reply) {
        for (queued_reply& r : replies_) {
            if (r.end <= out_pos_) r.end = 0;  // taken
            if (r.end != 0 && r.code == code && std::equal(payload.begin(), payload.end(), r.payload.begin(), r.payload.end()))
                return;  // the same answer is still waiting to be taken: one is enough
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
    if (body_size > frame_layout::max_frame_size) return;  // caller reports message_too_large
    const std::size_t start = out_.size();
    out_.resize(start + codec::wire_size(body_size));  // zero-filled: the padding
    std::uint8_t* p = out_.data() + start + codec::body_offset;
    if (!code_buf_.empty()) std::memcpy(p, code_buf_.data(), code_buf_.size());
    if (!body_payload.empty()) std::memcpy(p + code_buf_.size(), body_payload.data(), body_payload.size());
    egress_->seal(mutable_byte_view(out_.data() + start, codec::wire_size(body_size)), body_size);
    end_datagram();
    if (reply) {
        auto slot = std::find_if(replies_.begin(), replies_.end(), [](const queued_reply& r) { return r.end == 0; });
        if (slot == replies_.end()) slot = replies_.insert(replies_.end(), queued_reply{});
        slot->code = code;
        slot->payload.assign(payload.begin(), payload.end());
        slot->end = out_.size();
    }
}

}  // namespace polywire::transport
