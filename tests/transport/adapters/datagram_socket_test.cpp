// transport::adapters::datagram_socket over loopback UDP with a real
// session pair (x25519-xchacha-udp): each way of batching the system calls
// — segmented sends (UDP_SEGMENT) and one datagram per message, coalesced
// receives (UDP_GRO) and one per message, and a kernel refusing
// segmentation — delivers every message once, in order, none lost; the
// adapter's io_stats() shows which path ran.
#include "transport/adapters/datagram_socket.hpp"

#include <sys/socket.h>

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "transport/error.hpp"
#include "variants/x25519_xchacha/node.hpp"

namespace polywire::transport::adapters {
namespace {
using namespace std::chrono_literals;
namespace xx = variants::x25519_xchacha;

crypto::ed25519::private_key identity(std::uint8_t fill) {
    return crypto::ed25519::private_key::from_seed(bytes(32, fill)).value();
}
xx::node_config config_of(const crypto::ed25519::private_key& key) {
    xx::node_config c;
    c.identity = key;
    c.timeouts.handshake = 3s;
    c.probing.enabled = false;  // these tests count datagrams: no size probes among them
    return c;
}
bytes numbered(std::size_t n, unsigned i) {
    bytes b(n);
    for (std::size_t k = 0; k < n; ++k) b[k] = static_cast<std::uint8_t>((k * 31 + i * 7 + (i >> 8)) & 0xff);
    return b;
}

struct path {
    bool gso = true;          // the sender asks for UDP_SEGMENT
    bool refuse_gso = false;  // the sender's socket makes the kernel refuse it (SO_NO_CHECK)
    bool gro = true;          // the receiver asks for UDP_GRO
};
struct outcome {
    udp_io_stats sender, receiver;
    bool sender_gso = false, receiver_gro = false;
    unsigned received = 0;
};

// Sends `count` 1,300-byte messages in bursts of `burst` (send_batch: one
// datagram each), waiting for the receiver to take each burst, so nothing
// overflows a socket buffer: any loss is the adapter's.
outcome run(path p, unsigned count = 1500, unsigned burst = 32) {
    const auto alice = identity(0x11), bob = identity(0x22);
    auto l = xx::udp_listener::open(config_of(bob), "127.0.0.1", 0);
    EXPECT_TRUE(l);
    if (!l) return {};
    outcome out;
    std::atomic<unsigned> received{0};
    std::atomic<bool> server_ready{false};
    std::thread server([&] {
        auto c = l.value().accept(clock::now() + 5s, alice.public_key());
        ASSERT_TRUE(c) << c.error().message();
        auto& conn = *c.value();
        conn.set_offload(true, p.gro);
        out.receiver_gro = conn.gro();
        server_ready = true;
        unsigned next = 0;
        while (auto e = conn.next_event()) {
            if (e->kind == event_kind::error || e->kind == event_kind::disconnected) break;
            if (e->kind != event_kind::message) continue;
            EXPECT_LT(next, count) << "a message too many";
            EXPECT_EQ(e->code, next % 7) << next;
            EXPECT_EQ(bytes(e->payload.begin(), e->payload.end()), numbered(1300, next)) << "message " << next;
            received = ++next;
        }
        out.receiver = conn.io_stats();
    });
    auto c = xx::dial_udp(config_of(alice), "127.0.0.1", l.value().port(), bob.public_key());
    EXPECT_TRUE(c) << c.error().message();
    if (c) {
        auto& conn = *c.value();
        if (p.refuse_gso) {
            const int one = 1;
            EXPECT_EQ(::setsockopt(conn.socket().get(), SOL_SOCKET, SO_NO_CHECK, &one, sizeof one), 0);
        }
        conn.set_offload(p.gso, true);
        while (!server_ready) conn.poll(clock::now() + 1ms);
        const time_point deadline = clock::now() + 10s;
        std::vector<bytes> bodies;
        std::vector<outgoing_message> batch;
        for (unsigned sent = 0; sent < count && clock::now() < deadline;) {
            const unsigned n = std::min(burst, count - sent);
            bodies.clear();
            batch.clear();
            for (unsigned k = 0; k < n; ++k) bodies.push_back(numbered(1300, sent + k));
            for (unsigned k = 0; k < n; ++k) batch.push_back({.code = (sent + k) % 7, .payload = bodies[k]});
            EXPECT_FALSE(conn.send_batch(batch));
            sent += n;
            while (received < sent && clock::now() < deadline) conn.poll(clock::now() + 1ms);
        }
        out.sender_gso = conn.gso();
        out.sender = conn.io_stats();
        EXPECT_FALSE(conn.close(0));
    }
    server.join();
    out.received = received;
    return out;
}

TEST(DatagramSocketTest, SegmentedSendsAndCoalescedReceives) {
    const auto o = run({.gso = true, .refuse_gso = false, .gro = true});
    EXPECT_EQ(o.received, 1500u);
    EXPECT_TRUE(o.sender_gso);
    EXPECT_TRUE(o.receiver_gro) << "UDP_GRO needs Linux 5.0";
    EXPECT_GT(o.sender.gso_messages, 0u);
    EXPECT_EQ(o.sender.gso_refused, 0u);
    EXPECT_GT(o.receiver.gro_messages, 0u);
    EXPECT_LT(o.receiver.receive_calls, o.receiver.datagrams_received / 4);
    EXPECT_EQ(o.receiver.truncated, 0u);
}

TEST(DatagramSocketTest, NoOffloadEitherWay) {
    const auto o = run({.gso = false, .refuse_gso = false, .gro = false});
    EXPECT_EQ(o.received, 1500u);
    EXPECT_FALSE(o.sender_gso);
    EXPECT_FALSE(o.receiver_gro);
    EXPECT_EQ(o.sender.gso_messages, 0u);
    EXPECT_EQ(o.receiver.gro_messages, 0u);
    EXPECT_LT(o.sender.send_calls, o.sender.datagrams_sent / 4);  // still several per sendmmsg(2)
    // recvmmsg(2) takes what is waiting: here the receiver keeps up, so
    // often one (udp_socket_test shows several per call).
    EXPECT_GE(o.receiver.datagrams_received, 1500u);
}

TEST(DatagramSocketTest, SegmentedSendsWithoutReceiveOffload) {
    const auto o = run({.gso = true, .refuse_gso = false, .gro = false});
    EXPECT_EQ(o.received, 1500u);
    EXPECT_GT(o.sender.gso_messages, 0u);
    EXPECT_EQ(o.receiver.gro_messages, 0u);
}

TEST(DatagramSocketTest, AKernelRefusingSegmentationFallsBack) {
    const auto o = run({.gso = true, .refuse_gso = true, .gro = true});
    EXPECT_EQ(o.received, 1500u);
    EXPECT_FALSE(o.sender_gso);  // turned off at the first refusal, for the socket's life
    EXPECT_EQ(o.sender.gso_refused, 1u);
    EXPECT_EQ(o.sender.gso_messages, 0u);
    EXPECT_EQ(o.receiver.gro_messages, 0u);
}

}  // namespace
}  // namespace polywire::transport::adapters
