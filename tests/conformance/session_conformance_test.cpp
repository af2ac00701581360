// The same conformance suite against every configuration (typed tests over
// the configurations — the "laws" every protocol built on transport::session
// must obey): handshake over an in-memory pipe, round trips from 0 bytes to
// the maximum, any tampered byte is an authentication error that delivers
// nothing, truncation waits, replay and reordering are rejected, a wrong
// expected identity fails the handshake, and bytes fed one at a time behave
// exactly as whole buffers.
//
// Datagram layouts (traits.hpp: `datagrams`) keep the laws with the
// network's own promises: their input is whole datagrams, moved by
// test::datagram_pair; a tampered, truncated or replayed datagram is
// discarded and counted with its reason — the session stays up and nothing
// of it is delivered — and a truncated datagram is a bad datagram, never
// "wait for more". Where the layout promises it (`reorder_tolerated`), lost
// and reordered packets within the replay window are tolerated, each
// delivered exactly once, and packets the window has passed are rejected
// (ReplayWindowConformanceTest).
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <type_traits>

#include "tests/conformance/traits.hpp"
#include "tests/support/datagram_pair.hpp"
#include "tests/support/pair.hpp"

namespace polywire::conformance {
namespace {
using transport::event_kind;
using transport::session_state;

template <class Traits>
class SessionConformanceTest : public ::testing::Test {
protected:
    static_assert(!Traits::reorder_tolerated || Traits::datagrams, "only a datagram layout may tolerate reordering");
    using session = typename Traits::session;
    using pair_t =
        std::conditional_t<Traits::datagrams, test::datagram_pair<session>, test::session_pair<session>>;
    Traits traits;

    std::unique_ptr<pair_t> established_pair(std::size_t chunk = 0) {
        auto p = std::make_unique<pair_t>(traits.initiator(), traits.recipient());
        p->chunk = chunk;
        p->start();
        return p;
    }
    static bytes payload(std::size_t n, unsigned seed) {
        bytes b(n);
        for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(i * 131 + seed);
        return b;
    }
    // One message from a, as wire bytes (not yet delivered); with a datagram
    // layout, exactly one datagram.
    static bytes sealed(pair_t& p, byte_view m) {
        EXPECT_FALSE(p.a.send(Traits::app_code, m, p.now));
        bytes w(p.a.pending_output().begin(), p.a.pending_output().end());
        p.a.consume_output(w.size());
        if constexpr (Traits::datagrams) {
            EXPECT_TRUE(p.a.pending_output().empty());
        }
        return w;
    }
    // Hands wire bytes to b as its layout takes them: a piece of the byte
    // stream, or one whole datagram.
    static std::error_code feed(pair_t& p, byte_view w) {
        if constexpr (Traits::datagrams) {
            return p.b.receive_datagram(w, p.now);
        } else {
            return p.b.receive(w, p.now);
        }
    }
    // The payloads of the messages b has received so far (its events drained).
    static std::vector<bytes> b_messages(pair_t& p) {
        pair_t::drain(p.b, p.b_events);
        std::vector<bytes> out;
        for (const auto& e : p.b_events)
            if (e.kind == event_kind::message) out.push_back(e.payload);
        return out;
    }
    // Feeds one datagram that must be discarded for `why` (a condition or a
    // code) without delivering anything or closing the session.
    template <class Why>
    static void expect_discarded(pair_t& p, byte_view d, Why why, const std::string& what) {
        const std::uint64_t before = p.b.discarded_datagrams();
        const std::size_t delivered = b_messages(p).size();
        EXPECT_FALSE(p.b.receive_datagram(d, p.now)) << what;
        EXPECT_EQ(p.b.discarded_datagrams(), before + 1) << what;
        EXPECT_EQ(p.b.last_discard(), why) << what << ": " << p.b.last_discard().message();
        EXPECT_EQ(b_messages(p).size(), delivered) << what;
        EXPECT_EQ(p.b.state(), session_state::established) << what;
    }
};

using configurations = test::suite_types<conformance>;  // every variant of variants/all.hpp
TYPED_TEST_SUITE(SessionConformanceTest, configurations, test::variant_names);

TYPED_TEST(SessionConformanceTest, HandshakeEstablishesBothSidesWithEachOthersIdentity) {
    auto p = this->established_pair();
    EXPECT_EQ(p->a.state(), session_state::established);
    EXPECT_EQ(p->b.state(), session_state::established);
    EXPECT_EQ(test::count(p->a_events, event_kind::handshake_complete), 1u);
    EXPECT_EQ(test::count(p->b_events, event_kind::handshake_complete), 1u);
}

TYPED_TEST(SessionConformanceTest, RoundTripsFromZeroBytesToTheMaximum) {
    auto p = this->established_pair();
    for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{1000}, TypeParam::max_message}) {
        const bytes m = this->payload(n, 3);
        ASSERT_FALSE(p->a.send(TypeParam::app_code, m, p->now)) << n;
        ASSERT_FALSE(p->b.send(TypeParam::app_code, m, p->now)) << n;
        p->pump();
        ASSERT_EQ(p->b_events.back().kind, event_kind::message) << n;
        EXPECT_EQ(p->b_events.back().payload, m) << n;
        ASSERT_EQ(p->a_events.back().kind, event_kind::message) << n;
        EXPECT_EQ(p->a_events.back().payload, m) << n;
    }
    // One byte more than the maximum is refused at the sender.
    if constexpr (TypeParam::datagrams) {
        EXPECT_EQ(p->a.send(TypeParam::app_code, this->payload(TypeParam::max_message + 1, 3), p->now),
                  transport::errc::message_too_large);
        EXPECT_TRUE(p->a.pending_output().empty());
    }
}

TYPED_TEST(SessionConformanceTest, AnyTamperedByteIsAnAuthenticationErrorAndDeliversNothing) {
    using codec = typename TypeParam::session::codec;
    const bytes m = this->payload(100, 9);
    if constexpr (TypeParam::datagrams) {
        // Each tampered datagram is discarded with its reason; nothing
        // forged moves the replay window, so the genuine one still arrives.
        auto p = this->established_pair();
        const bytes w = this->sealed(*p, m);
        for (std::size_t i = 0; i < w.size(); ++i) {
            bytes t = w;
            t[i] ^= 0x20;
            const std::uint64_t before = p->b.discarded_datagrams();
            EXPECT_FALSE(p->b.receive_datagram(t, p->now)) << i;
            EXPECT_EQ(p->b.discarded_datagrams(), before + 1) << i;
            const std::error_code why = p->b.last_discard();
            EXPECT_TRUE(why == transport::condition::authentication_failed || why == transport::condition::limit_exceeded ||
                        why == transport::condition::protocol_violation)
                << i << ": " << why.message();
            if (i >= codec::prefix_size) {
                EXPECT_EQ(why, transport::condition::authentication_failed) << i;
            }
            EXPECT_TRUE(this->b_messages(*p).empty()) << i;
            EXPECT_EQ(p->b.state(), session_state::established) << i;
        }
        ASSERT_FALSE(p->b.receive_datagram(w, p->now));
        EXPECT_EQ(this->b_messages(*p), std::vector<bytes>{m});
    } else {
        std::size_t wire_size = 0;
        {
            auto p = this->established_pair();
            wire_size = this->sealed(*p, m).size();
        }
        for (std::size_t i = 0; i < wire_size; ++i) {
            auto p = this->established_pair();
            bytes w = this->sealed(*p, m);
            w[i] ^= 0x20;
            p->b_events.clear();
            const auto ec = p->b.receive(w, p->now);
            test::session_pair<typename TypeParam::session>::drain(p->b, p->b_events);
            EXPECT_EQ(test::count(p->b_events, event_kind::message), 0u) << i;
            // A flipped length may only make the reader wait for more: the
            // tampering is then caught by the idle deadline, never delivered.
            if (!ec) {
                EXPECT_EQ(p->b.state(), session_state::established) << i;
            } else {
                EXPECT_TRUE(ec == transport::condition::authentication_failed || ec == transport::condition::limit_exceeded ||
                            ec == transport::condition::protocol_violation)
                    << i << ": " << ec.message();
                EXPECT_EQ(p->b.state(), session_state::closed) << i;
            }
            // Past the prefix (sealed body and tags) it can only be the MAC or AEAD.
            if (i >= codec::prefix_size) {
                EXPECT_EQ(ec, transport::condition::authentication_failed) << i;
            }
        }
    }
}

TYPED_TEST(SessionConformanceTest, TruncatedMessagesWaitAndDeliverNothing) {
    auto p = this->established_pair();
    const bytes w = this->sealed(*p, this->payload(200, 1));
    if constexpr (TypeParam::datagrams) {
        // A datagram cut anywhere is a bad datagram, not "wait for more".
        for (std::size_t n = 1; n < w.size(); ++n)
            this->expect_discarded(*p, byte_view(w).first(n), transport::errc::truncated_datagram, std::to_string(n));
        // None of them consumed the packet id: the whole datagram still arrives, once.
        ASSERT_FALSE(p->b.receive_datagram(w, p->now));
        EXPECT_EQ(this->b_messages(*p), std::vector<bytes>{this->payload(200, 1)});
    } else {
        ASSERT_FALSE(p->b.receive(byte_view(w).first(w.size() - 1), p->now));
        EXPECT_EQ(test::count(p->b_events, event_kind::message), 0u);
        test::session_pair<typename TypeParam::session>::drain(p->b, p->b_events);
        EXPECT_EQ(test::count(p->b_events, event_kind::message), 0u);
        ASSERT_FALSE(p->b.receive(byte_view(w).last(1), p->now));
        auto e = p->b.next_event();
        ASSERT_TRUE(e);
        EXPECT_EQ(e->kind, event_kind::message);
    }
}

TYPED_TEST(SessionConformanceTest, ReplayedMessageIsRejected) {
    auto p = this->established_pair();
    const bytes w = this->sealed(*p, this->payload(10, 1));
    if constexpr (TypeParam::datagrams) {
        ASSERT_FALSE(p->b.receive_datagram(w, p->now));
        ASSERT_EQ(this->b_messages(*p).size(), 1u);
        // Dropped as a replay (an authentication failure), the session goes on.
        this->expect_discarded(*p, w, TypeParam::replayed(), "replay");
        EXPECT_EQ(p->b.last_discard(), transport::condition::authentication_failed);
        ASSERT_FALSE(p->b.receive_datagram(this->sealed(*p, this->payload(10, 2)), p->now));
        EXPECT_EQ(this->b_messages(*p), (std::vector<bytes>{this->payload(10, 1), this->payload(10, 2)}));
    } else {
        ASSERT_FALSE(p->b.receive(w, p->now));
        ASSERT_TRUE(p->b.next_event());
        EXPECT_TRUE(p->b.receive(w, p->now));
        EXPECT_EQ(p->b.state(), session_state::closed);
    }
}

TYPED_TEST(SessionConformanceTest, ReorderedMessagesAreRejectedUnlessTheLayoutToleratesThem) {
    auto p = this->established_pair();
    const bytes m1 = this->payload(10, 1), m2 = this->payload(10, 2), m3 = this->payload(10, 3);
    const bytes w1 = this->sealed(*p, m1);
    const bytes w2 = this->sealed(*p, m2);
    if constexpr (TypeParam::reorder_tolerated) {
        const bytes w3 = this->sealed(*p, m3);
        // The third, then the first (the second lost so far): both
        // delivered, in the order they arrived.
        ASSERT_FALSE(this->feed(*p, w3));
        ASSERT_FALSE(this->feed(*p, w1));
        EXPECT_EQ(this->b_messages(*p), (std::vector<bytes>{m3, m1}));
        // Each exactly once: their repeats are replays.
        this->expect_discarded(*p, w1, TypeParam::replayed(), "w1 again");
        this->expect_discarded(*p, w3, TypeParam::replayed(), "w3 again");
        // The late second still arrives, inside the window.
        ASSERT_FALSE(this->feed(*p, w2));
        EXPECT_EQ(this->b_messages(*p), (std::vector<bytes>{m3, m1, m2}));
        EXPECT_EQ(p->b.discarded_datagrams(), 2u);
    } else {
        // The second message first, then the first: an error at the latest
        // once both arrived, and neither is delivered.
        bytes both = w2;
        both.insert(both.end(), w1.begin(), w1.end());
        EXPECT_TRUE(p->b.receive(both, p->now));
        test::session_pair<typename TypeParam::session>::drain(p->b, p->b_events);
        EXPECT_EQ(test::count(p->b_events, event_kind::message), 0u);
        EXPECT_EQ(p->b.state(), session_state::closed);
    }
}

TYPED_TEST(SessionConformanceTest, WrongExpectedIdentityFailsTheHandshake) {
    typename TestFixture::pair_t p(this->traits.initiator_expecting_someone_else(), this->traits.recipient());
    p.start();
    p.advance(std::chrono::seconds(6));  // some protocols can only time out
    EXPECT_NE(p.a.state(), session_state::established);
    EXPECT_EQ(test::count(p.a_events, event_kind::message), 0u);
    EXPECT_EQ(test::count(p.b_events, event_kind::message), 0u);
}

// Streams: one byte at a time. Datagrams: one datagram at a time.
TYPED_TEST(SessionConformanceTest, OneByteAtATimeBehavesAsWholeBuffers) {
    auto p = this->established_pair(1);
    ASSERT_EQ(p->b.state(), session_state::established);
    const bytes m = this->payload(777, 5);
    ASSERT_FALSE(p->a.send(TypeParam::app_code, m, p->now));
    ASSERT_FALSE(p->b.send(TypeParam::app_code, m, p->now));
    p->pump();
    EXPECT_EQ(p->b_events.back().payload, m);
    EXPECT_EQ(p->a_events.back().payload, m);
}

// Streams: the bytes of several messages in pieces of any size. Datagrams:
// a batch of datagrams handed over in groups of any size, the two
// directions interleaved differently.
TYPED_TEST(SessionConformanceTest, AnySplitOfTheInputBehavesAsTheWhole) {
    std::vector<bytes> batch;
    for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{13}, std::size_t{100}, std::size_t{777},
                          std::min<std::size_t>(TypeParam::max_message, 1300)})
        batch.push_back(this->payload(n, static_cast<unsigned>(batch.size())));
    const std::vector<std::size_t> splits =
        TypeParam::datagrams ? std::vector<std::size_t>{0, 1, 2, 3, 5} : std::vector<std::size_t>{0, 1, 7, 100, 4096};
    for (std::size_t split : splits) {
        auto p = this->established_pair(split);
        ASSERT_EQ(p->a.state(), session_state::established) << split;
        ASSERT_EQ(p->b.state(), session_state::established) << split;
        for (const bytes& m : batch) {
            ASSERT_FALSE(p->a.send(TypeParam::app_code, m, p->now)) << split;
            ASSERT_FALSE(p->b.send(TypeParam::app_code, m, p->now)) << split;
        }
        p->pump();
        std::vector<bytes> at_a, at_b;
        for (const auto& e : p->a_events)
            if (e.kind == event_kind::message) at_a.push_back(e.payload);
        for (const auto& e : p->b_events)
            if (e.kind == event_kind::message) at_b.push_back(e.payload);
        EXPECT_EQ(at_b, batch) << split;
        EXPECT_EQ(at_a, batch) << split;
        EXPECT_EQ(p->a.state(), session_state::established) << split;
        EXPECT_EQ(p->b.state(), session_state::established) << split;
    }
}

TYPED_TEST(SessionConformanceTest, SendBeforeTheHandshakeAndAfterCloseAreErrors) {
    typename TypeParam::session s(policies::handshake_role::initiator, this->traits.initiator());
    EXPECT_EQ(s.send(TypeParam::app_code, {}, {}), transport::errc::not_established);
    auto p = this->established_pair();
    ASSERT_FALSE(p->a.close(0, p->now));
    EXPECT_EQ(p->a.send(TypeParam::app_code, {}, p->now), transport::errc::session_closed);
}

// The laws of a replay window, for the layouts that tolerate reordering.
template <class Traits>
class ReplayWindowConformanceTest : public SessionConformanceTest<Traits> {};

using windowed_configurations = ::testing::Types<x25519_xchacha_udp_traits>;
TYPED_TEST_SUITE(ReplayWindowConformanceTest, windowed_configurations);

TYPED_TEST(ReplayWindowConformanceTest, PacketsOlderThanTheWindowAreRejected) {
    static_assert(TypeParam::reorder_tolerated);
    constexpr std::uint64_t window = TypeParam::replay_window;
    auto p = this->established_pair();
    std::vector<bytes> wire;
    for (std::uint64_t i = 0; i <= window; ++i) wire.push_back(this->sealed(*p, this->payload(8, static_cast<unsigned>(i))));
    ASSERT_FALSE(p->b.receive_datagram(wire[window], p->now));
    // `window` ids behind the newest: too old (an authentication failure).
    this->expect_discarded(*p, wire[0], TypeParam::too_old(), "too old");
    EXPECT_EQ(p->b.last_discard(), transport::condition::authentication_failed);
    // window - 1 behind: the oldest still inside, delivered.
    ASSERT_FALSE(p->b.receive_datagram(wire[1], p->now));
    EXPECT_EQ(this->b_messages(*p),
              (std::vector<bytes>{this->payload(8, static_cast<unsigned>(window)), this->payload(8, 1)}));
    EXPECT_EQ(p->b.discarded_datagrams(), 1u);
}

TYPED_TEST(ReplayWindowConformanceTest, AnyOrderWithinTheWindowDeliversEachPacketExactlyOnce) {
    constexpr std::uint64_t window = TypeParam::replay_window;
    auto p = this->established_pair();
    std::vector<bytes> sent, wire;
    for (std::uint64_t i = 0; i < window; ++i) {
        sent.push_back(this->payload(1 + i % 50, static_cast<unsigned>(i)));
        wire.push_back(this->sealed(*p, sent.back()));
    }
    std::vector<std::size_t> order(window);
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::shuffle(order.begin(), order.end(), std::mt19937(1234));
    std::vector<bytes> expected;
    for (std::size_t k : order) {
        ASSERT_FALSE(p->b.receive_datagram(wire[k], p->now)) << k;
        expected.push_back(sent[k]);
        this->expect_discarded(*p, wire[k], TypeParam::replayed(), "repeat of " + std::to_string(k));
    }
    EXPECT_EQ(this->b_messages(*p), expected);
    EXPECT_EQ(p->b.discarded_datagrams(), window);
}

}  // namespace
}  // namespace polywire::conformance
