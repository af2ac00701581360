// udp_session (config_udp) over a hostile network: the handshake survives
// the loss of any of its datagrams (retransmitted every second), packets
// are delivered despite loss, duplication and reordering within the replay
// window, and tampered, replayed, too old or misplaced datagrams are
// discarded — counted, with their reason — without delivering anything
// and without closing the session; so are handshake datagrams the key
// agreement refuses (garbage, cut, tampered, foreign), and the genuine ones
// still complete the handshake.
#include "variants/x25519_xchacha/config.hpp"

#include <algorithm>
#include <random>
#include <set>
#include <string>

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

// ---- refused handshake datagrams --------------------------------------
// Whoever can send from the peer's address — garbage, a cut or tampered
// copy, a message of another identity or another session — cannot abort a
// handshake: the key agreement refuses it, the session discards and counts
// it, and the genuine datagrams still complete the handshake.

/// The handshake datagrams of an honest exchange: HELLO, REPLY, PROOF,
/// FINISHED (from the options given).
std::vector<bytes> handshake_datagrams(const udp_session::options& ao, const udp_session::options& bo) {
    udp_pair p(ao, bo);
    p.start();
    EXPECT_EQ(p.a.state(), session_state::established);
    std::vector<bytes> a, b;
    for (const bytes& d : p.sent_by_a)
        if (d[0] != kind::data) a.push_back(d);
    for (const bytes& d : p.sent_by_b)
        if (d[0] != kind::data) b.push_back(d);
    EXPECT_EQ(a.size(), 2u);
    EXPECT_EQ(b.size(), 2u);
    return {a.at(0), b.at(0), a.at(1), b.at(1)};
}

/// A handshake message of the same kind that its receiver must refuse:
/// signed by Mallory (HELLO; REPLY answering Alice's genuine HELLO) or
/// taken from another session between Alice and Bob (PROOF, FINISHED).
bytes foreign(std::size_t k, const std::vector<bytes>& genuine) {
    handshake::options m;
    m.identity = mallory();
    // Mallory's fixed ephemeral key and session id (a fresh source each time).
    const auto mallory_random = [] { return transport::key_agreement_context{.random = fixed_random(0x61, 0x65)}; };
    bytes out, none;
    if (k == 0) {
        handshake mh(policies::handshake_role::initiator, m, mallory_random());
        EXPECT_FALSE(mh.start(out));
        return out;
    }
    if (k == 1) {
        handshake mr(policies::handshake_role::recipient, m, mallory_random());
        EXPECT_FALSE(mr.start(none));
        EXPECT_TRUE(mr.consume(genuine[0], out));
        return out;
    }
    const auto other = handshake_datagrams(options<udp_session>(alice(), bob().public_key(), 0xc1, 0xc5),
                                           options<udp_session>(bob(), alice().public_key(), 0xd1, 0xd5));
    return other[k];
}

struct forgery {
    std::string what;
    bytes datagram;
};

std::vector<forgery> forgeries(std::size_t k, const std::vector<bytes>& genuine) {
    const bytes& g = genuine[k];
    std::vector<forgery> out;
    out.push_back({"garbage", bytes(g.size(), 0xab)});
    bytes of_kind(g.size(), 0xab);
    of_kind[0] = g[0];
    out.push_back({"garbage of its kind", of_kind});
    out.push_back({"its first byte", bytes(g.begin(), g.begin() + 1)});
    out.push_back({"its first half", bytes(g.begin(), g.begin() + static_cast<std::ptrdiff_t>(g.size() / 2))});
    for (std::size_t pos : {std::size_t{0}, std::size_t{1}, g.size() / 3, g.size() / 2, g.size() - 1}) {
        bytes f = g;
        f[pos] ^= 0x01;
        out.push_back({"bit " + std::to_string(pos * 8) + " flipped", f});
    }
    out.push_back({k < 2 ? "Mallory's" : "another session's", foreign(k, genuine)});
    return out;
}

TEST(DatagramTest, RefusedHandshakeDatagramsBeforeOrAfterTheGenuineOnesAreDiscarded) {
    const auto genuine = handshake_datagrams(alice_options<udp_session>(), bob_options<udp_session>());
    const char* names[] = {"HELLO", "REPLY", "PROOF", "FINISHED"};
    for (std::size_t k = 0; k < 4; ++k) {
        for (const forgery& f : forgeries(k, genuine)) {
            for (bool before : {true, false}) {
                const std::string where =
                    std::string(names[k]) + ": " + f.what + (before ? ", before the genuine one" : ", after it");
                udp_pair p(alice_options<udp_session>(), bob_options<udp_session>());
                bool injected = false;
                p.filter = [&](const bytes& d, bool from_a) -> std::optional<bytes> {
                    if (injected || d != genuine[k]) return d;
                    injected = true;
                    if (before) {
                        EXPECT_FALSE((from_a ? p.b : p.a).receive_datagram(f.datagram, p.now)) << where;
                    } else {
                        (from_a ? p.to_b : p.to_a).push_front(f.datagram);  // the next to arrive there
                    }
                    return d;
                };
                p.start();
                ASSERT_TRUE(injected) << where;
                ASSERT_EQ(p.a.state(), session_state::established) << where;
                ASSERT_EQ(p.b.state(), session_state::established) << where;
                EXPECT_GE(p.a.discarded_datagrams() + p.b.discarded_datagrams(), 1u) << where;
                EXPECT_EQ(polywire::test::count(p.a_events, event_kind::handshake_complete), 1u) << where;
                EXPECT_EQ(polywire::test::count(p.b_events, event_kind::handshake_complete), 1u) << where;
                EXPECT_EQ(polywire::test::count(p.a_events, event_kind::error), 0u) << where;
                EXPECT_EQ(polywire::test::count(p.b_events, event_kind::error), 0u) << where;
                EXPECT_EQ(p.a.remote_id(), bob().public_key()) << where;
                EXPECT_EQ(p.b.remote_id(), alice().public_key()) << where;
                // Both hold the genuine keys.
                ASSERT_FALSE(p.a.send(1, h("0102"), p.now)) << where;
                ASSERT_FALSE(p.b.send(2, h("0304"), p.now)) << where;
                p.deliver();
                EXPECT_EQ(payloads(p.b_events), std::vector<bytes>{h("0102")}) << where;
                EXPECT_EQ(payloads(p.a_events), std::vector<bytes>{h("0304")}) << where;
            }
        }
    }
}

TEST(DatagramTest, TheRefusalOfEachMessageIsCountedWithItsReason) {
    const auto genuine = handshake_datagrams(alice_options<udp_session>(), bob_options<udp_session>());
    udp_pair p(alice_options<udp_session>(), bob_options<udp_session>());
    (void)p.a.start(p.now);
    (void)p.b.start(p.now);
    p.a.consume_output(p.a.pending_output().size());  // Alice's HELLO, delivered below
    ASSERT_FALSE(p.b.receive_datagram(foreign(0, genuine), p.now));
    EXPECT_EQ(p.b.last_discard(), errc::wrong_remote_identity);
    bytes flipped = genuine[0];
    flipped[0] ^= 0x01;
    ASSERT_FALSE(p.b.receive_datagram(flipped, p.now));
    EXPECT_EQ(p.b.last_discard(), errc::malformed_handshake);
    EXPECT_EQ(p.b.discarded_datagrams(), 2u);
    ASSERT_FALSE(p.b.receive_datagram(genuine[0], p.now));
    EXPECT_EQ(p.b.pending_output().size(), reply_size);
    p.b.consume_output(reply_size);
    // An authentic REPLY naming another identity (Mallory answering Alice's
    // HELLO) could come from anyone with a key of their own: discarded.
    ASSERT_FALSE(p.a.receive_datagram(foreign(1, genuine), p.now));
    EXPECT_EQ(p.a.last_discard(), errc::wrong_remote_identity);
    bytes bad_sig = genuine[1];
    bad_sig[100] ^= 0x01;
    ASSERT_FALSE(p.a.receive_datagram(bad_sig, p.now));
    EXPECT_EQ(p.a.last_discard(), errc::bad_signature);
    bytes bad_confirm = genuine[1];
    bad_confirm[reply_size - 1] ^= 0x01;
    ASSERT_FALSE(p.a.receive_datagram(bad_confirm, p.now));
    EXPECT_EQ(p.a.last_discard(), errc::key_confirmation_failed);
    EXPECT_EQ(p.a.discarded_datagrams(), 3u);
    EXPECT_TRUE(p.a.pending_output().empty());  // nothing answered
    ASSERT_FALSE(p.a.receive_datagram(genuine[1], p.now));
    EXPECT_EQ(p.a.pending_output().size(), proof_size);
    p.deliver();
    EXPECT_EQ(p.a.state(), session_state::established);
    EXPECT_EQ(p.b.state(), session_state::established);
    EXPECT_EQ(p.a.discarded_datagrams(), 3u);
    EXPECT_EQ(p.b.discarded_datagrams(), 2u);
}

TEST(DatagramTest, AHandshakeWithOnlyRefusedDatagramsEndsAtItsDeadline) {
    const auto genuine = handshake_datagrams(alice_options<udp_session>(), bob_options<udp_session>());
    udp_pair p(alice_options<udp_session>(), bob_options<udp_session>());
    const transport::time_point t0 = p.now;
    ASSERT_FALSE(p.a.start(t0));
    ASSERT_FALSE(p.b.start(t0));
    const auto deadline = t0 + p.a.settings().timeouts.handshake;
    // Bob hears only Mallory's HELLO, Alice only Mallory's REPLY, every
    // 500 ms; each is refused, and neither keeps the handshake alive.
    std::uint64_t sent = 0;
    for (auto t = t0; t < deadline; t += std::chrono::milliseconds(500), ++sent) {
        ASSERT_FALSE(p.b.receive_datagram(foreign(0, genuine), t));
        ASSERT_FALSE(p.a.receive_datagram(foreign(1, genuine), t));
        ASSERT_FALSE(p.a.on_tick(t));
        ASSERT_FALSE(p.b.on_tick(t));
        while (!p.a.pending_output().empty()) p.a.consume_output(p.a.pending_output().size());  // HELLO resent
        while (!p.b.pending_output().empty()) p.b.consume_output(p.b.pending_output().size());
    }
    EXPECT_EQ(p.a.state(), session_state::handshaking);
    EXPECT_EQ(p.b.state(), session_state::handshaking);
    EXPECT_EQ(p.a.on_tick(deadline), transport::errc::handshake_timeout);
    EXPECT_EQ(p.b.on_tick(deadline), transport::errc::handshake_timeout);
    for (udp_session* s : {&p.a, &p.b}) {
        EXPECT_EQ(s->state(), session_state::closed);
        EXPECT_EQ(s->error(), transport::errc::handshake_timeout);
        EXPECT_EQ(s->discarded_datagrams(), sent);
        EXPECT_EQ(s->last_discard(), errc::wrong_remote_identity);  // what went wrong, kept after the close
    }
    udp_pair::drain(p.a, p.a_events);
    udp_pair::drain(p.b, p.b_events);
    ASSERT_EQ(p.a_events.size(), 1u);
    EXPECT_EQ(p.a_events[0].kind, event_kind::error);
    EXPECT_EQ(p.a_events[0].error, transport::errc::handshake_timeout);
    ASSERT_EQ(p.b_events.size(), 1u);
    EXPECT_EQ(p.b_events[0].error, transport::errc::handshake_timeout);
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

// A responder's output to an address that has not proved it receives
// there: every datagram it sends, over the whole handshake deadline.
struct spoofed_responder {
    udp_session b{policies::handshake_role::recipient, bob_options<udp_session>()};
    transport::time_point now = transport::time_point{} + std::chrono::hours(1);
    std::size_t received = 0, sent = 0, datagrams_sent = 0;

    void take_output() {
        for (auto d = b.pending_output(); !d.empty(); d = b.pending_output()) {
            sent += d.size();
            ++datagrams_sent;
            b.consume_output(d.size());
        }
    }
    void receive(const bytes& d) {
        received += d.size();
        (void)b.receive_datagram(d, now);
        take_output();
    }
    // Ticks as an adapter would (at every deadline, and every 50 ms) until
    // the session gives up.
    void run_out() {
        const auto end = now + b.settings().timeouts.handshake + std::chrono::seconds(1);
        while (now < end && b.state() != session_state::closed) {
            now += std::chrono::milliseconds(50);
            if (auto d = b.next_deadline(); d && *d < now) now = std::max(now - std::chrono::milliseconds(50), *d);
            (void)b.on_tick(now);
            take_output();
        }
    }
};

bytes a_hello() {
    udp_session a(policies::handshake_role::initiator, alice_options<udp_session>());
    (void)a.start(transport::time_point{});
    const auto d = a.pending_output();
    return bytes(d.begin(), d.end());
}

TEST(DatagramTest, ASpoofedHelloGetsOneReplyAndNoRetransmissions) {
    spoofed_responder r;
    (void)r.b.start(r.now);
    const bytes hello = a_hello();
    ASSERT_EQ(hello.size(), hello_size);
    r.receive(hello);
    EXPECT_EQ(r.sent, reply_size);
    r.run_out();
    // No timer resends the REPLY: 177 bytes for 81, once, until the deadline.
    EXPECT_EQ(r.datagrams_sent, 1u);
    EXPECT_EQ(r.sent, reply_size);
    EXPECT_LE(r.sent, udp_session::amplification_limit * r.received);
    EXPECT_EQ(r.b.state(), session_state::closed);
    EXPECT_EQ(r.b.error(), transport::errc::handshake_timeout);
}

TEST(DatagramTest, TheResponderNeverSendsMoreThanThreeTimesWhatItReceived) {
    spoofed_responder r;
    (void)r.b.start(r.now);
    const bytes hello = a_hello();
    // Repeats of the HELLO are answered (the REPLY may have been lost), and
    // so is garbage in between: all within three times what arrived.
    for (int i = 0; i < 20; ++i) {
        r.receive(hello);
        r.receive(bytes{kind::proof});
        EXPECT_LE(r.sent, udp_session::amplification_limit * r.received) << i;
        r.now += std::chrono::milliseconds(200);
        (void)r.b.on_tick(r.now);
        r.take_output();
    }
    EXPECT_GE(r.datagrams_sent, 2u);  // repeats are still answered
    r.run_out();
    EXPECT_LE(r.sent, udp_session::amplification_limit * r.received);
}

}  // namespace
}  // namespace polywire::variants::x25519_xchacha
