// The Asio adapter with a configuration that has nothing to do with RLPx
// (preset keys, AES-256-CTR, no MAC, a 3-byte length header, no
// compression, no base protocol): it moves bytes, enforces the session's
// deadlines and bounds its buffers for any configuration.
#include "transport/adapters/asio_session.hpp"

#include <cerrno>

#include <gtest/gtest.h>

#include "policies/models/aes_ctr.hpp"
#include "tests/support/asio_harness.hpp"
#include "tests/support/preset_key_agreement.hpp"
#include "transport/session.hpp"

namespace polywire::transport::adapters {
namespace {
namespace hana = boost::hana;
using namespace std::chrono_literals;

struct toy_secrets {
    secret<32> key;
    int remote_id = 7;
};
byte_view cipher_key(const toy_secrets& s, policies::direction) { return s.key.view(); }
byte_view cipher_iv(const toy_secrets&, policies::direction) {
    static const std::uint8_t zero[16] = {};
    return byte_view(zero, 16);
}

// be24 size; one code byte; no padding; frames of at most 1 MiB.
struct toy_layout {
    static constexpr std::string_view name = "toy";
    static constexpr std::size_t header_size = 3;
    static constexpr std::size_t max_frame_size = 1 << 20;
    static std::size_t padded_size(std::size_t n) noexcept { return n; }
    static void encode_header(std::size_t n, mutable_byte_view h) noexcept {
        h[0] = static_cast<std::uint8_t>(n >> 16);
        h[1] = static_cast<std::uint8_t>(n >> 8);
        h[2] = static_cast<std::uint8_t>(n);
    }
    static result<std::size_t> decode_header(byte_view h) noexcept {
        const std::size_t n = std::size_t{h[0]} << 16 | std::size_t{h[1]} << 8 | h[2];
        if (n == 0 || n > max_frame_size) return make_error_code(errc::message_too_large);
        return n;
    }
    static void encode_code(std::uint64_t code, bytes& out) { out.push_back(static_cast<std::uint8_t>(code)); }
    static result<policies::decoded_code> decode_code(byte_view b) noexcept { return policies::decoded_code{b[0], 1}; }
};

struct toy_config {
    static constexpr std::string_view name = "toy";
    static constexpr auto policies = hana::make_map(
        hana::make_pair(hana::type_c<role::key_agreement>, hana::type_c<test::preset_key_agreement<toy_secrets>>),
        hana::make_pair(hana::type_c<role::cipher>, hana::type_c<polywire::policies::aes_ctr<32>>),
        hana::make_pair(hana::type_c<role::mac_state>, hana::type_c<polywire::policies::no_mac>),
        hana::make_pair(hana::type_c<role::frame_layout>, hana::type_c<toy_layout>),
        hana::make_pair(hana::type_c<role::compressor>, hana::type_c<polywire::policies::no_compression>));
};
using toy_session = session<toy_config>;
static_assert(toy_config::name == "toy" && toy_layout::name == "toy");
using toy_connection = asio_session<toy_session>;

toy_session::options opts() {
    toy_session::options o;
    o.handshake.secrets_for_testing_only.key = secret<32>(bytes(32, 0x42));
    return o;
}

// A connected pair over loopback: {dialled side, accepting side}.
awaitable<std::pair<tcp::socket, tcp::socket>> socket_pair() {
    auto ex = co_await asio::this_coro::executor;
    auto acceptor = asio_acceptor::listen(ex, "127.0.0.1", 0).value();
    auto a = co_await async_tcp_connect("127.0.0.1", acceptor.port(), clock::now() + 5s);
    auto b = co_await acceptor.accept();
    co_return std::pair{std::move(a.value()), std::move(b.value())};
}

bytes pattern(std::size_t n, std::uint8_t seed) {
    bytes b(n);
    for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(seed + i * 7);
    return b;
}

TEST(AsioSessionTest, AnyConfigurationExchangesMessagesBothWaysAtOnce) {
    test::run_coroutine(
        [&]() -> awaitable<void> {
            auto [sa, sb] = co_await socket_pair();
            toy_connection a(std::move(sa), toy_session(policies::handshake_role::initiator, opts()));
            toy_connection b(std::move(sb), toy_session(policies::handshake_role::recipient, opts()));
            CO_ASSERT(!co_await a.handshake());
            CO_ASSERT(!co_await b.handshake());
            EXPECT_EQ(a.session().remote_id(), 7);
            // Both send 200 messages while both receive: no deadlock with
            // send queues and receive windows far smaller than the traffic.
            constexpr int count = 200;
            auto pump = [](toy_connection& self, std::uint8_t seed) -> awaitable<void> {
                for (int i = 0; i < count; ++i) {
                    const bytes m = pattern(1 + (i * 7919) % 60000, static_cast<std::uint8_t>(seed + i));
                    if (co_await self.send(static_cast<std::uint64_t>(i % 200), m)) co_return;
                }
            };
            int a_got = 0, b_got = 0;
            auto drain = [](toy_connection& self, int& got, std::uint8_t seed) -> awaitable<void> {
                while (got < count) {
                    auto e = co_await self.receive();
                    if (!e) co_return;
                    if (e->kind != event_kind::message) continue;
                    const bytes want = pattern(1 + (got * 7919) % 60000, static_cast<std::uint8_t>(seed + got));
                    EXPECT_EQ(e->code, static_cast<std::uint64_t>(got % 200));
                    EXPECT_TRUE(std::equal(e->payload.begin(), e->payload.end(), want.begin(), want.end()));
                    ++got;
                }
            };
            int done = 0;
            auto count_done = [&](std::exception_ptr) { ++done; };
            asio::co_spawn(a.get_executor(), pump(a, 1), count_done);
            asio::co_spawn(b.get_executor(), pump(b, 2), count_done);
            asio::co_spawn(a.get_executor(), drain(a, a_got, 2), count_done);
            asio::co_spawn(b.get_executor(), drain(b, b_got, 1), count_done);
            while (done < 4) {
                asio::steady_timer t(co_await asio::this_coro::executor, 5ms);
                co_await t.async_wait(asio::use_awaitable);
            }
            EXPECT_EQ(a_got, count);
            EXPECT_EQ(b_got, count);
            EXPECT_EQ(a.metrics().messages_out, static_cast<std::uint64_t>(count));
            EXPECT_EQ(b.metrics().messages_in, static_cast<std::uint64_t>(count));
            // No base protocol, so no goodbye: a closes its side, b sees the
            // end of stream.
            EXPECT_FALSE(co_await a.close(0));
            auto end = co_await b.receive();
            CO_ASSERT(end && end->kind == event_kind::error);
            EXPECT_EQ(end->error, errc::peer_closed);
            EXPECT_FALSE(co_await b.receive());
            EXPECT_EQ(co_await b.close(0), errc::session_closed);
            EXPECT_TRUE(a.finished() && b.finished());
        },
        2);
}

TEST(AsioSessionTest, TheSessionsIdleReadTimeoutClosesBothSides) {
    test::run_coroutine([&]() -> awaitable<void> {
        auto [sa, sb] = co_await socket_pair();
        auto o = opts();
        o.timeouts.read = 150ms;
        toy_connection a(std::move(sa), toy_session(policies::handshake_role::initiator, o));
        toy_connection b(std::move(sb), toy_session(policies::handshake_role::recipient, opts()));
        CO_ASSERT(!co_await a.handshake());
        CO_ASSERT(!co_await b.handshake());
        const auto t0 = clock::now();
        auto e = co_await a.receive();
        CO_ASSERT(e && e->kind == event_kind::error);
        EXPECT_EQ(e->error, errc::read_timeout);
        EXPECT_GE(clock::now() - t0, 150ms);
        EXPECT_LT(clock::now() - t0, 1500ms);
        EXPECT_FALSE(co_await a.receive());
        auto eb = co_await b.receive();  // a closed its socket
        CO_ASSERT(eb && eb->kind == event_kind::error);
        EXPECT_EQ(eb->error, errc::peer_closed);
    });
}

TEST(AsioSessionTest, AnApplicationThatDoesNotReceiveLeavesDataInTheKernel) {
    constexpr std::size_t window = 64 * 1024;
    test::run_coroutine([&]() -> awaitable<void> {
        auto [sa, sb] = co_await socket_pair();
        toy_connection a(std::move(sa), toy_session(policies::handshake_role::initiator, opts()),
                         {.send_queue_limit = 64 * 1024});
        toy_connection b(std::move(sb), toy_session(policies::handshake_role::recipient, opts()),
                         {.receive_window = window});
        CO_ASSERT(!co_await a.handshake());
        CO_ASSERT(!co_await b.handshake());
        // 64 MiB offered while b takes nothing: a's send() must block long
        // before that, with b holding about one window.
        const bytes m = pattern(32 * 1024, 9);
        std::size_t sent = 0;
        bool blocked = false;
        asio::steady_timer t(co_await asio::this_coro::executor);
        for (int i = 0; i < 2048 && !blocked; ++i) {
            bool finished = false;
            asio::co_spawn(a.get_executor(), a.send(1, m), [&](std::exception_ptr, std::error_code) { finished = true; });
            for (int w = 0; w < 20 && !finished; ++w) {
                t.expires_after(5ms);
                co_await t.async_wait(asio::use_awaitable);
            }
            if (finished) sent += m.size(); else blocked = true;
        }
        EXPECT_TRUE(blocked);
        EXPECT_LT(sent, 32u << 20);
        EXPECT_LT(b.peer_memory(), 2 * window + 128 * 1024 + sizeof(toy_session) + 4096);
        // Receiving drains everything; the blocked send completes.
        std::size_t got = 0;
        while (got < sent + m.size()) {
            auto e = co_await b.receive();
            CO_ASSERT(e && e->kind == event_kind::message);
            EXPECT_TRUE(std::equal(e->payload.begin(), e->payload.end(), m.begin(), m.end()));
            got += e->payload.size();
        }
        EXPECT_FALSE(co_await a.flush());
        EXPECT_FALSE(co_await a.close(0));
    });
}

TEST(AsioSessionTest, ConnectingToAClosedPortFailsCleanly) {
    test::run_coroutine([&]() -> awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        std::uint16_t port = 0;
        {
            auto l = asio_acceptor::listen(ex, "127.0.0.1", 0);
            CO_ASSERT(l);
            port = l.value().port();
        }
        auto s = co_await async_tcp_connect("127.0.0.1", port, clock::now() + 2s);
        CO_ASSERT(!s);
        EXPECT_EQ(s.error(), std::errc::connection_refused) << s.error().message();
        EXPECT_TRUE(s.error() == condition::system_failure);
        auto late = co_await async_tcp_connect("127.0.0.1", port, clock::now() - 1s);
        CO_ASSERT(!late);
    });
}

TEST(AsioSessionTest, ListeningOnAPortInUseKeepsTheSystemsError) {
    test::run_coroutine([&]() -> awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        auto first = asio_acceptor::listen(ex, "127.0.0.1", 0);
        CO_ASSERT(first);
        auto second = asio_acceptor::listen(ex, "127.0.0.1", first.value().port());
        CO_ASSERT(!second);
        EXPECT_EQ(second.error(), std::errc::address_in_use) << second.error().message();
        EXPECT_EQ(second.error().message(), std::make_error_code(std::errc::address_in_use).message());
        EXPECT_TRUE(second.error() == condition::system_failure);
        co_return;
    });
}

TEST(AsioSessionTest, FailureKindsAreShortStableNames) {
    EXPECT_EQ(failure_kind(make_error_code(errc::read_timeout)), "timed_out");
    EXPECT_EQ(failure_kind(make_error_code(errc::peer_closed)), "peer_closed");
    EXPECT_EQ(failure_kind(make_error_code(errc::peer_disconnected)), "peer_disconnected");
    EXPECT_EQ(failure_kind(std::make_error_code(std::errc::operation_canceled)), "cancelled");
    EXPECT_EQ(failure_kind(make_error_code(errc::connection_failed)), "system_failure");
    EXPECT_EQ(failure_kind(os_error(ECONNRESET)), "peer_reset");
    EXPECT_EQ(failure_kind(os_error(EMFILE)), "system_failure");
    EXPECT_EQ(failure_kind(os_error(ETIMEDOUT)), "timed_out");
    EXPECT_EQ(failure_kind(std::error_code(ECONNREFUSED, std::generic_category())), "system_failure");
    // Asio's errors keep the system's code.
    EXPECT_EQ(os_error_of(asio::error::address_in_use), std::errc::address_in_use);
    EXPECT_EQ(os_error_of(asio::error::host_not_found), errc::connection_failed);
    EXPECT_FALSE(os_error_of({}));
}

}  // namespace
}  // namespace polywire::transport::adapters
