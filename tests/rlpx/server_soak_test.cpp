// Soak (manual: not part of `//...`): one rlpx::server under 2,000
// concurrent client slots for 10 minutes. Honest clients connect, exchange
// messages of random sizes with idle spells long enough for keepalive
// pings, and leave with a random reason; a twentieth of the slots are
// hostile (garbage, half a handshake, silence, a forged frame after a real
// handshake, a peer that never answers pings, connect-and-close). Every
// payload is checked by hash by the server and again when echoed.
//
//   ./bazelw test //tests/rlpx:server_soak_test --test_output=streamed
//   POLYWIRE_SOAK_SECONDS=60 POLYWIRE_SOAK_SESSIONS=500: a shorter run
//   (pass them with --test_env=NAME=VALUE).
//
// Checks: no corrupted or lost echo, no honest session ending for any
// reason but its own goodbye, a rejection or the shutdown; the server's
// counters add up; the heap returns to its starting size once every session
// has closed (no leak) and stays bounded per open session meanwhile.
// See docs/performance.md, "Soak".
#include <malloc.h>
#include <sys/resource.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <random>

#include <gtest/gtest.h>

#include <boost/asio/detached.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "crypto/hash.hpp"
#include "rlpx/server.hpp"
#include "tests/support/asio_harness.hpp"

namespace polywire::rlpx {
namespace {
namespace asio = boost::asio;
namespace k1 = crypto::secp256k1;
using namespace std::chrono_literals;
using transport::clock;
using transport::event_kind;
using transport::adapters::awaitable;
using transport::adapters::tcp;

constexpr std::size_t digest = 32;

std::size_t env_or(const char* name, std::size_t fallback) {
    const char* v = std::getenv(name);
    return v != nullptr && *v != '\0' ? static_cast<std::size_t>(std::strtoull(v, nullptr, 10)) : fallback;
}

bool enough_files(rlim_t need) {
    rlimit r{};
    if (::getrlimit(RLIMIT_NOFILE, &r) != 0) return false;
    if (r.rlim_cur >= need) return true;
    if (r.rlim_max != RLIM_INFINITY && r.rlim_max < need) return false;
    r.rlim_cur = need;
    return ::setrlimit(RLIMIT_NOFILE, &r) == 0;
}

std::size_t rss_bytes() {
    std::ifstream f("/proc/self/statm");
    std::size_t pages = 0, resident = 0;
    f >> pages >> resident;
    return resident * 4096;
}

node_config make_node() {
    node_config c;
    c.key = k1::generate_private_key().value();
    c.capabilities = {{"soak", 1, 4}};
    c.timeouts.handshake = 20s;
    return c;
}

bytes make_payload(std::mt19937_64& rng) {
    // Mostly small, sometimes up to 256 KiB.
    const std::size_t limit = rng() % 10 == 0 ? 256 * 1024 : 16 * 1024;
    bytes p(digest + 1 + rng() % limit);
    for (std::size_t i = digest; i < p.size(); ++i) p[i] = static_cast<std::uint8_t>(rng());
    const auto d = crypto::sha256(byte_view(p).subspan(digest));
    std::copy(d.begin(), d.end(), p.begin());
    return p;
}

bool self_consistent(byte_view p) {
    if (p.size() <= digest) return false;
    const auto d = crypto::sha256(p.subspan(digest));
    return std::equal(d.begin(), d.end(), p.begin());
}

struct tally {
    std::atomic<std::uint64_t> sessions{0}, messages{0}, corrupted{0}, server_corrupted{0}, unexpected_end{0};
    std::atomic<std::uint64_t> rejected{0}, dial_failures{0}, hostile{0}, open_clients{0};
    std::mutex mutex;
    std::map<std::string, std::uint64_t> unexpected;  // why honest sessions ended early

    void unexpected_end_because(const std::string& why) {
        ++unexpected_end;
        std::lock_guard lock(mutex);
        ++unexpected[why];
    }
};

awaitable<void> sleep_for(clock::duration d) {
    asio::steady_timer t(co_await asio::this_coro::executor, d);
    boost::system::error_code ec;
    co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

// Waits for the next application message, skipping pings and pongs.
awaitable<std::optional<transport::event>> next_message(async_connection& c) {
    while (auto e = co_await c.receive()) {
        if (e->kind == event_kind::ping || e->kind == event_kind::pong) continue;
        co_return e;
    }
    co_return std::nullopt;
}

constexpr std::array<std::uint8_t, 3> goodbyes = {0x00, 0x03, 0x08};

// An honest client slot: sessions one after another until `until`.
awaitable<void> honest(std::uint64_t seed, enode where, clock::time_point until, const std::atomic<bool>& stopping,
                       tally& t) {
    std::mt19937_64 rng(seed);
    ++t.open_clients;
    while (clock::now() < until && !stopping) {
        auto c = co_await async_dial(make_node(), where);
        if (!c) {
            ++t.dial_failures;
            co_await sleep_for(std::chrono::milliseconds(100 + rng() % 900));
            continue;
        }
        auto& conn = c.value();
        ++t.sessions;
        bool ended = false;
        const int count = static_cast<int>(rng() % 21);
        for (int i = 0; i < count; ++i) {
            const bytes p = make_payload(rng);
            const auto sent = crypto::sha256(p);
            std::optional<transport::event> e;
            if (!co_await conn.send(0x10 + rng() % 4, p)) e = co_await next_message(conn);
            if (!e || e->kind != event_kind::message) {
                // Only a rejection or the server's shutdown may end it.
                const auto why = conn.session().peer_disconnect_reason();
                if (why == std::optional<std::uint8_t>(0x04)) ++t.rejected;
                else if (!(stopping && why == std::optional<std::uint8_t>(0x08)))
                    t.unexpected_end_because(why ? "the server's goodbye " + std::to_string(*why)
                                                 : "error: " + std::string(transport::adapters::failure_kind(conn.session().error())));
                ended = true;
                break;
            }
            if (crypto::sha256(e->payload) != sent) ++t.corrupted;
            ++t.messages;
            // Now and then an idle spell: the server's keepalive pings it.
            if (rng() % 8 == 0) co_await sleep_for(std::chrono::milliseconds(rng() % 6000));
            else co_await sleep_for(std::chrono::milliseconds(rng() % 200));
        }
        if (!ended) (void)co_await conn.close(goodbyes[rng() % goodbyes.size()]);
        co_await sleep_for(std::chrono::milliseconds(rng() % 1000));
    }
    --t.open_clients;
}

// Drives an RLPx session by hand over a raw socket up to `established`.
awaitable<bool> raw_handshake(tcp::socket& s, session& ses) {
    boost::system::error_code ec;
    (void)ses.start(clock::now());
    std::array<std::uint8_t, 4096> buf{};
    for (;;) {
        const auto out = ses.pending_output();
        if (!out.empty()) {
            const bytes copy(out.begin(), out.end());
            co_await asio::async_write(s, asio::buffer(copy), asio::redirect_error(asio::use_awaitable, ec));
            if (ec) co_return false;
            ses.consume_output(copy.size());
        }
        if (ses.state() == transport::session_state::established) co_return true;
        if (ses.state() == transport::session_state::closed) co_return false;
        const std::size_t n = co_await s.async_read_some(asio::buffer(buf.data(), std::min(buf.size(), ses.input_capacity())),
                                                         asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return false;
        (void)ses.receive(byte_view(buf.data(), n), clock::now());
    }
}

// A hostile client slot.
awaitable<void> hostile(std::uint64_t seed, enode where, clock::time_point until, const std::atomic<bool>& stopping,
                        tally& t) {
    std::mt19937_64 rng(seed);
    ++t.open_clients;
    while (clock::now() < until && !stopping) {
        auto sock = co_await transport::adapters::async_tcp_connect(where.host, where.port, clock::now() + 5s);
        if (!sock) {
            co_await sleep_for(100ms);
            continue;
        }
        auto& s = sock.value();
        ++t.hostile;
        boost::system::error_code ec;
        bytes junk(1 + rng() % 4000);
        for (auto& b : junk) b = static_cast<std::uint8_t>(rng());
        switch (rng() % 6) {
            case 0:  // garbage
                co_await asio::async_write(s, asio::buffer(junk), asio::redirect_error(asio::use_awaitable, ec));
                break;
            case 1: {  // half an auth message, then silence
                session ses(policies::handshake_role::initiator, make_options(make_node(), where.id).value());
                (void)ses.start(clock::now());
                const auto out = ses.pending_output();
                const bytes half(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(out.size() / 2));
                co_await asio::async_write(s, asio::buffer(half), asio::redirect_error(asio::use_awaitable, ec));
                co_await sleep_for(8s);
                break;
            }
            case 2: break;                       // connect and close
            case 3: co_await sleep_for(8s); break;  // say nothing
            case 4: {  // a real handshake, then a forged frame
                session ses(policies::handshake_role::initiator, make_options(make_node(), where.id).value());
                if (co_await raw_handshake(s, ses)) {
                    co_await asio::async_write(s, asio::buffer(junk), asio::redirect_error(asio::use_awaitable, ec));
                    std::array<std::uint8_t, 4096> buf{};
                    while (!ec) co_await s.async_read_some(asio::buffer(buf), asio::redirect_error(asio::use_awaitable, ec));
                }
                break;
            }
            case 5: {  // a real handshake, then never a pong (never reads)
                session ses(policies::handshake_role::initiator, make_options(make_node(), where.id).value());
                if (co_await raw_handshake(s, ses)) co_await sleep_for(8s);
                break;
            }
        }
        s.close(ec);
        co_await sleep_for(std::chrono::milliseconds(rng() % 500));
    }
    --t.open_clients;
}

TEST(RlpxServerSoakTest, TwoThousandSlotsForTenMinutes) {
    const std::size_t seconds = env_or("POLYWIRE_SOAK_SECONDS", 600);
    const std::size_t slots = env_or("POLYWIRE_SOAK_SESSIONS", 2000);
    const std::size_t hostile_slots = std::max<std::size_t>(1, slots / 20);
    ASSERT_TRUE(enough_files(3 * slots + 256)) << "raise the open-file limit to " << 3 * slots + 256;

    tally t;
    const std::size_t heap_before = ::mallinfo2().uordblks;
    std::size_t heap_per_open_session_peak = 0, rss_peak = 0;
    clock::duration worst_lag{};
    transport::adapters::server_metrics end{};
    std::size_t heap_after = 0;

    auto server_cfg = make_node();
    server_cfg.timeouts.handshake = 3s;
    server_cfg.timeouts.ping_interval = 2s;
    server_cfg.timeouts.pong = 3s;
    server_cfg.timeouts.read = 10s;
    server_cfg.timeouts.write = 5s;
    test::run_coroutine(
        [&]() -> awaitable<void> {
            auto ex = co_await asio::this_coro::executor;
            auto handler = [&](async_connection& c, std::uint64_t) -> awaitable<void> {
                while (auto e = co_await c.receive()) {
                    if (e->kind != event_kind::message) continue;
                    if (!self_consistent(e->payload)) ++t.server_corrupted;
                    if (co_await c.send(e->code, e->payload)) break;
                }
            };
            // A few more peers than honest slots, so rejections happen now and then.
            auto srv = server::open(ex, server_cfg, "127.0.0.1", 0, handler, {.max_peers = slots - hostile_slots, .max_pending_handshakes = 0});
            CO_ASSERT(srv);
            bool stopped = false;
            asio::co_spawn(ex, srv.value().run(), [&](std::exception_ptr) { stopped = true; });
            const enode where{k1::derive_public_key(server_cfg.key).value(), "127.0.0.1", srv.value().port()};
            const auto t0 = clock::now();
            const auto until = t0 + std::chrono::seconds(seconds);
            std::atomic<bool> stopping{false};
            for (std::size_t i = 0; i < slots; ++i) {
                auto strand = asio::make_strand(ex);
                if (i % 20 == 19) asio::co_spawn(strand, hostile(i, where, until, stopping, t), asio::detached);
                else asio::co_spawn(strand, honest(i, where, until, stopping, t), asio::detached);
            }
            auto next_report = t0;
            while (clock::now() < until) {
                const auto before = clock::now();
                co_await sleep_for(1s);
                worst_lag = std::max(worst_lag, clock::now() - before - 1s);  // how late timers fire
                const auto m = srv.value().metrics();
                const std::size_t heap = ::mallinfo2().uordblks;
                if (m.connections > slots / 2 && heap > heap_before)
                    heap_per_open_session_peak = std::max(heap_per_open_session_peak, (heap - heap_before) / (2 * m.connections));
                rss_peak = std::max(rss_peak, rss_bytes());
                if (clock::now() >= next_report) {
                    next_report += 30s;
                    std::printf("soak %4llds: %llu open, %llu peers, %llu handshakes ok / %llu failed, %llu rejected, "
                                "%llu msgs in, %.1f MB in, heap %.1f MB, rss %.1f MB, worst timer lag %lld ms\n",
                                static_cast<long long>(std::chrono::duration_cast<std::chrono::seconds>(clock::now() - t0).count()),
                                static_cast<unsigned long long>(m.connections), static_cast<unsigned long long>(m.peers),
                                static_cast<unsigned long long>(m.handshakes_completed),
                                static_cast<unsigned long long>(m.handshakes_failed),
                                static_cast<unsigned long long>(m.rejected_too_many_peers),
                                static_cast<unsigned long long>(m.traffic.messages_in), m.traffic.bytes_in / 1e6,
                                heap / 1e6, rss_bytes() / 1e6,
                                static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(worst_lag).count()));
                    std::fflush(stdout);
                }
            }
            // The server still answers a newcomer at the end (served, or
            // told "too many peers" if every slot is taken).
            {
                auto sock = co_await transport::adapters::async_tcp_connect("127.0.0.1", where.port, clock::now() + 5s);
                EXPECT_TRUE(sock) << "connecting after the soak failed";
                if (sock) {
                    async_connection c(std::move(sock.value()), session(policies::handshake_role::initiator,
                                                                       make_options(make_node(), where.id).value()));
                    const auto ec = co_await c.handshake();
                    EXPECT_TRUE(!ec || c.session().peer_disconnect_reason() == std::optional<std::uint8_t>(0x04))
                        << "a fresh dial after the soak failed: " << ec.message();
                    (void)co_await c.close(0x08);
                }
            }
            stopping = true;
            srv.value().stop();
            while (!stopped || t.open_clients > 0) co_await sleep_for(50ms);
            end = srv.value().metrics();
        },
        2, std::chrono::seconds(seconds + 300));
    heap_after = ::mallinfo2().uordblks;

    std::printf("soak done: %llu sessions, %llu messages echoed, %llu hostile connections, %llu rejections; "
                "server: %llu handshakes ok, %llu failed; peak heap per open session %zu bytes; peak rss %.1f MB; "
                "heap after %+.1f MB\n",
                static_cast<unsigned long long>(t.sessions.load()), static_cast<unsigned long long>(t.messages.load()),
                static_cast<unsigned long long>(t.hostile.load()), static_cast<unsigned long long>(t.rejected.load()),
                static_cast<unsigned long long>(end.handshakes_completed), static_cast<unsigned long long>(end.handshakes_failed),
                heap_per_open_session_peak, rss_peak / 1e6,
                (static_cast<double>(heap_after) - static_cast<double>(heap_before)) / 1e6);
    for (const auto& [kind, n] : end.handshake_failures) std::printf("  handshake failures %s: %llu\n", kind.c_str(), static_cast<unsigned long long>(n));
    for (const auto& [kind, n] : end.session_failures) std::printf("  session failures %s: %llu\n", kind.c_str(), static_cast<unsigned long long>(n));
    for (const auto& [r, n] : end.disconnects_sent) std::printf("  disconnects sent %u: %llu\n", r, static_cast<unsigned long long>(n));
    for (const auto& [r, n] : end.disconnects_received) std::printf("  disconnects received %u: %llu\n", r, static_cast<unsigned long long>(n));
    for (const auto& [why, n] : t.unexpected) std::printf("  honest sessions ended early, %s: %llu\n", why.c_str(), static_cast<unsigned long long>(n));
    std::printf("  honest dials that failed: %llu\n", static_cast<unsigned long long>(t.dial_failures.load()));

    EXPECT_GT(t.messages.load(), 0u);
    EXPECT_EQ(t.corrupted.load(), 0u);
    EXPECT_EQ(t.server_corrupted.load(), 0u);
    EXPECT_EQ(t.unexpected_end.load(), 0u);
    EXPECT_EQ(end.connections, 0u);
    EXPECT_EQ(end.peers, 0u);
    EXPECT_GT(end.handshakes_failed, 0u);  // the hostile slots were seen
    // Messages go up to 256 KiB: an endpoint may hold one in its input
    // buffer, its decompression buffer, the payload's copy and its output.
    EXPECT_LT(heap_per_open_session_peak, 1024u * 1024);
    // Everything closed: the heap is back where it started (no leak), give
    // or take allocator caches.
    EXPECT_LT(heap_after, heap_before + (16u << 20));
}

}  // namespace
}  // namespace polywire::rlpx
