// transport::detail::timer_set — the session's clocks: when it started, last
// received, last sent or received, pinged, lingers until, and last used a
// large buffer; and the deadlines and expiries they give under a session's
// timeouts. The session never reads a clock: `now` always comes in.
//
//   handshaking  handshake deadline (from start) and the idle read timeout
//   established  idle read timeout; with keepalive, a ping after
//                ping_interval without traffic and ping_timeout if its pong
//                does not come within timeouts.pong
//   closing      the linger after our goodbye
#pragma once

#include <algorithm>
#include <system_error>

#include "transport/error.hpp"
#include "transport/options.hpp"

namespace polywire::transport::detail {

class timer_set {
public:
    /// What on_tick must do at `now`.
    enum class expiry {
        none,
        handshake_timeout,
        read_timeout,
        ping_timeout,
        ping_due,  ///< keepalive: send a ping
    };

    void start(time_point now) noexcept { started_ = last_rx_ = last_activity_ = now; }
    /// Something authentic (or, over a stream, anything) was received.
    void received(time_point now) noexcept { last_rx_ = last_activity_ = now; }
    /// Something was sent.
    void sent(time_point now) noexcept { last_activity_ = now; }
    void pinged(time_point now) noexcept {
        if (!ping_outstanding_) ping_sent_ = now;
        ping_outstanding_ = true;
        last_activity_ = now;
    }
    void ponged() noexcept { ping_outstanding_ = false; }
    bool ping_outstanding() const noexcept { return ping_outstanding_; }

    void linger(time_point now, const timeouts& t) noexcept { linger_until_ = now + t.linger; }
    time_point linger_until() const noexcept { return linger_until_; }

    /// A buffer larger than limits::retained_buffer was used at `now`.
    void used_large_buffer(time_point now) noexcept { large_use_ = now; }
    time_point large_buffers_release(const limits& l) const noexcept { return large_use_ + l.release_after; }

    time_point handshake_deadline(const timeouts& t) const noexcept {
        return std::min(started_ + t.handshake, last_rx_ + t.read);
    }
    time_point established_deadline(const timeouts& t, bool keepalive) const noexcept {
        time_point d = last_rx_ + t.read;
        if (keepalive) d = std::min(d, ping_outstanding_ ? ping_sent_ + t.pong : last_activity_ + t.ping_interval);
        return d;
    }
    expiry handshake_expiry(time_point now, const timeouts& t) const noexcept {
        if (now >= started_ + t.handshake) return expiry::handshake_timeout;
        if (now >= last_rx_ + t.read) return expiry::read_timeout;
        return expiry::none;
    }
    /// The read timeout only; keepalive_expiry() is asked separately, after
    /// the base protocol's timers ran.
    expiry read_expiry(time_point now, const timeouts& t) const noexcept {
        return now >= last_rx_ + t.read ? expiry::read_timeout : expiry::none;
    }
    expiry keepalive_expiry(time_point now, const timeouts& t) const noexcept {
        if (ping_outstanding_ && now >= ping_sent_ + t.pong) return expiry::ping_timeout;
        if (!ping_outstanding_ && now >= last_activity_ + t.ping_interval) return expiry::ping_due;
        return expiry::none;
    }

    /// The error an expiry closes the session with (none for ping_due).
    static std::error_code error_of(expiry e) noexcept {
        switch (e) {
            case expiry::handshake_timeout: return errc::handshake_timeout;
            case expiry::read_timeout: return errc::read_timeout;
            case expiry::ping_timeout: return errc::ping_timeout;
            case expiry::none:
            case expiry::ping_due: break;
        }
        return {};
    }

private:
    time_point started_{};
    time_point last_rx_{};
    time_point last_activity_{};
    time_point ping_sent_{};
    bool ping_outstanding_ = false;
    time_point linger_until_{};
    time_point large_use_{};  // the last receive or send while a buffer exceeded limits.retained_buffer
};

}  // namespace polywire::transport::detail
