// The control protocol through real sessions: ping/pong and close, and
// rekeying on the interval during traffic with no message lost — over a
// stream, and over datagrams with every rekey message lost once — plus
// collisions, the recipient's backstop and misbehaving peers.
#include "variants/x25519_xchacha/control.hpp"

#include <gtest/gtest.h>

#include "tests/variants/x25519_xchacha/fixture.hpp"
#include "transport/error.hpp"
#include "variants/x25519_xchacha/config.hpp"

namespace polywire::variants::x25519_xchacha {
namespace {
using namespace test;
using transport::event_kind;
using transport::session_state;
using stream_pair = polywire::test::session_pair<session>;
using udp_pair = datagram_pair<udp_session>;

template <class Session>
typename Session::options with_rekey(typename Session::options o, int seconds) {
    o.protocol.rekey_interval = std::chrono::seconds(seconds);
    return o;
}

TEST(ControlTest, PingIsAnsweredAndCloseCarriesItsReason) {
    stream_pair p(alice_options<session>(), bob_options<session>());
    p.start();
    ASSERT_FALSE(p.a.ping(p.now));
    p.pump();
    EXPECT_EQ(polywire::test::count(p.b_events, event_kind::ping), 1u);
    EXPECT_EQ(polywire::test::count(p.a_events, event_kind::pong), 1u);
    ASSERT_FALSE(p.b.close(reason::timeout, p.now));
    p.pump();
    ASSERT_FALSE(p.a_events.empty());
    EXPECT_EQ(p.a_events.back().kind, event_kind::disconnected);
    EXPECT_EQ(p.a_events.back().reason, reason::timeout);
    EXPECT_EQ(p.a.peer_disconnect_reason(), reason::timeout);
}

TEST(ControlTest, KeepalivePingsAfterSilence) {
    auto ao = alice_options<session>();
    auto bo = bob_options<session>();
    ao.timeouts = bo.timeouts = transport::timeouts::suggested();
    stream_pair p(ao, bo);
    p.start();
    for (int s = 0; s < 100; ++s) p.advance(std::chrono::seconds(1));
    EXPECT_GE(polywire::test::count(p.a_events, event_kind::pong), 3u);
    EXPECT_EQ(p.a.state(), session_state::established);
    EXPECT_EQ(p.b.state(), session_state::established);
}

// Sends `n` messages each way, then runs the clock forward by `step`; `k` rounds.
template <class Pair, class Deliver>
void traffic(Pair& p, Deliver deliver, int rounds, int n, std::chrono::milliseconds step, std::vector<bytes>& sent_a,
             std::vector<bytes>& sent_b) {
    for (int r = 0; r < rounds; ++r) {
        for (int i = 0; i < n; ++i) {
            sent_a.push_back(pattern(static_cast<std::size_t>(10 + (r * n + i) % 90), static_cast<unsigned>(r * n + i)));
            sent_b.push_back(pattern(static_cast<std::size_t>(20 + (r * n + i) % 70), static_cast<unsigned>(r * n + i + 7)));
            ASSERT_FALSE(p.a.send(1, sent_a.back(), p.now));
            ASSERT_FALSE(p.b.send(2, sent_b.back(), p.now));
            if (i % 3 == 0) deliver();
        }
        p.advance(step);
    }
    deliver();
}

TEST(ControlTest, StreamRekeysEveryIntervalDuringTrafficWithNoMessageLost) {
    stream_pair p(with_rekey<session>(alice_options<session>(), 60), bob_options<session>());
    p.start();
    std::vector<bytes> sent_a, sent_b;
    traffic(p, [&] { p.pump(); }, 30, 20, std::chrono::seconds(10), sent_a, sent_b);  // 300 s
    EXPECT_EQ(payloads(p.b_events), sent_a);
    EXPECT_EQ(payloads(p.a_events), sent_b);
    EXPECT_EQ(p.a.protocol().rekeys_completed(), 5u);
    EXPECT_EQ(p.b.protocol().rekeys_completed(), 5u);
    EXPECT_EQ(p.a.protocol().epoch(), 5u);
    EXPECT_EQ(p.a.egress_codec()->epoch(), 5u);
    EXPECT_EQ(p.b.egress_codec()->epoch(), 5u);
    EXPECT_EQ(p.a.ingress_codec()->keys_held(), 1u);
    EXPECT_EQ(p.b.ingress_codec()->keys_held(), 1u);
    EXPECT_EQ(p.a.state(), session_state::established);
    EXPECT_EQ(p.b.state(), session_state::established);
}

TEST(ControlTest, TheDefaultIntervalIsOneMinute) {
    EXPECT_EQ(control_protocol::options{}.rekey_interval, std::chrono::seconds(60));
    auto ao = alice_options<session>();
    ao.protocol = control_protocol::options{};
    stream_pair p(ao, bob_options<session>());
    p.start();
    p.advance(std::chrono::seconds(59));
    EXPECT_EQ(p.a.protocol().rekeys_completed(), 0u);
    p.advance(std::chrono::seconds(1));
    EXPECT_EQ(p.a.protocol().rekeys_completed(), 1u);
    EXPECT_EQ(p.b.protocol().rekeys_completed(), 1u);
}

TEST(ControlTest, DatagramRekeyDuringTrafficWithNoMessageLost) {
    udp_pair p(with_rekey<udp_session>(alice_options<udp_session>(), 60), bob_options<udp_session>());
    p.start();
    std::vector<bytes> sent_a, sent_b;
    traffic(p, [&] { p.deliver(); }, 30, 20, std::chrono::seconds(10), sent_a, sent_b);
    EXPECT_EQ(payloads(p.b_events), sent_a);
    EXPECT_EQ(payloads(p.a_events), sent_b);
    EXPECT_EQ(p.a.protocol().rekeys_completed(), 5u);
    EXPECT_EQ(p.b.protocol().rekeys_completed(), 5u);
    EXPECT_EQ(p.a.discarded_datagrams(), 0u);
    EXPECT_EQ(p.b.discarded_datagrams(), 0u);
}

// Over datagrams, each rekey message is lost once in turn: the exchange
// still completes (retransmitted every second) and no message is lost.
TEST(ControlTest, DatagramRekeySurvivesTheLossOfEachOfItsMessages) {
    for (std::uint64_t lost : {channel::rekey, channel::rekey_ack, channel::rekey_done}) {
        for (bool from_a : {true, false}) {
            if ((lost == channel::rekey && !from_a) || (lost == channel::rekey_ack && from_a)) continue;
            // No size probes: this counts the datagrams that carry packets.
            auto ao = with_rekey<udp_session>(alice_options<udp_session>(), 60);
            auto bo = bob_options<udp_session>();
            ao.probing.enabled = bo.probing.enabled = false;
            udp_pair p(ao, bo);
            p.start();
            ASSERT_EQ(p.a.state(), session_state::established);
            // Control messages are the only datagrams without application
            // traffic: drop the first datagram from the chosen side after the
            // rekey starts, counting only datagrams of that kind.
            int seen = 0;
            // Each side's datagrams after the rekey starts: A: rekey, rekey_done;
            // B: rekey_ack, rekey_done.
            const int target = lost == channel::rekey_done ? 1 : 0;
            bool armed = false;
            p.filter = [&](const bytes& d, bool a_sent) -> std::optional<bytes> {
                if (armed && a_sent == from_a && d[0] == kind::data) {
                    if (seen++ == target) return std::nullopt;
                }
                return d;
            };
            armed = true;
            p.advance(std::chrono::seconds(60));  // the rekey starts, and one of its messages is lost
            EXPECT_EQ(p.a.protocol().rekeys_completed(), 0u) << lost << " " << from_a;
            EXPECT_EQ(seen, target + 1) << lost << " " << from_a;
            for (int s = 0; s < 5; ++s) p.advance(std::chrono::seconds(1));
            EXPECT_EQ(p.a.protocol().rekeys_completed(), 1u) << lost << " " << from_a;
            EXPECT_EQ(p.b.protocol().rekeys_completed(), 1u) << lost << " " << from_a;
            armed = false;
            std::vector<bytes> sent_a, sent_b;
            traffic(p, [&] { p.deliver(); }, 2, 5, std::chrono::seconds(1), sent_a, sent_b);
            EXPECT_EQ(payloads(p.b_events), sent_a);
            EXPECT_EQ(payloads(p.a_events), sent_b);
            EXPECT_EQ(p.a.egress_codec()->epoch(), 1u);
            EXPECT_EQ(p.b.egress_codec()->epoch(), 1u);
        }
    }
}

TEST(ControlTest, SimultaneousRekeysResolveToTheInitiatorsExchange) {
    // Both sides start at the same tick; the handshake initiator's wins.
    auto ao = with_rekey<session>(alice_options<session>(), 60);
    auto bo = with_rekey<session>(bob_options<session>(), 30);  // the recipient's backstop fires at 2 x 30 s
    stream_pair p(ao, bo);
    p.start();
    p.now += std::chrono::seconds(60);
    ASSERT_FALSE(p.a.on_tick(p.now));
    ASSERT_FALSE(p.b.on_tick(p.now));
    EXPECT_TRUE(p.a.protocol().rekeying());
    EXPECT_TRUE(p.b.protocol().rekeying());
    p.pump();
    EXPECT_EQ(p.a.protocol().rekeys_completed(), 1u);
    EXPECT_EQ(p.b.protocol().rekeys_completed(), 1u);
    EXPECT_FALSE(p.a.protocol().rekeying());
    EXPECT_FALSE(p.b.protocol().rekeying());
    std::vector<bytes> sent_a, sent_b;
    traffic(p, [&] { p.pump(); }, 1, 5, std::chrono::seconds(1), sent_a, sent_b);
    EXPECT_EQ(payloads(p.b_events), sent_a);
    EXPECT_EQ(payloads(p.a_events), sent_b);
}

TEST(ControlTest, TheRecipientRekeysOnlyWhenTheInitiatorDoesNot) {
    // Alice never starts one; Bob's backstop does after twice his interval.
    stream_pair p(alice_options<session>(), with_rekey<session>(bob_options<session>(), 60));
    p.start();
    p.advance(std::chrono::seconds(119));
    EXPECT_EQ(p.b.protocol().rekeys_completed(), 0u);
    p.advance(std::chrono::seconds(1));
    EXPECT_EQ(p.b.protocol().rekeys_completed(), 1u);
    EXPECT_EQ(p.a.protocol().rekeys_completed(), 1u);
    EXPECT_EQ(p.a.egress_codec()->epoch(), 1u);
}

TEST(ControlTest, ARekeyMessageForAnotherEpochClosesTheSession) {
    // A peer without the control protocol's rules (a test double sending raw
    // control messages) cannot push the epochs around.
    stream_pair p(alice_options<session>(), bob_options<session>());
    p.start();
    // Bob cannot send control channels through send(); build the message by hand.
    EXPECT_EQ(p.b.send(channel::rekey_ack, bytes(36), p.now), transport::errc::invalid_argument);
}

}  // namespace
}  // namespace polywire::variants::x25519_xchacha
