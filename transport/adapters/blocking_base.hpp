// detail::blocking_base<Derived, Session>: what the two blocking adapters
// (blocking_socket over TCP, datagram_socket over UDP) share — the session,
// the log hook and the peer's address, the handshake loop, the calls that
// queue through the session and then flush, and the log lines for events.
//
// Derived provides, publicly or as a friend:
//   std::error_code begin();            starts the session (once)
//   std::optional<event> next_event();  the next event, waiting as needed
//   std::error_code flush();            sends all pending output
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <system_error>

#include "transport/bytes.hpp"
#include "transport/error.hpp"
#include "transport/events.hpp"
#include "transport/log.hpp"
#include "transport/options.hpp"

namespace polywire::transport::adapters::detail {

template <class Derived, class Session>
class blocking_base {
public:
    Session& session() noexcept { return session_; }
    const std::string& peer() const noexcept { return peer_; }

    /// Runs the handshake (and the base protocol's greeting where there is
    /// one): {} once established, else the error that closed the session
    /// (errc::peer_disconnected if the peer said goodbye:
    /// session().peer_disconnect_reason() has its reason).
    std::error_code handshake() {
        if (auto ec = self().begin()) return ec;
        while (session_.state() != session_state::established) {
            auto e = self().next_event();
            if (!e) return session_.error() ? session_.error() : make_error_code(errc::peer_closed);
            if (e->kind == event_kind::error) return e->error;
            if (e->kind == event_kind::disconnected) return make_error_code(errc::peer_disconnected);
        }
        return {};
    }

    /// Sends an application message and flushes it.
    std::error_code send(std::uint64_t code, byte_view payload) {
        return flushed(session_.send(code, payload, clock::now()));
    }

    /// Sends the base protocol's ping (the pong arrives as an event).
    std::error_code ping() { return flushed(session_.ping(clock::now())); }

protected:
    blocking_base(Session s, log_hook log, std::string peer)
        : session_(std::move(s)), log_(std::move(log)), peer_(std::move(peer)) {}

    // `ec` if a session call failed, else what flushing its output gives.
    std::error_code flushed(std::error_code ec) { return ec ? ec : self().flush(); }

    // What flush() reports at its end: the error that closed the session,
    // if it closed with one.
    std::error_code closing_error() const noexcept {
        return session_.state() == session_state::closed ? session_.error() : std::error_code{};
    }

    void log_event(const event& e) {
        if (!log_) return;
        switch (e.kind) {
            case event_kind::handshake_complete: log(log_level::info, "handshake complete"); break;
            case event_kind::disconnected:
                log(log_level::info, "disconnect received: reason " + std::to_string(e.reason));
                break;
            case event_kind::error: log(log_level::warning, "session closed: " + e.error.message()); break;
            default: log(log_level::debug, "event"); break;
        }
    }

    void log(log_level level, const std::string& what) {
        if (log_) log_(level, what, peer_);
    }

    Session session_;
    log_hook log_;
    std::string peer_;

private:
    Derived& self() noexcept { return static_cast<Derived&>(*this); }
};

}  // namespace polywire::transport::adapters::detail
