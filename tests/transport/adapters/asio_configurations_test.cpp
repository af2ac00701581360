// asio_session over loopback TCP with every stream configuration (RLPx,
// noise-xk, sha256-per-side, x25519-xchacha, libp2p-noise): the same typed tests for each —
// handshake, messages of several sizes both ways at once with their payloads
// checked, the session's deadlines (a silent peer times the handshake out, an
// idle peer the read), cancel() and close() closing cleanly on both sides,
// and the metrics counting what went through.
#include "transport/adapters/asio_session.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <optional>
#include <thread>

#include <boost/asio/detached.hpp>

#include "rlpx/config.hpp"
#include "tests/support/asio_harness.hpp"
#include "tests/support/variants.hpp"
#include "variants/libp2p_noise/variant.hpp"
#include "variants/noise_xk/config.hpp"
#include "variants/sha256_per_side/config.hpp"
#include "variants/x25519_xchacha/config.hpp"

namespace polywire::transport::adapters {
namespace {
using namespace std::chrono_literals;
namespace k1 = crypto::secp256k1;
using test::sleep_for;
using test::wait_until;

// ---- one small struct per configuration ------------------------------------
// session, app_code (an application message's code), max_message (the
// largest message the test sends), close_reason, goodbye (whether the
// protocol says goodbye: the peer sees `disconnected` rather than the end of
// the stream), initiator()/recipient() options.

/// The suite's traits of each variant; a variant of variants/all.hpp without
/// one does not compile (test::suite_types, tests/support/variants.hpp).
template <class V>
struct asio_traits;  // no primary definition: every variant of variants/all.hpp has its own

template <>
struct asio_traits<rlpx::variant> {
    using session = rlpx::session;
    static constexpr std::uint64_t app_code = 0x10;
    static constexpr std::size_t max_message = 1 << 20;
    static constexpr std::uint8_t close_reason = 0x08;  // client quitting
    static constexpr bool goodbye = true;
    k1::private_key a = k1::generate_private_key().value(), b = k1::generate_private_key().value();
    session::options make(const k1::private_key& self, std::optional<k1::private_key> expected) {
        session::options o;
        o.handshake.static_key = self;
        if (expected) o.handshake.remote_id = k1::derive_public_key(*expected).value();
        o.protocol.capabilities = {{"test", 1, 4}};
        o.protocol.node_id = k1::derive_public_key(self).value();
        return o;
    }
    session::options initiator() { return make(a, b); }
    session::options recipient() { return make(b, std::nullopt); }
};
using rlpx_traits = asio_traits<rlpx::variant>;

template <>
struct asio_traits<variants::noise_xk::variant> {
    using session = variants::noise_xk::session;
    static constexpr std::uint64_t app_code = 0;
    static constexpr std::size_t max_message = 65535;
    static constexpr std::uint8_t close_reason = 0;
    static constexpr bool goodbye = false;
    k1::private_key a = k1::generate_private_key().value(), b = k1::generate_private_key().value();
    session::options initiator() {
        session::options o;
        o.handshake.static_key = a;
        o.handshake.remote_static = k1::derive_compressed_public_key(b).value();
        return o;
    }
    session::options recipient() {
        session::options o;
        o.handshake.static_key = b;
        return o;
    }
};
using noise_xk_traits = asio_traits<variants::noise_xk::variant>;

template <>
struct asio_traits<variants::sha256_per_side::variant> {
    using session = variants::sha256_per_side::session;
    static constexpr std::uint64_t app_code = 0;
    static constexpr std::size_t max_message = 1 << 20;
    static constexpr std::uint8_t close_reason = 0;
    static constexpr bool goodbye = false;
    k1::private_key a = k1::generate_private_key().value(), b = k1::generate_private_key().value();
    session::options initiator() {
        session::options o;
        o.protocol.node_key = a;
        o.protocol.expected_remote_id = k1::derive_compressed_public_key(b).value();
        return o;
    }
    session::options recipient() {
        session::options o;
        o.protocol.node_key = b;
        return o;
    }
};
using sha256_per_side_traits = asio_traits<variants::sha256_per_side::variant>;

template <>
struct asio_traits<variants::x25519_xchacha::variant> {
    using session = variants::x25519_xchacha::session;
    static constexpr std::uint64_t app_code = 7;  // a channel
    static constexpr std::size_t max_message = 1 << 20;
    static constexpr std::uint8_t close_reason = variants::x25519_xchacha::reason::requested;
    static constexpr bool goodbye = true;
    crypto::ed25519::private_key a = crypto::ed25519::private_key::generate().value(),
                                 b = crypto::ed25519::private_key::generate().value();
    session::options initiator() {
        session::options o;
        o.handshake.identity = a;
        o.handshake.expected_remote = b.public_key();
        return o;
    }
    session::options recipient() {
        session::options o;
        o.handshake.identity = b;
        return o;
    }
};
using x25519_xchacha_traits = asio_traits<variants::x25519_xchacha::variant>;

template <>
struct asio_traits<variants::libp2p_noise::variant> : test::peers<variants::libp2p_noise::variant> {
    static constexpr std::uint64_t app_code = 0;
    static constexpr std::size_t max_message = 65519;
    static constexpr std::uint8_t close_reason = 0;
    static constexpr bool goodbye = false;
};
using libp2p_noise_traits = asio_traits<variants::libp2p_noise::variant>;

/// Datagrams go through asio_datagram, whose suite is its own.
template <>
struct asio_traits<variants::x25519_xchacha::udp_variant> {
    static constexpr std::string_view tested_by = "asio_datagram_test.cpp";
};

// ---- the suite -----------------------------------------------------------------

awaitable<std::pair<tcp::socket, tcp::socket>> socket_pair() {
    auto ex = co_await asio::this_coro::executor;
    auto acceptor = asio_acceptor::listen(ex, "127.0.0.1", 0).value();
    auto a = co_await async_tcp_connect("127.0.0.1", acceptor.port(), clock::now() + 5s);
    auto b = co_await acceptor.accept();
    co_return std::pair{std::move(a.value()), std::move(b.value())};
}

bytes pattern(std::size_t n, unsigned seed) {
    bytes b(n);
    for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(i * 131 + seed);
    return b;
}

template <class Traits>
class AsioConfigurationsTest : public ::testing::Test {
protected:
    using session = typename Traits::session;
    using connection = asio_session<session>;
    Traits traits;

    static std::vector<std::size_t> sizes() { return {0, 1, 1000, 20000, Traits::max_message}; }

    // The end a peer sees after the other side closed: its goodbye with
    // `reason`, or (protocols without one) the end of the stream.
    static void expect_closed_by_peer(const std::optional<event>& e, std::uint8_t reason) {
        ASSERT_TRUE(e);
        if (Traits::goodbye) {
            ASSERT_EQ(e->kind, event_kind::disconnected) << e->error.message();
            EXPECT_EQ(e->reason, reason);
        } else {
            ASSERT_EQ(e->kind, event_kind::error);
            EXPECT_EQ(e->error, errc::peer_closed);
        }
    }

    // Handshakes a pair: {initiator, recipient}.
    awaitable<std::pair<std::unique_ptr<connection>, std::unique_ptr<connection>>> established(
        typename session::options ao, typename session::options bo) {
        auto [sa, sb] = co_await socket_pair();
        auto a = std::make_unique<connection>(std::move(sa), session(policies::handshake_role::initiator, std::move(ao)));
        auto b = std::make_unique<connection>(std::move(sb), session(policies::handshake_role::recipient, std::move(bo)));
        // Both handshakes at once: each needs the other's messages.
        std::atomic<int> done{0};
        std::error_code ea, eb;
        asio::co_spawn(a->get_executor(), a->handshake(), [&](std::exception_ptr, std::error_code ec) { ea = ec, ++done; });
        asio::co_spawn(b->get_executor(), b->handshake(), [&](std::exception_ptr, std::error_code ec) { eb = ec, ++done; });
        EXPECT_TRUE(co_await wait_until([&] { return done == 2; }));
        EXPECT_FALSE(ea) << ea.message();
        EXPECT_FALSE(eb) << eb.message();
        co_return std::pair{std::move(a), std::move(b)};
    }
};

using configurations = test::suite_types<asio_traits>;  // every variant of variants/all.hpp
TYPED_TEST_SUITE(AsioConfigurationsTest, configurations);

TYPED_TEST(AsioConfigurationsTest, ExchangesMessagesOfEverySizeBothWaysAtOnce) {
    using connection = typename TestFixture::connection;
    test::run_coroutine(
        [&]() -> awaitable<void> {
            auto pair = co_await this->established(this->traits.initiator(), this->traits.recipient());
            auto& a = pair.first;  // (clang 14 cannot capture structured bindings)
            auto& b = pair.second;
            CO_ASSERT(a && b);
            const auto sizes = TestFixture::sizes();
            constexpr int count = 20;
            std::uint64_t payload_bytes = 0;
            for (int i = 0; i < count; ++i) payload_bytes += sizes[static_cast<std::size_t>(i) % sizes.size()];

            auto pump = [&sizes](connection& self, unsigned seed) -> awaitable<void> {
                for (int i = 0; i < count; ++i) {
                    const bytes m = pattern(sizes[static_cast<std::size_t>(i) % sizes.size()], seed + static_cast<unsigned>(i));
                    if (auto ec = co_await self.send(TypeParam::app_code, m)) {
                        ADD_FAILURE() << "send " << i << ": " << ec.message();
                        co_return;
                    }
                }
            };
            auto drain = [&sizes](connection& self, std::atomic<int>& got, unsigned seed) -> awaitable<void> {
                while (got < count) {
                    auto e = co_await self.receive();
                    if (!e) co_return;
                    if (e->kind != event_kind::message) continue;  // pings, pongs
                    const int i = got.load();
                    const bytes want = pattern(sizes[static_cast<std::size_t>(i) % sizes.size()], seed + static_cast<unsigned>(i));
                    EXPECT_EQ(e->code, TypeParam::app_code);
                    EXPECT_TRUE(std::equal(e->payload.begin(), e->payload.end(), want.begin(), want.end())) << i;
                    ++got;
                }
            };
            std::atomic<int> a_got{0}, b_got{0}, done{0};
            auto count_done = [&](std::exception_ptr) { ++done; };
            asio::co_spawn(a->get_executor(), pump(*a, 1), count_done);
            asio::co_spawn(b->get_executor(), pump(*b, 2), count_done);
            asio::co_spawn(a->get_executor(), drain(*a, a_got, 2), count_done);
            asio::co_spawn(b->get_executor(), drain(*b, b_got, 1), count_done);
            CO_ASSERT(co_await wait_until([&] { return done == 4; }));
            EXPECT_EQ(a_got, count);
            EXPECT_EQ(b_got, count);

            for (auto* c : {a.get(), b.get()}) {
                const session_metrics m = c->metrics();
                EXPECT_EQ(m.messages_out, static_cast<std::uint64_t>(count));
                EXPECT_EQ(m.messages_in, static_cast<std::uint64_t>(count));
                // Compression (RLPx's snappy) shrinks the patterns, so only
                // a lower bound that holds for every configuration.
                EXPECT_GT(m.bytes_out, static_cast<std::uint64_t>(count) * 16);
                EXPECT_GT(m.bytes_in, static_cast<std::uint64_t>(count) * 16);
            }

            // close(): the goodbye (or the end of the stream) reaches b.
            EXPECT_FALSE(co_await a->close(TypeParam::close_reason));
            EXPECT_TRUE(a->finished());
            TestFixture::expect_closed_by_peer(co_await b->receive(), TypeParam::close_reason);
            EXPECT_FALSE(co_await b->receive());
            EXPECT_EQ(co_await b->send(TypeParam::app_code, pattern(1, 0)), errc::session_closed);
            EXPECT_TRUE(co_await wait_until([&] { return b->finished(); }));
            EXPECT_EQ(a->metrics().bytes_out, b->metrics().bytes_in);
        },
        2);
}

TYPED_TEST(AsioConfigurationsTest, ASilentPeerTimesTheHandshakeOutOnEitherSide) {
    using session = typename TestFixture::session;
    using connection = typename TestFixture::connection;
    test::run_coroutine([&]() -> awaitable<void> {
        for (const auto role : {policies::handshake_role::initiator, policies::handshake_role::recipient}) {
            auto [mine, silent] = co_await socket_pair();  // `silent` never says a word
            auto o = role == policies::handshake_role::initiator ? this->traits.initiator() : this->traits.recipient();
            o.timeouts.handshake = 200ms;
            connection c(std::move(mine), session(role, std::move(o)));
            const auto t0 = clock::now();
            const std::error_code ec = co_await c.handshake();
            EXPECT_EQ(ec, errc::handshake_timeout) << ec.message();
            EXPECT_GE(clock::now() - t0, 200ms);
            EXPECT_LT(clock::now() - t0, 1500ms);
            EXPECT_FALSE(co_await c.receive());  // the error was the handshake's
            EXPECT_TRUE(co_await wait_until([&] { return c.finished(); }, 1s));
            // The silent side sees the socket closed.
            std::array<std::uint8_t, 4096> buf;
            boost::system::error_code rec;
            while (!rec) (void)co_await silent.async_read_some(asio::buffer(buf), asio::redirect_error(asio::use_awaitable, rec));
            EXPECT_EQ(rec, asio::error::eof);
        }
    });
}

TYPED_TEST(AsioConfigurationsTest, AnIdlePeerTimesTheReadOut) {
    test::run_coroutine([&]() -> awaitable<void> {
        auto bo = this->traits.recipient();
        bo.timeouts.read = 200ms;
        auto pair = co_await this->established(this->traits.initiator(), std::move(bo));
        auto& a = pair.first;
        auto& b = pair.second;
        CO_ASSERT(a && b);
        const auto t0 = clock::now();
        auto e = co_await b->receive();
        CO_ASSERT(e && e->kind == event_kind::error);
        EXPECT_EQ(e->error, errc::read_timeout);
        EXPECT_GE(clock::now() - t0, 150ms);
        EXPECT_LT(clock::now() - t0, 1500ms);
        EXPECT_FALSE(co_await b->receive());
        // a hears b's goodbye (with the protocol's reason for a timeout) or
        // the end of the stream; either way its session ends.
        auto ea = co_await a->receive();
        CO_ASSERT(ea);
        EXPECT_TRUE(ea->kind == event_kind::disconnected || (ea->kind == event_kind::error && ea->error == errc::peer_closed))
            << ea->error.message();
        EXPECT_FALSE(co_await a->receive());
        EXPECT_TRUE(co_await wait_until([&] { return a->finished() && b->finished(); }, 2s));
    });
}

TYPED_TEST(AsioConfigurationsTest, CancelFromAnotherThreadEndsPendingCallsAndTellsThePeer) {
    test::run_coroutine(
        [&]() -> awaitable<void> {
            auto pair = co_await this->established(this->traits.initiator(), this->traits.recipient());
            auto& a = pair.first;
            auto& b = pair.second;
            CO_ASSERT(a && b);
            // A receive() waiting on a, cancelled from a thread of its own.
            std::atomic<bool> returned{false};
            std::optional<event> last;
            asio::co_spawn(a->get_executor(), a->receive(), [&](std::exception_ptr, std::optional<event> e) {
                last = std::move(e);
                returned = true;
            });
            co_await sleep_for(20ms);
            EXPECT_FALSE(returned);
            std::thread([&] { a->cancel(TypeParam::close_reason); }).join();
            CO_ASSERT(co_await wait_until([&] { return returned.load(); }, 3s));
            EXPECT_FALSE(last);  // no event: the session was closed on purpose
            TestFixture::expect_closed_by_peer(co_await b->receive(), TypeParam::close_reason);
            EXPECT_FALSE(co_await b->receive());
            EXPECT_TRUE(co_await wait_until([&] { return a->finished() && b->finished(); }, 3s));
            EXPECT_EQ(co_await a->send(TypeParam::app_code, pattern(3, 0)), errc::session_closed);
            EXPECT_EQ(co_await a->close(0), errc::session_closed);
        },
        2);
}

TYPED_TEST(AsioConfigurationsTest, CancelDuringTheHandshakeAndDroppingAnOpenHandleCloseCleanly) {
    using session = typename TestFixture::session;
    using connection = typename TestFixture::connection;
    test::run_coroutine([&]() -> awaitable<void> {
        {
            // cancel() while the handshake waits for a silent peer.
            auto [mine, silent] = co_await socket_pair();
            connection c(std::move(mine), session(policies::handshake_role::initiator, this->traits.initiator()));
            auto cancel_soon = [](connection& conn) -> awaitable<void> {
                co_await sleep_for(30ms);
                conn.cancel(0);
            };
            asio::co_spawn(c.get_executor(), cancel_soon(c), asio::detached);
            const auto t0 = clock::now();
            EXPECT_EQ(co_await c.handshake(), std::errc::operation_canceled);
            EXPECT_LT(clock::now() - t0, 1s);  // well before the 5 s handshake deadline
            EXPECT_TRUE(co_await wait_until([&] { return c.finished(); }, 1s));
        }
        {
            // An established handle destroyed while open says goodbye.
            auto pair = co_await this->established(this->traits.initiator(), this->traits.recipient());
            auto& a = pair.first;
            auto& b = pair.second;
            CO_ASSERT(a && b);
            a.reset();
            TestFixture::expect_closed_by_peer(co_await b->receive(), 0);
            EXPECT_FALSE(co_await b->receive());
            EXPECT_TRUE(co_await wait_until([&] { return b->finished(); }, 3s));
        }
    });
}

}  // namespace
}  // namespace polywire::transport::adapters
