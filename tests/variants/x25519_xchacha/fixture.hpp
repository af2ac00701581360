// Shared fixtures of the x25519-xchacha tests: fixed identities and
// ephemeral keys, session options, and a datagram pair — two sessions
// exchanging whole datagrams through a network the test controls (drop,
// duplicate, reorder, tamper), with a clock the test moves.
#pragma once

#include <deque>
#include <functional>
#include <optional>
#include <vector>

#include "variants/x25519_xchacha/config.hpp"  // first: tests/support/pair.hpp needs the policies
#include "tests/support/hex.hpp"
#include "tests/support/replay_random.hpp"
#include "tests/support/pair.hpp"

namespace polywire::variants::x25519_xchacha::test {

using polywire::test::h;
using polywire::test::hx;
using polywire::test::recorded_event;

inline crypto::ed25519::private_key identity(std::uint8_t fill) {
    return crypto::ed25519::private_key::from_seed(bytes(32, fill)).value();
}
inline const crypto::ed25519::private_key& alice() {
    static const auto k = identity(0x11);
    return k;
}
inline const crypto::ed25519::private_key& bob() {
    static const auto k = identity(0x22);
    return k;
}
inline const crypto::ed25519::private_key& mallory() {
    static const auto k = identity(0x66);
    return k;
}

inline crypto::x25519::private_key x_key(std::uint8_t fill) { return crypto::x25519::private_key(bytes(32, fill)); }
inline session_id sid(std::uint8_t fill) {
    session_id s;
    s.fill(fill);
    return s;
}

/// A random source giving an ephemeral key and a session id of these fills
/// (the handshake's draws, in order), then `after` (a rekey's keys), then
/// the kernel's bytes.
inline transport::random_source fixed_random(std::uint8_t ephemeral_fill, std::uint8_t sid_fill, byte_view after = {}) {
    return polywire::test::replay(polywire::test::cat(x_key(ephemeral_fill).view(), sid(sid_fill), after));
}

/// Options of a session with fixed identity, ephemeral key and session id.
/// `remote`: the identity expected of the peer (none: any).
template <class Session>
typename Session::options options(const crypto::ed25519::private_key& me, std::optional<identity_public_key> remote,
                                  std::uint8_t ephemeral_fill, std::uint8_t sid_fill) {
    typename Session::options o;
    o.handshake.identity = me;
    o.handshake.expected_remote = remote;
    o.random = fixed_random(ephemeral_fill, sid_fill);
    o.protocol.rekey_interval = transport::duration{0};  // tests start rekeys themselves
    // Tests move the clock by minutes: keep idle sessions alive meanwhile
    // (tests of the keepalive set these back).
    o.timeouts.read = std::chrono::minutes(10);
    o.timeouts.ping_interval = std::chrono::minutes(4);
    o.timeouts.pong = std::chrono::minutes(5);
    return o;
}
template <class Session>
typename Session::options alice_options() {
    return options<Session>(alice(), bob().public_key(), 0xa1, 0xa5);
}
template <class Session>
typename Session::options bob_options() {
    return options<Session>(bob(), alice().public_key(), 0xb1, 0xb5);
}

inline bytes pattern(std::size_t n, unsigned seed) {
    bytes b(n);
    for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>((i * 31 + seed) & 0xff);
    return b;
}

inline std::vector<bytes> payloads(const std::vector<recorded_event>& evs) {
    std::vector<bytes> out;
    for (const auto& e : evs)
        if (e.kind == transport::event_kind::message) out.push_back(e.payload);
    return out;
}

/// Two datagram sessions and the network between them. Each datagram a
/// session emits goes into its direction's queue; `deliver()` hands the
/// queued datagrams over in order, passing each through `filter` (return
/// nothing to drop it, or change it), until both sides are quiet.
template <class Session>
struct datagram_pair {
    Session a;  // initiator
    Session b;  // recipient
    transport::time_point now = transport::time_point{} + std::chrono::hours(1);
    std::vector<recorded_event> a_events, b_events;
    std::deque<bytes> to_a, to_b;  // in flight
    std::vector<bytes> sent_by_a, sent_by_b;  // every datagram, in order
    /// (datagram, from_a) -> what arrives (nullopt: lost).
    std::function<std::optional<bytes>(const bytes&, bool)> filter;

    datagram_pair(typename Session::options ao, typename Session::options bo)
        : a(policies::handshake_role::initiator, std::move(ao)), b(policies::handshake_role::recipient, std::move(bo)) {}

    static void drain(Session& s, std::vector<recorded_event>& out) {
        while (auto e = s.next_event())
            out.push_back({e->kind, e->code, bytes(e->payload.begin(), e->payload.end()), e->reason, e->error});
    }

    /// Moves every pending datagram of both sessions into flight.
    void collect() {
        for (;;) {
            auto d = a.pending_output();
            if (d.empty()) break;
            to_b.emplace_back(d.begin(), d.end());
            sent_by_a.emplace_back(d.begin(), d.end());
            a.consume_output(d.size());
        }
        for (;;) {
            auto d = b.pending_output();
            if (d.empty()) break;
            to_a.emplace_back(d.begin(), d.end());
            sent_by_b.emplace_back(d.begin(), d.end());
            b.consume_output(d.size());
        }
    }

    bool deliver_one(std::deque<bytes>& q, Session& to, std::vector<recorded_event>& evs, bool from_a) {
        if (q.empty()) return false;
        bytes d = std::move(q.front());
        q.pop_front();
        std::optional<bytes> arriving = filter ? filter(d, from_a) : std::optional<bytes>(d);
        if (arriving) (void)to.receive_datagram(*arriving, now);
        drain(to, evs);
        return true;
    }

    void deliver() {
        for (;;) {
            collect();
            const bool ab = deliver_one(to_b, b, b_events, true);
            const bool ba = deliver_one(to_a, a, a_events, false);
            if (!ab && !ba) {
                collect();
                if (to_a.empty() && to_b.empty()) break;
            }
        }
        drain(a, a_events);
        drain(b, b_events);
    }

    void start() {
        (void)a.start(now);
        (void)b.start(now);
        deliver();
    }

    void advance(transport::duration d) {
        now += d;
        (void)a.on_tick(now);
        (void)b.on_tick(now);
        drain(a, a_events);
        drain(b, b_events);
        deliver();
    }
};

}  // namespace polywire::variants::x25519_xchacha::test
