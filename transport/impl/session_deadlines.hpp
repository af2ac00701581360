// transport::session<Config>: time — next_deadline(), on_tick(), the base
// protocol's timers, and releasing buffers a large message left behind.
// Read the contract at the top of transport/session.hpp first.
#pragma once

namespace polywire::transport {

template <class Config>
std::optional<time_point> session<Config>::next_deadline() const noexcept {
    switch (state_) {
        case session_state::initial:
        case session_state::closed: return std::nullopt;
        case session_state::handshaking: {
            time_point d = timers_.handshake_deadline(opts_.timeouts);
            if (auto r = flight_.retransmit_deadline(awaiting_answer(), opts_.timeouts)) d = std::min(d, *r);
            if constexpr (policies::has_timers<base_protocol, time_point>) {
                if (keys_ready()) {
                    if (std::optional<time_point> b = base_.next_deadline()) d = std::min(d, *b);
                }
            }
            return d;
        }
        case session_state::closing: return timers_.linger_until();
        case session_state::established: {
            time_point d = timers_.established_deadline(opts_.timeouts, base_protocol::keepalive);
            if constexpr (policies::has_timers<base_protocol, time_point>) {
                if (std::optional<time_point> b = base_.next_deadline()) d = std::min(d, *b);
            }
            if (holds_large_buffers() && large_buffers_releasable())
                d = std::min(d, timers_.large_buffers_release(opts_.limits));
            if constexpr (probes_datagram_size) {
                if (std::optional<time_point> p = sizer_.deadline()) d = std::min(d, *p);
            }
            return d;
        }
    }
    return std::nullopt;
}

template <class Config>
std::error_code session<Config>::on_tick(time_point now) noexcept {
    using expiry = detail::timer_set::expiry;
    switch (state_) {
        case session_state::initial: return {};
        case session_state::closed: return errc::session_closed;
        case session_state::closing:
            if (now >= timers_.linger_until()) state_ = session_state::closed;
            return {};
        case session_state::handshaking:
            if (expiry e = timers_.handshake_expiry(now, opts_.timeouts); e != expiry::none)
                return fail(detail::timer_set::error_of(e));
            flight_.tick(out_, now, awaiting_answer(), opts_.timeouts);
            if (keys_ready()) return tick_base(now, false);
            return {};
        case session_state::established: {
            release_large_buffers(now);
            if (timers_.read_expiry(now, opts_.timeouts) != expiry::none) return fail(errc::read_timeout);
            if (auto ec = tick_base(now, false)) return ec;
            if (state_ == session_state::established) {
                if (auto ec = tick_probes(now)) return fail(ec);
            }
            if (base_protocol::keepalive) {
                const expiry e = timers_.keepalive_expiry(now, opts_.timeouts);
                if (e == expiry::ping_due) return ping(now);
                if (e != expiry::none) return fail(detail::timer_set::error_of(e));
            }
            return {};
        }
    }
    return {};
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
    if (now < timers_.large_buffers_release(opts_.limits) || !holds_large_buffers() || !large_buffers_releasable())
        return;
    const std::size_t r = opts_.limits.retained_buffer;
    auto release = [r](bytes& b) noexcept {
        if (b.capacity() > r) bytes().swap(b);
    };
    compact();  // every received byte is delivered: the input empties
    in_.release(r);
    out_.release(r);
    release(scratch_);
    release(zbuf_);
    release(batch_);
}

}  // namespace polywire::transport
