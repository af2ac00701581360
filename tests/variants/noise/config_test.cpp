// noise::config sessions between two in-memory peers with keys from the
// system generator: XX both ways with handshake payloads, messages of every
// size up to 65,519 bytes, a byte at a time; tampered handshake and
// transport messages; a one-way pattern; options that lack a key; frames
// shorter than their tag; the protocol name built at compile time.
#include "variants/noise/config.hpp"

#include <tuple>
#include <type_traits>

#include <gtest/gtest.h>

#include "crypto/random.hpp"
#include "tests/support/pair.hpp"

namespace polywire::noise {
namespace {

using transport::event_kind;
using transport::session_state;
using suite_t = suite<dh25519, chachapoly, sha256>;
using xx = session<pattern::XX, suite_t>;
using n_session = session<pattern::N, suite_t>;

template <class S>
typename S::key_agreement::private_key fresh_key() {
    typename S::key_agreement::private_key k;
    EXPECT_FALSE(crypto::random_bytes(k.mutable_view()));
    return k;
}

bytes fill(std::size_t n, unsigned seed) {
    bytes b(n);
    for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>((i * 31 + seed) & 0xff);
    return b;
}

struct xx_peers {
    xx::options i{}, r{};
    std::vector<std::pair<std::size_t, bytes>> got_i, got_r;
    xx_peers() {
        i.handshake.static_key = fresh_key<xx>();
        r.handshake.static_key = fresh_key<xx>();
        i.handshake.prologue = r.handshake.prologue = bytes{'p', 'w'};
        i.handshake.payloads = {bytes{}, bytes{}, bytes{'i', '3'}};
        r.handshake.payloads = {bytes{}, bytes{'r', '2'}, bytes{}};
        i.handshake.on_payload = [this](std::size_t m, byte_view p) { got_i.emplace_back(m, bytes(p.begin(), p.end())); };
        r.handshake.on_payload = [this](std::size_t m, byte_view p) { got_r.emplace_back(m, bytes(p.begin(), p.end())); };
    }
};

TEST(NoiseConfigTest, NamesItsPoliciesAndProtocol) {
    static_assert(std::is_same_v<xx::key_agreement, handshake<pattern::XX, suite_t>>);
    static_assert(std::is_same_v<xx::cipher, transport_cipher<chachapoly>>);
    static_assert(std::is_same_v<xx::mac_state, polywire::policies::no_mac>);
    static_assert(std::is_same_v<xx::frame_layout, frame_layout>);
    EXPECT_EQ(xx::codec::wire_size(0), 18u);
    EXPECT_EQ(xx::config::name, "Noise_XX_25519_ChaChaPoly_SHA256");
    EXPECT_EQ((config<with_psk<pattern::XX, 0, 2>, suite<dh448, aesgcm, blake2b>>::name),
              "Noise_XXpsk0+psk2_448_AESGCM_BLAKE2b");
    EXPECT_EQ((config<pattern::I1K1, suite<dh25519, aesgcm, sha512>>::name), "Noise_I1K1_25519_AESGCM_SHA512");
}

TEST(NoiseConfigTest, XxHandshakePayloadsAndMessagesOfEverySizeBothWays) {
    xx_peers p;
    const auto i_static = dh25519::public_key_of(*p.i.handshake.static_key).value();
    const auto r_static = dh25519::public_key_of(*p.r.handshake.static_key).value();
    test::session_pair<xx> pair(p.i, p.r);
    pair.chunk = 1;  // a byte at a time: every handshake message and frame split everywhere
    pair.start();
    ASSERT_EQ(pair.a.state(), session_state::established);
    ASSERT_EQ(pair.b.state(), session_state::established);
    EXPECT_EQ(pair.a.remote_id().remote_static, bytes(r_static.begin(), r_static.end()));
    EXPECT_EQ(pair.b.remote_id().remote_static, bytes(i_static.begin(), i_static.end()));
    EXPECT_EQ(pair.a.remote_id().handshake_hash, pair.b.remote_id().handshake_hash);
    EXPECT_EQ(pair.a.remote_id().handshake_hash.size(), 32u);
    // Each side was told the payloads of the peer's messages, in order.
    ASSERT_EQ(p.got_r.size(), 2u);
    EXPECT_EQ(p.got_r[1], (std::pair<std::size_t, bytes>{2, bytes{'i', '3'}}));
    ASSERT_EQ(p.got_i.size(), 1u);
    EXPECT_EQ(p.got_i[0], (std::pair<std::size_t, bytes>{1, bytes{'r', '2'}}));
    pair.chunk = 0;
    for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{1024}, std::size_t{65519}}) {
        ASSERT_FALSE(pair.a.send(0, fill(n, 1), pair.now));
        ASSERT_FALSE(pair.b.send(0, fill(n, 2), pair.now));
        pair.pump();
        ASSERT_EQ(pair.b_events.back().kind, event_kind::message);
        EXPECT_EQ(pair.b_events.back().payload, fill(n, 1));
        ASSERT_EQ(pair.a_events.back().kind, event_kind::message);
        EXPECT_EQ(pair.a_events.back().payload, fill(n, 2));
    }
    EXPECT_EQ(pair.a.send(0, fill(65520, 3), pair.now), transport::errc::message_too_large);
    EXPECT_EQ(pair.a.send(1, fill(1, 3), pair.now), transport::errc::invalid_argument);  // no codes
}

TEST(NoiseConfigTest, TamperedHandshakeMessageFailsAuthentication) {
    xx_peers p;
    xx a(polywire::policies::handshake_role::initiator, p.i), b(polywire::policies::handshake_role::recipient, p.r);
    const auto now = transport::time_point{};
    ASSERT_FALSE(a.start(now));
    ASSERT_FALSE(b.start(now));
    bytes m1(a.pending_output().begin(), a.pending_output().end());
    a.consume_output(m1.size());
    ASSERT_FALSE(b.receive(m1, now));
    bytes m2(b.pending_output().begin(), b.pending_output().end());
    m2[2 + 32 + 5] ^= 1;  // inside the responder's encrypted static key
    EXPECT_TRUE(a.receive(m2, now));
    EXPECT_EQ(a.state(), session_state::closed);
    EXPECT_EQ(a.error(), errc::decrypt_failed);
    EXPECT_EQ(a.error(), transport::condition::authentication_failed);
    EXPECT_EQ(a.error(), transport::condition::handshake_failed);
    EXPECT_TRUE(p.got_i.empty());  // no payload of a refused message
}

// check_payload sees each received payload with the static key received so
// far, before the message is taken; its error refuses the message and
// fails the handshake. The peer's last payload stays in remote_id().payload.
TEST(NoiseConfigTest, CheckPayloadSeesTheStaticKeyAndMayRefuseTheMessage) {
    xx_peers p;
    const auto i_static = dh25519::public_key_of(*p.i.handshake.static_key).value();
    const auto r_static = dh25519::public_key_of(*p.r.handshake.static_key).value();
    std::vector<std::tuple<char, std::size_t, bytes, bytes>> asked;
    p.i.handshake.check_payload = [&](std::size_t m, byte_view payload, byte_view rs) -> std::error_code {
        asked.emplace_back('i', m, bytes(payload.begin(), payload.end()), bytes(rs.begin(), rs.end()));
        return {};
    };
    p.r.handshake.check_payload = [&](std::size_t m, byte_view payload, byte_view rs) -> std::error_code {
        asked.emplace_back('r', m, bytes(payload.begin(), payload.end()), bytes(rs.begin(), rs.end()));
        return {};
    };
    {
        test::session_pair<xx> pair(p.i, p.r);
        pair.start();
        ASSERT_EQ(pair.a.state(), session_state::established);
        ASSERT_EQ(pair.b.state(), session_state::established);
        EXPECT_EQ(pair.a.remote_id().payload, (bytes{'r', '2'}));
        EXPECT_EQ(pair.b.remote_id().payload, (bytes{'i', '3'}));
    }
    ASSERT_EQ(asked.size(), 3u);
    EXPECT_EQ(asked[0], std::make_tuple('r', std::size_t{0}, bytes{}, bytes{}));  // no static key yet
    EXPECT_EQ(asked[1], std::make_tuple('i', std::size_t{1}, bytes{'r', '2'}, bytes(r_static.begin(), r_static.end())));
    EXPECT_EQ(asked[2], std::make_tuple('r', std::size_t{2}, bytes{'i', '3'}, bytes(i_static.begin(), i_static.end())));

    // The initiator refuses message 2: it fails with the hook's error, and
    // on_payload is not told the refused payload.
    p.i.handshake.check_payload = [](std::size_t m, byte_view, byte_view) -> std::error_code {
        return m == 1 ? std::make_error_code(std::errc::permission_denied) : std::error_code{};
    };
    p.got_i.clear();
    test::session_pair<xx> pair(p.i, p.r);
    pair.start();
    EXPECT_EQ(pair.a.state(), session_state::closed);
    EXPECT_EQ(pair.a.error(), std::errc::permission_denied);
    EXPECT_NE(pair.b.state(), session_state::established);
    EXPECT_TRUE(p.got_i.empty());
}

TEST(NoiseConfigTest, TamperedTransportMessageIsRefusedWithoutPlaintext) {
    xx_peers p;
    test::session_pair<xx> pair(p.i, p.r);
    pair.start();
    ASSERT_FALSE(pair.a.send(0, fill(100, 1), pair.now));
    bytes f(pair.a.pending_output().begin(), pair.a.pending_output().end());
    pair.a.consume_output(f.size());
    ASSERT_EQ(f.size(), 2u + 100 + 16);
    EXPECT_EQ(f[0], 0);
    EXPECT_EQ(f[1], 116);
    f[50] ^= 0x80;
    EXPECT_TRUE(pair.b.receive(f, pair.now));
    EXPECT_EQ(pair.b.state(), session_state::closed);
    EXPECT_EQ(pair.b.error(), transport::condition::authentication_failed);
    while (auto e = pair.b.next_event()) EXPECT_NE(e->kind, event_kind::message);
}

TEST(NoiseConfigTest, FrameShorterThanItsTagIsMalformed) {
    xx_peers p;
    test::session_pair<xx> pair(p.i, p.r);
    pair.start();
    const bytes f{0, 15};
    EXPECT_TRUE(pair.b.receive(f, pair.now));
    EXPECT_EQ(pair.b.error(), errc::short_frame);
    EXPECT_EQ(pair.b.error(), transport::condition::protocol_violation);
}

TEST(NoiseConfigTest, OptionsWithoutTheKeysThePatternNeedsAreMisuse) {
    xx::options o{};
    xx a(polywire::policies::handshake_role::initiator, o);
    EXPECT_EQ(a.start(transport::time_point{}), errc::missing_static_key);
    EXPECT_EQ(a.error(), transport::condition::misuse);
    n_session::options no{};  // N: the initiator must know the responder's static key
    n_session n(polywire::policies::handshake_role::initiator, no);
    EXPECT_EQ(n.start(transport::time_point{}), errc::missing_remote_static);
    using psk_session = session<pattern::NNpsk0, suite_t>;
    psk_session::options po{};
    psk_session ps(polywire::policies::handshake_role::initiator, po);
    EXPECT_EQ(ps.start(transport::time_point{}), errc::missing_psk);
}

TEST(NoiseConfigTest, HandshakePayloadTooLargeForOneMessageIsRefused) {
    xx_peers p;
    p.i.handshake.payloads[0] = bytes(65535 - 32 + 1);  // e (32) + payload > 65535
    xx a(polywire::policies::handshake_role::initiator, p.i);
    EXPECT_EQ(a.start(transport::time_point{}), errc::message_too_large);
}

TEST(NoiseConfigTest, OneWayPatternOnlyTheInitiatorSends) {
    n_session::options i{}, r{};
    r.handshake.static_key = fresh_key<n_session>();
    i.handshake.remote_static = dh25519::public_key_of(*r.handshake.static_key).value();
    test::session_pair<n_session> pair(i, r);
    pair.start();
    ASSERT_EQ(pair.a.state(), session_state::established);  // complete after its one message
    ASSERT_EQ(pair.b.state(), session_state::established);
    ASSERT_FALSE(pair.a.send(0, fill(10, 1), pair.now));
    pair.pump();
    EXPECT_EQ(pair.b_events.back().payload, fill(10, 1));
    // The responder has no key to send with: its send() is refused at once,
    // nothing is written, and it can still receive.
    EXPECT_EQ(pair.b.send(0, fill(10, 2), pair.now), errc::receive_only);
    EXPECT_EQ(pair.b.send(0, fill(10, 2), pair.now), transport::condition::misuse);
    EXPECT_TRUE(pair.b.pending_output().empty());
    EXPECT_EQ(pair.b.state(), session_state::established);
    ASSERT_FALSE(pair.a.send(0, fill(11, 3), pair.now));
    pair.pump();
    EXPECT_EQ(pair.b_events.back().payload, fill(11, 3));
    EXPECT_EQ(pair.a.state(), session_state::established);
}

// What a one-way responder's peer does with a frame that reaches it anyway
// (a responder that is not polywire): the initiator has no key to open it.
TEST(NoiseConfigTest, OneWayPatternTheInitiatorRefusesAnyFrame) {
    n_session::options i{}, r{};
    r.handshake.static_key = fresh_key<n_session>();
    i.handshake.remote_static = dh25519::public_key_of(*r.handshake.static_key).value();
    test::session_pair<n_session> pair(i, r);
    pair.start();
    ASSERT_EQ(pair.a.state(), session_state::established);
    bytes frame{0, 16 + 3};
    frame.resize(2 + 16 + 3);
    EXPECT_TRUE(pair.a.receive(frame, pair.now));
    EXPECT_EQ(pair.a.state(), session_state::closed);
    EXPECT_EQ(pair.a.error(), errc::one_way_pattern);
}

TEST(NoiseConfigTest, StaticPublicKeyGivenIsTheOneSentAndAWrongOneIsRefused) {
    xx_peers p;
    const auto i_static = dh25519::public_key_of(*p.i.handshake.static_key).value();
    p.i.handshake.static_public_key = i_static;
    p.r.handshake.static_public_key = dh25519::public_key_of(*p.r.handshake.static_key).value();
    {
        test::session_pair<xx> pair(p.i, p.r);
        pair.start();
        ASSERT_EQ(pair.a.state(), session_state::established);
        ASSERT_EQ(pair.b.state(), session_state::established);
        EXPECT_EQ(pair.b.remote_id().remote_static, bytes(i_static.begin(), i_static.end()));
    }
    // A public key that is not the static key's: the handshake sends it, and
    // the responder's se (DH with the claimed key) no longer matches.
    p.i.handshake.static_public_key = dh25519::public_key_of(fresh_key<xx>()).value();
    test::session_pair<xx> pair(p.i, p.r);
    pair.start();
    EXPECT_EQ(pair.b.state(), session_state::closed);
    EXPECT_EQ(pair.b.error(), errc::decrypt_failed);
}

TEST(NoiseConfigTest, KeyLogIsToldTheTransportKeys) {
    xx_peers p;
    std::vector<std::string> labels;
    p.i.handshake.key_log = [&](std::string_view label, byte_view k) {
        labels.emplace_back(label);
        EXPECT_EQ(k.size(), 32u);
    };
    test::session_pair<xx> pair(p.i, p.r);
    pair.start();
    EXPECT_EQ(labels, (std::vector<std::string>{"NOISE_INITIATOR_KEY", "NOISE_RESPONDER_KEY"}));
}

}  // namespace
}  // namespace polywire::noise
