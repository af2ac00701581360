// The p2p base protocol inside a real RLPx session, seen from the wire: the
// bytes of every Disconnect it sends (snappy-compressed after a v5 Hello
// exchange, whichever path sends it, in both roles), the self-connection
// check, and a compressed message that turns out corrupt only when the
// application takes it after the session closed.
//
// The peer is RLPx with the p2p base protocol and compression swapped out
// (no_base_protocol, no_compression): it completes the real handshake, can
// send any frame, and receives the session's frames as they are on the wire
// (code and payload, nothing decompressed).
#include "rlpx/p2p/protocol.hpp"

#include <gtest/gtest.h>

#include "crypto/snappy.hpp"
#include "rlpx/config.hpp"
#include "tests/support/hex.hpp"
#include "tests/support/pair.hpp"

namespace polywire::rlpx::p2p {
namespace {
using test::h;
using transport::event_kind;
using transport::session_state;
namespace k1 = crypto::secp256k1;

using raw_config = transport::with_policy<
    transport::with_policy<config, transport::role::base_protocol, policies::no_base_protocol>,
    transport::role::compressor, policies::no_compression>;
using raw_session = transport::session<raw_config>;

bytes snappy(byte_view in) {
    bytes out(crypto::snappy::max_compressed_length(in.size()));
    out.resize(crypto::snappy::compress(in, out));
    return out;
}

const transport::time_point t0 = transport::time_point{} + std::chrono::hours(1);

/// One polywire session (`ours`) and the raw peer, either side dialling,
/// wired by hand so that the test decides when events are taken.
struct wire {
    k1::private_key our_key = k1::generate_private_key().value();
    k1::public_key our_id = k1::derive_public_key(our_key).value();
    k1::private_key peer_key = k1::generate_private_key().value();
    k1::public_key peer_id = k1::derive_public_key(peer_key).value();
    std::optional<session> ours;
    std::optional<raw_session> peer;
    transport::time_point now = t0;
    std::vector<test::recorded_event> our_events, peer_events;

    /// `same_key`: the peer holds our key (a connection to ourselves).
    void make(bool we_dial, std::uint64_t our_version = 5, bool same_key = false) {
        if (same_key) {
            peer_key = our_key;
            peer_id = our_id;
        }
        session::options o;
        o.handshake.static_key = our_key;
        if (we_dial) o.handshake.remote_id = peer_id;
        o.protocol.capabilities = {{"tst", 1, 16}};
        o.protocol.node_id = our_id;
        o.protocol.protocol_version = our_version;
        raw_session::options r;
        r.handshake.static_key = peer_key;
        if (!we_dial) r.handshake.remote_id = our_id;
        using policies::handshake_role;
        ours.emplace(we_dial ? handshake_role::initiator : handshake_role::recipient, std::move(o));
        peer.emplace(we_dial ? handshake_role::recipient : handshake_role::initiator, std::move(r));
        (void)ours->start(now);
        (void)peer->start(now);
        pump();
    }

    /// Moves bytes both ways until neither side has any; `drain_ours`
    /// false leaves our session's events queued.
    void pump(bool drain_ours = true) {
        for (bool moved = true; moved;) {
            moved = false;
            while (!ours->pending_output().empty() && peer->state() != session_state::closed) {
                bytes m(ours->pending_output().begin(), ours->pending_output().end());
                ours->consume_output(m.size());
                (void)peer->receive(m, now);
                test::session_pair<raw_session>::drain(*peer, peer_events);
                moved = true;
            }
            while (!peer->pending_output().empty() && ours->state() != session_state::closed &&
                   ours->state() != session_state::closing) {
                bytes m(peer->pending_output().begin(), peer->pending_output().end());
                peer->consume_output(m.size());
                (void)ours->receive(m, now);
                if (drain_ours) test::session_pair<session>::drain(*ours, our_events);
                moved = true;
            }
        }
    }

    /// The peer's Hello.
    bytes peer_hello(std::uint64_t version, std::vector<capability> caps = {{"tst", 1}},
                     std::optional<k1::public_key> id = std::nullopt) const {
        hello hl;
        hl.protocol_version = version;
        hl.client_id = "raw peer";
        hl.caps = std::move(caps);
        hl.node_id = id.value_or(peer_id);
        return encode(hl);
    }
    void peer_sends(std::uint64_t code, byte_view payload, bool drain_ours = true) {
        ASSERT_FALSE(peer->send(code, payload, now));
        pump(drain_ours);
    }

    /// Every Disconnect frame the peer received from us, as it was on the wire.
    std::vector<bytes> disconnects() const {
        std::vector<bytes> out;
        for (const auto& e : peer_events)
            if (e.kind == event_kind::message && e.code == disconnect_code) out.push_back(e.payload);
        return out;
    }
};

struct ProtocolTest : ::testing::TestWithParam<bool> {
    wire w;
    bool we_dial() const { return GetParam(); }
    void SetUp() override {
        w.make(we_dial());
        ASSERT_EQ(w.peer->state(), session_state::established);  // keys agreed
        ASSERT_EQ(w.ours->state(), session_state::handshaking);  // awaiting the peer's Hello
        ASSERT_EQ(test::count(w.peer_events, event_kind::message), 1u);  // our Hello
        ASSERT_EQ(w.peer_events[0].code, hello_code);
    }
    /// The session refused the peer with `ec` and sent exactly `payload` as
    /// its Disconnect.
    void expect_refused(std::error_code ec, const bytes& payload) {
        EXPECT_EQ(w.ours->state(), session_state::closed);
        EXPECT_EQ(w.ours->error(), ec) << w.ours->error().message();
        ASSERT_EQ(w.disconnects().size(), 1u);
        EXPECT_EQ(w.disconnects()[0], payload);
        EXPECT_EQ(test::count(w.our_events, event_kind::handshake_complete), 0u);
    }
};

// ---- the Disconnect refusing a Hello ----------------------------------------

TEST_P(ProtocolTest, NoCapabilityInCommonAfterAV5HelloIsRefusedWithACompressedDisconnect) {
    w.peer_sends(hello_code, w.peer_hello(5, {{"foo", 1}}));
    expect_refused(errc::no_shared_capability, snappy(h("c103")));
}

TEST_P(ProtocolTest, AHelloIdOtherThanTheHandshakeKeyAfterV5IsRefusedWithACompressedDisconnect) {
    w.peer_sends(hello_code, w.peer_hello(5, {{"tst", 1}}, w.our_id));
    expect_refused(errc::hello_identity_mismatch, snappy(h("c109")));
}

TEST_P(ProtocolTest, AV4HelloIsRefusedWithAnUncompressedDisconnect) {
    w.peer_sends(hello_code, w.peer_hello(4, {{"foo", 1}}));
    expect_refused(errc::no_shared_capability, h("c103"));
}

TEST_P(ProtocolTest, WhenWeSayV4AV5HelloIsRefusedWithAnUncompressedDisconnect) {
    wire v4;
    v4.make(we_dial(), 4);
    v4.peer_sends(hello_code, v4.peer_hello(5, {{"tst", 1}}, v4.our_id));
    EXPECT_EQ(v4.ours->error(), errc::hello_identity_mismatch);
    ASSERT_EQ(v4.disconnects().size(), 1u);
    EXPECT_EQ(v4.disconnects()[0], h("c109"));
}

TEST_P(ProtocolTest, AMalformedHelloIsRefusedWithAnUncompressedDisconnect) {
    // Its version is unknown: nothing turns compression on.
    w.peer_sends(hello_code, h("c5ff"));
    expect_refused(errc::bad_hello_rlp, h("c102"));
}

TEST_P(ProtocolTest, AMessageBeforeHelloIsRefusedWithAnUncompressedDisconnect) {
    w.peer_sends(0x10, h("c0"));
    expect_refused(errc::message_before_hello, h("c102"));
}

// ---- every other Disconnect after a v5 Hello exchange -------------------------

struct EstablishedProtocolTest : ProtocolTest {
    void SetUp() override {
        ProtocolTest::SetUp();
        w.peer_sends(hello_code, w.peer_hello(5));
        ASSERT_EQ(w.ours->state(), session_state::established);
        ASSERT_TRUE(w.ours->protocol().compression_active());
    }
};

TEST_P(EstablishedProtocolTest, CloseSendsACompressedDisconnect) {
    ASSERT_FALSE(w.ours->close(static_cast<std::uint8_t>(disconnect_reason::client_quitting), w.now));
    w.pump();
    ASSERT_EQ(w.disconnects().size(), 1u);
    EXPECT_EQ(w.disconnects()[0], snappy(h("c108")));
}

TEST_P(EstablishedProtocolTest, AFailureSendsACompressedDisconnect) {
    w.peer_sends(0x40, snappy(h("c0")));  // outside tst/1's 16 codes
    EXPECT_EQ(w.ours->error(), errc::unknown_message_code);
    ASSERT_EQ(w.disconnects().size(), 1u);
    EXPECT_EQ(w.disconnects()[0], snappy(h("c102")));  // protocol breach
}

TEST_P(EstablishedProtocolTest, ATimeoutSendsACompressedDisconnect) {
    w.now += w.ours->settings().timeouts.read;
    (void)w.ours->on_tick(w.now);
    w.pump();
    EXPECT_EQ(w.ours->error(), transport::errc::read_timeout);
    ASSERT_EQ(w.disconnects().size(), 1u);
    EXPECT_EQ(w.disconnects()[0], snappy(h("c10b")));
}

INSTANTIATE_TEST_SUITE_P(BothRoles, ProtocolTest, ::testing::Values(true, false),
                         [](const auto& i) { return i.param ? "Dialling" : "Listening"; });
INSTANTIATE_TEST_SUITE_P(BothRoles, EstablishedProtocolTest, ::testing::Values(true, false),
                         [](const auto& i) { return i.param ? "Dialling" : "Listening"; });

// ---- a connection to ourselves ---------------------------------------------

class SelfConnectionTest : public ::testing::TestWithParam<bool> {};

TEST_P(SelfConnectionTest, APeerWithOurOwnKeyIsRefusedBeforeHelloAsConnectedToSelf) {
    wire w;
    w.make(GetParam(), 5, /*same_key=*/true);
    EXPECT_EQ(w.ours->state(), session_state::closed);
    EXPECT_EQ(w.ours->error(), errc::connected_to_self) << w.ours->error().message();
    EXPECT_EQ(w.ours->error(), transport::condition::handshake_failed);
    EXPECT_EQ(w.ours->local_disconnect_reason(), static_cast<std::uint8_t>(disconnect_reason::connected_to_self));
    ASSERT_EQ(test::count(w.our_events, event_kind::error), 1u);
    EXPECT_EQ(test::count(w.our_events, event_kind::handshake_complete), 0u);
    // As go-ethereum: no Hello, only the Disconnect, uncompressed (no Hello
    // was exchanged).
    ASSERT_EQ(test::count(w.peer_events, event_kind::message), 1u);
    ASSERT_EQ(w.disconnects().size(), 1u);
    EXPECT_EQ(w.disconnects()[0], h("c10a"));
}

TEST_P(SelfConnectionTest, TwoSessionsOfOneNodeBothRefuseEachOther) {
    const k1::private_key key = k1::generate_private_key().value();
    const k1::public_key id = k1::derive_public_key(key).value();
    session::options o;
    o.handshake.static_key = key;
    o.protocol.capabilities = {{"tst", 1, 16}};
    o.protocol.node_id = id;
    session::options dial = o;
    dial.handshake.remote_id = id;
    test::session_pair<session> pair(dial, o);
    pair.start();
    for (session* s : {&pair.a, &pair.b}) {
        EXPECT_EQ(s->state(), session_state::closed);
        EXPECT_EQ(s->error(), errc::connected_to_self) << s->error().message();
    }
    EXPECT_EQ(test::count(pair.a_events, event_kind::handshake_complete), 0u);
    EXPECT_EQ(test::count(pair.b_events, event_kind::handshake_complete), 0u);
}

INSTANTIATE_TEST_SUITE_P(BothRoles, SelfConnectionTest, ::testing::Values(true, false),
                         [](const auto& i) { return i.param ? "Dialling" : "Listening"; });

// ---- a corrupt compressed message taken after the session closed -----------

struct LateCorruptMessageTest : EstablishedProtocolTest {
    /// Queues an authenticated message whose snappy body is corrupt (its
    /// declared size is fine, so it is only found out when taken), leaving
    /// it untaken in our session.
    void queue_corrupt_message() {
        w.peer_sends(0x10, h("0a00ffffff"), /*drain_ours=*/false);
        ASSERT_EQ(w.ours->state(), session_state::established);
    }
    void expect_error_instead_of_the_message(std::error_code closed_with) {
        ASSERT_EQ(w.ours->state(), session_state::closed);
        std::vector<test::recorded_event> evs;
        test::session_pair<session>::drain(*w.ours, evs);
        ASSERT_EQ(evs.size(), 1u);
        EXPECT_EQ(evs[0].kind, event_kind::error);
        EXPECT_EQ(evs[0].error, crypto::snappy::errc::corrupt) << evs[0].error.message();
        EXPECT_EQ(w.ours->error(), closed_with ? closed_with : evs[0].error);
        EXPECT_FALSE(w.ours->next_event());
        EXPECT_EQ(w.ours->receive(h("00"), w.now), transport::errc::session_closed);
        EXPECT_FALSE(w.ours->next_event());
    }
};

TEST_P(LateCorruptMessageTest, TakenAfterCloseAndTheLingerGivesAnErrorEvent) {
    queue_corrupt_message();
    ASSERT_FALSE(w.ours->close(0, w.now));
    w.now += w.ours->settings().timeouts.linger;
    ASSERT_FALSE(w.ours->on_tick(w.now));
    expect_error_instead_of_the_message({});
}

TEST_P(LateCorruptMessageTest, TakenAfterCloseAndTheEofGivesAnErrorEvent) {
    queue_corrupt_message();
    ASSERT_FALSE(w.ours->close(0, w.now));
    ASSERT_FALSE(w.ours->receive_eof(w.now));
    expect_error_instead_of_the_message({});
}

TEST_P(LateCorruptMessageTest, TakenAfterAnEofReplacesThePeerClosedError) {
    queue_corrupt_message();
    EXPECT_EQ(w.ours->receive_eof(w.now), transport::errc::peer_closed);
    expect_error_instead_of_the_message(transport::errc::peer_closed);
}

TEST_P(LateCorruptMessageTest, TakenWhileEstablishedClosesTheSessionWithAGoodbye) {
    queue_corrupt_message();
    std::vector<test::recorded_event> evs;
    test::session_pair<session>::drain(*w.ours, evs);
    ASSERT_EQ(evs.size(), 1u);
    EXPECT_EQ(evs[0].error, crypto::snappy::errc::corrupt);
    EXPECT_EQ(w.ours->state(), session_state::closed);
    w.pump();
    ASSERT_EQ(w.disconnects().size(), 1u);
    EXPECT_EQ(w.disconnects()[0], snappy(h("c102")));
}

INSTANTIATE_TEST_SUITE_P(BothRoles, LateCorruptMessageTest, ::testing::Values(true, false),
                         [](const auto& i) { return i.param ? "Dialling" : "Listening"; });

}  // namespace
}  // namespace polywire::rlpx::p2p
