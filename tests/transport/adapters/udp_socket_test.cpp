// transport::adapters UDP sockets on 127.0.0.1: connected pairs exchange
// whole datagrams, an empty socket says "try again", a datagram larger
// than the buffer is reported, receive_first connects a server socket to
// its first sender (and only hears that sender after), and waits time out;
// an unconnected socket reads senders' addresses (receive_from), answers
// them (send_to), and wait_any watches several sockets.
#include "transport/adapters/udp_socket.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <span>
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

// A connected pair for the batch tests, with a receive buffer large enough
// for one whole batch.
struct udp_pair {
    socket_fd a, b;
};
udp_pair connected_pair() {
    auto a = udp_bind("127.0.0.1", 0), b = udp_bind("127.0.0.1", 0);
    EXPECT_TRUE(a && b);
    EXPECT_FALSE(udp_connect(a.value(), "127.0.0.1", local_port(b.value())));
    EXPECT_FALSE(udp_connect(b.value(), "127.0.0.1", local_port(a.value())));
    return {std::move(a.value()), std::move(b.value())};
}

// Datagram i: `sizes[i % sizes.size()]` bytes, each byte a function of i and
// its position, so a lost, merged, split or reordered datagram shows.
bytes numbered(std::size_t i, std::size_t size) {
    bytes d(size);
    for (std::size_t k = 0; k < size; ++k) d[k] = static_cast<std::uint8_t>(i * 31 + k * 7 + (k >> 8));
    return d;
}

// Sends `count` datagrams with send_datagrams (batches of at most `batch`),
// reading each batch back on the other socket: every datagram arrives
// whole, once, in order. Returns the largest number one call took.
// With `stats`, reads with receive_datagrams (recvmmsg, coalesced ones
// split back) and counts both sides there.
std::size_t batch_round_trip(udp_pair& p, std::size_t count, const std::vector<std::size_t>& sizes, bool& gso,
                             std::size_t batch = udp_batch_limit, udp_io_stats* stats = nullptr) {
    std::vector<bytes> all;
    for (std::size_t i = 0; i < count; ++i) all.push_back(numbered(i, sizes[i % sizes.size()]));
    std::size_t sent = 0, received = 0, largest = 0;
    bytes buf(max_udp_datagram);
    bytes arena(udp_receive_slots * udp_receive_slot);
    std::array<udp_received, udp_receive_slots> received_messages{};
    const time_point deadline = clock::now() + 5s;
    while (received < count && clock::now() < deadline) {
        const std::size_t end = std::min(count, sent + batch);
        std::vector<byte_view> views(all.begin() + static_cast<std::ptrdiff_t>(sent), all.begin() + static_cast<std::ptrdiff_t>(end));
        std::size_t target = end;
        while (sent < target) {
            auto n = send_datagrams(p.a, std::span<const byte_view>(views.data() + (views.size() - (target - sent)), target - sent), gso,
                                    stats);
            EXPECT_TRUE(n) << n.error().message();
            if (!n) return largest;
            largest = std::max(largest, n.value());
            sent += n.value();
            if (n.value() == 0) break;
        }
        while (stats) {
            auto n = receive_datagrams(p.b, arena, received_messages, stats);
            if (!n) {
                EXPECT_EQ(n.error(), std::errc::resource_unavailable_try_again);
                if (received == sent || clock::now() > deadline) break;
                (void)wait(p.b, true, false, clock::now() + 1s);
                continue;
            }
            for (std::size_t m = 0; m < n.value(); ++m)
                for_each_datagram(received_messages[m], [&](byte_view d) {
                    EXPECT_LT(received, count);
                    if (received >= count) return;
                    EXPECT_EQ(bytes(d.begin(), d.end()), all[received]) << "datagram " << received;
                    ++received;
                });
            if (received > sent) return largest;
        }
        while (!stats) {
            auto n = receive_datagram(p.b, buf);
            if (!n) {
                EXPECT_EQ(n.error(), std::errc::resource_unavailable_try_again);
                if (received == sent) break;
                (void)wait(p.b, true, false, clock::now() + 1s);
                continue;
            }
            EXPECT_LT(received, count);
            if (received >= count) return largest;
            EXPECT_EQ(bytes(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n.value())), all[received]) << "datagram " << received;
            ++received;
        }
    }
    EXPECT_EQ(received, count);
    return largest;
}

TEST(UdpSocketTest, SendDatagramsWithSegmentationOffloadKeepsEveryDatagram) {
    auto p = connected_pair();
    bool gso = true;
    const std::size_t largest = batch_round_trip(p, 1000, {1300}, gso);
    EXPECT_TRUE(gso) << "loopback takes UDP_SEGMENT on Linux 4.18 and later";
    EXPECT_EQ(largest, udp_batch_limit);  // one call, a whole batch
}

TEST(UdpSocketTest, SendDatagramsWithoutSegmentationOffloadKeepsEveryDatagram) {
    auto p = connected_pair();
    bool gso = false;
    const std::size_t largest = batch_round_trip(p, 1000, {1300}, gso);
    EXPECT_FALSE(gso);
    EXPECT_EQ(largest, udp_batch_limit);
}

TEST(UdpSocketTest, SendDatagramsSplitsRunsOfMixedSizes) {
    // Runs of equal sizes, shorter last ones, a longer one after a shorter
    // one, an empty datagram: each goes out as itself, with and without GSO.
    const std::vector<std::size_t> sizes{1300, 1300, 1300, 500, 1300, 1400, 1400, 200, 0, 7, 7, 7, 7, 1200};
    for (bool initial : {true, false}) {
        auto p = connected_pair();
        bool gso = initial;
        (void)batch_round_trip(p, 700, sizes, gso);
        EXPECT_EQ(gso, initial);
    }
}

TEST(UdpSocketTest, SendDatagramsTakesAtMostOneBatch) {
    auto p = connected_pair();
    std::vector<bytes> all;
    for (std::size_t i = 0; i < udp_batch_limit + 36; ++i) all.push_back(numbered(i, 100));
    std::vector<byte_view> views(all.begin(), all.end());
    bool gso = true;
    auto n = send_datagrams(p.a, views, gso);
    ASSERT_TRUE(n);
    EXPECT_EQ(n.value(), udp_batch_limit);
    auto m = send_datagrams(p.a, std::span<const byte_view>(views).subspan(n.value()), gso);
    ASSERT_TRUE(m);
    EXPECT_EQ(m.value(), 36u);
    bytes buf(2000);
    for (std::size_t i = 0; i < all.size(); ++i) {
        auto r = receive_within(p.b, buf, clock::now() + 2s);
        ASSERT_TRUE(r) << i;
        EXPECT_EQ(bytes(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(r.value())), all[i]) << i;
    }
    EXPECT_EQ(receive_datagram(p.b, buf).error(), std::errc::resource_unavailable_try_again);
}

}  // namespace
}  // namespace polywire::transport::adapters

namespace polywire::transport::adapters {
namespace {

// The four paths of the batched calls, each checked by what the counters
// say ran: every datagram arrives whole, once, in order, none lost.
TEST(UdpSocketBatchTest, SegmentedSendsArriveCoalescedAndAreSplitBack) {
    auto p = connected_pair();
    ASSERT_TRUE(udp_set_gro(p.b, true)) << "UDP_GRO needs Linux 5.0";
    bool gso = true;
    udp_io_stats st;
    (void)batch_round_trip(p, 1000, {1300}, gso, udp_batch_limit, &st);
    EXPECT_TRUE(gso);
    EXPECT_EQ(st.datagrams_sent, 1000u);
    EXPECT_EQ(st.datagrams_received, 1000u);
    EXPECT_GT(st.gso_messages, 0u);
    EXPECT_GT(st.gro_messages, 0u);  // loopback keeps a segmented send whole for a GRO socket
    EXPECT_EQ(st.gso_refused, 0u);
    EXPECT_EQ(st.truncated, 0u);
}

TEST(UdpSocketBatchTest, WithoutReceiveOffloadEachDatagramIsItsOwnMessage) {
    for (bool gso_first : {true, false}) {
        auto p = connected_pair();
        ASSERT_TRUE(udp_set_gro(p.b, false));
        bool gso = gso_first;
        udp_io_stats st;
        (void)batch_round_trip(p, 1000, {1300, 1300, 1300, 500, 0, 1400}, gso, udp_batch_limit, &st);
        EXPECT_EQ(st.datagrams_received, 1000u);
        EXPECT_EQ(st.gro_messages, 0u);
        EXPECT_LT(st.receive_calls, 1000u / 2);  // several datagrams per recvmmsg(2)
        EXPECT_EQ(st.gso_messages > 0, gso_first);
    }
}

TEST(UdpSocketBatchTest, MixedSizesSurviveReceiveOffload) {
    const std::vector<std::size_t> sizes{1300, 1300, 1300, 500, 1300, 1400, 1400, 200, 0, 7, 7, 7, 7, 1200};
    auto p = connected_pair();
    ASSERT_TRUE(udp_set_gro(p.b, true));
    bool gso = true;
    udp_io_stats st;
    (void)batch_round_trip(p, 700, sizes, gso, udp_batch_limit, &st);
    EXPECT_EQ(st.datagrams_received, 700u);
    EXPECT_GT(st.gro_messages, 0u);
}

TEST(UdpSocketBatchTest, AKernelRefusingSegmentationFallsBackToOneDatagramPerMessage) {
    // Linux refuses UDP_SEGMENT (EINVAL) on a socket sending without UDP
    // checksums (SO_NO_CHECK): a real refusal, not a simulated one.
    auto p = connected_pair();
    const int one = 1;
    ASSERT_EQ(::setsockopt(p.a.get(), SOL_SOCKET, SO_NO_CHECK, &one, sizeof one), 0);
    ASSERT_TRUE(udp_set_gro(p.b, true));
    bool gso = true;
    udp_io_stats st;
    const std::size_t largest = batch_round_trip(p, 1000, {1300}, gso, udp_batch_limit, &st);
    EXPECT_FALSE(gso);
    EXPECT_EQ(st.gso_refused, 1u);
    EXPECT_EQ(st.gso_messages, 0u);
    EXPECT_EQ(st.gro_messages, 0u);
    EXPECT_EQ(st.datagrams_sent, 1000u);
    EXPECT_EQ(st.datagrams_received, 1000u);
    EXPECT_EQ(largest, udp_batch_limit);
}

TEST(UdpSocketBatchTest, SocketBuffersGrowAsFarAsTheSystemAllows) {
    auto p = connected_pair();
    const std::size_t before = udp_receive_buffer(p.b);
    EXPECT_GT(before, 0u);
    const std::size_t small = udp_set_buffers(p.b, 64 * 1024);
    EXPECT_EQ(small, udp_receive_buffer(p.b));
    EXPECT_GE(small, 64u * 1024);  // Linux reports twice what was asked
    EXPECT_GE(udp_set_buffers(p.b, udp_socket_buffer), small);
}

TEST(UdpSocketBatchTest, ReceiveDatagramsOnAnEmptySocketSaysTryAgain) {
    auto p = connected_pair();
    bytes arena(udp_receive_slots * udp_receive_slot);
    std::array<udp_received, udp_receive_slots> out{};
    EXPECT_EQ(receive_datagrams(p.b, arena, out).error(), std::errc::resource_unavailable_try_again);
    EXPECT_EQ(receive_datagrams(p.b, std::span<std::uint8_t>(arena).first(100), out).value(), 0u);  // no whole slot
}

}  // namespace
}  // namespace polywire::transport::adapters
