#include "transport/impl/timer_set.hpp"

#include <gtest/gtest.h>

namespace polywire::transport::detail {
namespace {

using namespace std::chrono_literals;
using expiry = timer_set::expiry;

const time_point t0 = time_point{} + 1000s;

timeouts short_timeouts() {
    timeouts t;
    t.handshake = 5s;
    t.read = 3s;
    t.ping_interval = 1s;
    t.pong = 2s;
    t.linger = 500ms;
    return t;
}

TEST(TimerSet, HandshakeDeadlineIsTheEarlierOfHandshakeAndRead) {
    const timeouts t = short_timeouts();
    timer_set ts;
    ts.start(t0);
    EXPECT_EQ(ts.handshake_deadline(t), t0 + 3s);
    EXPECT_EQ(ts.handshake_expiry(t0 + 2999ms, t), expiry::none);
    EXPECT_EQ(ts.handshake_expiry(t0 + 3s, t), expiry::read_timeout);
    ts.received(t0 + 2s);  // keeps the read timer alive, not the handshake's
    EXPECT_EQ(ts.handshake_deadline(t), t0 + 5s);
    EXPECT_EQ(ts.handshake_expiry(t0 + 4s, t), expiry::none);
    EXPECT_EQ(ts.handshake_expiry(t0 + 5s, t), expiry::handshake_timeout);
    EXPECT_EQ(timer_set::error_of(expiry::handshake_timeout), make_error_code(errc::handshake_timeout));
}

TEST(TimerSet, KeepaliveAsksForAPingThenTimesOut) {
    const timeouts t = short_timeouts();
    timer_set ts;
    ts.start(t0);
    EXPECT_EQ(ts.established_deadline(t, true), t0 + 1s);
    EXPECT_EQ(ts.established_deadline(t, false), t0 + 3s);  // no keepalive: the read timeout only
    EXPECT_EQ(ts.keepalive_expiry(t0 + 999ms, t), expiry::none);
    EXPECT_EQ(ts.keepalive_expiry(t0 + 1s, t), expiry::ping_due);
    ts.pinged(t0 + 1s);
    EXPECT_TRUE(ts.ping_outstanding());
    EXPECT_EQ(ts.established_deadline(t, true), t0 + 3s);  // pong deadline, and read at 3 s
    ts.pinged(t0 + 2s);  // a second ping does not move the pong deadline
    EXPECT_EQ(ts.keepalive_expiry(t0 + 3s, t), expiry::ping_timeout);
    EXPECT_EQ(timer_set::error_of(expiry::ping_timeout), make_error_code(errc::ping_timeout));
    ts.ponged();
    EXPECT_FALSE(ts.ping_outstanding());
    EXPECT_EQ(ts.keepalive_expiry(t0 + 2500ms, t), expiry::none);  // last activity: the ping at 2 s
    EXPECT_EQ(ts.keepalive_expiry(t0 + 3s, t), expiry::ping_due);
}

TEST(TimerSet, SendingPostponesThePingButNotTheReadTimeout) {
    const timeouts t = short_timeouts();
    timer_set ts;
    ts.start(t0);
    ts.sent(t0 + 900ms);
    EXPECT_EQ(ts.keepalive_expiry(t0 + 1s, t), expiry::none);
    EXPECT_EQ(ts.read_expiry(t0 + 2999ms, t), expiry::none);
    EXPECT_EQ(ts.read_expiry(t0 + 3s, t), expiry::read_timeout);
    ts.received(t0 + 2s);
    EXPECT_EQ(ts.read_expiry(t0 + 3s, t), expiry::none);
}

TEST(TimerSet, LingerAndLargeBufferRelease) {
    const timeouts t = short_timeouts();
    limits l;
    l.release_after = 700ms;
    timer_set ts;
    ts.linger(t0, t);
    EXPECT_EQ(ts.linger_until(), t0 + 500ms);
    ts.used_large_buffer(t0 + 1s);
    EXPECT_EQ(ts.large_buffers_release(l), t0 + 1700ms);
    EXPECT_FALSE(timer_set::error_of(expiry::ping_due));
    EXPECT_FALSE(timer_set::error_of(expiry::none));
}

}  // namespace
}  // namespace polywire::transport::detail
