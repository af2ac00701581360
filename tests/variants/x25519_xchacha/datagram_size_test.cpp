// Datagram size negotiation over x25519-xchacha-udp (transport/session.hpp,
// "Datagram sizes"): two sessions through an in-memory relay that drops
// datagrams above a size end up with the largest probe size the relay
// carries, the 1,392-byte floor holds when every probe is lost and traffic
// flows meanwhile, and a replayed, forged or unsolicited acknowledgement
// changes nothing.
#include "variants/x25519_xchacha/config.hpp"

#include <gtest/gtest.h>

#include "tests/variants/x25519_xchacha/fixture.hpp"
#include "transport/error.hpp"

namespace polywire::variants::x25519_xchacha {
namespace {
using namespace test;
using namespace std::chrono_literals;
using transport::session_state;
using udp_pair = datagram_pair<udp_session>;

constexpr std::size_t overhead = datagram_layout::header_size + 16;  // header and tag around a frame body
constexpr std::size_t floor_datagram = datagram_wire::base_payload + message_header_size + overhead;  // 1,428

/// A pair whose relay drops every datagram larger than `mtu` bytes.
struct relay_pair : udp_pair {
    std::size_t mtu;
    std::size_t dropped = 0;
    explicit relay_pair(std::size_t limit, udp_session::options ao = alice_options<udp_session>(),
                        udp_session::options bo = bob_options<udp_session>())
        : udp_pair(std::move(ao), std::move(bo)), mtu(limit) {
        filter = [this](const bytes& d, bool) -> std::optional<bytes> {
            if (d.size() > mtu) {
                ++dropped;
                return std::nullopt;
            }
            return d;
        };
    }
    /// Handshake, then the first round of probes and its answers.
    void negotiate() {
        start();
        ASSERT_EQ(a.state(), session_state::established);
        advance(0ms);  // the first round is due at once
        advance(1s);   // and ends
    }
};

std::size_t largest_message(const udp_session& s) { return s.max_frame_size() - message_header_size; }

TEST(DatagramSizeTest, BeforeAnyProbeTheFloorHolds) {
    udp_pair p(alice_options<udp_session>(), bob_options<udp_session>());
    p.start();
    EXPECT_EQ(p.a.max_wire_size(), floor_datagram);
    EXPECT_EQ(largest_message(p.a), 1392u);
    EXPECT_EQ(p.a.send(1, pattern(1393, 0), p.now), transport::errc::message_too_large);
}

TEST(DatagramSizeTest, ARelayCarryingEverythingGivesTheLargestUdpDatagram) {
    relay_pair p(65507);
    p.negotiate();
    for (const udp_session* s : {&p.a, &p.b}) {
        EXPECT_EQ(s->max_wire_size(), 65507u);
        EXPECT_EQ(s->datagram_sizes().datagram_size, 65507u);
        EXPECT_EQ(largest_message(*s), 65471u);
        EXPECT_EQ(s->datagram_sizes().probes_sent, 6u);
        EXPECT_EQ(s->datagram_sizes().probes_acknowledged, 6u);
        EXPECT_EQ(s->datagram_sizes().probes_answered, 6u);
    }
    // A 64 KiB message now travels in one datagram, both ways.
    ASSERT_FALSE(p.a.send(3, pattern(65471, 1), p.now));
    ASSERT_FALSE(p.b.send(3, pattern(60000, 2), p.now));
    EXPECT_EQ(p.a.send(3, pattern(65472, 1), p.now), transport::errc::message_too_large);
    p.deliver();
    EXPECT_EQ(payloads(p.b_events), std::vector<bytes>{pattern(65471, 1)});
    EXPECT_EQ(payloads(p.a_events), std::vector<bytes>{pattern(60000, 2)});
}

TEST(DatagramSizeTest, ARelayDroppingAbove9000BytesGivesTheJumboSize) {
    relay_pair p(9000);
    p.negotiate();
    EXPECT_EQ(p.a.max_wire_size(), 8972u);
    EXPECT_EQ(p.b.max_wire_size(), 8972u);
    EXPECT_EQ(largest_message(p.a), 8972u - overhead - message_header_size);
    EXPECT_GT(p.dropped, 0u);
    // Messages up to the new size arrive; batches pack up to it.
    const bytes big = pattern(largest_message(p.a), 4);
    ASSERT_FALSE(p.a.send(2, big, p.now));
    std::vector<bytes> small;
    std::vector<transport::outgoing_message> batch;
    for (int i = 0; i < 20; ++i) small.push_back(pattern(1000, 10 + i));
    for (const bytes& m : small) batch.push_back({.code = 5, .payload = m});
    const std::size_t before = p.sent_by_a.size();
    p.collect();
    ASSERT_FALSE(p.a.send_batch(batch, p.now));
    p.collect();
    EXPECT_EQ(p.sent_by_a.size() - before, 1u + 3u);  // the big one, then 20 KB packed 8 a datagram
    p.deliver();
    std::vector<bytes> want{big};
    want.insert(want.end(), small.begin(), small.end());
    EXPECT_EQ(payloads(p.b_events), want);
}

TEST(DatagramSizeTest, ARelayDroppingAbove1500BytesKeepsTheFloor) {
    relay_pair p(1500);
    p.negotiate();
    EXPECT_EQ(p.a.max_wire_size(), floor_datagram);
    EXPECT_EQ(largest_message(p.b), 1392u);
    EXPECT_EQ(p.a.datagram_sizes().probes_acknowledged, 0u);
}

TEST(DatagramSizeTest, EveryProbeLostKeepsTheFloorAndTrafficFlowsWhileProbing) {
    relay_pair p(floor_datagram);
    p.start();
    ASSERT_EQ(p.a.state(), session_state::established);
    // Messages queued in the same tick as the probes, and after them.
    std::vector<bytes> sent;
    for (int round = 0; round < 30; ++round) {
        sent.push_back(pattern(1392, round));
        ASSERT_FALSE(p.a.send(1, sent.back(), p.now));
        p.advance(1s);
    }
    EXPECT_EQ(payloads(p.b_events), sent);
    EXPECT_EQ(p.a.max_wire_size(), floor_datagram);
    EXPECT_EQ(p.b.max_wire_size(), floor_datagram);
    EXPECT_GE(p.a.datagram_sizes().rounds, 2u);  // the first, then at 10 s
    EXPECT_EQ(p.a.state(), session_state::established);
}

TEST(DatagramSizeTest, APathThatShrinksFallsBackAfterTwoMissedRounds) {
    relay_pair p(65507);
    p.negotiate();
    ASSERT_EQ(p.a.max_wire_size(), 65507u);
    p.mtu = 9000;
    p.advance(9s);  // the second round (10 s after the first ended): a miss, repeated at once
    p.advance(1s);
    EXPECT_EQ(p.a.max_wire_size(), 65507u);
    p.advance(1s);  // the repeat missed too
    p.advance(1s);
    EXPECT_EQ(p.a.max_wire_size(), 8972u);
}

TEST(DatagramSizeTest, WithProbingOffASessionStaysAtTheFloorButAnswersItsPeer) {
    auto ao = alice_options<udp_session>();
    ao.probing.enabled = false;
    relay_pair p(65507, ao);
    p.negotiate();
    EXPECT_EQ(p.a.max_wire_size(), floor_datagram);
    EXPECT_EQ(p.a.datagram_sizes().probes_sent, 0u);
    EXPECT_EQ(p.b.max_wire_size(), 65507u);  // Alice answered Bob's probes
    EXPECT_EQ(p.a.datagram_sizes().probes_answered, 6u);
}

TEST(DatagramSizeTest, ForgedReplayedAndUnsolicitedAcknowledgementsChangeNothing) {
    relay_pair p(1500);
    std::vector<bytes> acks;  // Bob's acknowledgements, taken off the wire
    p.filter = [&](const bytes& d, bool from_a) -> std::optional<bytes> {
        if (d.size() > p.mtu) return std::nullopt;
        if (!from_a && d[0] == kind::data && d.size() == overhead + message_header_size + 8 && p.a.state() == session_state::established)
            acks.push_back(d);
        return d;
    };
    p.start();
    p.advance(0ms);
    ASSERT_EQ(p.a.max_wire_size(), floor_datagram);
    // Bob answered nothing (the relay dropped the probes); make him answer
    // an 8,972-byte probe by letting one through, but keep the answer.
    p.mtu = 65507;
    acks.clear();
    p.filter = [&](const bytes& d, bool from_a) -> std::optional<bytes> {
        if (!from_a && d[0] == kind::data && d.size() == overhead + message_header_size + 8) {
            acks.push_back(d);
            return std::nullopt;
        }
        return d;
    };
    p.advance(1s);   // the first round ends (no answer reached Alice): the next one comes at 10 s
    p.advance(10s);  // the second round: Bob answers all six, the relay keeps the answers
    ASSERT_EQ(acks.size(), 6u);
    const std::vector<bytes> round2 = acks;  // later rounds' answers are kept off the wire too
    ASSERT_EQ(p.a.max_wire_size(), floor_datagram);
    const std::uint64_t discarded = p.a.discarded_datagrams();
    // Forged: each byte of an acknowledgement altered in turn.
    for (std::size_t i = 0; i < acks[0].size(); ++i) {
        bytes f = round2[0];
        f[i] ^= 0x01;
        (void)p.a.receive_datagram(f, p.now);
    }
    EXPECT_EQ(p.a.max_wire_size(), floor_datagram);
    EXPECT_EQ(p.a.state(), session_state::established);
    EXPECT_GT(p.a.discarded_datagrams(), discarded);
    // Genuine but late: two rounds later (a late answer to the last round
    // still counts), they name no probe outstanding.
    p.advance(1s);    // the second round ends (the size in use, the floor, needs no answer)
    p.advance(60s);   // the third round
    p.advance(1s);    // ends
    p.advance(300s);  // the fourth
    ASSERT_EQ(p.a.datagram_sizes().rounds, 4u);
    for (const bytes& d : round2) ASSERT_FALSE(p.a.receive_datagram(d, p.now));
    EXPECT_EQ(p.a.max_wire_size(), floor_datagram);
    EXPECT_EQ(p.a.datagram_sizes().probes_acknowledged, 0u);
    EXPECT_EQ(p.a.datagram_sizes().acks_ignored, 6u);
    // Replayed: the same answers again are refused by the replay window.
    const std::uint64_t before_replay = p.a.discarded_datagrams();
    for (const bytes& d : round2) ASSERT_FALSE(p.a.receive_datagram(d, p.now));
    EXPECT_EQ(p.a.discarded_datagrams(), before_replay + 6);
    EXPECT_EQ(p.a.last_discard(), errc::packet_replayed);
    EXPECT_EQ(p.a.max_wire_size(), floor_datagram);
}

}  // namespace
}  // namespace polywire::variants::x25519_xchacha
