// Two datagram sessions wired back to back in memory, with a clock the test
// moves: the datagram counterpart of session_pair (pair.hpp), with the same
// members, so a test can be written once for both. With a datagram layout
// each pending_output() is exactly one datagram; `pump()` hands datagrams
// over one by one with receive_datagram(), boundaries kept, taking at most
// `chunk` datagrams from one side before turning to the other (0: all that
// side has), until neither side has output left, collecting each side's
// events. Nothing is lost, duplicated or reordered on the way: tests that
// want that take datagrams off the wire with take() and feed them themselves.
#pragma once

#include <optional>
#include <vector>

#include "tests/support/pair.hpp"
#include "transport/events.hpp"
#include "transport/options.hpp"

namespace polywire::test {

template <class Session, class SessionB = Session>
struct datagram_pair {
    Session a;   // initiator
    SessionB b;  // recipient
    transport::time_point now = transport::time_point{} + std::chrono::hours(1);
    std::vector<recorded_event> a_events, b_events;
    std::size_t chunk = 0;  // datagrams per turn; 0: all pending
    std::size_t datagrams_a_to_b = 0, datagrams_b_to_a = 0;

    datagram_pair(typename Session::options ao, typename SessionB::options bo)
        : a(policies::handshake_role::initiator, std::move(ao)), b(policies::handshake_role::recipient, std::move(bo)) {}

    void start() {
        (void)a.start(now);
        (void)b.start(now);
        pump();
    }

    template <class S>
    static void drain(S& s, std::vector<recorded_event>& out) {
        session_pair<Session, SessionB>::drain(s, out);
    }

    /// The next datagram `from` would send, taken off its output (nullopt:
    /// nothing pending).
    template <class S>
    static std::optional<bytes> take(S& from) {
        const byte_view d = from.pending_output();
        if (d.empty()) return std::nullopt;
        bytes copy(d.begin(), d.end());
        from.consume_output(copy.size());
        return copy;
    }

    // Moves up to `chunk` datagrams of one side to the other; returns how many.
    template <class From, class To>
    std::size_t move(From& from, To& to, std::vector<recorded_event>& to_events) {
        std::size_t moved = 0;
        while ((chunk == 0 || moved < chunk) && to.state() != transport::session_state::closed) {
            std::optional<bytes> d = take(from);
            if (!d) break;
            (void)to.receive_datagram(*d, now);
            drain(to, to_events);
            ++moved;
        }
        return moved;
    }

    void pump() {
        for (;;) {
            std::size_t ab = move(a, b, b_events);
            std::size_t ba = move(b, a, a_events);
            datagrams_a_to_b += ab;
            datagrams_b_to_a += ba;
            drain(a, a_events);
            drain(b, b_events);
            if (ab == 0 && ba == 0) break;
        }
    }

    void advance(transport::duration d) {
        now += d;
        (void)a.on_tick(now);
        (void)b.on_tick(now);
        drain(a, a_events);
        drain(b, b_events);
        pump();
    }
};

}  // namespace polywire::test
