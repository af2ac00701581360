#include "rlpx/config.hpp"

#include <gtest/gtest.h>

#include "tests/support/hex.hpp"
#include "tests/support/pair.hpp"

namespace polywire::rlpx {
namespace {
using transport::event_kind;
using transport::session_state;
namespace k1 = crypto::secp256k1;

struct node {
    k1::private_key key = k1::generate_private_key().value();
    k1::public_key id = k1::derive_public_key(key).value();
};

session::options options_for(const node& self, std::optional<k1::public_key> remote,
                             std::vector<p2p::local_capability> caps = {{"test", 1, 4}}) {
    session::options o;
    o.handshake.static_key = self.key;
    o.handshake.remote_id = remote;
    o.protocol.capabilities = std::move(caps);
    o.protocol.node_id = self.id;
    return o;
}

struct RlpxSessionTest : ::testing::Test {
    node alice, bob;
    test::session_pair<session> pair{options_for(alice, bob.id), options_for(bob, std::nullopt)};
};

TEST(RlpxConfigTest, NamesEveryPolicy) {
    EXPECT_EQ(session::cipher::name, "AES-256-CTR");
    EXPECT_EQ(session::mac_state::name, "Keccak-256 MAC chain");
    EXPECT_EQ(session::compressor::name, "snappy");
    EXPECT_EQ(session::frame_layout::max_frame_size, 0xFFFFFFu);
}

TEST_F(RlpxSessionTest, HandshakeAndHelloEstablishBothSides) {
    pair.start();
    ASSERT_EQ(pair.a.state(), session_state::established);
    ASSERT_EQ(pair.b.state(), session_state::established);
    EXPECT_EQ(test::count(pair.a_events, event_kind::handshake_complete), 1u);
    EXPECT_EQ(test::count(pair.b_events, event_kind::handshake_complete), 1u);
    EXPECT_EQ(pair.b.remote_id(), alice.id);
    EXPECT_EQ(pair.a.remote_id(), bob.id);
    ASSERT_EQ(pair.a.peer().shared.size(), 1u);
    EXPECT_EQ(pair.a.peer().shared[0].offset, 0x10u);
    EXPECT_EQ(pair.b.peer().remote_hello.client_id, "polywire/0.1.0");
}

TEST_F(RlpxSessionTest, DeliversMessagesOfEverySizeInBothDirections) {
    pair.start();
    for (std::size_t size : {0u, 1u, 1024u, 100000u, 1u << 20}) {
        bytes payload(size);
        for (std::size_t i = 0; i < size; ++i) payload[i] = static_cast<std::uint8_t>(i * 31 + size);
        ASSERT_FALSE(pair.a.send(0x11, payload, pair.now));
        ASSERT_FALSE(pair.b.send(0x12, payload, pair.now));
        pair.pump();
        ASSERT_EQ(pair.b_events.back().kind, event_kind::message);
        EXPECT_EQ(pair.b_events.back().code, 0x11u);
        EXPECT_EQ(pair.b_events.back().payload, payload);
        ASSERT_EQ(pair.a_events.back().kind, event_kind::message);
        EXPECT_EQ(pair.a_events.back().payload, payload);
    }
}

TEST_F(RlpxSessionTest, WorksWithOneByteAtATime) {
    pair.chunk = 1;
    pair.start();
    ASSERT_EQ(pair.b.state(), session_state::established);
    ASSERT_FALSE(pair.a.send(0x10, as_bytes("hello"), pair.now));
    pair.pump();
    EXPECT_EQ(pair.b_events.back().payload, bytes({'h', 'e', 'l', 'l', 'o'}));
}

TEST_F(RlpxSessionTest, PingIsAnsweredWithPong) {
    pair.start();
    ASSERT_FALSE(pair.a.ping(pair.now));
    pair.pump();
    EXPECT_EQ(test::count(pair.b_events, event_kind::ping), 1u);
    EXPECT_EQ(test::count(pair.a_events, event_kind::pong), 1u);
}

TEST_F(RlpxSessionTest, IdlePeersKeepEachOtherAlive) {
    pair.start();
    for (int i = 0; i < 10; ++i) pair.advance(std::chrono::seconds(16));
    EXPECT_EQ(pair.a.state(), session_state::established);
    EXPECT_EQ(pair.b.state(), session_state::established);
    EXPECT_GE(test::count(pair.b_events, event_kind::ping) + test::count(pair.a_events, event_kind::ping), 5u);
}

TEST_F(RlpxSessionTest, DisconnectCarriesTheReasonAndLingers) {
    pair.start();
    ASSERT_FALSE(pair.a.close(static_cast<std::uint8_t>(p2p::disconnect_reason::client_quitting), pair.now));
    EXPECT_EQ(pair.a.state(), session_state::closing);
    pair.pump();
    ASSERT_EQ(pair.b_events.back().kind, event_kind::disconnected);
    EXPECT_EQ(pair.b_events.back().reason, 0x08);
    EXPECT_EQ(pair.b.state(), session_state::closed);
    EXPECT_EQ(pair.a.send(0x10, {}, pair.now), transport::errc::session_closed);
    pair.advance(std::chrono::seconds(3));
    EXPECT_EQ(pair.a.state(), session_state::closed);
}

TEST_F(RlpxSessionTest, SendBeforeHandshakeIsAnError) {
    EXPECT_EQ(pair.a.send(0x10, {}, pair.now), transport::errc::not_established);
    (void)pair.a.start(pair.now);
    EXPECT_EQ(pair.a.send(0x10, {}, pair.now), transport::errc::not_established);
}

TEST_F(RlpxSessionTest, HandshakeTimesOutWhenThePeerNeverAnswers) {
    (void)pair.a.start(pair.now);
    ASSERT_TRUE(pair.a.next_deadline());
    EXPECT_EQ(*pair.a.next_deadline(), pair.now + std::chrono::seconds(5));
    pair.now += std::chrono::seconds(5);
    EXPECT_EQ(pair.a.on_tick(pair.now), transport::errc::handshake_timeout);
    EXPECT_EQ(pair.a.state(), session_state::closed);
}

TEST_F(RlpxSessionTest, TamperedFrameIsRejectedWithoutDeliveringIt) {
    pair.start();
    ASSERT_FALSE(pair.a.send(0x10, as_bytes("secret payload"), pair.now));
    bytes wire(pair.a.pending_output().begin(), pair.a.pending_output().end());
    pair.a.consume_output(wire.size());
    wire[40] ^= 1;  // inside the frame body
    pair.b_events.clear();
    EXPECT_EQ(pair.b.receive(wire, pair.now), errc::bad_frame_mac);
    test::session_pair<session>::drain(pair.b, pair.b_events);
    ASSERT_EQ(pair.b_events.size(), 1u);
    EXPECT_EQ(pair.b_events[0].kind, event_kind::error);
    EXPECT_EQ(pair.b.state(), session_state::closed);
    EXPECT_TRUE(pair.b.error() == transport::condition::authentication_failed);
}

TEST_F(RlpxSessionTest, UnknownMessageCodeClosesTheSession) {
    pair.start();
    ASSERT_FALSE(pair.a.send(0x40, as_bytes("x"), pair.now));
    pair.pump();
    EXPECT_EQ(pair.b.error(), errc::unknown_message_code);
    // b said goodbye with "protocol breach"
    EXPECT_EQ(pair.a_events.back().kind, event_kind::disconnected);
    EXPECT_EQ(pair.a_events.back().reason, 0x02);
}

TEST(RlpxSessionIdentityTest, HelloWithAnotherNodeIdIsRejected) {
    node alice, bob, mallory;
    auto ao = options_for(alice, bob.id);
    ao.protocol.hello_node_id_for_testing_only = mallory.id;
    test::session_pair<session> pair(ao, options_for(bob, std::nullopt));
    pair.start();
    EXPECT_EQ(pair.b.error(), errc::hello_identity_mismatch);
    EXPECT_EQ(pair.a_events.back().reason, 0x09);
}

TEST(RlpxSessionIdentityTest, NoSharedCapabilityIsUselessPeer) {
    node alice, bob;
    test::session_pair<session> pair(options_for(alice, bob.id, {{"eth", 68, 17}}),
                                     options_for(bob, std::nullopt, {{"snap", 1, 8}}));
    pair.start();
    EXPECT_EQ(pair.a.error(), errc::no_shared_capability);
}

}  // namespace
}  // namespace polywire::rlpx

namespace polywire::rlpx {
namespace {

TEST(RlpxSessionVersionTest, Version4PeersExchangeUncompressedMessages) {
    node alice, bob;
    auto ao = options_for(alice, bob.id);
    ao.protocol.protocol_version = 4;
    test::session_pair<session> pair(ao, options_for(bob, std::nullopt));
    pair.start();
    ASSERT_EQ(pair.b.state(), session_state::established);
    EXPECT_EQ(pair.b.peer().remote_hello.protocol_version, 4u);
    bytes zeros(4096, 0);
    const auto before = pair.bytes_a_to_b;
    ASSERT_FALSE(pair.a.send(0x10, zeros, pair.now));
    pair.pump();
    EXPECT_EQ(pair.b_events.back().payload, zeros);
    EXPECT_GE(pair.bytes_a_to_b - before, 4096u);  // not compressed
}

}  // namespace
}  // namespace polywire::rlpx
