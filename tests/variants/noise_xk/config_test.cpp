// noise_xk::session (transport::session<noise_xk::config>) between two
// in-memory peers: messages of every size both ways, a byte at a time
// across key rotations, tampering, reordering, wrong keys, limits.
#include "variants/noise_xk/config.hpp"

#include <type_traits>

#include <gtest/gtest.h>

#include "tests/support/hex.hpp"
#include "tests/support/replay_random.hpp"
#include "tests/support/pair.hpp"

namespace polywire::variants::noise_xk {
namespace {
namespace k1 = crypto::secp256k1;
using test::h;
using transport::event_kind;
using transport::session_state;
using pair = test::session_pair<session>;

const k1::private_key initiator_s(h("1111111111111111111111111111111111111111111111111111111111111111"));
const k1::private_key responder_s(h("2121212121212121212121212121212121212121212121212121212121212121"));

session::options initiator_options(std::optional<k1::compressed_public_key> remote = std::nullopt) {
    session::options o;
    o.handshake.static_key = initiator_s;
    o.handshake.remote_static = remote ? *remote : k1::derive_compressed_public_key(responder_s).value();
    o.random = test::replay(h("1212121212121212121212121212121212121212121212121212121212121212"));
    return o;
}
session::options responder_options() {
    session::options o;
    o.handshake.static_key = responder_s;
    o.random = test::replay(h("2222222222222222222222222222222222222222222222222222222222222222"));
    return o;
}

bytes pattern(std::size_t n, unsigned seed) {
    bytes b(n);
    for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>((i * 31 + seed) & 0xff);
    return b;
}

std::vector<bytes> messages(const std::vector<test::recorded_event>& evs) {
    std::vector<bytes> out;
    for (const auto& e : evs)
        if (e.kind == event_kind::message) out.push_back(e.payload);
    return out;
}

TEST(NoiseXkConfigTest, NamesItsPoliciesOnOneScreen) {
    // The generic Noise handshake and transport cipher with BOLT 8's parts.
    static_assert(std::is_same_v<session::key_agreement,
                                 noise::handshake<noise::pattern::XK, noise::suite<secp256k1_dh, noise::chachapoly, noise::sha256>,
                                                  act_framing, profile>>);
    static_assert(std::is_same_v<session::cipher,
                                 noise::transport_cipher<noise::chachapoly_on<crypto::default_chacha20_poly1305_backend>,
                                                         noise::hkdf_rotation<noise::sha256_on_stack, 1000>>>);
    static_assert(std::is_same_v<session::remote_id_type, k1::compressed_public_key>);
    static_assert(std::is_same_v<session::mac_state, polywire::policies::no_mac>);
    static_assert(std::is_same_v<session::frame_layout, frame_layout>);
    static_assert(std::is_same_v<session::compressor, polywire::policies::no_compression>);
    static_assert(std::is_same_v<session::base_protocol, polywire::policies::no_base_protocol>);
    static_assert(session::cipher::tag_size == 16 && session::mac_state::tag_size == 0);
    EXPECT_EQ(config::name, "noise-xk (BOLT 8): Noise_XK_secp256k1_ChaChaPoly_SHA256");
}

TEST(NoiseXkConfigTest, HandshakeCompletesOnBothSidesWithTheirIdentities) {
    pair p(initiator_options(), responder_options());
    p.start();
    EXPECT_EQ(p.a.state(), session_state::established);
    EXPECT_EQ(p.b.state(), session_state::established);
    EXPECT_EQ(test::count(p.a_events, event_kind::handshake_complete), 1u);
    EXPECT_EQ(test::count(p.b_events, event_kind::handshake_complete), 1u);
    EXPECT_EQ(p.a.remote_id(), k1::derive_compressed_public_key(responder_s).value());
    EXPECT_EQ(p.b.remote_id(), k1::derive_compressed_public_key(initiator_s).value());
    EXPECT_EQ(p.bytes_a_to_b, act1_size + act3_size);
    EXPECT_EQ(p.bytes_b_to_a, act2_size);
}

TEST(NoiseXkConfigTest, MessagesOfEverySizeBothWaysWithTheirExactWireSize) {
    pair p(initiator_options(), responder_options());
    p.start();
    std::vector<bytes> sent;
    for (std::size_t n : {0u, 1u, 1024u, 65535u}) {
        sent.push_back(pattern(n, static_cast<unsigned>(n)));
        ASSERT_FALSE(p.a.send(0, sent.back(), p.now));
        EXPECT_EQ(p.a.pending_output().size(), 18 + n + 16);
        ASSERT_FALSE(p.b.send(0, sent.back(), p.now));
        p.pump();
    }
    EXPECT_EQ(messages(p.b_events), sent);
    EXPECT_EQ(messages(p.a_events), sent);
}

TEST(NoiseXkConfigTest, CarriesNoCodeAndRefusesAnyButZero) {
    pair p(initiator_options(), responder_options());
    p.start();
    // The message type is the application's (BOLT 1: inside the payload).
    EXPECT_EQ(p.a.send(0x10, pattern(3, 1), p.now), transport::errc::invalid_argument);
    EXPECT_TRUE(p.a.pending_output().empty());
    ASSERT_FALSE(p.a.send(0, pattern(3, 1), p.now));
    EXPECT_EQ(p.a.pending_output().size(), 18u + 3 + 16);
    p.pump();
    ASSERT_EQ(p.b_events.back().kind, event_kind::message);
    EXPECT_EQ(p.b_events.back().code, 0u);
}

TEST(NoiseXkConfigTest, RefusesMessagesOver65535BytesAndStaysUsable) {
    pair p(initiator_options(), responder_options());
    p.start();
    EXPECT_EQ(p.a.send(0, bytes(65536), p.now), transport::errc::message_too_large);
    EXPECT_TRUE(p.a.pending_output().empty());
    ASSERT_FALSE(p.a.send(0, bytes(65535), p.now));
    p.pump();
    EXPECT_EQ(messages(p.b_events).size(), 1u);
}

TEST(NoiseXkConfigTest, SendBeforeTheHandshakeIsRefused) {
    session a(policies::handshake_role::initiator, initiator_options());
    EXPECT_EQ(a.send(0, pattern(1, 0), transport::time_point{}), transport::errc::not_established);
}

// 1,200 messages each way, interleaved, delivered one byte at a time: both
// directions rotate their keys twice (every 500 messages) independently.
TEST(NoiseXkConfigTest, OneByteAtATimeAcrossKeyRotationsInBothDirections) {
    pair p(initiator_options(), responder_options());
    p.chunk = 1;
    p.start();
    ASSERT_EQ(p.a.state(), session_state::established);
    std::vector<bytes> a_sent, b_sent;
    for (unsigned i = 0; i < 1200; ++i) {
        a_sent.push_back(pattern(i % 7, i));
        b_sent.push_back(pattern((i * 3) % 11, i + 1));
        ASSERT_FALSE(p.a.send(0, a_sent.back(), p.now));
        if (i % 3 == 0) p.pump();  // the directions rotate at different moments
        ASSERT_FALSE(p.b.send(0, b_sent.back(), p.now));
    }
    p.pump();
    EXPECT_EQ(messages(p.b_events), a_sent);
    EXPECT_EQ(messages(p.a_events), b_sent);
    EXPECT_EQ(test::count(p.a_events, event_kind::error) + test::count(p.b_events, event_kind::error), 0u);
}

// Every byte of a message on the wire (length ciphertext, its tag, body
// ciphertext, its tag), flipped: an authentication error, nothing delivered.
TEST(NoiseXkConfigTest, TamperingAnyMessageByteIsAnAuthenticationErrorAndDeliversNothing) {
    const bytes payload = pattern(10, 5);
    for (std::size_t at = 0; at < 18 + payload.size() + 16; ++at) {
        pair p(initiator_options(), responder_options());
        p.start();
        ASSERT_FALSE(p.a.send(0, payload, p.now));
        bytes wire(p.a.pending_output().begin(), p.a.pending_output().end());
        p.a.consume_output(wire.size());
        wire[at] ^= 0x20;
        (void)p.b.receive(wire, p.now);
        pair::drain(p.b, p.b_events);
        SCOPED_TRACE("byte " + std::to_string(at));
        EXPECT_EQ(p.b.state(), session_state::closed);
        EXPECT_EQ(p.b.error(), transport::condition::authentication_failed) << p.b.error().message();
        EXPECT_EQ(messages(p.b_events).size(), 0u);
        EXPECT_TRUE(p.b.pending_output().empty());  // BOLT 8 has no goodbye
    }
}

TEST(NoiseXkConfigTest, ReorderedOrReplayedMessagesFailAuthentication) {
    for (bool replay : {false, true}) {
        pair p(initiator_options(), responder_options());
        p.start();
        ASSERT_FALSE(p.a.send(0, pattern(4, 1), p.now));
        const bytes first(p.a.pending_output().begin(), p.a.pending_output().end());
        p.a.consume_output(first.size());
        ASSERT_FALSE(p.a.send(0, pattern(4, 2), p.now));
        const bytes second(p.a.pending_output().begin(), p.a.pending_output().end());
        if (replay) {
            ASSERT_FALSE(p.b.receive(first, p.now));
            (void)p.b.receive(first, p.now);
        } else {
            (void)p.b.receive(second, p.now);
        }
        pair::drain(p.b, p.b_events);
        EXPECT_EQ(p.b.error(), transport::condition::authentication_failed);
        EXPECT_EQ(messages(p.b_events).size(), replay ? 1u : 0u);
    }
}

TEST(NoiseXkConfigTest, AWrongExpectedResponderKeyFailsTheHandshake) {
    const auto other = k1::derive_compressed_public_key(k1::private_key(h(std::string(64, '3')))).value();
    pair p(initiator_options(other), responder_options());
    p.start();
    // The responder cannot authenticate Act One and closes; the initiator
    // learns it from the end of the stream (or its handshake deadline).
    EXPECT_EQ(p.b.state(), session_state::closed);
    EXPECT_EQ(p.b.error(), errc::act1_bad_tag);
    EXPECT_EQ(p.b.error(), transport::condition::handshake_failed);
    EXPECT_EQ(p.bytes_b_to_a, 0u);
    EXPECT_EQ(p.a.state(), session_state::handshaking);
    EXPECT_EQ(p.a.receive_eof(p.now), transport::errc::peer_closed);
    EXPECT_EQ(test::count(p.a_events, event_kind::handshake_complete), 0u);
}

TEST(NoiseXkConfigTest, AnImpostorInitiatorIsRejectedByAResponderThatExpectsSomeoneElse) {
    auto ro = responder_options();
    ro.handshake.remote_static = k1::derive_compressed_public_key(k1::private_key(h(std::string(64, '4')))).value();
    pair p(initiator_options(), std::move(ro));
    p.start();
    EXPECT_EQ(p.b.error(), errc::wrong_remote_identity);
    EXPECT_EQ(test::count(p.b_events, event_kind::handshake_complete), 0u);
}

TEST(NoiseXkConfigTest, TheHandshakeDeadlineBoundsASilentPeer) {
    pair p(initiator_options(), responder_options());
    (void)p.a.start(p.now);
    p.a.consume_output(p.a.pending_output().size());  // Act One is lost
    p.advance(p.a.settings().timeouts.handshake);
    EXPECT_EQ(p.a.error(), transport::errc::handshake_timeout);
}

}  // namespace
}  // namespace polywire::variants::noise_xk
