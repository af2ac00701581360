#include "transport/impl/datagram_flight.hpp"

#include <gtest/gtest.h>

namespace polywire::transport::detail {
namespace {

using namespace std::chrono_literals;

const time_point t0 = time_point{} + 1000s;

void put(output_buffer& out, std::size_t n, std::uint8_t v) {
    const bytes b(n, v);
    out.append(b);
}

timeouts with_retransmit() {
    timeouts t;
    t.retransmit = 1s;
    t.handshake = 5s;
    return t;
}

TEST(DatagramFlight, YieldsOneDatagramAtATime) {
    datagram_flight<true> f;
    output_buffer out;
    put(out, 3, 1);
    f.end_datagram(out);
    put(out, 5, 2);
    f.end_datagram(out);
    f.end_datagram(out);  // nothing new: no empty datagram
    EXPECT_EQ(f.next_datagram(out, 0).size(), 3u);
    f.output_taken(3);
    EXPECT_EQ(f.next_datagram(out, 3).size(), 5u);
    EXPECT_EQ(f.next_datagram(out, 3)[0], 2);
    f.output_taken(8);
    f.output_cleared();
    out.clear();
    put(out, 4, 3);
    f.end_datagram(out);
    EXPECT_EQ(f.next_datagram(out, 0).size(), 4u);
}

TEST(DatagramFlight, InitiatorResendsItsFlightEveryRetransmit) {
    const timeouts t = with_retransmit();
    datagram_flight<true> f;
    output_buffer out;
    put(out, 10, 7);
    f.started(out, 0, t0);
    EXPECT_EQ(f.retransmit_deadline(true, t), t0 + 1s);
    EXPECT_FALSE(f.retransmit_deadline(false, t));  // a responder, or keys: never on a timer
    out.clear();
    f.output_cleared();
    f.tick(out, t0 + 999ms, true, t);
    EXPECT_TRUE(out.empty());
    f.tick(out, t0 + 1s, true, t);
    ASSERT_EQ(out.size(), 10u);
    EXPECT_EQ(f.next_datagram(out, 0).size(), 10u);
    EXPECT_EQ(f.retransmit_deadline(true, t), t0 + 2s);
}

TEST(DatagramFlight, ResendKeepsTheFlightsDatagramBoundaries) {
    datagram_flight<true> f;
    output_buffer out;
    put(out, 2, 9);  // an earlier datagram, not part of the flight
    f.end_datagram(out);
    const std::size_t before = out.size();
    put(out, 4, 1);
    f.end_datagram(out);
    put(out, 6, 2);
    f.end_datagram(out);
    f.keys_agreed(out, before, t0, with_retransmit());  // the final flight: two datagrams
    f.output_taken(out.size());
    f.output_cleared();
    out.clear();
    f.after_discard(out, t0 + 5s);
    ASSERT_EQ(out.size(), 10u);
    EXPECT_EQ(f.next_datagram(out, 0).size(), 4u);
    EXPECT_EQ(f.next_datagram(out, 4).size(), 6u);
    out.clear();
    f.output_cleared();
    f.after_discard(out, t0 + 5s + 1ms);  // the handshake timeout is over: dropped
    EXPECT_TRUE(out.empty());
}

TEST(DatagramFlight, DiscardsAreCounted) {
    datagram_flight<true> f;
    EXPECT_TRUE(f.discard(errc::unexpected_datagram));
    EXPECT_TRUE(f.discard(errc::truncated_datagram));
    EXPECT_EQ(f.discarded(), 2u);
    EXPECT_EQ(f.last_discard(), make_error_code(errc::truncated_datagram));
    EXPECT_TRUE(f.discards_handshake_error(errc::malformed_frame));
    EXPECT_FALSE(f.discards_handshake_error(errc::random_failure));   // system failure: fatal
    EXPECT_FALSE(f.discards_handshake_error(errc::session_closed));   // misuse: fatal
}

TEST(DatagramFlight, ResponderStaysWithinTheAmplificationLimit) {
    datagram_flight<true> f;
    const std::size_t k = datagram_flight<true>::amplification_limit;
    f.begin_datagram(100, true);
    output_buffer out;
    put(out, 100 * k + 1, 5);  // one byte over the limit: not sent
    f.handshake_step(out, 0, {.consumed = 100}, true, t0);
    EXPECT_TRUE(out.empty());
    put(out, 100 * k, 5);  // exactly the limit
    f.handshake_step(out, 0, {.consumed = 100}, true, t0);
    EXPECT_EQ(out.size(), 100 * k);
    EXPECT_FALSE(f.within_amplification_limit(1, true));
    EXPECT_TRUE(f.within_amplification_limit(1000, false));  // verified: no limit
    f.begin_datagram(10, true);
    EXPECT_TRUE(f.within_amplification_limit(10 * k, true));
}

TEST(DatagramFlight, AStaleMessageResendsTheLastFlight) {
    datagram_flight<true> f;
    output_buffer out;
    f.begin_datagram(50, false);
    put(out, 20, 4);
    f.handshake_step(out, 0, {.consumed = 50}, false, t0);  // our answer: remembered
    EXPECT_FALSE(f.stale());
    out.clear();
    f.output_cleared();
    f.begin_datagram(50, false);
    f.handshake_step(out, 0, {.consumed = 50, .stale = true}, false, t0 + 1s);
    EXPECT_TRUE(f.stale());
    EXPECT_EQ(out.size(), 20u);
    f.begin_datagram(1, false);
    EXPECT_FALSE(f.stale());  // a new datagram starts fresh
}

TEST(DatagramFlight, TheStreamCounterpartDoesNothing) {
    datagram_flight<false> f;
    output_buffer out;
    put(out, 10, 1);
    f.started(out, 0, t0);
    f.end_datagram(out);
    EXPECT_EQ(f.next_datagram(out, 3).size(), 7u);  // the whole rest of the stream
    EXPECT_FALSE(f.discard(errc::malformed_frame));  // refusals are fatal
    EXPECT_FALSE(f.discards_handshake_error(errc::malformed_frame));
    EXPECT_FALSE(f.retransmit_deadline(true, with_retransmit()));
    f.tick(out, t0 + 1h, true, with_retransmit());
    f.after_discard(out, t0);
    EXPECT_EQ(out.size(), 10u);
    EXPECT_EQ(f.discarded(), 0u);
    EXPECT_FALSE(f.stale());
    static_assert(sizeof(datagram_flight<false>) == 1, "the stream counterpart holds nothing");
}

}  // namespace
}  // namespace polywire::transport::detail
