// x25519-xchacha over real loopback sockets (127.0.0.1 only): TCP and UDP
// echo servers with rekeys every 200 ms during the exchange, channels and
// batches, and a wrong expected identity failing the handshake. UDP senders
// pace themselves by waiting for each echo (or each batch's echoes).
#include "variants/x25519_xchacha/variant.hpp"

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "tests/variants/x25519_xchacha/fixture.hpp"
#include "transport/error.hpp"

namespace polywire::variants::x25519_xchacha {
namespace {
using namespace test;
using transport::event_kind;
using namespace std::chrono_literals;

node_config config_of(const identity_key& key) {
    node_config c;
    c.identity = key;
    c.protocol.rekey_interval = 200ms;
    c.timeouts.handshake = 3s;
    return c;
}

// Echoes every message on its channel until the peer goes away.
template <class Connection>
void echo(Connection& c) {
    while (auto e = c.next_event()) {
        if (e->kind != event_kind::message) continue;
        const bytes copy(e->payload.begin(), e->payload.end());
        if (c.send(e->code, copy)) return;
    }
}

// The next message event (skipping pings and pongs).
template <class Connection>
std::optional<test::recorded_event> next_message(Connection& c) {
    while (auto e = c.next_event()) {
        if (e->kind == event_kind::message)
            return test::recorded_event{e->kind, e->code, bytes(e->payload.begin(), e->payload.end()), 0, {}};
        if (e->kind == event_kind::error || e->kind == event_kind::disconnected) return std::nullopt;
    }
    return std::nullopt;
}

TEST(NodeTest, TcpEchoAcrossRekeysOnManyChannels) {
    auto l = listener::open(config_of(bob()), "127.0.0.1", 0);
    ASSERT_TRUE(l);
    std::thread server([&] {
        auto c = l.value().accept(transport::clock::now() + 5s, alice().public_key());
        ASSERT_TRUE(c) << c.error().message();
        EXPECT_EQ(c.value()->session().remote_id(), alice().public_key());
        echo(*c.value());
    });
    auto c = dial(config_of(alice()), "127.0.0.1", l.value().port(), bob().public_key());
    ASSERT_TRUE(c) << c.error().message();
    EXPECT_EQ(c.value()->session().remote_id(), bob().public_key());
    const auto until = transport::clock::now() + 1s;
    unsigned i = 0;
    while (transport::clock::now() < until || i < 100) {
        const bytes m = pattern(1 + (i * 97) % 5000, i);
        ASSERT_FALSE(c.value()->send(i % 7, m));
        auto got = next_message(*c.value());
        ASSERT_TRUE(got) << i;
        EXPECT_EQ(got->code, i % 7);
        ASSERT_EQ(got->payload, m) << i;
        ++i;
        std::this_thread::sleep_for(2ms);
    }
    EXPECT_GE(c.value()->session().protocol().rekeys_completed(), 3u);
    EXPECT_GE(c.value()->session().egress_codec()->epoch(), 3u);
    // A batch travels in one packet and comes back message by message.
    std::vector<bytes> bodies;
    std::vector<transport::outgoing_message> batch;
    for (unsigned k = 0; k < 20; ++k) bodies.push_back(pattern(100 * k, k));
    for (unsigned k = 0; k < 20; ++k) batch.push_back({.code = k, .payload = bodies[k]});
    ASSERT_FALSE(c.value()->send_batch(batch));
    for (unsigned k = 0; k < 20; ++k) {
        auto got = next_message(*c.value());
        ASSERT_TRUE(got) << k;
        EXPECT_EQ(got->code, k);
        EXPECT_EQ(got->payload, bodies[k]);
    }
    ASSERT_FALSE(c.value()->close(reason::requested));
    server.join();
}

TEST(NodeTest, TcpWrongExpectedIdentityFailsTheHandshake) {
    auto l = listener::open(config_of(bob()), "127.0.0.1", 0);
    ASSERT_TRUE(l);
    std::error_code server_error;
    std::thread server([&] {
        auto c = l.value().accept(transport::clock::now() + 5s);
        if (!c) server_error = c.error();
    });
    auto c = dial(config_of(alice()), "127.0.0.1", l.value().port(), mallory().public_key());
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error(), errc::wrong_remote_identity);
    server.join();
    EXPECT_TRUE(server_error);  // the initiator hung up during the handshake
}

// The generic listener's per-accept expectation: the same listener refuses
// an initiator it was not told to expect, then accepts the one it was.
TEST(NodeTest, TcpListenerRefusesAnInitiatorItDoesNotExpect) {
    auto l = listener::open(config_of(bob()), "127.0.0.1", 0);
    ASSERT_TRUE(l);
    std::error_code refused;
    std::thread server([&] {
        auto c = l.value().accept(transport::clock::now() + 5s, mallory().public_key());
        if (!c) refused = c.error();
    });
    auto c = dial(config_of(alice()), "127.0.0.1", l.value().port(), bob().public_key());
    server.join();
    EXPECT_EQ(refused, errc::wrong_remote_identity);
    EXPECT_FALSE(c);  // the responder hung up instead of finishing the handshake
    std::thread again([&] {
        auto ok = l.value().accept(transport::clock::now() + 5s, alice().public_key());
        ASSERT_TRUE(ok) << ok.error().message();
        EXPECT_EQ(ok.value()->session().remote_id(), alice().public_key());
    });
    auto c2 = dial(config_of(alice()), "127.0.0.1", l.value().port(), bob().public_key());
    again.join();
    EXPECT_TRUE(c2) << c2.error().message();
}

TEST(NodeTest, UdpEchoAcrossRekeysWithBatches) {
    auto l = udp_listener::open(config_of(bob()), "127.0.0.1", 0);
    ASSERT_TRUE(l);
    std::thread server([&] {
        auto c = l.value().accept(transport::clock::now() + 5s, alice().public_key());
        ASSERT_TRUE(c) << c.error().message();
        echo(*c.value());
    });
    auto c = dial_udp(config_of(alice()), "127.0.0.1", l.value().port(), bob().public_key());
    ASSERT_TRUE(c) << c.error().message();
    EXPECT_EQ(c.value()->session().remote_id(), bob().public_key());
    const auto until = transport::clock::now() + 1s;
    unsigned i = 0;
    while (transport::clock::now() < until || i < 100) {
        const bytes m = pattern(1 + (i * 97) % 1392, i);
        ASSERT_FALSE(c.value()->send(i % 7, m));
        auto got = next_message(*c.value());  // paced: one datagram in flight each way
        ASSERT_TRUE(got) << i;
        EXPECT_EQ(got->code, i % 7);
        ASSERT_EQ(got->payload, m) << i;
        ++i;
        std::this_thread::sleep_for(2ms);
    }
    // A batch of 40 small messages travels in one datagram (echoed one by one).
    std::vector<bytes> bodies;
    std::vector<transport::outgoing_message> batch;
    for (unsigned k = 0; k < 40; ++k) bodies.push_back(pattern(10 + k, k));
    for (unsigned k = 0; k < 40; ++k) batch.push_back({.code = 100 + k, .payload = bodies[k]});
    ASSERT_FALSE(c.value()->send_batch(batch));
    for (unsigned k = 0; k < 40; ++k) {
        auto got = next_message(*c.value());
        ASSERT_TRUE(got) << k;
        EXPECT_EQ(got->code, 100 + k);
        EXPECT_EQ(got->payload, bodies[k]);
    }
    // Over loopback the sizes were negotiated: a message one byte larger
    // than the size in use is refused.
    const std::size_t largest = c.value()->session().max_frame_size() - message_header_size;
    EXPECT_GT(largest, datagram_wire::base_payload);
    EXPECT_EQ(c.value()->send(0, pattern(largest + 1, 0)), transport::errc::message_too_large);
    EXPECT_GE(c.value()->session().protocol().rekeys_completed(), 3u);
    ASSERT_FALSE(c.value()->close(reason::requested));
    server.join();
}

// Waits (up to 3 s) until `c` sends frames of at least `frame` bytes.
template <class Connection>
bool await_frame(Connection& c, std::size_t frame) {
    const auto until = transport::clock::now() + 3s;
    while (c.session().max_frame_size() < frame && transport::clock::now() < until) c.poll(until);
    return c.session().max_frame_size() >= frame;
}

// Over real loopback UDP (which carries 64 KiB datagrams) both sides'
// probes find the largest UDP datagram, and 60,000-byte messages travel
// whole, one a datagram, both ways; with probing off on both, the floor.
TEST(NodeTest, UdpNegotiatesTheLargestDatagramOverLoopback) {
    for (bool probing : {true, false}) {
        auto server_config = config_of(bob());
        auto client_config = config_of(alice());
        server_config.probing.enabled = client_config.probing.enabled = probing;
        auto l = udp_listener::open(server_config, "127.0.0.1", 0);
        ASSERT_TRUE(l);
        std::size_t server_size = 0;
        std::thread server([&] {
            auto c = l.value().accept(transport::clock::now() + 5s, alice().public_key());
            ASSERT_TRUE(c) << c.error().message();
            while (auto e = c.value()->next_event()) {
                if (e->kind != event_kind::message) continue;
                const bytes copy(e->payload.begin(), e->payload.end());
                (void)await_frame(*c.value(), copy.size() + message_header_size);
                server_size = c.value()->session().max_wire_size();
                if (c.value()->send(e->code, copy)) return;
            }
        });
        auto c = dial_udp(client_config, "127.0.0.1", l.value().port(), bob().public_key());
        ASSERT_TRUE(c) << c.error().message();
        const bool large = await_frame(*c.value(), 60000 + message_header_size);
        EXPECT_EQ(large, probing);
        const auto stats = c.value()->session().datagram_sizes();
        if (probing) {
            EXPECT_EQ(stats.datagram_size, 65507u);
            EXPECT_EQ(stats.max_frame_size, 65479u);
            EXPECT_GE(stats.probes_acknowledged, 1u);
            const bytes m = pattern(60000, 7);
            ASSERT_FALSE(c.value()->send(3, m));
            auto got = next_message(*c.value());
            ASSERT_TRUE(got);
            EXPECT_EQ(got->payload, m);
        } else {
            EXPECT_EQ(stats.datagram_size, 1428u);
            EXPECT_EQ(stats.probes_sent, 0u);
            EXPECT_EQ(c.value()->send(3, pattern(1393, 7)), transport::errc::message_too_large);
            ASSERT_FALSE(c.value()->send(3, pattern(1392, 7)));
            auto got = next_message(*c.value());
            ASSERT_TRUE(got);
        }
        ASSERT_FALSE(c.value()->close(reason::requested));
        server.join();
        EXPECT_EQ(server_size, probing ? 65507u : 1428u);
    }
}

TEST(NodeTest, UdpWrongExpectedIdentityFailsTheHandshake) {
    auto cfg = config_of(bob());
    cfg.timeouts.handshake = 1s;
    auto l = udp_listener::open(cfg, "127.0.0.1", 0);
    ASSERT_TRUE(l);
    std::error_code server_error;
    std::thread server([&] {
        auto c = l.value().accept(transport::clock::now() + 5s);
        if (!c) server_error = c.error();
    });
    // Over UDP the REPLY naming another identity is refused, not fatal (it
    // could be forged); the handshake times out and dial_udp reports why.
    auto alice_cfg = config_of(alice());
    alice_cfg.timeouts.handshake = 1s;
    const auto t0 = transport::clock::now();
    auto c = dial_udp(alice_cfg, "127.0.0.1", l.value().port(), mallory().public_key());
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error(), errc::wrong_remote_identity);
    EXPECT_GE(transport::clock::now() - t0, 900ms);  // at the deadline, not before
    server.join();
    EXPECT_EQ(server_error, transport::errc::handshake_timeout);  // UDP: the server just never hears back
}

TEST(NodeTest, UdpDialWithNoListenerTimesOut) {
    auto probe = transport::adapters::udp_bind("127.0.0.1", 0);
    ASSERT_TRUE(probe);
    const std::uint16_t port = transport::adapters::local_port(probe.value());
    probe.value().reset();  // nobody listens there now
    auto cfg = config_of(alice());
    cfg.timeouts.handshake = 1500ms;
    const auto t0 = transport::clock::now();
    auto c = dial_udp(cfg, "127.0.0.1", port, bob().public_key());
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error(), transport::errc::handshake_timeout);
    EXPECT_GE(transport::clock::now() - t0, 1400ms);
}

// A raw UDP socket next to a listener: sends what a test gives it, and
// collects what comes back.
struct raw_peer {
    transport::adapters::socket_fd fd;
    explicit raw_peer(std::uint16_t port) {
        auto s = transport::adapters::udp_bind("127.0.0.1", 0);
        EXPECT_TRUE(s);
        fd = std::move(s.value());
        EXPECT_FALSE(transport::adapters::udp_connect(fd, "127.0.0.1", port));
    }
    void send(const bytes& d) { EXPECT_EQ(transport::adapters::send_datagram(fd, d).value(), d.size()); }
    // Every datagram that arrives within `wait`.
    std::vector<bytes> received(transport::duration wait = 100ms) {
        std::vector<bytes> out;
        const auto until = transport::clock::now() + wait;
        bytes buf(transport::adapters::max_udp_datagram);
        for (;;) {
            auto n = transport::adapters::receive_datagram(fd, buf);
            if (n) {
                out.emplace_back(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n.value()));
                continue;
            }
            auto r = transport::adapters::wait(fd, true, false, until);
            if (!r || r.value() == 0) return out;
        }
    }
};

bytes hello_of(const identity_key& key) {
    udp_session a(policies::handshake_role::initiator, make_udp_options(config_of(key), bob().public_key()));
    (void)a.start(transport::clock::now());
    const auto d = a.pending_output();
    return bytes(d.begin(), d.end());
}

std::size_t total(const std::vector<bytes>& ds) {
    std::size_t n = 0;
    for (const bytes& d : ds) n += d.size();
    return n;
}

TEST(NodeTest, UdpAcceptCompletesAGoodPeerWhileAnotherStalls) {
    auto cfg = config_of(bob());
    cfg.timeouts.handshake = 3s;
    auto l = udp_listener::open(cfg, "127.0.0.1", 0);
    ASSERT_TRUE(l);
    // Garbage, and a HELLO whose sender never goes on.
    raw_peer junk(l.value().port()), stalled(l.value().port());
    junk.send(h("00112233"));
    stalled.send(hello_of(alice()));
    std::this_thread::sleep_for(50ms);
    const auto t0 = transport::clock::now();
    std::error_code dial_error;
    std::thread dialer([&] {
        auto c = dial_udp(config_of(alice()), "127.0.0.1", l.value().port(), bob().public_key());
        if (!c) dial_error = c.error();
        else (void)c.value()->close(reason::requested);
    });
    auto c = l.value().accept(t0 + 2500ms, alice().public_key());
    dialer.join();
    ASSERT_TRUE(c) << c.error().message();
    EXPECT_FALSE(dial_error) << dial_error.message();
    EXPECT_LT(transport::clock::now() - t0, 1500ms);  // not after the stalled handshake's deadline
    EXPECT_EQ(c.value()->session().remote_id(), alice().public_key());
    EXPECT_EQ(l.value().pending_handshakes(), 1u);  // the stalled one: still waiting, alone
    // Its handshake ends at its deadline: the next accept() reports it.
    auto next = l.value().accept(transport::clock::now() + 5s);
    ASSERT_FALSE(next);
    EXPECT_EQ(next.error(), transport::errc::handshake_timeout);
    EXPECT_EQ(l.value().pending_handshakes(), 0u);
}

TEST(NodeTest, UdpListenerAnswersASpoofedHelloOnceAndCapsPendingHandshakes) {
    auto cfg = config_of(bob());
    cfg.timeouts.handshake = 1s;
    cfg.timeouts.retransmit = 200ms;
    auto l = udp_listener::open(cfg, "127.0.0.1", 0, udp_listen_options{.max_pending_handshakes = 2, .cookie_threshold = 100});
    ASSERT_TRUE(l);
    raw_peer p1(l.value().port()), p2(l.value().port()), p3(l.value().port());
    const bytes hello = hello_of(alice());
    p1.send(hello);
    p2.send(hello);
    p3.send(hello);
    std::this_thread::sleep_for(50ms);
    EXPECT_EQ(l.value().accept(transport::clock::now() + 300ms).error(), transport::errc::handshake_timeout);
    EXPECT_EQ(l.value().pending_handshakes(), 2u);
    EXPECT_TRUE(p3.received().empty());  // over the cap: no session, no answer
    // Until the handshake deadline, one REPLY each and nothing more.
    auto r = l.value().accept(transport::clock::now() + 2s);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), transport::errc::handshake_timeout);
    for (raw_peer* p : {&p1, &p2}) {
        const auto got = p->received();
        ASSERT_EQ(got.size(), 1u);
        EXPECT_EQ(got[0].size(), reply_size);
        EXPECT_LE(total(got), 3 * hello.size());
    }
}

TEST(NodeTest, UdpListenerUnderLoadCreatesASessionOnlyForAVerifiedCookie) {
    auto cfg = config_of(bob());
    auto l = udp_listener::open(cfg, "127.0.0.1", 0, udp_listen_options{.cookie_threshold = 0});
    ASSERT_TRUE(l);
    raw_peer p(l.value().port());
    const bytes hello = hello_of(alice());
    auto run = [&] { (void)l.value().accept(transport::clock::now() + 100ms); };
    p.send(hello);
    run();
    auto got = p.received();
    ASSERT_EQ(got.size(), 1u);
    ASSERT_EQ(got[0].size(), cookie_reply_size);
    EXPECT_EQ(got[0][0], kind::cookie);
    EXPECT_EQ(l.value().pending_handshakes(), 0u);  // nothing kept
    bytes with_cookie{kind::cookie_hello};
    with_cookie.insert(with_cookie.end(), got[0].begin() + 17, got[0].end());
    with_cookie.insert(with_cookie.end(), hello.begin(), hello.end());
    // A wrong cookie: ignored.
    bytes wrong = with_cookie;
    wrong[5] ^= 0x80;
    p.send(wrong);
    run();
    EXPECT_TRUE(p.received().empty());
    EXPECT_EQ(l.value().pending_handshakes(), 0u);
    // The right one: a session, and its REPLY.
    p.send(with_cookie);
    run();
    got = p.received();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].size(), reply_size);
    EXPECT_EQ(l.value().pending_handshakes(), 1u);

    // A real initiator goes through the cookie round by itself.
    std::error_code dial_error;
    std::thread dialer([&] {
        auto c = dial_udp(config_of(alice()), "127.0.0.1", l.value().port(), bob().public_key());
        if (!c) dial_error = c.error();
        else (void)c.value()->close(reason::requested);
    });
    auto c = l.value().accept(transport::clock::now() + 2500ms, alice().public_key());
    dialer.join();
    ASSERT_TRUE(c) << c.error().message();
    EXPECT_FALSE(dial_error) << dial_error.message();
}

}  // namespace
}  // namespace polywire::variants::x25519_xchacha
