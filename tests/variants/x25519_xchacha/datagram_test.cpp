// udp_session (config_udp) over a hostile network: the handshake survives
// the loss of any of its datagrams (retransmitted every second), packets
// are delivered despite loss, duplication and reordering within the replay
// window, and tampered, replayed, too old or misplaced datagrams are
// discarded — counted, with their reason — without delivering anything
// and without closing the session.
#include "variants/x25519_xchacha/config.hpp"

#include <algorithm>
#include <random>
#include <set>

#include <gtest/gtest.h>

#include "tests/variants/x25519_xchacha/fixture.hpp"
#include "transport/error.hpp"

namespace polywire::variants::x25519_xchacha {
namespace {
using namespace test;
using transport::event_kind;
using transport::session_state;
using udp_pair = datagram_pair<udp_session>;

TEST(DatagramTest, TheHandshakeSurvivesTheLossOfAnyOfItsDatagrams) {
    for (int lost = 0; lost < 4; ++lost) {  // HELLO, REPLY, PROOF, FINISHED
        udp_pair p(alice_options<udp_session>(), bob_options<udp_session>());
        int handshake_datagrams = 0;
        bool dropped = false;
        p.filter = [&](const bytes& d, bool) -> std::optional<bytes> {
            if (d[0] != kind::data && handshake_datagrams++ == lost && !dropped) {
                dropped = true;
                return std::nullopt;
            }
            return d;
        };
        p.start();
        EXPECT_NE(p.a.state(), session_state::established) << lost;
        for (int s = 0; s < 3 && p.a.state() != session_state::established; ++s) p.advance(std::chrono::seconds(1));
        ASSERT_EQ(p.a.state(), session_state::established) << lost;
        ASSERT_EQ(p.b.state(), session_state::established) << lost;
        EXPECT_EQ(p.a.remote_id(), bob().public_key());
        ASSERT_FALSE(p.a.send(1, h("01"), p.now));
        ASSERT_FALSE(p.b.send(1, h("02"), p.now));
        p.deliver();
        EXPECT_EQ(payloads(p.b_events), std::vector<bytes>{h("01")}) << lost;
        EXPECT_EQ(payloads(p.a_events), std::vector<bytes>{h("02")}) << lost;
    }
}

TEST(DatagramTest, RepeatedHandshakeDatagramsAreAnsweredNotFatal) {
    udp_pair p(alice_options<udp_session>(), bob_options<udp_session>());
    p.filter = [&](const bytes& d, bool) -> std::optional<bytes> { return d; };
    p.start();
    ASSERT_EQ(p.a.state(), session_state::established);
    // Every handshake datagram arrives again, late: discarded, nothing breaks.
    for (const bytes& d : p.sent_by_a) ASSERT_FALSE(p.b.receive_datagram(d, p.now));
    for (const bytes& d : p.sent_by_b) ASSERT_FALSE(p.a.receive_datagram(d, p.now));
    EXPECT_EQ(p.b.discarded_datagrams(), 2u);
    EXPECT_EQ(p.b.last_discard(), transport::errc::unexpected_datagram);
    // Bob answers the repeated PROOF with his final FINISHED again.
    EXPECT_EQ(p.b.pending_output().size(), finished_size);
    p.deliver();
    EXPECT_EQ(p.a.state(), session_state::established);
    EXPECT_EQ(p.b.state(), session_state::established);
}

TEST(DatagramTest, LossDuplicationAndReorderingWithinTheWindowAreTolerated) {
    udp_pair p(alice_options<udp_session>(), bob_options<udp_session>());
    p.start();
    ASSERT_EQ(p.a.state(), session_state::established);
    std::vector<bytes> sent;
    for (unsigned i = 0; i < 200; ++i) {
        sent.push_back(pattern(40 + i, i));
        ASSERT_FALSE(p.a.send(i % 5, sent.back(), p.now));
    }
    // Take Alice's 200 packets off the wire and deliver them shuffled, some
    // twice, some never.
    std::vector<bytes> packets;
    for (auto d = p.a.pending_output(); !d.empty(); d = p.a.pending_output()) {
        packets.emplace_back(d.begin(), d.end());
        p.a.consume_output(d.size());
    }
    ASSERT_EQ(packets.size(), 200u);
    std::mt19937 rng(42);
    std::vector<std::size_t> order(packets.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::shuffle(order.begin(), order.end(), rng);
    std::set<std::size_t> lost = {3, 77, 150};
    std::size_t duplicates = 0;
    for (std::size_t k : order) {
        if (lost.count(k)) continue;
        ASSERT_FALSE(p.b.receive_datagram(packets[k], p.now));
        if (k % 10 == 0) {
            ASSERT_FALSE(p.b.receive_datagram(packets[k], p.now));
            ++duplicates;
        }
    }
    udp_pair::drain(p.b, p.b_events);
    std::vector<bytes> got = payloads(p.b_events);
    EXPECT_EQ(got.size(), 197u);
    std::vector<bytes> expected;
    for (std::size_t k : order)
        if (!lost.count(k)) expected.push_back(sent[k]);
    EXPECT_EQ(got, expected);  // each exactly once, in arrival order
    EXPECT_EQ(p.b.discarded_datagrams(), duplicates);
    EXPECT_EQ(p.b.last_discard(), errc::packet_replayed);
    EXPECT_EQ(p.b.state(), session_state::established);
}

TEST(DatagramTest, PacketsOlderThanTheWindowAreDiscarded) {
    udp_pair p(alice_options<udp_session>(), bob_options<udp_session>());
    p.start();
    std::vector<bytes> packets;
    for (unsigned i = 0; i < 300; ++i) {
        ASSERT_FALSE(p.a.send(0, pattern(8, i), p.now));
        auto d = p.a.pending_output();
        packets.emplace_back(d.begin(), d.end());
        p.a.consume_output(d.size());
    }
    ASSERT_FALSE(p.b.receive_datagram(packets[299], p.now));
    ASSERT_FALSE(p.b.receive_datagram(packets[299 - 255], p.now));  // the oldest still inside
    ASSERT_FALSE(p.b.receive_datagram(packets[299 - 256], p.now));  // one too old
    udp_pair::drain(p.b, p.b_events);
    EXPECT_EQ(payloads(p.b_events).size(), 2u);
    EXPECT_EQ(p.b.discarded_datagrams(), 1u);
    EXPECT_EQ(p.b.last_discard(), errc::packet_too_old);
    EXPECT_EQ(p.b.last_discard(), transport::condition::authentication_failed);
}

TEST(DatagramTest, EveryTamperedByteIsAnAuthenticationErrorAndNothingIsDelivered) {
    udp_pair p(alice_options<udp_session>(), bob_options<udp_session>());
    p.start();
    ASSERT_FALSE(p.a.send(3, pattern(50, 1), p.now));
    auto d = p.a.pending_output();
    const bytes packet(d.begin(), d.end());
    p.a.consume_output(d.size());
    std::uint64_t discarded = 0;
    for (std::size_t i = 0; i < packet.size(); ++i) {
        for (std::uint8_t flip : {0x01, 0x80}) {
            bytes t = packet;
            t[i] ^= flip;
            ASSERT_FALSE(p.b.receive_datagram(t, p.now));
            EXPECT_EQ(p.b.discarded_datagrams(), ++discarded) << i;
            if (i == 0) {
                EXPECT_EQ(p.b.last_discard(), transport::errc::unexpected_datagram) << i;  // not a packet kind
            } else if (i >= 2 && i < 4) {
                EXPECT_TRUE(p.b.last_discard()) << i;  // a wrong length: the datagram does not match it
            } else {
                EXPECT_EQ(p.b.last_discard(), transport::condition::authentication_failed) << i;
            }
            udp_pair::drain(p.b, p.b_events);
            EXPECT_TRUE(payloads(p.b_events).empty()) << i;
        }
    }
    // The genuine packet still arrives: nothing forged moved the window.
    ASSERT_FALSE(p.b.receive_datagram(packet, p.now));
    udp_pair::drain(p.b, p.b_events);
    EXPECT_EQ(payloads(p.b_events), std::vector<bytes>{pattern(50, 1)});
    EXPECT_EQ(p.b.state(), session_state::established);
}

TEST(DatagramTest, ForgedDatagramsDoNotKeepAnIdleSessionAlive) {
    auto ao = alice_options<udp_session>();
    auto bo = bob_options<udp_session>();
    ao.timeouts = bo.timeouts = transport::timeouts::suggested();  // idle read timeout 30 s
    udp_pair p(ao, bo);
    p.start();
    ASSERT_FALSE(p.a.send(3, pattern(5, 1), p.now));
    auto d = p.a.pending_output();
    bytes forged(d.begin(), d.end());
    p.a.consume_output(d.size());
    forged.back() ^= 1;
    for (int s = 0; s < 31; ++s) {
        p.now += std::chrono::seconds(1);
        ASSERT_FALSE(p.b.receive_datagram(forged, p.now));
        (void)p.b.on_tick(p.now);
        if (p.b.state() == session_state::closed) break;
        // (Bob's own pings go unanswered: nothing is delivered to Alice.)
        while (!p.b.pending_output().empty()) p.b.consume_output(p.b.pending_output().size());
    }
    EXPECT_EQ(p.b.state(), session_state::closed);
    EXPECT_TRUE(p.b.error() == transport::errc::read_timeout || p.b.error() == transport::errc::ping_timeout);
}

TEST(DatagramTest, EarlyFramesAndShortDatagramsAreDiscarded) {
    udp_pair p(alice_options<udp_session>(), bob_options<udp_session>());
    (void)p.b.start(p.now);
    ASSERT_FALSE(p.b.receive_datagram(h("10000000"), p.now));  // a packet before any keys
    EXPECT_EQ(p.b.last_discard(), transport::errc::unexpected_datagram);
    ASSERT_FALSE(p.b.receive_datagram(h("0102"), p.now));  // a HELLO cut short
    EXPECT_EQ(p.b.last_discard(), transport::errc::truncated_datagram);
    EXPECT_EQ(p.b.discarded_datagrams(), 2u);
    EXPECT_EQ(p.b.state(), session_state::handshaking);
    p.start();
    EXPECT_EQ(p.b.state(), session_state::established);
}

TEST(DatagramTest, EachPendingOutputIsOneDatagram) {
    udp_pair p(alice_options<udp_session>(), bob_options<udp_session>());
    p.start();
    for (unsigned i = 0; i < 5; ++i) ASSERT_FALSE(p.a.send(1, pattern(100 + i, i), p.now));
    for (unsigned i = 0; i < 5; ++i) {
        auto d = p.a.pending_output();
        EXPECT_EQ(d.size(), datagram_layout::header_size + message_header_size + 100 + i + 16);
        p.a.consume_output(d.size());
    }
    EXPECT_TRUE(p.a.pending_output().empty());
}

}  // namespace
}  // namespace polywire::variants::x25519_xchacha
