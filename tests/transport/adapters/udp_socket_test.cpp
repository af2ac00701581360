// transport::adapters UDP sockets on 127.0.0.1: connected pairs exchange
// whole datagrams, an empty socket says "try again", a datagram larger
// than the buffer is reported, receive_first connects a server socket to
// its first sender (and only hears that sender after), and waits time out;
// an unconnected socket reads senders' addresses (receive_from), answers
// them (send_to), and wait_any watches several sockets.
#include "transport/adapters/udp_socket.hpp"

#include <cerrno>
#include <system_error>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "transport/error.hpp"

namespace polywire::transport::adapters {
namespace {
using namespace std::chrono_literals;

bytes fill(std::size_t n, std::uint8_t v) { return bytes(n, v); }

result<std::size_t> receive_within(const socket_fd& s, mutable_byte_view out, time_point deadline) {
    for (;;) {
        auto n = receive_datagram(s, out);
        if (n || n.error() != std::errc::resource_unavailable_try_again) return n;
        auto ready = wait(s, true, false, deadline);
        if (!ready || ready.value() == 0) return make_error_code(errc::read_timeout);
    }
}

TEST(UdpSocketTest, ConnectedPairsExchangeWholeDatagrams) {
    auto a = udp_bind("127.0.0.1", 0), b = udp_bind("127.0.0.1", 0);
    ASSERT_TRUE(a && b);
    ASSERT_NE(local_port(a.value()), 0);
    ASSERT_FALSE(udp_connect(a.value(), "127.0.0.1", local_port(b.value())));
    ASSERT_FALSE(udp_connect(b.value(), "127.0.0.1", local_port(a.value())));
    bytes buf(2000);
    EXPECT_EQ(receive_datagram(b.value(), buf).error(), std::errc::resource_unavailable_try_again);
    for (std::size_t n : {0u, 1u, 1428u, 1500u}) {
        ASSERT_EQ(send_datagram(a.value(), fill(n, static_cast<std::uint8_t>(n))).value(), n);
        auto got = receive_within(b.value(), buf, clock::now() + 2s);
        ASSERT_TRUE(got) << n;
        ASSERT_EQ(got.value(), n);
        EXPECT_EQ(bytes(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n)), fill(n, static_cast<std::uint8_t>(n)));
    }
    // Two datagrams stay two.
    ASSERT_TRUE(send_datagram(b.value(), fill(3, 1)));
    ASSERT_TRUE(send_datagram(b.value(), fill(5, 2)));
    EXPECT_EQ(receive_within(a.value(), buf, clock::now() + 2s).value(), 3u);
    EXPECT_EQ(receive_within(a.value(), buf, clock::now() + 2s).value(), 5u);
}

TEST(UdpSocketTest, ADatagramLargerThanTheBufferIsReported) {
    auto a = udp_bind("127.0.0.1", 0), b = udp_bind("127.0.0.1", 0);
    ASSERT_TRUE(a && b);
    ASSERT_FALSE(udp_connect(a.value(), "127.0.0.1", local_port(b.value())));
    ASSERT_FALSE(udp_connect(b.value(), "127.0.0.1", local_port(a.value())));
    ASSERT_TRUE(send_datagram(a.value(), fill(100, 7)));
    bytes small(10);
    auto got = receive_within(b.value(), small, clock::now() + 2s);
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error(), errc::truncated_datagram);
}

TEST(UdpSocketTest, ReceiveFirstConnectsToTheFirstSender) {
    auto server = udp_bind("127.0.0.1", 0), c1 = udp_bind("127.0.0.1", 0), c2 = udp_bind("127.0.0.1", 0);
    ASSERT_TRUE(server && c1 && c2);
    const std::uint16_t port = local_port(server.value());
    ASSERT_FALSE(udp_connect(c1.value(), "127.0.0.1", port));
    ASSERT_FALSE(udp_connect(c2.value(), "127.0.0.1", port));
    ASSERT_TRUE(send_datagram(c1.value(), fill(4, 1)));
    bytes buf(100);
    auto first = receive_first(server.value(), buf, clock::now() + 2s);
    ASSERT_TRUE(first);
    EXPECT_EQ(first.value(), 4u);
    // The server now talks to c1 only: c2's datagram is filtered out.
    ASSERT_TRUE(send_datagram(c2.value(), fill(6, 2)));
    ASSERT_TRUE(send_datagram(c1.value(), fill(8, 3)));
    auto next = receive_within(server.value(), buf, clock::now() + 2s);
    ASSERT_TRUE(next);
    EXPECT_EQ(next.value(), 8u);
    ASSERT_TRUE(send_datagram(server.value(), fill(2, 9)));
    EXPECT_EQ(receive_within(c1.value(), buf, clock::now() + 2s).value(), 2u);
}

TEST(UdpSocketTest, ReceiveFirstTimesOut) {
    auto server = udp_bind("127.0.0.1", 0);
    ASSERT_TRUE(server);
    bytes buf(10);
    const auto t0 = clock::now();
    auto r = receive_first(server.value(), buf, t0 + 200ms);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::handshake_timeout);
    EXPECT_GE(clock::now() - t0, 190ms);
}

TEST(UdpSocketTest, BindingFailsCleanly) {
    EXPECT_FALSE(udp_bind("256.0.0.1", 0));
    auto a = udp_bind("127.0.0.1", 0);
    ASSERT_TRUE(a);
    EXPECT_TRUE(udp_connect(a.value(), "::1", 9));  // another address family
}

TEST(UdpSocketTest, OperatingSystemErrorsKeepTheirCode) {
    // 192.0.2.1 (TEST-NET-1) is no address of this host: the OS says so,
    // and the error says what the OS said.
    auto b = udp_bind("192.0.2.1", 0);
    ASSERT_FALSE(b);
    EXPECT_EQ(b.error(), std::errc::address_not_available) << b.error().message();
    EXPECT_EQ(b.error().message(), std::generic_category().message(EADDRNOTAVAIL));
}

TEST(UdpSocketTest, ReceiveFromNamesTheSenderAndSendToAnswersIt) {
    auto server = udp_bind("127.0.0.1", 0), a = udp_bind("127.0.0.1", 0), b = udp_bind("127.0.0.1", 0);
    ASSERT_TRUE(server && a && b);
    ASSERT_FALSE(udp_connect(a.value(), "127.0.0.1", local_port(server.value())));
    ASSERT_FALSE(udp_connect(b.value(), "127.0.0.1", local_port(server.value())));
    bytes buf(100);
    udp_peer from;
    EXPECT_EQ(receive_from(server.value(), buf, from).error(), std::errc::resource_unavailable_try_again);
    ASSERT_EQ(send_datagram(a.value(), fill(10, 1)).value(), 10u);
    ASSERT_EQ(send_datagram(b.value(), fill(20, 2)).value(), 20u);
    std::vector<wait_item> items{{.fd = &a.value()}, {.fd = &server.value()}};
    auto ready = wait_any(items, clock::now() + 2s);
    ASSERT_TRUE(ready);
    EXPECT_EQ(ready.value(), 1);
    EXPECT_EQ(items[0].ready, 0);
    EXPECT_NE(items[1].ready & static_cast<int>(io_ready::readable), 0);
    std::this_thread::sleep_for(20ms);
    udp_peer first, second;
    ASSERT_EQ(receive_from(server.value(), buf, first).value(), 10u);
    ASSERT_EQ(receive_from(server.value(), buf, second).value(), 20u);
    // The key: 127.0.0.1, then the port big-endian.
    const std::uint16_t pa = local_port(a.value());
    EXPECT_EQ(first.key(), (bytes{127, 0, 0, 1, static_cast<std::uint8_t>(pa >> 8), static_cast<std::uint8_t>(pa & 0xff)}));
    EXPECT_NE(first.key(), second.key());
    EXPECT_EQ(first.text(), "127.0.0.1:" + std::to_string(pa));
    ASSERT_EQ(send_to(server.value(), fill(5, 9), first).value(), 5u);
    auto got = receive_within(a.value(), buf, clock::now() + 2s);
    ASSERT_TRUE(got);
    EXPECT_EQ(got.value(), 5u);
    EXPECT_EQ(receive_within(b.value(), buf, clock::now() + 50ms).error(), errc::read_timeout);
    // Nothing waiting: wait_any times out with 0.
    items = {{.fd = &a.value()}, {.fd = &b.value()}};
    ready = wait_any(items, clock::now() + 20ms);
    ASSERT_TRUE(ready);
    EXPECT_EQ(ready.value(), 0);
}

}  // namespace
}  // namespace polywire::transport::adapters
