// libp2p-noise over loopback TCP through the generic node and the blocking
// socket adapter: dial a multiaddr's peer id, accept, echo messages of
// every size; dialling another peer id fails with the typed error.
#include <thread>

#include <gtest/gtest.h>

#include "variants/libp2p_noise/error.hpp"
#include "variants/libp2p_noise/variant.hpp"

namespace polywire::variants::libp2p_noise {
namespace {
using transport::event_kind;
using namespace std::chrono_literals;

node_config make_node(key_type t = key_type::ed25519) {
    node_config c;
    c.key = private_key::generate(t).value();
    return c;
}
peer_id id(const node_config& c) { return variant::node_id(c.key).value(); }

bytes pattern(std::size_t n, unsigned seed) {
    bytes b(n);
    for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>((i * 31 + seed) & 0xff);
    return b;
}

TEST(Libp2pNoiseNodeTest, DialAMultiaddrAndEchoMessagesOfEverySize) {
    auto server_cfg = make_node(key_type::secp256k1);
    server_cfg.stream_muxers = {"/yamux/1.0.0"};
    const auto client_cfg = make_node();
    auto l = listener::open(server_cfg, "127.0.0.1", 0);
    ASSERT_TRUE(l) << l.error().message();
    std::error_code server_end;
    std::size_t echoed = 0;
    std::thread server([&] {
        auto c = l.value().accept(transport::clock::now() + 10s);
        ASSERT_TRUE(c) << c.error().message();
        EXPECT_EQ(c.value()->session().remote_id().id, id(client_cfg));
        while (auto e = c.value()->next_event()) {
            if (e->kind == event_kind::error) {
                server_end = e->error;
                break;
            }
            ASSERT_EQ(e->kind, event_kind::message);
            bytes copy(e->payload.begin(), e->payload.end());
            ASSERT_FALSE(c.value()->send(copy));
            ++echoed;
        }
    });
    const std::string url = variant::format_url(id(server_cfg), "127.0.0.1", l.value().port());
    EXPECT_TRUE(url.starts_with("/ip4/127.0.0.1/tcp/")) << url;
    EXPECT_NE(url.find("/p2p/16Uiu2"), std::string::npos) << url;
    std::string why;
    auto to = variant::parse_url(url, why);
    ASSERT_TRUE(to) << why;
    auto c = variants::node<variant>::dial(client_cfg, *to);
    ASSERT_TRUE(c) << c.error().message();
    auto& conn = *c.value();
    EXPECT_EQ(conn.session().remote_id().id, id(server_cfg));
    EXPECT_EQ(conn.session().remote_id().stream_muxers, std::vector<std::string>{"/yamux/1.0.0"});
    const std::vector<std::size_t> sizes = {0, 1, 1024, 65519, 7};
    for (std::size_t i = 0; i < sizes.size(); ++i) {
        const bytes payload = pattern(sizes[i], static_cast<unsigned>(i));
        ASSERT_FALSE(conn.send(payload));
        auto e = conn.next_event();
        ASSERT_TRUE(e);
        ASSERT_EQ(e->kind, event_kind::message) << e->error.message();
        ASSERT_EQ(bytes(e->payload.begin(), e->payload.end()), payload) << "message " << i;
    }
    EXPECT_EQ(conn.send(bytes(65520)), transport::errc::message_too_large);
    EXPECT_FALSE(conn.close());
    server.join();
    EXPECT_EQ(echoed, sizes.size());
    EXPECT_EQ(server_end, transport::errc::peer_closed);
}

TEST(Libp2pNoiseNodeTest, DiallingAnotherPeerIdFailsWithPeerIdMismatch) {
    const auto server_cfg = make_node(), client_cfg = make_node(), other = make_node();
    auto l = listener::open(server_cfg, "127.0.0.1", 0);
    ASSERT_TRUE(l) << l.error().message();
    std::thread server([&] { (void)l.value().accept(transport::clock::now() + 10s); });
    auto c = dial(client_cfg, "127.0.0.1", l.value().port(), id(other));
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error(), errc::peer_id_mismatch);
    server.join();
}

}  // namespace
}  // namespace polywire::variants::libp2p_noise
