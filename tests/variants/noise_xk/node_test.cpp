// noise-xk over loopback TCP through the blocking socket adapter.
#include "variants/noise_xk/node.hpp"

#include <thread>

#include <gtest/gtest.h>

namespace polywire::variants::noise_xk {
namespace {
namespace k1 = crypto::secp256k1;
using transport::event_kind;
using namespace std::chrono_literals;

node_config make_node() {
    node_config c;
    c.key = k1::generate_private_key().value();
    return c;
}
k1::compressed_public_key id(const node_config& c) { return k1::derive_compressed_public_key(c.key).value(); }

bytes pattern(std::size_t n, unsigned seed) {
    bytes b(n);
    for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>((i * 31 + seed) & 0xff);
    return b;
}

TEST(NoiseXkNodeTest, DialAndAcceptEchoMessagesAcrossKeyRotations) {
    const auto server_cfg = make_node(), client_cfg = make_node();
    auto l = listener::open(server_cfg, "127.0.0.1", 0);
    ASSERT_TRUE(l) << l.error().message();
    std::error_code server_end;
    std::size_t echoed = 0;
    std::thread server([&] {
        auto c = l.value().accept(transport::clock::now() + 10s);
        ASSERT_TRUE(c) << c.error().message();
        EXPECT_EQ(c.value()->session().remote_id(), id(client_cfg));
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
    auto c = dial(client_cfg, "127.0.0.1", l.value().port(), id(server_cfg));
    ASSERT_TRUE(c) << c.error().message();
    auto& conn = *c.value();
    EXPECT_EQ(conn.session().remote_id(), id(server_cfg));
    std::vector<std::size_t> sizes = {0, 1, 1024, 65535};
    for (unsigned i = 0; i < 1100; ++i) sizes.push_back(i % 40);  // 1,104 messages: two rotations each way
    for (std::size_t i = 0; i < sizes.size(); ++i) {
        const bytes payload = pattern(sizes[i], static_cast<unsigned>(i));
        ASSERT_FALSE(conn.send(payload));
        auto e = conn.next_event();
        ASSERT_TRUE(e);
        ASSERT_EQ(e->kind, event_kind::message) << e->error.message();
        ASSERT_EQ(bytes(e->payload.begin(), e->payload.end()), payload) << "message " << i;
    }
    EXPECT_EQ(conn.send(bytes(65536)), transport::errc::message_too_large);
    EXPECT_FALSE(conn.close());
    server.join();
    EXPECT_EQ(echoed, sizes.size());
    EXPECT_EQ(server_end, transport::errc::peer_closed);  // BOLT 8 ends with the TCP stream
}

TEST(NoiseXkNodeTest, DiallingTheWrongKeyFailsOnBothSides) {
    const auto server_cfg = make_node();
    auto l = listener::open(server_cfg, "127.0.0.1", 0);
    ASSERT_TRUE(l);
    std::error_code server_error;
    std::thread server([&] {
        auto c = l.value().accept(transport::clock::now() + 10s);
        ASSERT_FALSE(c);
        server_error = c.error();
    });
    auto c = dial(make_node(), "127.0.0.1", l.value().port(), id(make_node()));
    server.join();
    EXPECT_EQ(server_error, errc::act1_bad_tag);
    ASSERT_FALSE(c);
    // The responder closed without a word: the input ended before Act Two.
    EXPECT_EQ(c.error(), errc::handshake_truncated);
    EXPECT_EQ(c.error(), transport::condition::handshake_failed);
}

TEST(NoiseXkNodeTest, APeerThatStopsInsideAnActIsReportedAsTruncated) {
    const auto server_cfg = make_node();
    auto l = listener::open(server_cfg, "127.0.0.1", 0);
    ASSERT_TRUE(l);
    std::thread client([&] {
        auto fd = transport::adapters::tcp_connect("127.0.0.1", l.value().port(), transport::clock::now() + 5s);
        ASSERT_TRUE(fd);
        const bytes partial(20, 0);
        (void)transport::adapters::write_some(fd.value(), partial);
    });  // the socket closes here, in the middle of Act One
    auto c = l.value().accept(transport::clock::now() + 10s);
    client.join();
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error(), errc::handshake_truncated);
}

TEST(NoiseXkNodeTest, DialTimesOutWhenThePeerNeverAnswers) {
    auto silent = transport::adapters::tcp_listener::listen("127.0.0.1", 0);
    ASSERT_TRUE(silent);
    auto cfg = make_node();
    cfg.timeouts.handshake = 300ms;
    const auto start = transport::clock::now();
    auto c = dial(cfg, "127.0.0.1", silent.value().port(), id(make_node()));
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error(), transport::errc::handshake_timeout);
    EXPECT_LT(transport::clock::now() - start, 3s);
}

}  // namespace
}  // namespace polywire::variants::noise_xk
