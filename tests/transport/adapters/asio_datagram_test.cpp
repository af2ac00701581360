// asio_datagram with x25519-xchacha's datagram configuration over loopback
// UDP: handshake through the listener, paced messages and batches both ways
// at once, retransmission of lost handshake datagrams, a lossy and
// duplicating network losing only what it drops, keepalive and the idle
// timeout, a silent peer, cancel/close/drop; the negotiated datagram size
// in the metrics; a spoofed HELLO answered once
// (never more than three times its bytes), the listener's cookie round
// under load and its cap on pending handshakes; batched sends and receives
// on each path (GSO and GRO, neither, a kernel refusing GSO).
//
// Senders pace themselves (a millisecond between datagrams): loopback UDP
// drops what does not fit the receiver's socket buffer. Loss is the test's
// own: a relay between the two sockets drops or duplicates datagrams.
#include "transport/adapters/asio_datagram.hpp"

#include <gtest/gtest.h>

#include <sys/socket.h>

#include <atomic>
#include <functional>
#include <thread>

#include <boost/asio/detached.hpp>

#include "tests/support/asio_harness.hpp"
#include "variants/x25519_xchacha/config.hpp"
#include "variants/x25519_xchacha/cookie.hpp"

namespace polywire::transport::adapters {
namespace {
using namespace std::chrono_literals;
using test::sleep_for;
using test::wait_until;
namespace xx = variants::x25519_xchacha;
using udp_session = xx::udp_session;
using connection = asio_datagram<udp_session>;

constexpr std::uint64_t channel = 5;
constexpr std::size_t max_message = xx::datagram_wire::base_payload;  // one message alone in a datagram (the floor)

const crypto::ed25519::private_key& alice() {
    static const auto k = crypto::ed25519::private_key::generate().value();
    return k;
}
const crypto::ed25519::private_key& bob() {
    static const auto k = crypto::ed25519::private_key::generate().value();
    return k;
}

udp_session::options options(const crypto::ed25519::private_key& me, const crypto::ed25519::private_key& peer) {
    udp_session::options o;
    o.handshake.identity = me;
    o.handshake.expected_remote = peer.public_key();
    o.timeouts.retransmit = 100ms;
    o.timeouts.handshake = 3s;
    o.probing.enabled = false;  // these tests count datagrams and sizes: the floor, no size probes
    return o;
}
udp_session initiator(udp_session::options o = options(alice(), bob())) {
    return udp_session(policies::handshake_role::initiator, std::move(o));
}
udp_session recipient(udp_session::options o = options(bob(), alice())) {
    return udp_session(policies::handshake_role::recipient, std::move(o));
}

bytes pattern(std::size_t n, unsigned seed) {
    bytes b(n);
    for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(i * 31 + seed);
    return b;
}

udp::socket bound(const asio::any_io_executor& ex) {
    return udp::socket(ex, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
}

// Runs `f()` on the connection's strand (where its session may be read).
template <class F>
awaitable<std::invoke_result_t<F>> on_strand_of(connection& c, F f) {
    co_return co_await asio::co_spawn(
        c.get_executor(), [](F g) -> awaitable<std::invoke_result_t<F>> { co_return g(); }(std::move(f)), asio::use_awaitable);
}

// Handshakes both at once (each needs the other's datagrams).
awaitable<bool> handshake_both(connection& a, connection& b) {
    std::atomic<int> done{0};
    std::error_code ea, eb;
    asio::co_spawn(a.get_executor(), a.handshake(), [&](std::exception_ptr, std::error_code ec) { ea = ec, ++done; });
    asio::co_spawn(b.get_executor(), b.handshake(), [&](std::exception_ptr, std::error_code ec) { eb = ec, ++done; });
    const bool finished = co_await wait_until([&] { return done == 2; });
    EXPECT_FALSE(ea) << ea.message();
    EXPECT_FALSE(eb) << eb.message();
    co_return finished && !ea && !eb;
}

// The network between a and b when the test controls it: a's socket talks
// to one relay socket and b's to the other; each datagram is forwarded
// `copies(from_a, index, datagram)` times (0: lost; default once).
struct relay {
    udp::socket to_a, to_b;
    std::function<int(bool from_a, int index, byte_view datagram)> copies;
    int from_a = 0, from_b = 0, dropped = 0;

    static awaitable<void> forward(std::shared_ptr<relay> r, bool from_a) {
        std::array<std::uint8_t, 64 * 1024> buf;
        udp::socket& in = from_a ? r->to_a : r->to_b;
        udp::socket& out = from_a ? r->to_b : r->to_a;
        for (;;) {
            boost::system::error_code ec;
            const std::size_t n = co_await in.async_receive(asio::buffer(buf), asio::redirect_error(asio::use_awaitable, ec));
            if (ec == asio::error::connection_refused) continue;
            if (ec) co_return;
            const int index = from_a ? r->from_a++ : r->from_b++;
            const int k = r->copies ? r->copies(from_a, index, byte_view(buf.data(), n)) : 1;
            if (k == 0) ++r->dropped;
            for (int i = 0; i < k; ++i) (void)out.send(asio::buffer(buf.data(), n), 0, ec);
        }
    }
};

// Two sockets wired through a relay; closing the relay ends its coroutines.
struct wired {
    udp::socket a, b;
    std::shared_ptr<relay> net;
    wired(udp::socket sa, udp::socket sb, std::shared_ptr<relay> r) : a(std::move(sa)), b(std::move(sb)), net(std::move(r)) {}
    wired(wired&&) = default;
    ~wired() {
        if (!net) return;
        boost::system::error_code ec;
        net->to_a.close(ec);
        net->to_b.close(ec);
    }
};

awaitable<wired> through_relay() {
    auto ex = co_await asio::this_coro::executor;
    udp::socket a = bound(ex), b = bound(ex);
    auto r = std::make_shared<relay>(relay{bound(ex), bound(ex), {}});
    a.connect(r->to_a.local_endpoint());
    r->to_a.connect(a.local_endpoint());
    b.connect(r->to_b.local_endpoint());
    r->to_b.connect(b.local_endpoint());
    asio::co_spawn(ex, relay::forward(r, true), asio::detached);
    asio::co_spawn(ex, relay::forward(r, false), asio::detached);
    co_return wired(std::move(a), std::move(b), std::move(r));
}

bool is_packet(byte_view d) { return xx::datagram_layout::carries_frame(d); }

TEST(AsioDatagramTest, AListenerOnAnAddressNotOfThisHostSaysWhatTheSystemSaid) {
    asio::io_context io;
    auto l = asio_udp_listener::listen(io.get_executor(), "192.0.2.1", 0);  // TEST-NET-1
    ASSERT_FALSE(l);
    EXPECT_EQ(l.error(), std::errc::address_not_available) << l.error().message();
}

TEST(AsioDatagramTest, HandshakesThroughTheListenerAndExchangesPacedMessagesBothWays) {
    test::run_coroutine(
        [&]() -> awaitable<void> {
            auto ex = co_await asio::this_coro::executor;
            auto l = asio_udp_listener::listen(ex, "127.0.0.1", 0);
            CO_ASSERT(l);
            auto sock = co_await async_udp_connect("127.0.0.1", l.value().port());
            CO_ASSERT(sock);
            connection a(std::move(sock.value()), initiator());
            std::atomic<bool> a_done{false};
            std::error_code a_ec;
            asio::co_spawn(a.get_executor(), a.handshake(), [&](std::exception_ptr, std::error_code ec) {
                a_ec = ec;
                a_done = true;
            });
            auto arrival = co_await l.value().accept();  // a's HELLO
            CO_ASSERT(arrival);
            EXPECT_FALSE(arrival.value().first.empty());
            connection b(std::move(arrival.value().socket), recipient(), {}, {}, std::move(arrival.value().first));
            EXPECT_EQ(a.peer(), "127.0.0.1:" + std::to_string(l.value().port()));
            EXPECT_EQ(b.peer().rfind("127.0.0.1:", 0), 0u);
            CO_ASSERT(!co_await b.handshake());
            CO_ASSERT(co_await wait_until([&] { return a_done.load(); }));
            CO_ASSERT(!a_ec);
            // Fixed once handshake() returned: readable off the strand.
            EXPECT_TRUE(a.session().remote_id() == bob().public_key());
            EXPECT_TRUE(b.session().remote_id() == alice().public_key());

            // 60 messages each way at once, every size up to a full datagram,
            // then one batch of 12 packed into few datagrams.
            constexpr int count = 60;
            const std::vector<std::size_t> sizes = {0, 1, 200, 1000, max_message};
            auto pump = [&sizes](connection& self, unsigned seed) -> awaitable<void> {
                for (int i = 0; i < count; ++i) {
                    const bytes m = pattern(sizes[static_cast<std::size_t>(i) % sizes.size()], seed + static_cast<unsigned>(i));
                    if (auto ec = co_await self.send(channel, m)) {
                        ADD_FAILURE() << ec.message();
                        co_return;
                    }
                    co_await sleep_for(1ms);
                }
                std::vector<bytes> batch;
                std::vector<outgoing_message> msgs;
                for (int i = 0; i < 12; ++i) batch.push_back(pattern(100, seed + 1000 + static_cast<unsigned>(i)));
                for (const auto& m : batch) msgs.push_back({channel + 1, m});
                if (auto ec = co_await self.send_batch(msgs)) ADD_FAILURE() << ec.message();
            };
            auto drain = [&sizes](connection& self, std::atomic<int>& got, unsigned seed) -> awaitable<void> {
                while (got < count + 12) {
                    auto e = co_await self.receive();
                    if (!e) co_return;
                    if (e->kind != event_kind::message) continue;
                    const int i = got.load();
                    const bytes want = i < count ? pattern(sizes[static_cast<std::size_t>(i) % sizes.size()], seed + static_cast<unsigned>(i))
                                                 : pattern(100, seed + 1000 + static_cast<unsigned>(i - count));
                    EXPECT_EQ(e->code, i < count ? channel : channel + 1);
                    EXPECT_TRUE(std::equal(e->payload.begin(), e->payload.end(), want.begin(), want.end())) << i;
                    ++got;
                }
            };
            std::atomic<int> a_got{0}, b_got{0}, done{0};
            auto count_done = [&](std::exception_ptr) { ++done; };
            asio::co_spawn(a.get_executor(), pump(a, 1), count_done);
            asio::co_spawn(b.get_executor(), pump(b, 2), count_done);
            asio::co_spawn(a.get_executor(), drain(a, a_got, 2), count_done);
            asio::co_spawn(b.get_executor(), drain(b, b_got, 1), count_done);
            CO_ASSERT(co_await wait_until([&] { return done == 4; }));
            EXPECT_EQ(a_got, count + 12);
            EXPECT_EQ(b_got, count + 12);
            for (auto* c : {&a, &b}) {
                EXPECT_EQ(c->metrics().messages_out, static_cast<std::uint64_t>(count + 12));
                EXPECT_EQ(c->metrics().messages_in, static_cast<std::uint64_t>(count + 12));
            }
            // The batch took far fewer than 12 datagrams: bytes prove it
            // only loosely, the counts above prove delivery.
            EXPECT_EQ(a.metrics().bytes_out, b.metrics().bytes_in);
            EXPECT_EQ(b.metrics().bytes_out, a.metrics().bytes_in);
            // Probing off: the floor, 1392-byte payloads (1,428-byte datagrams).
            EXPECT_EQ(a.metrics().datagram_size, 1428u);
            EXPECT_EQ(b.metrics().datagram_size, 1428u);

            // Too large for one datagram: refused, the session stays up.
            EXPECT_EQ(co_await a.send(channel, pattern(max_message + 1, 0)), errc::message_too_large);

            // close(): b hears the goodbye and its reason.
            EXPECT_FALSE(co_await a.close(xx::reason::requested));
            EXPECT_TRUE(a.finished());
            EXPECT_FALSE(co_await a.receive());
            EXPECT_EQ(co_await a.send(channel, pattern(1, 0)), errc::session_closed);
            auto e = co_await b.receive();
            CO_ASSERT(e && e->kind == event_kind::disconnected);
            EXPECT_EQ(e->reason, xx::reason::requested);
            EXPECT_FALSE(co_await b.receive());
            EXPECT_TRUE(co_await wait_until([&] { return b.finished(); }, 1s));
            l.value().close();
        },
        2);
}

TEST(AsioDatagramTest, LostHandshakeDatagramsAreResentByTheSessionsTimer) {
    test::run_coroutine([&]() -> awaitable<void> {
        auto w = co_await through_relay();
        // The first datagram each way is lost: a's HELLO, then b's REPLY.
        w.net->copies = [](bool, int index, byte_view) { return index == 0 ? 0 : 1; };
        connection a(std::move(w.a), initiator());
        connection b(std::move(w.b), recipient());
        const auto t0 = clock::now();
        CO_ASSERT(co_await handshake_both(a, b));
        EXPECT_GE(clock::now() - t0, 200ms);  // two retransmission periods
        EXPECT_LT(clock::now() - t0, 2s);
        EXPECT_EQ(w.net->dropped, 2);
        EXPECT_GE(w.net->from_a, 3);  // HELLO twice, then PROOF
        // The session works after it.
        CO_ASSERT(!co_await a.send(channel, pattern(300, 7)));
        auto e = co_await b.receive();
        CO_ASSERT(e && e->kind == event_kind::message);
        const bytes want = pattern(300, 7);
        EXPECT_TRUE(std::equal(e->payload.begin(), e->payload.end(), want.begin(), want.end()));
        EXPECT_FALSE(co_await a.close(0));
    });
}

// A connection's metrics carry the datagram size its session negotiated
// (probing on, as by default): the floor until probes come back, then the
// largest probe the path carried, here through a relay that drops every
// datagram above 9,000 bytes.
TEST(AsioDatagramTest, MetricsCarryTheNegotiatedDatagramSize) {
    test::run_coroutine([&]() -> awaitable<void> {
        auto w = co_await through_relay();
        w.net->copies = [](bool, int, byte_view d) { return d.size() > 9000 ? 0 : 1; };
        auto probing = [](udp_session::options o) {
            o.probing = {};
            return o;
        };
        connection a(std::move(w.a), initiator(probing(options(alice(), bob()))));
        connection b(std::move(w.b), recipient(probing(options(bob(), alice()))));
        EXPECT_EQ(a.metrics().datagram_size, 0u);  // nothing negotiated before the handshake
        CO_ASSERT(co_await handshake_both(a, b));
        CO_ASSERT(co_await wait_until([&] { return a.metrics().datagram_size == 8972 && b.metrics().datagram_size == 8972; }, 5s));
        EXPECT_EQ(co_await on_strand_of(a, [&] { return a.session().datagram_sizes().datagram_size; }), 8972u);
        EXPECT_GT(w.net->dropped, 0);  // the larger probes
        // A message as large as the size negotiated goes through in one datagram.
        const bytes big = pattern(8972 - 36, 3);
        CO_ASSERT(!co_await a.send(channel, big));
        auto e = co_await b.receive();
        CO_ASSERT(e && e->kind == event_kind::message);
        EXPECT_TRUE(std::equal(e->payload.begin(), e->payload.end(), big.begin(), big.end()));
        EXPECT_FALSE(co_await a.close(0));
    });
}

TEST(AsioDatagramTest, ALossyDuplicatingNetworkLosesOnlyTheDroppedMessages) {
    test::run_coroutine([&]() -> awaitable<void> {
        auto w = co_await through_relay();
        connection a(std::move(w.a), initiator());
        connection b(std::move(w.b), recipient());
        CO_ASSERT(co_await handshake_both(a, b));
        // From now on every 4th packet from a is lost and every other one
        // arrives twice.
        int packets = 0;
        std::vector<int> lost;
        w.net->copies = [&](bool from_a, int, byte_view d) {
            if (!from_a || !is_packet(d)) return 1;
            const int i = packets++;
            if (i % 4 == 3) {
                lost.push_back(i);
                return 0;
            }
            return 2;
        };
        constexpr int count = 40;
        for (int i = 0; i < count; ++i) {
            CO_ASSERT(!co_await a.send(channel, pattern(64, static_cast<unsigned>(i))));
            co_await sleep_for(1ms);
        }
        CO_ASSERT(!co_await a.ping());  // a last packet: b has seen everything once its pong is back
        std::vector<int> got;
        bool pong = false;
        asio::co_spawn(a.get_executor(), [](connection& c, bool& p) -> awaitable<void> {
            while (auto e = co_await c.receive())
                if (e->kind == event_kind::pong) p = true;
        }(a, pong), asio::detached);
        while (got.size() < static_cast<std::size_t>(count)) {
            auto e = co_await b.receive();
            CO_ASSERT(e);
            if (e->kind == event_kind::ping) break;  // the ping came last
            CO_ASSERT(e->kind == event_kind::message);
            // Which message is it? Its payload says.
            int which = -1;
            for (int i = 0; i < count && which < 0; ++i) {
                const bytes m = pattern(64, static_cast<unsigned>(i));
                if (std::equal(e->payload.begin(), e->payload.end(), m.begin(), m.end())) which = i;
            }
            CO_ASSERT(which >= 0);
            got.push_back(which);
        }
        CO_ASSERT(co_await wait_until([&] { return pong; }, 2s));
        // Every message not lost, exactly once and in order.
        std::vector<int> want;
        for (int i = 0; i < count; ++i)
            if (std::find(lost.begin(), lost.end(), i) == lost.end()) want.push_back(i);
        EXPECT_EQ(got, want);
        EXPECT_EQ(lost.size(), static_cast<std::size_t>(count / 4));
        // The duplicates were discarded by the session, and it stayed up.
        const auto [discarded, state] = co_await on_strand_of(b, [&] {
            return std::pair{b.session().discarded_datagrams(), b.session().state()};
        });
        EXPECT_GE(discarded, static_cast<std::uint64_t>(count - count / 4));
        EXPECT_EQ(state, session_state::established);
        EXPECT_FALSE(co_await a.close(0));
    });
}

TEST(AsioDatagramTest, KeepaliveHoldsAnIdleSessionAndASilentPeerTimesOut) {
    test::run_coroutine([&]() -> awaitable<void> {
        auto w = co_await through_relay();
        auto ao = options(alice(), bob());
        auto bo = options(bob(), alice());
        for (auto* o : {&ao, &bo}) {
            // Margins for a loaded machine: a late timer must not look
            // like a silent peer.
            o->timeouts.ping_interval = 50ms;
            o->timeouts.pong = 300ms;
            o->timeouts.read = 500ms;
        }
        connection a(std::move(w.a), initiator(ao));
        connection b(std::move(w.b), recipient(bo));
        CO_ASSERT(co_await handshake_both(a, b));
        std::atomic<int> pongs{0};
        std::optional<event> a_end;
        std::atomic<bool> a_over{false};
        asio::co_spawn(a.get_executor(), [](connection& c, std::atomic<int>& n, std::optional<event>& end,
                                            std::atomic<bool>& over) -> awaitable<void> {
            while (auto e = co_await c.receive()) {
                if (e->kind == event_kind::pong) ++n;
                if (e->kind == event_kind::error || e->kind == event_kind::disconnected) end = e;
            }
            over = true;
        }(a, pongs, a_end, a_over), asio::detached);
        asio::co_spawn(b.get_executor(), [](connection& c) -> awaitable<void> {
            while (co_await c.receive()) {
            }
        }(b), asio::detached);
        // Idle for twice the read timeout: the pings keep both alive.
        co_await sleep_for(1000ms);
        EXPECT_FALSE(a_over);
        EXPECT_GE(pongs, 3);
        // Then the network goes silent: a's pings go unanswered.
        w.net->copies = [](bool, int, byte_view) { return 0; };
        const auto t0 = clock::now();
        CO_ASSERT(co_await wait_until([&] { return a_over.load(); }, 3s));
        EXPECT_LT(clock::now() - t0, 2s);
        CO_ASSERT(a_end && a_end->kind == event_kind::error);
        EXPECT_EQ(a_end->error, condition::timed_out) << a_end->error.message();
        EXPECT_TRUE(co_await wait_until([&] { return a.finished() && b.finished(); }, 2s));
    });
}

TEST(AsioDatagramTest, ASilentPeerGetsTheHelloResentUntilTheHandshakeTimesOut) {
    test::run_coroutine([&]() -> awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        udp::socket silent = bound(ex);
        auto sock = co_await async_udp_connect("127.0.0.1", silent.local_endpoint().port());
        CO_ASSERT(sock);
        auto o = options(alice(), bob());
        o.timeouts.handshake = 350ms;
        connection a(std::move(sock.value()), initiator(o));
        const auto t0 = clock::now();
        EXPECT_EQ(co_await a.handshake(), errc::handshake_timeout);
        EXPECT_GE(clock::now() - t0, 350ms);
        EXPECT_LT(clock::now() - t0, 1500ms);
        EXPECT_TRUE(co_await wait_until([&] { return a.finished(); }, 1s));
        // The silent side received the same HELLO every 100 ms or so (at
        // least once more than sent by start(); at most 4 in 350 ms).
        silent.non_blocking(true);
        std::vector<bytes> hellos;
        std::array<std::uint8_t, 2048> buf;
        for (;;) {
            boost::system::error_code ec;
            const std::size_t n = silent.receive(asio::buffer(buf), 0, ec);
            if (ec) break;
            hellos.emplace_back(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
        }
        EXPECT_GE(hellos.size(), 2u);
        EXPECT_LE(hellos.size(), 4u);
        for (const auto& h : hellos) EXPECT_EQ(h, hellos.front());
    });
}

TEST(AsioDatagramTest, CancelDuringTheHandshakeAndDroppingAnOpenHandleCloseCleanly) {
    test::run_coroutine(
        [&]() -> awaitable<void> {
            {
                auto ex = co_await asio::this_coro::executor;
                udp::socket silent = bound(ex);
                auto sock = co_await async_udp_connect("127.0.0.1", silent.local_endpoint().port());
                CO_ASSERT(sock);
                connection a(std::move(sock.value()), initiator());
                std::thread canceller([&] {
                    std::this_thread::sleep_for(30ms);
                    a.cancel(0);
                });
                const auto t0 = clock::now();
                EXPECT_EQ(co_await a.handshake(), std::errc::operation_canceled);
                canceller.join();
                EXPECT_LT(clock::now() - t0, 1s);  // not the 3 s handshake deadline
                EXPECT_TRUE(co_await wait_until([&] { return a.finished(); }, 1s));
                EXPECT_FALSE(co_await a.receive());
            }
            {
                auto w = co_await through_relay();
                auto a = std::make_unique<connection>(std::move(w.a), initiator(), asio_options{.cancel_reason = xx::reason::timeout});
                connection b(std::move(w.b), recipient());
                CO_ASSERT(co_await handshake_both(*a, b));
                a.reset();  // an open handle: cancelled with its cancel_reason
                auto e = co_await b.receive();
                CO_ASSERT(e && e->kind == event_kind::disconnected);
                EXPECT_EQ(e->reason, xx::reason::timeout);
                EXPECT_FALSE(co_await b.receive());
            }
        },
        2);
}

// Every datagram waiting on `s` now.
std::vector<bytes> drain_socket(udp::socket& s) {
    s.non_blocking(true);
    std::vector<bytes> got;
    std::array<std::uint8_t, 2048> buf;
    for (;;) {
        boost::system::error_code ec;
        const std::size_t n = s.receive(asio::buffer(buf), 0, ec);
        if (ec) return got;
        got.emplace_back(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
    }
}

bytes hello() {
    udp_session a = initiator();
    (void)a.start(clock::now());
    const auto d = a.pending_output();
    return bytes(d.begin(), d.end());
}

TEST(AsioDatagramTest, ASpoofedHelloIsAnsweredOnceWithinThreeTimesItsSize) {
    test::run_coroutine([&]() -> awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        auto l = asio_udp_listener::listen(ex, "127.0.0.1", 0);
        CO_ASSERT(l);
        // The "spoofed" address: a socket that never answers.
        udp::socket victim = bound(ex);
        victim.connect(udp::endpoint(asio::ip::make_address("127.0.0.1"), l.value().port()));
        const bytes h = hello();
        victim.send(asio::buffer(h));
        auto arrival = co_await l.value().accept();
        CO_ASSERT(arrival);
        auto o = options(bob(), alice());
        o.timeouts.handshake = 600ms;  // six retransmission periods
        connection b(std::move(arrival.value().socket), recipient(o), {}, {}, std::move(arrival.value().first));
        EXPECT_EQ(co_await b.handshake(), errc::handshake_timeout);
        co_await sleep_for(50ms);
        const auto got = drain_socket(victim);
        CO_ASSERT(got.size() == 1u);  // one REPLY, no retransmission
        EXPECT_EQ(got[0].size(), xx::reply_size);
        EXPECT_LE(got[0].size(), 3 * h.size());
        EXPECT_EQ(b.metrics().bytes_out, xx::reply_size);
        l.value().close();
    });
}

TEST(AsioDatagramTest, UnderLoadOnlyAHelloWithAVerifiedCookieGetsASocket) {
    test::run_coroutine(
        [&]() -> awaitable<void> {
            auto ex = co_await asio::this_coro::executor;
            auto guard = std::make_shared<xx::cookie_guard>();
            auto l = asio_udp_listener::listen(
                ex, "127.0.0.1", 0,
                {.cookie_threshold = 0,  // always
                 .gate = [guard](byte_view d, byte_view source, time_point now, bool loaded, bytes& reply) {
                     return guard->admit(d, source, now, loaded, reply);
                 }});
            CO_ASSERT(l);
            const udp::endpoint server(asio::ip::make_address("127.0.0.1"), l.value().port());
            // A raw HELLO gets a COOKIE, then its HELLO with a wrong cookie nothing.
            udp::socket raw = bound(ex);
            raw.connect(server);
            const bytes h = hello();
            raw.send(asio::buffer(h));
            std::atomic<bool> accepted{false};
            std::optional<udp_arrival> arrival;
            asio::co_spawn(ex, [&]() -> awaitable<void> {
                auto a = co_await l.value().accept();
                if (a) arrival.emplace(std::move(a.value()));
                accepted = true;
            }, asio::detached);
            std::vector<bytes> got;
            CO_ASSERT(co_await wait_until([&] {
                auto more = drain_socket(raw);
                got.insert(got.end(), more.begin(), more.end());
                return !got.empty();
            }));
            CO_ASSERT(got.size() == 1u);
            CO_ASSERT(got[0].size() == xx::cookie_reply_size);
            EXPECT_EQ(got[0][0], xx::kind::cookie);
            bytes wrong{xx::kind::cookie_hello};
            wrong.insert(wrong.end(), got[0].begin() + 17, got[0].end());
            wrong[3] ^= 0x01;
            wrong.insert(wrong.end(), h.begin(), h.end());
            raw.send(asio::buffer(wrong));
            co_await sleep_for(100ms);
            EXPECT_FALSE(accepted.load());  // no socket, no session for either
            EXPECT_TRUE(drain_socket(raw).empty());
            EXPECT_EQ(l.value().pending_handshakes(), 0u);

            // A real initiator goes through the round and completes.
            auto sock = co_await async_udp_connect("127.0.0.1", l.value().port());
            CO_ASSERT(sock);
            connection a(std::move(sock.value()), initiator());
            std::atomic<bool> a_done{false};
            std::error_code a_ec;
            asio::co_spawn(a.get_executor(), a.handshake(), [&](std::exception_ptr, std::error_code ec) {
                a_ec = ec;
                a_done = true;
            });
            CO_ASSERT(co_await wait_until([&] { return accepted.load(); }));
            CO_ASSERT(arrival);
            EXPECT_EQ(arrival->first.size(), xx::cookie_hello_size);
            EXPECT_EQ(l.value().pending_handshakes(), 1u);
            connection b(std::move(arrival->socket), recipient(), {}, {}, std::move(arrival->first));
            CO_ASSERT(!co_await b.handshake());
            arrival->slot.release();
            EXPECT_EQ(l.value().pending_handshakes(), 0u);
            CO_ASSERT(co_await wait_until([&] { return a_done.load(); }));
            EXPECT_FALSE(a_ec) << a_ec.message();
            EXPECT_FALSE(co_await a.close(0));
            l.value().close();
        },
        2);
}

TEST(AsioDatagramTest, NewPeersBeyondTheCapAreDroppedUntilASlotFrees) {
    test::run_coroutine([&]() -> awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        auto l = asio_udp_listener::listen(ex, "127.0.0.1", 0, {.max_pending_handshakes = 1, .cookie_threshold = 16, .gate = {}});
        CO_ASSERT(l);
        const udp::endpoint server(asio::ip::make_address("127.0.0.1"), l.value().port());
        udp::socket p1 = bound(ex), p2 = bound(ex);
        p1.connect(server);
        p2.connect(server);
        const bytes h = hello();
        p1.send(asio::buffer(h));
        auto first = co_await l.value().accept();
        CO_ASSERT(first);
        EXPECT_EQ(l.value().pending_handshakes(), 1u);
        std::atomic<bool> accepted{false};
        std::optional<udp_arrival> second;
        asio::co_spawn(ex, [&]() -> awaitable<void> {
            auto a = co_await l.value().accept();
            if (a) second.emplace(std::move(a.value()));
            accepted = true;
        }, asio::detached);
        p2.send(asio::buffer(h));
        co_await sleep_for(100ms);
        EXPECT_FALSE(accepted.load());  // dropped: the one slot is taken
        first.value().slot.release();
        EXPECT_EQ(l.value().pending_handshakes(), 0u);
        p2.send(asio::buffer(h));  // its retransmission
        CO_ASSERT(co_await wait_until([&] { return accepted.load(); }));
        CO_ASSERT(second);
        EXPECT_EQ(second->socket.remote_endpoint().port(), p2.local_endpoint().port());
        EXPECT_EQ(l.value().pending_handshakes(), 1u);
        l.value().close();
    });
}

}  // namespace
}  // namespace polywire::transport::adapters

namespace polywire::transport::adapters {
namespace {

// Batched system calls: a direct pair, a sending 1,300-byte messages in
// bursts of 32 (send_batch: one datagram each) and waiting for b to take
// each burst, so no socket buffer overflows. Every path delivers every
// message once, in order; io_stats() shows which path ran.
struct batch_outcome {
    udp_io_stats sent, received;
    bool gso = false, gro = false;
    int delivered = 0;
};
batch_outcome batched_exchange(bool gso, bool gro, bool refuse_gso) {
    batch_outcome out;
    test::run_coroutine([&]() -> awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        udp::socket sa = bound(ex), sb = bound(ex);
        sa.connect(sb.local_endpoint());
        sb.connect(sa.local_endpoint());
        if (refuse_gso) {
            const int one = 1;  // Linux refuses UDP_SEGMENT without UDP checksums
            EXPECT_EQ(::setsockopt(sa.native_handle(), SOL_SOCKET, SO_NO_CHECK, &one, sizeof one), 0);
        }
        connection a(std::move(sa), initiator()), b(std::move(sb), recipient());
        CO_ASSERT(co_await handshake_both(a, b));
        co_await on_strand_of(a, [&] { a.set_offload(gso, true); return 0; });
        co_await on_strand_of(b, [&] { b.set_offload(true, gro); return 0; });
        constexpr int count = 1500, burst = 32;
        std::atomic<int> got{0};
        std::atomic<bool> drained{false};
        asio::co_spawn(b.get_executor(), [&]() -> awaitable<void> {
            while (got < count) {
                auto e = co_await b.receive();
                if (!e) break;
                if (e->kind != event_kind::message) continue;
                const int i = got.load();
                const bytes want = pattern(1300, static_cast<unsigned>(i));
                EXPECT_EQ(e->code, static_cast<std::uint64_t>(i % 7));
                EXPECT_TRUE(std::equal(e->payload.begin(), e->payload.end(), want.begin(), want.end())) << "message " << i;
                ++got;
            }
            drained = true;
        }, asio::detached);
        std::vector<bytes> bodies;
        std::vector<outgoing_message> msgs;
        for (int sent = 0; sent < count; sent += burst) {
            bodies.clear();
            msgs.clear();
            for (int k = 0; k < burst && sent + k < count; ++k) bodies.push_back(pattern(1300, static_cast<unsigned>(sent + k)));
            for (std::size_t k = 0; k < bodies.size(); ++k) msgs.push_back({static_cast<std::uint64_t>(sent + static_cast<int>(k)) % 7, bodies[k]});
            CO_ASSERT(!co_await a.send_batch(msgs));
            const int target = std::min(count, sent + burst);
            CO_ASSERT(co_await wait_until([&] { return got >= target; }));
        }
        CO_ASSERT(co_await wait_until([&] { return drained.load(); }));
        out.sent = co_await on_strand_of(a, [&] { return a.io_stats(); });
        out.received = co_await on_strand_of(b, [&] { return b.io_stats(); });
        out.gso = co_await on_strand_of(a, [&] { return a.gso(); });
        out.gro = co_await on_strand_of(b, [&] { return b.gro(); });
        out.delivered = got;
        (void)co_await a.close(0);
        (void)co_await b.close(0);
    });
    return out;
}

TEST(AsioDatagramBatchTest, SegmentedSendsAndCoalescedReceives) {
    const auto o = batched_exchange(true, true, false);
    EXPECT_EQ(o.delivered, 1500);
    EXPECT_TRUE(o.gso);
    EXPECT_TRUE(o.gro) << "UDP_GRO needs Linux 5.0";
    EXPECT_GT(o.sent.gso_messages, 0u);
    EXPECT_EQ(o.sent.gso_refused, 0u);
    EXPECT_LT(o.sent.send_calls, o.sent.datagrams_sent / 4);
    EXPECT_GT(o.received.gro_messages, 0u);
    EXPECT_LT(o.received.receive_calls, o.received.datagrams_received / 4);
}

TEST(AsioDatagramBatchTest, NoOffloadEitherWay) {
    const auto o = batched_exchange(false, false, false);
    EXPECT_EQ(o.delivered, 1500);
    EXPECT_FALSE(o.gso);
    EXPECT_FALSE(o.gro);
    EXPECT_EQ(o.sent.gso_messages, 0u);
    EXPECT_EQ(o.received.gro_messages, 0u);
    EXPECT_LT(o.sent.send_calls, o.sent.datagrams_sent / 4);  // several per sendmmsg(2)
    EXPECT_GE(o.received.datagrams_received, 1500u);
}

TEST(AsioDatagramBatchTest, AKernelRefusingSegmentationFallsBack) {
    const auto o = batched_exchange(true, true, true);
    EXPECT_EQ(o.delivered, 1500);
    EXPECT_FALSE(o.gso);
    EXPECT_EQ(o.sent.gso_refused, 1u);
    EXPECT_EQ(o.sent.gso_messages, 0u);
    EXPECT_EQ(o.received.gro_messages, 0u);
}

}  // namespace
}  // namespace polywire::transport::adapters
