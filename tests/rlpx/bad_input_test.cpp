// Hostile input against an RLPx session, one case per kind of bad input.
// The hostile peer is RLPx with the p2p base protocol swapped out
// (no_base_protocol): it completes the real handshake and can then send any
// frame at all — exactly what a malicious peer can do.
#include "rlpx/config.hpp"

#include <gtest/gtest.h>

#include "crypto/snappy.hpp"
#include "tests/support/hex.hpp"
#include "tests/support/pair.hpp"

namespace polywire::rlpx {
namespace {
using test::h;
using transport::event_kind;
using transport::session_state;
namespace k1 = crypto::secp256k1;

using raw_config = transport::with_policy<
    transport::with_policy<config, transport::role::base_protocol, policies::no_base_protocol>,
    transport::role::compressor, policies::no_compression>;
using raw_session = transport::session<raw_config>;

struct BadInputTest : ::testing::Test {
    k1::private_key victim_key = k1::generate_private_key().value();
    k1::public_key victim_id = k1::derive_public_key(victim_key).value();
    k1::private_key mallory_key = k1::generate_private_key().value();
    k1::public_key mallory_id = k1::derive_public_key(mallory_key).value();
    test::session_pair<raw_session, session> pair{raw_options(), victim_options()};

    raw_session::options raw_options() {
        raw_session::options o;
        o.handshake.static_key = mallory_key;
        o.handshake.remote_id = victim_id;
        return o;
    }
    session::options victim_options() {
        session::options o;
        o.handshake.static_key = victim_key;
        o.protocol.capabilities = {{"test", 1, 4}};
        o.protocol.node_id = victim_id;
        return o;
    }

    bytes mallory_hello(std::uint64_t version = 5) {
        p2p::hello hl;
        hl.protocol_version = version;
        hl.client_id = "mallory";
        hl.caps = {{"test", 1}};
        hl.node_id = mallory_id;
        return p2p::encode(hl);
    }

    static bytes snappy(byte_view in) {
        bytes out(crypto::snappy::max_compressed_length(in.size()));
        out.resize(crypto::snappy::compress(in, out));
        return out;
    }

    // Sends one raw frame from mallory and returns the victim's error.
    std::error_code inject(std::uint64_t code, byte_view payload) {
        EXPECT_FALSE(pair.a.send(code, payload, pair.now));
        pair.pump();
        return pair.b.error();
    }

    void expect_closed_without_messages() {
        EXPECT_EQ(pair.b.state(), session_state::closed);
        EXPECT_EQ(test::count(pair.b_events, event_kind::message), 0u);
        EXPECT_EQ(pair.b_events.back().kind, event_kind::error);
    }

    void SetUp() override {
        pair.start();
        ASSERT_EQ(pair.a.state(), session_state::established);  // keys agreed; victim awaits Hello
        ASSERT_EQ(pair.b.state(), session_state::handshaking);
    }
};

TEST_F(BadInputTest, MessageBeforeHello) {
    EXPECT_EQ(inject(0x10, as_bytes("early")), errc::message_before_hello);
    expect_closed_without_messages();
}

TEST_F(BadInputTest, PingBeforeHello) {
    EXPECT_EQ(inject(p2p::ping_code, h("c0")), errc::message_before_hello);
}

TEST_F(BadInputTest, BadRlpInHello) {
    EXPECT_EQ(inject(p2p::hello_code, h("c5ff")), errc::bad_hello_rlp);
    expect_closed_without_messages();
}

TEST_F(BadInputTest, HelloOverTwoKilobytes) {
    EXPECT_EQ(inject(p2p::hello_code, bytes(3000, 0x80)), errc::hello_too_large);
}

TEST_F(BadInputTest, HelloWithAnotherNodeId) {
    p2p::hello hl;
    hl.caps = {{"test", 1}};
    hl.node_id = victim_id;  // not mallory's handshake key
    EXPECT_EQ(inject(p2p::hello_code, p2p::encode(hl)), errc::hello_identity_mismatch);
}

TEST_F(BadInputTest, BadRlpInDisconnect) {
    ASSERT_FALSE(inject(p2p::hello_code, mallory_hello()));
    ASSERT_EQ(pair.b.state(), session_state::established);
    // Garbage both as snappy and as raw RLP (peers send either form).
    EXPECT_EQ(inject(p2p::disconnect_code, h("ff")), errc::bad_disconnect_rlp);
}

TEST_F(BadInputTest, SnappyClaimingAHugeSizeIsRejectedBeforeAllocating) {
    ASSERT_FALSE(inject(p2p::hello_code, mallory_hello()));
    // varint 0xffffffff: a 4 GiB claim in a 5-byte message
    EXPECT_EQ(inject(0x10, h("ffffffff0f")), crypto::snappy::errc::size_over_limit);
    expect_closed_without_messages();
    EXPECT_LT(pair.b.buffered_bytes(), 1u << 20);
}

TEST_F(BadInputTest, SnappyThatFailsToDecodeDeliversNothing) {
    ASSERT_FALSE(inject(p2p::hello_code, mallory_hello()));
    // Claims 10 bytes and carries garbage: found when the message is taken.
    EXPECT_EQ(inject(0x10, h("0a00ffffff")), crypto::snappy::errc::corrupt);
    expect_closed_without_messages();
}

TEST_F(BadInputTest, UncompressedMessageAfterVersion5Hello) {
    ASSERT_FALSE(inject(p2p::hello_code, mallory_hello()));
    bytes plain(100, 0xff);
    (void)inject(0x10, plain);
    EXPECT_EQ(pair.b.state(), session_state::closed);
    EXPECT_EQ(test::count(pair.b_events, event_kind::message), 0u);
}

TEST_F(BadInputTest, CodeOutsideTheSharedCapabilities) {
    ASSERT_FALSE(inject(p2p::hello_code, mallory_hello()));
    EXPECT_EQ(inject(0x14, snappy(h("c0"))), errc::unknown_message_code);  // test/1 has 4 codes: 0x10..0x13
}

TEST_F(BadInputTest, InputBeyondTheBufferLimitIsRefused) {
    bytes flood(pair.b.input_capacity() + 1);
    EXPECT_EQ(pair.b.receive(flood, pair.now), transport::errc::buffer_limit_exceeded);
    EXPECT_EQ(pair.b.state(), session_state::closed);
}

TEST_F(BadInputTest, OversizedMessageIsRefusedBySend) {
    ASSERT_FALSE(inject(p2p::hello_code, mallory_hello()));
    pair.pump();
    ASSERT_EQ(pair.b.state(), session_state::established);
    bytes huge(frame_layout::max_frame_size + 1);
    EXPECT_EQ(pair.b.send(0x10, huge, pair.now), transport::errc::message_too_large);
    EXPECT_EQ(pair.b.state(), session_state::established);  // a local misuse, not a wire error
}

TEST_F(BadInputTest, AClosedSessionRefusesEveryCall) {
    (void)inject(0x10, as_bytes("early"));
    EXPECT_EQ(pair.b.receive(h("00"), pair.now), transport::errc::session_closed);
    EXPECT_EQ(pair.b.send(0x10, {}, pair.now), transport::errc::session_closed);
    EXPECT_EQ(pair.b.on_tick(pair.now), transport::errc::session_closed);
    EXPECT_EQ(pair.b.close(0, pair.now), transport::errc::session_closed);
    EXPECT_EQ(pair.b.input_capacity(), 0u);
}

}  // namespace
}  // namespace polywire::rlpx
