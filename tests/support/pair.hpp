// Two sessions wired back to back in memory, with a clock the test moves.
// `pump()` moves every pending byte both ways (optionally in pieces of at
// most `chunk` bytes, to exercise arbitrary stream splits) until neither
// side has output left, collecting each side's events.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "transport/events.hpp"
#include "transport/options.hpp"

namespace polywire::test {

struct recorded_event {
    transport::event_kind kind;
    std::uint64_t code = 0;
    bytes payload;
    std::uint8_t reason = 0;
    std::error_code error;
};

template <class Session, class SessionB = Session>
struct session_pair {
    Session a;   // initiator
    SessionB b;  // recipient
    transport::time_point now = transport::time_point{} + std::chrono::hours(1);
    std::vector<recorded_event> a_events, b_events;
    std::size_t chunk = 0;  // 0: whole buffers
    std::size_t bytes_a_to_b = 0, bytes_b_to_a = 0;

    session_pair(typename Session::options ao, typename SessionB::options bo)
        : a(policies::handshake_role::initiator, std::move(ao)), b(policies::handshake_role::recipient, std::move(bo)) {}

    void start() {
        (void)a.start(now);
        (void)b.start(now);
        pump();
    }

    template <class S>
    static void drain(S& s, std::vector<recorded_event>& out) {
        while (auto e = s.next_event())
            out.push_back({e->kind, e->code, bytes(e->payload.begin(), e->payload.end()), e->reason, e->error});
    }

    // Moves one side's output to the other; returns bytes moved.
    template <class From, class To>
    std::size_t move(From& from, To& to, std::vector<recorded_event>& to_events) {
        std::size_t moved = 0;
        while (!from.pending_output().empty() && to.state() != transport::session_state::closed) {
            auto out = from.pending_output();
            std::size_t n = chunk ? std::min(chunk, out.size()) : out.size();
            n = std::min(n, to.input_capacity());
            if (n == 0) break;
            bytes copy(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n));
            from.consume_output(n);
            (void)to.receive(copy, now);
            drain(to, to_events);
            moved += n;
        }
        return moved;
    }

    void pump() {
        for (;;) {
            std::size_t ab = move(a, b, b_events);
            std::size_t ba = move(b, a, a_events);
            bytes_a_to_b += ab;
            bytes_b_to_a += ba;
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

inline std::size_t count(const std::vector<recorded_event>& evs, transport::event_kind k) {
    return static_cast<std::size_t>(std::count_if(evs.begin(), evs.end(), [k](const auto& e) { return e.kind == k; }));
}

}  // namespace polywire::test
