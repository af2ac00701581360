// sha256-per-side over real TCP sockets on loopback, through the blocking
// socket adapter: fresh session keys, Authenticate both ways, messages from
// 0 bytes to 1 MiB echoed back, and a dial that expects another node id.
#include "variants/sha256_per_side/config.hpp"

#include <thread>

#include <gtest/gtest.h>

#include "tests/variants/sha256_per_side/fixture.hpp"
#include "transport/adapters/blocking_socket.hpp"

namespace polywire::variants::sha256_per_side {
namespace {
using namespace test;
using transport::event_kind;
using transport::adapters::blocking_socket;
using transport::adapters::tcp_connect;
using transport::adapters::tcp_listener;
using policies::handshake_role;

session::options fresh(char who) {
    auto o = node_options(who);
    o.random = nullptr;  // fresh session keys
    return o;
}
transport::time_point in(std::chrono::seconds s) { return transport::clock::now() + s; }

TEST(Sha256PerSideLoopbackTest, AuthenticatesAndEchoesMessagesOverTcp) {
    auto l = tcp_listener::listen("127.0.0.1", 0);
    ASSERT_TRUE(l) << l.error().message();
    std::thread server([&] {
        auto fd = l.value().accept(in(std::chrono::seconds(10)));
        ASSERT_TRUE(fd) << fd.error().message();
        blocking_socket<session> peer(std::move(fd).value(), session(handshake_role::recipient, fresh('b')));
        ASSERT_FALSE(peer.handshake());
        EXPECT_EQ(hx(peer.session().remote_id()), input("a_node_id"));
        while (auto e = peer.next_event()) {
            if (e->kind == event_kind::message) {
                const bytes copy(e->payload.begin(), e->payload.end());
                ASSERT_FALSE(peer.send(0, copy));
            }
            if (e->kind == event_kind::error) {
                // Version 3 has no goodbye: the client's close is an end of stream.
                EXPECT_EQ(e->error, transport::errc::peer_closed);
                break;
            }
        }
    });
    auto fd = tcp_connect("127.0.0.1", l.value().port(), in(std::chrono::seconds(10)));
    ASSERT_TRUE(fd) << fd.error().message();
    blocking_socket<session> conn(std::move(fd).value(), session(handshake_role::initiator, fresh('a')));
    ASSERT_FALSE(conn.handshake());
    EXPECT_EQ(hx(conn.session().remote_id()), input("b_node_id"));
    for (std::size_t size : {0u, 1u, 16u, 1000u, 1u << 20}) {
        bytes payload(size);
        for (std::size_t i = 0; i < size; ++i) payload[i] = static_cast<std::uint8_t>(i ^ size);
        ASSERT_FALSE(conn.send(0, payload)) << size;
        auto e = conn.next_event();
        ASSERT_TRUE(e);
        ASSERT_EQ(e->kind, event_kind::message);
        EXPECT_TRUE(std::equal(e->payload.begin(), e->payload.end(), payload.begin(), payload.end())) << size;
    }
    EXPECT_FALSE(conn.close(0));
    server.join();
}

TEST(Sha256PerSideLoopbackTest, DiallingTheWrongNodeFailsTheHandshake) {
    auto l = tcp_listener::listen("127.0.0.1", 0);
    ASSERT_TRUE(l) << l.error().message();
    std::thread server([&] {
        auto fd = l.value().accept(in(std::chrono::seconds(10)));
        ASSERT_TRUE(fd) << fd.error().message();
        blocking_socket<session> peer(std::move(fd).value(), session(handshake_role::recipient, fresh('b')));
        // The client's Authenticate may have left before it judged ours:
        // either way, the client hangs up.
        if (!peer.handshake()) {
            auto e = peer.next_event();
            ASSERT_TRUE(e);
            EXPECT_EQ(e->kind, event_kind::error);
        }
        EXPECT_EQ(peer.session().state(), transport::session_state::closed);
    });
    auto fd = tcp_connect("127.0.0.1", l.value().port(), in(std::chrono::seconds(10)));
    ASSERT_TRUE(fd) << fd.error().message();
    auto o = fresh('a');
    o.protocol.expected_remote_id = compressed(input("a_node_id"));  // not who listens
    {
        blocking_socket<session> conn(std::move(fd).value(), session(handshake_role::initiator, o));
        EXPECT_EQ(conn.handshake(), errc::wrong_remote_identity);
    }
    server.join();
}

}  // namespace
}  // namespace polywire::variants::sha256_per_side
