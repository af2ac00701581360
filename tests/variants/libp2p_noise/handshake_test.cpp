// libp2p's Noise handshake between two in-memory sessions: Ed25519 and
// secp256k1 identities, the peer ids each side learns, the stream muxers
// each offers, messages of 0 B to 65,519 B both ways (65,520 B refused
// locally), and the refusals: a wrong expected peer id (dialer and
// listener), a tampered signature, an identity key that did not sign.
#include "variants/libp2p_noise/config.hpp"

#include <functional>
#include <tuple>

#include <gtest/gtest.h>

#include "crypto/random.hpp"
#include "tests/support/pair.hpp"
#include "variants/noise/config.hpp"
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
    // The secrets' identity fields are those the check of the peer's payload
    // gave (the secrets only read the payload again, not verifying it twice).
    for (auto [s, k, muxers] : {std::tuple{&p.a, &kr, std::vector<std::string>{"/mplex/6.7.0", "/yamux/1.0.0"}},
                                std::tuple{&p.b, &ki, std::vector<std::string>{"/yamux/1.0.0"}}}) {
        const auto& got = s->remote_id();
        auto checked = check_payload(make_payload(*k, got.remote_static, muxers).value(), got.remote_static, got.id);
        ASSERT_TRUE(checked) << checked.error().message();
        EXPECT_EQ(got.id, checked.value().id);
        EXPECT_EQ(got.identity_type, checked.value().identity_type);
        EXPECT_EQ(got.identity_key, checked.value().identity_key);
        EXPECT_EQ(got.stream_muxers, checked.value().stream_muxers);
        EXPECT_EQ(got.webtransport_certhashes, checked.value().webtransport_certhashes);
    }
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


// ---- a peer that sends a payload of the test's making -----------------------
// A plain Noise XX session (variants/noise) speaks the same messages; the
// test writes its payload.

namespace hostile_peer {
using raw = noise::session<noise::pattern::XX, suite>;

struct made {
    raw::options options;
    bytes static_pub;
};

made with_static_key() {
    made m;
    m.options.handshake.static_key.emplace();
    EXPECT_FALSE(crypto::random_bytes(m.options.handshake.static_key->mutable_view()));
    const auto pub = suite::dh::public_key_of(*m.options.handshake.static_key).value();
    m.static_pub.assign(pub.begin(), pub.end());
    return m;
}

/// A payload signed by `signer` over `signed_key`, naming `identity_key` as the key.
bytes payload(const private_key& signer, byte_view signed_key, byte_view identity_key) {
    bytes message(signature_prefix.begin(), signature_prefix.end());
    message.insert(message.end(), signed_key.begin(), signed_key.end());
    pb::handshake_payload p;
    p.identity_key.emplace(identity_key.begin(), identity_key.end());
    p.identity_sig.emplace();
    EXPECT_FALSE(signer.sign(message, *p.identity_sig));
    bytes out;
    pb::encode(p, out);
    return out;
}
}  // namespace hostile_peer

/// A libp2p responder against a raw initiator sending `message3_payload`
/// (or a libp2p initiator against a raw responder sending it in message 2):
/// the libp2p side's error.
std::error_code refused_by_libp2p(bool libp2p_dials, const std::function<bytes(const hostile_peer::made&)>& make) {
    auto m = hostile_peer::with_static_key();
    const bytes p = make(m);
    m.options.handshake.payloads = {bytes{}, p, p};
    const private_key k = key_of(key_type::ed25519);
    if (libp2p_dials) {
        test::session_pair<session, hostile_peer::raw> pair(options_for(k), m.options);
        pair.start();
        EXPECT_NE(pair.a.state(), session_state::established);
        EXPECT_EQ(test::count(pair.a_events, event_kind::handshake_complete), 0u);
        return pair.a.error();
    }
    test::session_pair<hostile_peer::raw, session> pair(m.options, options_for(k));
    pair.start();
    EXPECT_NE(pair.b.state(), session_state::established);
    EXPECT_EQ(test::count(pair.b_events, event_kind::handshake_complete), 0u);
    return pair.b.error();
}

TEST(Libp2pNoiseHandshakeTest, AnHonestHandMadePayloadIsAccepted) {
    // The control for the refusals below: the same peer, signing correctly.
    const private_key id = key_of(key_type::secp256k1);
    for (bool dials : {true, false}) {
        auto m = hostile_peer::with_static_key();
        const bytes p = hostile_peer::payload(id, m.static_pub, id.public_key());
        m.options.handshake.payloads = {bytes{}, p, p};
        if (dials) {
            test::session_pair<session, hostile_peer::raw> pair(options_for(key_of(key_type::ed25519), id_of(id)), m.options);
            pair.start();
            EXPECT_EQ(pair.a.state(), session_state::established) << pair.a.error().message();
            EXPECT_EQ(pair.a.remote_id().id, id_of(id));
        } else {
            test::session_pair<hostile_peer::raw, session> pair(m.options, options_for(key_of(key_type::ed25519)));
            pair.start();
            EXPECT_EQ(pair.b.state(), session_state::established) << pair.b.error().message();
            EXPECT_EQ(pair.b.remote_id().id, id_of(id));
        }
    }
}

TEST(Libp2pNoiseHandshakeTest, ATamperedSignatureIsRefusedBothWays) {
    for (bool dials : {true, false}) {
        for (key_type t : {key_type::ed25519, key_type::secp256k1}) {
            const private_key id = key_of(t);
            const auto ec = refused_by_libp2p(dials, [&](const hostile_peer::made& m) {
                auto decoded = pb::decode_payload(hostile_peer::payload(id, m.static_pub, id.public_key())).value();
                (*decoded.identity_sig)[decoded.identity_sig->size() / 2] ^= 0x01;
                bytes out;
                pb::encode(decoded, out);
                return out;
            });
            EXPECT_EQ(ec, errc::bad_signature) << dials << " " << ec.message();
            EXPECT_EQ(ec, transport::condition::authentication_failed);
        }
    }
}

TEST(Libp2pNoiseHandshakeTest, AnIdentityKeyThatDidNotSignIsRefused) {
    const private_key signer = key_of(key_type::ed25519), named = key_of(key_type::ed25519);
    for (bool dials : {true, false}) {
        const auto ec = refused_by_libp2p(dials, [&](const hostile_peer::made& m) {
            return hostile_peer::payload(signer, m.static_pub, named.public_key());
        });
        EXPECT_EQ(ec, errc::bad_signature) << ec.message();
    }
}

TEST(Libp2pNoiseHandshakeTest, ASignatureOverAnotherStaticKeyIsRefused) {
    const private_key id = key_of(key_type::ed25519);
    const auto ec = refused_by_libp2p(true, [&](const hostile_peer::made&) {
        return hostile_peer::payload(id, bytes(32, 0x42), id.public_key());
    });
    EXPECT_EQ(ec, errc::bad_signature) << ec.message();
}

TEST(Libp2pNoiseHandshakeTest, MissingMalformedAndUnsupportedPayloadsAreRefused) {
    EXPECT_EQ(refused_by_libp2p(true, [](const hostile_peer::made&) { return bytes{}; }), errc::missing_identity);
    EXPECT_EQ(refused_by_libp2p(false, [](const hostile_peer::made&) { return bytes{0x0a, 0x05, 0x01}; }),
              errc::bad_payload);
    // An RSA identity key (type 0): not spoken here.
    EXPECT_EQ(refused_by_libp2p(true, [](const hostile_peer::made&) {
                  pb::handshake_payload p;
                  pb::encode(pb::key_message{key_type::rsa, bytes(40, 1)}, p.identity_key.emplace());
                  p.identity_sig = bytes(64, 2);
                  bytes out;
                  pb::encode(p, out);
                  return out;
              }),
              errc::unsupported_key_type);
    // An Ed25519 "key" of 31 bytes.
    EXPECT_EQ(refused_by_libp2p(true, [](const hostile_peer::made&) {
                  pb::handshake_payload p;
                  pb::encode(pb::key_message{key_type::ed25519, bytes(31, 1)}, p.identity_key.emplace());
                  p.identity_sig = bytes(64, 2);
                  bytes out;
                  pb::encode(p, out);
                  return out;
              }),
              errc::bad_public_key);
}

TEST(Libp2pNoiseHandshakeTest, AHandshakeMessageOverTheBoundIsRefusedAtItsLength) {
    const std::error_code ec = refused_by_libp2p(true, [](const hostile_peer::made&) { return bytes(9000, 0); });
    EXPECT_EQ(ec, errc::handshake_message_too_large) << ec.message();
}
}  // namespace
}  // namespace polywire::variants::libp2p_noise
