// rlpx::server and rlpx::async_dial over loopback: echo with metrics, the
// peer limit, graceful shutdown, keepalive and dropping silent peers,
// cancellation, hostile connections, backpressure on a slow reader, and the
// inbound limits (handshakes in progress: a burst waits in the listen
// backlog; handshakes per source per second).
#include "rlpx/server.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include <boost/asio/detached.hpp>
#include <boost/asio/write.hpp>

#include "crypto/random.hpp"
#include "tests/support/asio_harness.hpp"

namespace polywire::rlpx {
namespace {
namespace asio = boost::asio;
namespace k1 = crypto::secp256k1;
using namespace std::chrono_literals;
using transport::event_kind;
using transport::adapters::awaitable;

node_config make_node() {
    node_config c;
    c.key = k1::generate_private_key().value();
    c.capabilities = {{"test", 1, 4}};
    return c;
}

enode address_of(const server& s, const node_config& cfg) {
    return enode{k1::derive_public_key(cfg.key).value(), "127.0.0.1", s.port()};
}

awaitable<void> sleep_for(std::chrono::milliseconds d) {
    asio::steady_timer t(co_await asio::this_coro::executor, d);
    boost::system::error_code ec;
    co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

// Echoes every message until the peer leaves.
awaitable<void> echo(async_connection& c, std::uint64_t) {
    while (auto e = co_await c.receive()) {
        if (e->kind == event_kind::message && c.session().state() == transport::session_state::established)
            (void)co_await c.send(e->code, e->payload);
    }
}

// A session dialling `remote`.
session initiator(const node_config& cfg, const k1::public_key& remote) {
    return session(policies::handshake_role::initiator, make_options(cfg, remote).value());
}

std::uint64_t count(const std::map<std::uint8_t, std::uint64_t>& m, p2p::disconnect_reason r) {
    auto it = m.find(static_cast<std::uint8_t>(r));
    return it == m.end() ? 0 : it->second;
}

std::uint64_t count(const std::map<std::string, std::uint64_t, std::less<>>& m, std::string_view k) {
    auto it = m.find(k);
    return it == m.end() ? 0 : it->second;
}

// Stops a server when the test body returns, also through a failed
// CO_ASSERT (the io_context would otherwise run on until the test timeout).
struct stop_on_exit {
    server& srv;
    ~stop_on_exit() { srv.stop(); }
};

// Polls `pred` until it holds or `limit` passes.
template <class Pred>
awaitable<bool> eventually(Pred pred, std::chrono::milliseconds limit = 5000ms) {
    const auto until = transport::clock::now() + limit;
    while (!pred()) {
        if (transport::clock::now() > until) co_return false;
        co_await sleep_for(10ms);
    }
    co_return true;
}

TEST(RlpxServerTest, EchoesMessagesAndCountsThemOnTwoThreads) {
    auto server_cfg = make_node();
    test::run_coroutine(
        [&]() -> awaitable<void> {
            auto ex = co_await asio::this_coro::executor;
            auto srv = server::open(ex, server_cfg, "127.0.0.1", 0, echo);
            CO_ASSERT(srv);
            std::atomic<bool> stopped{false};
            asio::co_spawn(ex, srv.value().run(), [&](std::exception_ptr) { stopped = true; });

            auto c = co_await async_dial(make_node(), address_of(srv.value(), server_cfg));
            CO_ASSERT(c);
            auto& conn = c.value();
            EXPECT_EQ(conn.session().peer().shared.at(0).name, "test");
            EXPECT_EQ(conn.session().peer().remote_hello.client_id, "polywire/0.1.0");
            std::size_t sent = 0;
            for (std::size_t size : {0u, 1u, 1000u, 65536u, 1u << 20}) {
                bytes payload(size);
                CO_ASSERT(!crypto::random_bytes(payload));
                CO_ASSERT(!co_await send(conn, "test", 2, payload));
                ++sent;
                auto e = co_await conn.receive();
                CO_ASSERT(e && e->kind == event_kind::message);
                EXPECT_EQ(e->code, 0x12u);
                EXPECT_TRUE(std::equal(e->payload.begin(), e->payload.end(), payload.begin(), payload.end()));
            }
            EXPECT_EQ(co_await send(conn, "eth", 0, {}), errc::no_shared_capability);
            CO_ASSERT(!co_await conn.ping());
            auto pong = co_await conn.receive();
            CO_ASSERT(pong && pong->kind == event_kind::pong);
            EXPECT_FALSE(co_await conn.close(static_cast<std::uint8_t>(p2p::disconnect_reason::client_quitting)));
            EXPECT_TRUE(conn.finished());
            const auto client = conn.metrics();
            EXPECT_EQ(client.messages_out, sent);
            EXPECT_EQ(client.messages_in, sent);
            EXPECT_GT(client.bytes_out, (1u << 20));
            CO_ASSERT(co_await eventually([&] { return srv.value().metrics().connections == 0; }));
            const auto m = srv.value().metrics();
            EXPECT_EQ(m.accepted, 1u);
            EXPECT_EQ(m.handshakes_completed, 1u);
            EXPECT_EQ(m.handshakes_failed, 0u);
            EXPECT_EQ(m.peers_served, 1u);
            EXPECT_EQ(m.peak_peers, 1u);
            EXPECT_EQ(m.traffic.messages_in, sent);
            EXPECT_EQ(m.traffic.messages_out, sent);
            EXPECT_EQ(m.traffic.bytes_in, client.bytes_out);
            EXPECT_EQ(m.traffic.bytes_out, client.bytes_in);
            EXPECT_EQ(count(m.disconnects_received, p2p::disconnect_reason::client_quitting), 1u);
            EXPECT_TRUE(m.session_failures.empty());
            srv.value().stop();
            CO_ASSERT(co_await eventually([&] { return stopped.load(); }));
        },
        2);
}

TEST(RlpxServerTest, PeersBeyondTheLimitAreHandshakenThenToldTooManyPeers) {
    auto server_cfg = make_node();
    test::run_coroutine([&]() -> awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        auto srv = server::open(ex, server_cfg, "127.0.0.1", 0, echo, {.max_peers = 1});
        CO_ASSERT(srv);
        asio::co_spawn(ex, srv.value().run(), asio::detached);
        const auto where = address_of(srv.value(), server_cfg);

        auto first = co_await async_dial(make_node(), where);
        CO_ASSERT(first);
        // A round trip: the server has admitted the first peer by now.
        const bytes one(1, 1);  // (not bytes{1}: g++ 12 rejects an initializer list in a co_await expression)
        CO_ASSERT(!co_await first.value().send(0x10, one));
        auto echoed = co_await first.value().receive();
        CO_ASSERT(echoed && echoed->kind == event_kind::message);

        auto cfg = make_node();
        auto sock = co_await transport::adapters::async_tcp_connect("127.0.0.1", srv.value().port(), transport::clock::now() + 5s);
        CO_ASSERT(sock);
        async_connection second(std::move(sock.value()), initiator(cfg, where.id));
        if (!co_await second.handshake()) {
            // Established first, then the goodbye.
            auto e = co_await second.receive();
            CO_ASSERT(e && e->kind == event_kind::disconnected);
            EXPECT_EQ(e->reason, 0x04);
        }
        EXPECT_EQ(second.session().peer_disconnect_reason(), std::optional<std::uint8_t>(0x04));
        CO_ASSERT(co_await eventually([&] { return srv.value().metrics().connections == 1; }));
        const auto m = srv.value().metrics();
        EXPECT_EQ(m.rejected_too_many_peers, 1u);
        EXPECT_EQ(count(m.disconnects_sent, p2p::disconnect_reason::too_many_peers), 1u);
        EXPECT_EQ(m.peers, 1u);
        srv.value().stop();
        auto bye = co_await first.value().receive();
        CO_ASSERT(bye && bye->kind == event_kind::disconnected);
        EXPECT_EQ(bye->reason, 0x08);
    });
}

TEST(RlpxServerTest, StopSaysClientQuittingToEveryPeerAndRunCompletes) {
    auto server_cfg = make_node();
    test::run_coroutine(
        [&]() -> awaitable<void> {
            auto ex = co_await asio::this_coro::executor;
            auto srv = server::open(ex, server_cfg, "127.0.0.1", 0, echo);
            CO_ASSERT(srv);
            std::atomic<bool> stopped{false};
            asio::co_spawn(ex, srv.value().run(), [&](std::exception_ptr) { stopped = true; });
            std::vector<async_connection> peers;
            for (int i = 0; i < 3; ++i) {
                auto c = co_await async_dial(make_node(), address_of(srv.value(), server_cfg));
                CO_ASSERT(c);
                peers.push_back(std::move(c.value()));
            }
            CO_ASSERT(co_await eventually([&] { return srv.value().metrics().peers == 3; }));
            EXPECT_EQ(srv.value().peers().size(), 3u);
            const auto t0 = transport::clock::now();
            srv.value().stop();
            for (auto& p : peers) {
                auto e = co_await p.receive();
                CO_ASSERT(e && e->kind == event_kind::disconnected);
                EXPECT_EQ(e->reason, 0x08);
                EXPECT_FALSE(co_await p.receive());
            }
            peers.clear();
            CO_ASSERT(co_await eventually([&] { return stopped.load(); }));
            EXPECT_LT(transport::clock::now() - t0, 2s);  // the peers' end of stream ends the linger
            const auto m = srv.value().metrics();
            EXPECT_EQ(count(m.disconnects_sent, p2p::disconnect_reason::client_quitting), 3u);
            EXPECT_EQ(m.connections, 0u);
            EXPECT_EQ(m.peers, 0u);
            EXPECT_EQ(m.peers_served, 3u);
        },
        2);
}

TEST(RlpxServerTest, KeepalivePingsEveryIntervalAndDropsAPeerWhosePongNeverComes) {
    auto server_cfg = make_node();
    server_cfg.timeouts.ping_interval = 100ms;
    server_cfg.timeouts.pong = 300ms;
    test::run_coroutine([&]() -> awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        auto srv = server::open(ex, server_cfg, "127.0.0.1", 0, echo);
        CO_ASSERT(srv);
        asio::co_spawn(ex, srv.value().run(), asio::detached);
        const auto where = address_of(srv.value(), server_cfg);

        // A peer that never reads its socket, so never answers a ping.
        std::atomic<bool> dropped{false};
        std::optional<std::uint8_t> silent_reason;
        std::thread silent([&] {
            auto c = dial(make_node(), where);
            if (!c) return;
            while (!dropped) std::this_thread::sleep_for(10ms);
            while (auto e = c.value()->next_event())
                if (e->kind == event_kind::disconnected) silent_reason = e->reason;
        });

        // A peer that reads (the session answers pings by itself).
        auto c = co_await async_dial(make_node(), where);
        CO_ASSERT(c);
        int pings = 0;
        const auto until = transport::clock::now() + 700ms;
        while (transport::clock::now() < until) {
            auto e = co_await c.value().receive();
            CO_ASSERT(e);
            if (e->kind == event_kind::ping) ++pings;
        }
        EXPECT_GE(pings, 4);
        const bool seen = co_await eventually([&] { return count(srv.value().metrics().session_failures, "timed_out") == 1; });
        dropped = true;
        silent.join();
        CO_ASSERT(seen);
        const auto m = srv.value().metrics();
        EXPECT_EQ(count(m.disconnects_sent, p2p::disconnect_reason::read_timeout), 1u);
        EXPECT_EQ(silent_reason, std::optional<std::uint8_t>(0x0b));
        EXPECT_EQ(m.peers, 1u);  // the reading peer is still served
        srv.value().stop();
    });
}

TEST(RlpxServerTest, CancelEndsPendingCallsAndSaysGoodbye) {
    auto server_cfg = make_node();
    test::run_coroutine(
        [&]() -> awaitable<void> {
            auto ex = co_await asio::this_coro::executor;
            auto srv = server::open(ex, server_cfg, "127.0.0.1", 0, echo);
            CO_ASSERT(srv);
            asio::co_spawn(ex, srv.value().run(), asio::detached);
            auto c = co_await async_dial(make_node(), address_of(srv.value(), server_cfg));
            CO_ASSERT(c);
            auto& conn = c.value();
            // Cancel from another thread while receive() waits.
            std::thread canceller([&] {
                std::this_thread::sleep_for(50ms);
                conn.cancel(static_cast<std::uint8_t>(p2p::disconnect_reason::client_quitting));
            });
            const auto t0 = transport::clock::now();
            auto e = co_await conn.receive();
            canceller.join();
            EXPECT_FALSE(e);
            EXPECT_LT(transport::clock::now() - t0, 2500ms);
            EXPECT_EQ(conn.session().local_disconnect_reason(), std::optional<std::uint8_t>(0x08));
            EXPECT_EQ(co_await conn.send(0x10, {}), transport::errc::session_closed);
            CO_ASSERT(co_await eventually([&] {
                return count(srv.value().metrics().disconnects_received, p2p::disconnect_reason::client_quitting) == 1;
            }));

            // Cancelling a handshake that the remote never answers.
            auto silent = transport::adapters::asio_acceptor::listen(ex, "127.0.0.1", 0);
            CO_ASSERT(silent);
            auto sock = co_await transport::adapters::async_tcp_connect("127.0.0.1", silent.value().port(),
                                                                        transport::clock::now() + 5s);
            CO_ASSERT(sock);
            auto cfg = make_node();
            async_connection stuck(std::move(sock.value()), initiator(cfg, address_of(srv.value(), make_node()).id));
            std::atomic<bool> done{false};
            std::error_code outcome;
            asio::co_spawn(stuck.get_executor(), stuck.handshake(), [&](std::exception_ptr, std::error_code ec) {
                outcome = ec;
                done = true;
            });
            co_await sleep_for(50ms);
            EXPECT_FALSE(done.load());
            stuck.cancel(0x08);
            CO_ASSERT(co_await eventually([&] { return done.load(); }, 1000ms));
            EXPECT_EQ(outcome, std::errc::operation_canceled);
            srv.value().stop();
        },
        2);
}

TEST(RlpxServerTest, HostileConnectionsAreCountedAndDoNotDisturbOthers) {
    auto server_cfg = make_node();
    server_cfg.timeouts.handshake = 500ms;
    test::run_coroutine([&]() -> awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        std::vector<std::string> reported;
        server_options so;
        so.on_handshake_failure = [&](const std::string& peer, std::error_code ec, std::optional<std::uint8_t>) {
            reported.push_back(peer + " " + ec.message());
        };
        auto srv = server::open(ex, server_cfg, "127.0.0.1", 0, echo, so);
        CO_ASSERT(srv);
        asio::co_spawn(ex, srv.value().run(), asio::detached);
        // Garbage, and a connection that says nothing.
        auto garbage = co_await transport::adapters::async_tcp_connect("127.0.0.1", srv.value().port(), transport::clock::now() + 5s);
        auto mute = co_await transport::adapters::async_tcp_connect("127.0.0.1", srv.value().port(), transport::clock::now() + 5s);
        CO_ASSERT(garbage && mute);
        const std::string junk = "GET / HTTP/1.0\r\n\r\n" + std::string(600, 'x');
        boost::system::error_code ec;
        asio::write(garbage.value(), asio::buffer(junk), ec);
        // A good peer meanwhile.
        auto c = co_await async_dial(make_node(), address_of(srv.value(), server_cfg));
        CO_ASSERT(c);
        CO_ASSERT(!co_await c.value().send(0x10, bytes(100, 7)));
        auto e = co_await c.value().receive();
        CO_ASSERT(e && e->kind == event_kind::message && e->payload.size() == 100);
        CO_ASSERT(co_await eventually([&] { return srv.value().metrics().handshakes_failed == 2; }));
        const auto m = srv.value().metrics();
        EXPECT_EQ(count(m.handshake_failures, "timed_out"), 1u);
        EXPECT_EQ(m.handshakes_completed, 1u);
        EXPECT_EQ(reported.size(), 2u);
        srv.value().stop();
    });
}

TEST(RlpxServerTest, ASlowReaderSlowsTheWriterInsteadOfGrowingMemory) {
    auto server_cfg = make_node();
    server_cfg.timeouts.write = 500ms;
    constexpr std::size_t message = 64 * 1024;
    constexpr std::size_t queue_limit = 128 * 1024;
    std::size_t most_held = 0, queued = 0;
    std::error_code last;
    test::run_coroutine([&]() -> awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        auto handler = [&](async_connection& c, std::uint64_t) -> awaitable<void> {
            bytes payload(message);
            (void)crypto::random_bytes(payload);  // incompressible
            // At most 256 MiB: far more than the kernel's socket buffers hold.
            for (int i = 0; i < 4096; ++i) {
                if (auto ec = co_await c.send(0x10, payload)) {
                    last = ec;
                    break;
                }
                queued += payload.size();
                most_held = std::max(most_held, c.session().pending_output().size());
            }
        };
        auto srv = server::open(ex, server_cfg, "127.0.0.1", 0, handler, {.session = {.send_queue_limit = queue_limit}});
        CO_ASSERT(srv);
        asio::co_spawn(ex, srv.value().run(), asio::detached);
        std::atomic<bool> release{false};
        std::thread reader([&, where = address_of(srv.value(), server_cfg)] {
            auto c = dial(make_node(), where);  // handshake, then never reads
            while (!release) std::this_thread::sleep_for(10ms);
        });
        const bool ended = co_await eventually([&] { return srv.value().metrics().peers_served == 1; }, 20000ms);
        release = true;
        reader.join();
        CO_ASSERT(ended);
        const auto m = srv.value().metrics();
        EXPECT_EQ(count(m.session_failures, "timed_out"), 1u);
        srv.value().stop();
    });
    EXPECT_EQ(last, transport::errc::session_closed);
    EXPECT_LT(queued, 64u << 20) << "the writer was not slowed down";
    EXPECT_LE(most_held, queue_limit + message + 1024);
}

// Reads `sock` until the server closes it or `limit` passes: the bytes read,
// and whether it was closed (rather than timed out).
awaitable<std::pair<std::size_t, bool>> read_until_closed(transport::adapters::tcp::socket& sock,
                                                          std::chrono::milliseconds limit) {
    asio::steady_timer guard(co_await asio::this_coro::executor, limit);
    auto timed_out = std::make_shared<bool>(false);
    guard.async_wait([timed_out, &sock](boost::system::error_code ec) {
        if (ec) return;
        *timed_out = true;
        sock.cancel();
    });
    std::size_t total = 0;
    std::array<char, 512> buf{};
    for (;;) {
        boost::system::error_code ec;
        total += co_await sock.async_read_some(asio::buffer(buf), asio::redirect_error(asio::use_awaitable, ec));
        if (ec) break;
    }
    const bool closed = !*timed_out;
    guard.cancel();
    co_return std::pair{total, closed};
}

awaitable<transport::adapters::tcp::socket> connect_mute(std::uint16_t port) {
    auto s = co_await transport::adapters::async_tcp_connect("127.0.0.1", port, transport::clock::now() + 1s);
    EXPECT_TRUE(s);
    co_return std::move(s.value());
}

TEST(RlpxServerTest, AtMaxPendingHandshakesTheNextWaitsInTheBacklog) {
    constexpr std::size_t pending_limit = 4;
    auto server_cfg = make_node();
    server_cfg.timeouts.handshake = 400ms;
    std::vector<std::string> logged;
    server_cfg.log = [&](transport::log_level, std::string_view event, std::string_view peer) {
        logged.push_back(std::string(event) + " | " + std::string(peer));
    };
    test::run_coroutine([&]() -> awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        auto srv = server::open(ex, server_cfg, "127.0.0.1", 0, echo,
                                {.max_pending_handshakes = pending_limit, .max_handshakes_per_source_per_second = 0});
        CO_ASSERT(srv);
        asio::co_spawn(ex, srv.value().run(), asio::detached);
        stop_on_exit guard{srv.value()};
        // A flood of connections that never send anything.
        std::vector<transport::adapters::tcp::socket> flood;
        for (std::size_t i = 0; i < pending_limit; ++i) flood.push_back(co_await connect_mute(srv.value().port()));
        CO_ASSERT(co_await eventually([&] { return srv.value().metrics().pending_handshakes == pending_limit; }, 1000ms));
        // The next one is not accepted, and not closed either: it waits in
        // the listen backlog, with nothing written to it and no session.
        auto extra = co_await connect_mute(srv.value().port());
        const auto [read, closed] = co_await read_until_closed(extra, 250ms);
        EXPECT_FALSE(closed);
        EXPECT_EQ(read, 0u);
        auto m = srv.value().metrics();
        EXPECT_EQ(m.pending_handshakes, pending_limit);
        EXPECT_EQ(m.connections, pending_limit);
        EXPECT_EQ(m.accepted, pending_limit);
        EXPECT_GE(m.accept_pauses, 1u);
        EXPECT_TRUE(m.rejected_inbound_limit.empty());
        EXPECT_EQ(m.handshakes_failed, 0u);
        // An honest peer dialling now waits its turn too: the flood's
        // handshakes time out, the mute extra one is accepted (and times out
        // in turn), and the honest peer's handshake completes.
        auto dialer = make_node();
        dialer.timeouts.handshake = 5s;
        auto c = co_await async_dial(dialer, address_of(srv.value(), server_cfg));
        CO_ASSERT(c);
        CO_ASSERT(!co_await c.value().send(0x10, bytes(10, 1)));
        auto e = co_await c.value().receive();
        CO_ASSERT(e && e->kind == event_kind::message);
        m = srv.value().metrics();
        EXPECT_EQ(m.handshakes_completed, 1u);
        EXPECT_EQ(m.accepted, pending_limit + 2);
        EXPECT_TRUE(m.rejected_inbound_limit.empty());
        CO_ASSERT(co_await eventually(
            [&] { return count(srv.value().metrics().handshake_failures, "timed_out") == pending_limit + 1; }, 2000ms));
    });
    EXPECT_TRUE(std::none_of(logged.begin(), logged.end(), [](const std::string& l) {
        return l.starts_with("inbound connection refused");
    }));
}

// A burst of dials far beyond max_pending_handshakes: every one is queued
// in the listen backlog and served, none refused.
TEST(RlpxServerTest, ABurstOfDialsBeyondMaxPendingHandshakesAllSucceed) {
    constexpr std::size_t pending_limit = 4;
    constexpr std::size_t dials = 300;
    auto server_cfg = make_node();
    std::atomic<std::size_t> echoed{0}, failed{0}, done{0};
    std::vector<std::string> failures;
    std::mutex failures_mutex;
    test::run_coroutine(
        [&]() -> awaitable<void> {
            auto ex = co_await asio::this_coro::executor;
            auto srv = server::open(ex, server_cfg, "127.0.0.1", 0, echo,
                                    {.max_pending_handshakes = pending_limit, .max_handshakes_per_source_per_second = 0});
            CO_ASSERT(srv);
            asio::co_spawn(ex, srv.value().run(), asio::detached);
            stop_on_exit guard{srv.value()};
            const enode where = address_of(srv.value(), server_cfg);
            auto client = [&]() -> awaitable<void> {
                auto cfg = make_node();
                cfg.timeouts.handshake = 30s;  // generous: 600 handshakes share this process (and sanitizers)
                auto c = co_await async_dial(cfg, where);
                if (c && !co_await c.value().send(0x10, bytes(100, 7))) {
                    auto e = co_await c.value().receive();
                    if (e && e->kind == event_kind::message) {
                        ++echoed;
                        (void)co_await c.value().close(static_cast<std::uint8_t>(p2p::disconnect_reason::requested));
                        ++done;
                        co_return;
                    }
                }
                ++failed;
                {
                    std::lock_guard lock(failures_mutex);
                    failures.push_back(c ? "no echo" : c.error().message());
                }
                ++done;
            };
            for (std::size_t i = 0; i < dials; ++i) asio::co_spawn(asio::make_strand(ex), client(), asio::detached);
            CO_ASSERT(co_await eventually([&] { return done == dials; }, 100s));
            const auto m = srv.value().metrics();
            EXPECT_EQ(m.handshakes_completed, dials);
            EXPECT_EQ(m.handshakes_failed, 0u);
            EXPECT_TRUE(m.rejected_inbound_limit.empty());
            EXPECT_GE(m.accept_pauses, 1u);  // the limit was reached: the burst did wait
        },
        2, std::chrono::seconds(120));
    EXPECT_EQ(failed.load(), 0u) << (failures.empty() ? std::string() : "first failure: " + failures.front());
    EXPECT_EQ(echoed.load(), dials);
}

// Accepts one connection, waits for its first bytes and resets it (RST).
awaitable<void> reset_first_connection(transport::adapters::asio_acceptor& l) {
    auto sock = co_await l.accept();
    if (!sock) co_return;
    boost::system::error_code ec;
    co_await sock.value().async_wait(transport::adapters::tcp::socket::wait_read,
                                     asio::redirect_error(asio::use_awaitable, ec));
    sock.value().set_option(asio::socket_base::linger(true, 0), ec);
    sock.value().close(ec);
}

// async_dial against a remote that resets the connection during the
// handshake: a reset, not an end of stream.
TEST(RlpxServerTest, AsyncDialSeesAResetAsAReset) {
    test::run_coroutine([&]() -> awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        auto l = transport::adapters::asio_acceptor::listen(ex, "127.0.0.1", 0);
        CO_ASSERT(l);
        bool reset_done = false;
        asio::co_spawn(ex, reset_first_connection(l.value()), [&](std::exception_ptr) { reset_done = true; });
        // A named enode: g++ 12 mishandles a braced temporary in a co_await.
        const enode where{k1::derive_public_key(make_node().key).value(), "127.0.0.1", l.value().port()};
        auto c = co_await async_dial(make_node(), where);
        CO_ASSERT(co_await eventually([&] { return reset_done; }, 2000ms));
        CO_ASSERT(!c);
        EXPECT_EQ(c.error(), std::errc::connection_reset) << c.error().message();
        EXPECT_EQ(transport::adapters::failure_kind(c.error()), "peer_reset");
    });
}

TEST(RlpxServerTest, HandshakesPerSourcePerSecondAreLimited) {
    constexpr std::uint32_t rate = 3;
    auto server_cfg = make_node();
    server_cfg.timeouts.handshake = 300ms;
    test::run_coroutine([&]() -> awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        server_options so;
        so.max_pending_handshakes = 0;
        so.max_handshakes_per_source_per_second = rate;
        so.source_key = [](const asio::ip::address& a) -> std::optional<std::string> { return a.to_string(); };
        auto srv = server::open(ex, server_cfg, "127.0.0.1", 0, echo, so);
        CO_ASSERT(srv);
        asio::co_spawn(ex, srv.value().run(), asio::detached);
        // A burst of `rate` is let in; the next is closed at once.
        std::vector<transport::adapters::tcp::socket> burst;
        for (std::uint32_t i = 0; i < rate; ++i) burst.push_back(co_await connect_mute(srv.value().port()));
        auto extra = co_await connect_mute(srv.value().port());
        const auto [read, closed] = co_await read_until_closed(extra, 250ms);
        EXPECT_TRUE(closed);
        EXPECT_EQ(read, 0u);
        auto m = srv.value().metrics();
        EXPECT_EQ(count(m.rejected_inbound_limit, transport::adapters::inbound_limit::source_rate), 1u);
        EXPECT_EQ(m.connections, rate);
        // An honest peer from the same source fails while the bucket is
        // empty, and gets through once it has refilled.
        auto refused = co_await async_dial(make_node(), address_of(srv.value(), server_cfg));
        EXPECT_FALSE(refused);
        co_await sleep_for(std::chrono::milliseconds(1000 / rate + 50));
        auto c = co_await async_dial(make_node(), address_of(srv.value(), server_cfg));
        CO_ASSERT(c);
        CO_ASSERT(!co_await c.value().send(0x10, bytes(10, 1)));
        auto e = co_await c.value().receive();
        CO_ASSERT(e && e->kind == event_kind::message);
        m = srv.value().metrics();
        EXPECT_EQ(count(m.rejected_inbound_limit, transport::adapters::inbound_limit::source_rate), 2u);
        srv.value().stop();
    });
}

TEST(RlpxServerTest, LoopbackIsExemptFromTheSourceRateByDefault) {
    auto server_cfg = make_node();
    server_cfg.timeouts.handshake = 300ms;
    test::run_coroutine([&]() -> awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        auto srv = server::open(ex, server_cfg, "127.0.0.1", 0, echo,
                                {.max_pending_handshakes = 0, .max_handshakes_per_source_per_second = 1});
        CO_ASSERT(srv);
        asio::co_spawn(ex, srv.value().run(), asio::detached);
        std::vector<transport::adapters::tcp::socket> burst;
        for (int i = 0; i < 5; ++i) burst.push_back(co_await connect_mute(srv.value().port()));
        CO_ASSERT(co_await eventually([&] { return srv.value().metrics().pending_handshakes == 5; }, 1000ms));
        EXPECT_TRUE(srv.value().metrics().rejected_inbound_limit.empty());
        srv.value().stop();
    });
}

}  // namespace
}  // namespace polywire::rlpx
