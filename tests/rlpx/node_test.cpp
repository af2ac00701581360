#include "rlpx/node.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <thread>

#include <gtest/gtest.h>

namespace polywire::rlpx {
namespace {
namespace k1 = crypto::secp256k1;
using transport::event_kind;

node_config make_node() {
    node_config c;
    c.key = k1::generate_private_key().value();
    c.capabilities = {{"test", 1, 4}};
    return c;
}

enode local(const listener& l, const node_config& cfg) {
    return enode{k1::derive_public_key(cfg.key).value(), "127.0.0.1", l.port()};
}

TEST(RlpxNodeTest, DialAndAcceptExchangeMessagesOverLoopback) {
    auto server_cfg = make_node();
    auto l = listener::open(server_cfg, "127.0.0.1", 0);
    ASSERT_TRUE(l) << l.error().message();
    std::thread server([&] {
        auto c = l.value().accept(transport::clock::now() + std::chrono::seconds(10));
        ASSERT_TRUE(c) << c.error().message();
        // echo every message back until the peer disconnects
        while (auto e = c.value()->next_event()) {
            if (e->kind == event_kind::message) {
                bytes copy(e->payload.begin(), e->payload.end());
                ASSERT_FALSE(c.value()->blocking_socket::send(e->code, copy));
            }
            if (e->kind == event_kind::disconnected) {
                EXPECT_EQ(e->reason, 0x08);
                break;
            }
        }
    });
    auto c = dial(make_node(), local(l.value(), server_cfg));
    ASSERT_TRUE(c) << c.error().message();
    auto& conn = *c.value();
    EXPECT_EQ(conn.session().peer().shared.at(0).name, "test");
    for (std::size_t size : {0u, 1u, 1024u, 1u << 20}) {
        bytes payload(size, static_cast<std::uint8_t>(size));
        ASSERT_FALSE(conn.send("test", 2, payload));
        auto e = conn.next_event();
        ASSERT_TRUE(e);
        ASSERT_EQ(e->kind, event_kind::message);
        EXPECT_EQ(e->code, 0x12u);
        EXPECT_TRUE(std::equal(e->payload.begin(), e->payload.end(), payload.begin(), payload.end()));
        auto r = conn.resolve(e->code);
        ASSERT_TRUE(r);
        EXPECT_EQ(r->second, 2u);
    }
    ASSERT_FALSE(conn.ping());
    auto e = conn.next_event();
    ASSERT_TRUE(e);
    EXPECT_EQ(e->kind, event_kind::pong);
    EXPECT_EQ(conn.send("test", 4, {}), transport::errc::invalid_argument);
    EXPECT_EQ(conn.send("eth", 0, {}), errc::no_shared_capability);
    EXPECT_FALSE(conn.close(p2p::disconnect_reason::client_quitting));
    server.join();
}

TEST(RlpxNodeTest, DialTimesOutWhenThePeerNeverAnswers) {
    auto silent = transport::adapters::tcp_listener::listen("127.0.0.1", 0);
    ASSERT_TRUE(silent);
    auto cfg = make_node();
    cfg.timeouts.handshake = std::chrono::milliseconds(300);
    const auto start = transport::clock::now();
    auto c = dial(cfg, enode{k1::derive_public_key(make_node().key).value(), "127.0.0.1", silent.value().port()});
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error(), transport::errc::handshake_timeout);
    EXPECT_LT(transport::clock::now() - start, std::chrono::seconds(3));
}

TEST(RlpxNodeTest, DialingARefusedPortFailsCleanly) {
    auto l = transport::adapters::tcp_listener::listen("127.0.0.1", 0);
    ASSERT_TRUE(l);
    const auto port = l.value().port();
    l = transport::adapters::tcp_listener::listen("127.0.0.1", 0);  // closes the first
    auto c = dial(make_node(), enode{k1::derive_public_key(make_node().key).value(), "127.0.0.1", port});
    ASSERT_FALSE(c);
    // The system's own error, with its own message, still a system failure.
    EXPECT_EQ(c.error(), std::errc::connection_refused) << c.error().message();
    EXPECT_EQ(c.error().message(), std::make_error_code(std::errc::connection_refused).message());
    EXPECT_TRUE(c.error() == transport::condition::system_failure);
}

// A remote that resets the connection (RST) during the handshake: the
// dialer reports a reset ("Connection reset by peer"), not an end of stream.
TEST(RlpxNodeTest, ADialTheRemoteResetsFailsWithConnectionReset) {
    auto l = transport::adapters::tcp_listener::listen("127.0.0.1", 0);
    ASSERT_TRUE(l);
    std::thread remote([&] {
        auto fd = l.value().accept(transport::clock::now() + std::chrono::seconds(5));
        if (!fd) return;
        pollfd p{fd.value().get(), POLLIN, 0};
        (void)::poll(&p, 1, 2000);  // the auth has arrived
        const linger abort_on_close{1, 0};
        (void)::setsockopt(fd.value().get(), SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close);
    });  // the descriptor closes here: RST
    auto c = dial(make_node(), enode{k1::derive_public_key(make_node().key).value(), "127.0.0.1", l.value().port()});
    remote.join();
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error(), std::errc::connection_reset) << c.error().message();
    EXPECT_TRUE(c.error() == transport::condition::peer_disconnected);
}

TEST(RlpxNodeTest, ListeningOnAPortInUseSaysSo) {
    auto first = listener::open(make_node(), "127.0.0.1", 0);
    ASSERT_TRUE(first);
    auto second = listener::open(make_node(), "127.0.0.1", first.value().port());
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error(), std::errc::address_in_use) << second.error().message();
    EXPECT_EQ(second.error().message(), std::make_error_code(std::errc::address_in_use).message());
    EXPECT_TRUE(second.error() == transport::condition::system_failure);
    EXPECT_FALSE(second.error() == transport::condition::timed_out);
}

}  // namespace
}  // namespace polywire::rlpx
