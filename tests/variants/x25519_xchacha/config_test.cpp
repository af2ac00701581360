// x25519_xchacha::session (stream) and udp_session (datagrams) between two
// in-memory peers: the configuration names its policies, the handshake
// completes with the right identities, messages of every size and channel
// go both ways, a byte at a time too, and batches share packets.
#include "variants/x25519_xchacha/config.hpp"

#include <limits>
#include <type_traits>

#include <gtest/gtest.h>

#include "tests/variants/x25519_xchacha/fixture.hpp"

namespace polywire::variants::x25519_xchacha {
namespace {
using namespace test;
using transport::event_kind;
using transport::session_state;
using stream_pair = polywire::test::session_pair<session>;
using udp_pair = datagram_pair<udp_session>;

TEST(X25519XChaChaConfigTest, NamesItsPoliciesOnOneScreen) {
    static_assert(std::is_same_v<session::key_agreement, handshake>);
    static_assert(std::is_same_v<session::cipher, polywire::policies::xchacha20_poly1305>);
    static_assert(std::is_same_v<session::mac_state, polywire::policies::no_mac>);
    static_assert(std::is_same_v<session::frame_layout, stream_layout>);
    static_assert(std::is_same_v<session::compressor, polywire::policies::no_compression>);
    static_assert(std::is_same_v<session::base_protocol, control_protocol>);
    // config_udp differs in the layout only.
    static_assert(std::is_same_v<udp_session::frame_layout, datagram_layout>);
    static_assert(std::is_same_v<udp_session::key_agreement, session::key_agreement>);
    static_assert(std::is_same_v<udp_session::cipher, session::cipher>);
    static_assert(std::is_same_v<udp_session::base_protocol, session::base_protocol>);
    static_assert(!polywire::policies::is_datagram<stream_layout>() && polywire::policies::is_datagram<datagram_layout>());
    static_assert(polywire::policies::packs_messages<stream_layout> && polywire::policies::packs_messages<datagram_layout>);
    // ...and names itself: a key log or a tool's output tells the two apart.
    EXPECT_NE(config_udp::name, config::name);
    EXPECT_TRUE(config_udp::name.starts_with("x25519-xchacha over UDP: "));
    EXPECT_TRUE(config::name.starts_with("x25519-xchacha: "));
}

TEST(X25519XChaChaConfigTest, SendReportsThePacketIdsRunningOutAndCloses) {
    stream_pair p(alice_options<session>(), bob_options<session>());
    p.start();
    ASSERT_EQ(p.a.state(), session_state::established);
    // The egress codec is the session's own; a test reaches the end of its ids.
    const_cast<session::codec*>(p.a.egress_codec())->skip_to_packet_id(std::numeric_limits<std::uint64_t>::max());
    const std::size_t before = p.a.pending_output().size();
    EXPECT_EQ(p.a.send(1, bytes(10, 1), p.now), errc::packet_ids_exhausted);
    EXPECT_EQ(p.a.state(), session_state::closed);
    EXPECT_EQ(p.a.error(), errc::packet_ids_exhausted);
    EXPECT_EQ(p.a.pending_output().size(), before);  // no frame, and no unusable one either
}

TEST(X25519XChaChaConfigTest, StreamHandshakeCompletesWithBothIdentities) {
    stream_pair p(alice_options<session>(), bob_options<session>());
    p.start();
    ASSERT_EQ(p.a.state(), session_state::established);
    ASSERT_EQ(p.b.state(), session_state::established);
    EXPECT_EQ(polywire::test::count(p.a_events, event_kind::handshake_complete), 1u);
    EXPECT_EQ(polywire::test::count(p.b_events, event_kind::handshake_complete), 1u);
    EXPECT_EQ(p.a.remote_id(), bob().public_key());
    EXPECT_EQ(p.b.remote_id(), alice().public_key());
    EXPECT_EQ(p.bytes_a_to_b, hello_size + proof_size);
    EXPECT_EQ(p.bytes_b_to_a, reply_size + finished_size);
}

TEST(X25519XChaChaConfigTest, DatagramHandshakeIsFourDatagrams) {
    udp_pair p(alice_options<udp_session>(), bob_options<udp_session>());
    p.start();
    ASSERT_EQ(p.a.state(), session_state::established);
    ASSERT_EQ(p.b.state(), session_state::established);
    ASSERT_EQ(p.sent_by_a.size(), 2u);
    ASSERT_EQ(p.sent_by_b.size(), 2u);
    EXPECT_EQ(p.sent_by_a[0].size(), hello_size);
    EXPECT_EQ(p.sent_by_b[0].size(), reply_size);
    EXPECT_EQ(p.sent_by_a[1].size(), proof_size);
    EXPECT_EQ(p.sent_by_b[1].size(), finished_size);
}

TEST(X25519XChaChaConfigTest, StreamMessagesOfEverySizeAndChannelBothWays) {
    stream_pair p(alice_options<session>(), bob_options<session>());
    p.start();
    std::vector<bytes> sent;
    const std::uint64_t channels[] = {0, 1, 7, max_channel};
    std::size_t i = 0;
    for (std::size_t n : {0u, 1u, 1000u, 65536u, 1u << 20}) {
        sent.push_back(pattern(n, static_cast<unsigned>(n)));
        const std::uint64_t ch = channels[i++ % 4];
        ASSERT_FALSE(p.a.send(ch, sent.back(), p.now)) << n;
        ASSERT_FALSE(p.b.send(ch, sent.back(), p.now)) << n;
        p.pump();
        ASSERT_FALSE(p.b_events.empty());
        EXPECT_EQ(p.b_events.back().code, ch);
        EXPECT_EQ(p.a_events.back().code, ch);
    }
    EXPECT_EQ(payloads(p.b_events), sent);
    EXPECT_EQ(payloads(p.a_events), sent);
    EXPECT_EQ(p.a.send(0, pattern((1u << 20) + 1, 1), p.now), transport::errc::message_too_large);
    EXPECT_EQ(p.a.send(max_channel + 1, pattern(1, 1), p.now), transport::errc::invalid_argument);
    EXPECT_EQ(p.a.send(channel::ping, {}, p.now), transport::errc::invalid_argument);
}

TEST(X25519XChaChaConfigTest, PacketWireSizeIsHeaderMessageHeaderPayloadTag) {
    stream_pair p(alice_options<session>(), bob_options<session>());
    p.start();
    const std::size_t before = p.bytes_a_to_b;
    ASSERT_FALSE(p.a.send(3, pattern(100, 3), p.now));
    p.pump();
    EXPECT_EQ(p.bytes_a_to_b - before, stream_layout::header_size + message_header_size + 100 + 16);
}

TEST(X25519XChaChaConfigTest, DatagramMessagesUpTo1392BytesAndNoLarger) {
    udp_pair p(alice_options<udp_session>(), bob_options<udp_session>());
    p.start();
    std::vector<bytes> sent;
    for (std::size_t n : {0u, 1u, 500u, 1392u}) {
        sent.push_back(pattern(n, static_cast<unsigned>(n)));
        ASSERT_FALSE(p.a.send(5, sent.back(), p.now)) << n;
        ASSERT_FALSE(p.b.send(6, sent.back(), p.now)) << n;
    }
    p.deliver();
    EXPECT_EQ(payloads(p.b_events), sent);
    EXPECT_EQ(payloads(p.a_events), sent);
    EXPECT_EQ(p.sent_by_a.back().size(), datagram_layout::header_size + message_header_size + 1392 + 16);
    EXPECT_EQ(p.sent_by_a.back().size(), 1428u);
    EXPECT_EQ(p.a.send(5, pattern(1393, 0), p.now), transport::errc::message_too_large);
    const transport::outgoing_message big{.code = 1, .payload = pattern(1393, 0)};
    EXPECT_EQ(p.a.send_batch(std::span(&big, 1), p.now), transport::errc::message_too_large);
}

TEST(X25519XChaChaConfigTest, BatchesShareAPacketAndSplitAgainPerChannel) {
    udp_pair p(alice_options<udp_session>(), bob_options<udp_session>());
    p.start();
    const std::size_t datagrams_before = p.sent_by_a.size();
    std::vector<bytes> bodies;
    std::vector<transport::outgoing_message> batch;
    for (unsigned i = 0; i < 10; ++i) bodies.push_back(pattern(20 + i, i));
    for (unsigned i = 0; i < 10; ++i) batch.push_back({.code = i % 3, .payload = bodies[i]});
    ASSERT_FALSE(p.a.send_batch(batch, p.now));
    p.deliver();
    EXPECT_EQ(p.sent_by_a.size(), datagrams_before + 1);  // one packet
    ASSERT_EQ(payloads(p.b_events), bodies);
    std::size_t k = 0;
    for (const auto& e : p.b_events) {
        if (e.kind == event_kind::message) {
            EXPECT_EQ(e.code, k++ % 3);
        }
    }
    // A batch larger than a packet is split over as few packets as fit.
    std::vector<bytes> big(5, pattern(600, 9));
    std::vector<transport::outgoing_message> big_batch;
    for (const auto& b : big) big_batch.push_back({.code = 2, .payload = b});
    const std::size_t before = p.sent_by_a.size();
    ASSERT_FALSE(p.a.send_batch(big_batch, p.now));
    p.deliver();
    EXPECT_EQ(p.sent_by_a.size(), before + 3);  // 2 + 2 + 1 messages of 608 bytes in 1400-byte bodies
    EXPECT_EQ(payloads(p.b_events).size(), 15u);
}

TEST(X25519XChaChaConfigTest, StreamByteAtATimeBothWaysAcrossARekey) {
    auto ao = alice_options<session>();
    ao.protocol.rekey_interval = std::chrono::seconds(10);
    stream_pair p(ao, bob_options<session>());
    p.chunk = 1;
    p.start();
    ASSERT_EQ(p.a.state(), session_state::established);
    ASSERT_EQ(p.b.state(), session_state::established);
    std::vector<bytes> sent;
    for (unsigned i = 0; i < 40; ++i) {
        sent.push_back(pattern(i * 13, i));
        ASSERT_FALSE(p.a.send(i, sent.back(), p.now));
        ASSERT_FALSE(p.b.send(i, sent.back(), p.now));
        if (i == 10) p.advance(std::chrono::seconds(10));  // Alice starts a rekey mid-traffic
        p.pump();
    }
    EXPECT_EQ(payloads(p.b_events), sent);
    EXPECT_EQ(payloads(p.a_events), sent);
    EXPECT_EQ(p.a.protocol().rekeys_completed(), 1u);
    EXPECT_EQ(p.b.protocol().rekeys_completed(), 1u);
    EXPECT_EQ(p.a.egress_codec()->epoch(), 1u);
    EXPECT_EQ(p.b.egress_codec()->epoch(), 1u);
    EXPECT_EQ(p.a.ingress_codec()->keys_held(), 1u);
    EXPECT_EQ(p.b.ingress_codec()->keys_held(), 1u);
}

}  // namespace
}  // namespace polywire::variants::x25519_xchacha
