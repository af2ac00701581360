// The stateless cookie round over datagrams: a guard under load answers a
// HELLO with a COOKIE and keeps nothing; only the HELLO repeated with a
// cookie that verifies (its source, its time bucket or the one before)
// passes; the initiator's session answers a COOKIE with that HELLO and
// retransmits it; the handshake then completes as without the round.
#include "variants/x25519_xchacha/cookie.hpp"

#include <gtest/gtest.h>

#include "tests/variants/x25519_xchacha/fixture.hpp"
#include "transport/error.hpp"
#include "variants/x25519_xchacha/config.hpp"

namespace polywire::variants::x25519_xchacha {
namespace {
using namespace test;
using transport::session_state;
using verdict = cookie_guard::verdict;

const bytes source_a = h("7f0000010bb8");  // 127.0.0.1:3000
const bytes source_b = h("7f0000010bb9");  // 127.0.0.1:3001
const transport::time_point t0 = transport::time_point{} + std::chrono::hours(1);

template <class Session>
bytes first_of(Session& s) {
    const auto d = s.pending_output();
    bytes b(d.begin(), d.end());
    s.consume_output(d.size());
    return b;
}

TEST(CookieTest, AHelloPassesUnlessACookieIsRequired) {
    udp_session a(policies::handshake_role::initiator, alice_options<udp_session>());
    ASSERT_FALSE(a.start(t0));
    const bytes hello = first_of(a);
    cookie_guard g;
    bytes reply;
    EXPECT_EQ(g.check(hello, source_a, t0, false, reply), verdict::accept);
    EXPECT_TRUE(reply.empty());
    ASSERT_EQ(g.check(hello, source_a, t0, true, reply), verdict::answer);
    ASSERT_EQ(reply.size(), cookie_reply_size);
    EXPECT_EQ(reply[0], kind::cookie);
    EXPECT_EQ(bytes(reply.begin() + 1, reply.begin() + 17), bytes(hello.begin() + 1, hello.begin() + 17));
    EXPECT_LT(reply.size(), hello.size());  // less out than in
    // Not a first handshake message: dropped, loaded or not.
    bytes packet = pattern(61, 1);
    packet[0] = kind::data;
    for (const bytes& d : {bytes{}, h("01"), bytes(hello.begin(), hello.end() - 1), packet, h("03")}) {
        EXPECT_EQ(g.check(d, source_a, t0, false, reply), verdict::drop);
        EXPECT_EQ(g.check(d, source_a, t0, true, reply), verdict::drop);
    }
}

TEST(CookieTest, OnlyACookieOfTheSameSourceAndARecentBucketVerifies) {
    cookie_guard g(cookie_guard::options{.lifetime = std::chrono::seconds(120)});
    udp_session a(policies::handshake_role::initiator, alice_options<udp_session>());
    ASSERT_FALSE(a.start(t0));
    const bytes hello = first_of(a);
    auto c = g.cookie_for(source_a, t0);
    ASSERT_TRUE(c);
    auto with = [&](const cookie_guard::cookie& k) {
        bytes d{kind::cookie_hello};
        d.insert(d.end(), k.begin(), k.end());
        d.insert(d.end(), hello.begin(), hello.end());
        return d;
    };
    bytes reply;
    const bytes good = with(*c);
    ASSERT_EQ(good.size(), cookie_hello_size);
    EXPECT_EQ(g.check(good, source_a, t0, true, reply), verdict::accept);
    EXPECT_EQ(g.check(good, source_a, t0, false, reply), verdict::accept);
    EXPECT_TRUE(reply.empty());
    // Another source (port), a changed bit, a cut datagram: dropped, no answer.
    EXPECT_EQ(g.check(good, source_b, t0, true, reply), verdict::drop);
    EXPECT_TRUE(reply.empty());
    for (std::size_t i = 1; i <= cookie_size; ++i) {
        bytes bad = good;
        bad[i] ^= 0x01;
        EXPECT_EQ(g.check(bad, source_a, t0, true, reply), verdict::drop) << i;
    }
    EXPECT_EQ(g.check(bytes(good.begin(), good.end() - 1), source_a, t0, true, reply), verdict::drop);
    // The next bucket still takes it; the one after does not (expired).
    EXPECT_EQ(g.check(good, source_a, t0 + std::chrono::seconds(150), true, reply), verdict::accept);
    EXPECT_EQ(g.check(good, source_a, t0 + std::chrono::seconds(250), true, reply), verdict::drop);
    // Another guard (another secret) does not take it.
    cookie_guard other;
    EXPECT_EQ(other.check(good, source_a, t0, true, reply), verdict::drop);
}

TEST(CookieTest, TheInitiatorAnswersACookieAndTheHandshakeCompletes) {
    udp_session a(policies::handshake_role::initiator, alice_options<udp_session>());
    udp_session b(policies::handshake_role::recipient, bob_options<udp_session>());
    transport::time_point now = t0;
    ASSERT_FALSE(a.start(now));
    const bytes hello = first_of(a);
    cookie_guard g;
    bytes cookie_reply;
    ASSERT_EQ(g.check(hello, source_a, now, true, cookie_reply), verdict::answer);

    // A COOKIE naming another session id is not for Alice: discarded.
    bytes foreign = cookie_reply;
    foreign[1] ^= 0xff;
    ASSERT_FALSE(a.receive_datagram(foreign, now));
    EXPECT_TRUE(a.pending_output().empty());
    EXPECT_EQ(a.last_discard(), errc::unexpected_handshake);

    ASSERT_FALSE(a.receive_datagram(cookie_reply, now));
    const bytes cookie_hello = first_of(a);
    ASSERT_EQ(cookie_hello.size(), cookie_hello_size);
    EXPECT_EQ(cookie_hello[0], kind::cookie_hello);
    EXPECT_EQ(bytes(cookie_hello.begin() + 1 + cookie_size, cookie_hello.end()), hello);  // the same HELLO
    // Lost: Alice retransmits the HELLO with its cookie, not without.
    now += a.settings().timeouts.retransmit;
    ASSERT_FALSE(a.on_tick(now));
    EXPECT_EQ(first_of(a), cookie_hello);

    bytes reply;
    ASSERT_EQ(g.check(cookie_hello, source_a, now, true, reply), verdict::accept);
    ASSERT_FALSE(b.start(now));
    ASSERT_FALSE(b.receive_datagram(cookie_hello, now));
    const bytes b_reply = first_of(b);
    ASSERT_EQ(b_reply.size(), reply_size);
    // The HELLO with its cookie again (Alice's REPLY was lost): the REPLY again.
    ASSERT_FALSE(b.receive_datagram(cookie_hello, now));
    EXPECT_EQ(first_of(b), b_reply);
    ASSERT_FALSE(a.receive_datagram(b_reply, now));
    const bytes proof = first_of(a);
    ASSERT_FALSE(b.receive_datagram(proof, now));
    EXPECT_EQ(b.state(), session_state::established);
    ASSERT_FALSE(a.receive_datagram(first_of(b), now));
    EXPECT_EQ(a.state(), session_state::established);
    EXPECT_EQ(a.remote_id(), bob().public_key());
    EXPECT_EQ(b.remote_id(), alice().public_key());
}

TEST(CookieTest, OverAStreamACookieIsMalformed) {
    session a(policies::handshake_role::initiator, alice_options<session>());
    ASSERT_FALSE(a.start(t0));
    (void)first_of(a);
    bytes c(cookie_reply_size, 0);
    c[0] = kind::cookie;
    EXPECT_EQ(a.receive(c, t0), errc::malformed_handshake);
}

}  // namespace
}  // namespace polywire::variants::x25519_xchacha
