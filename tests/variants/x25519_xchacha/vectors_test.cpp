// tests/vectors/x25519-xchacha-golden.json through the real sessions: each
// side, fed the other's recorded messages, emits exactly the recorded bytes
// — the handshake (with and without a pre-shared key), packets, a batch on
// several channels, the rekey exchange and packets under the new keys, and
// the datagram layout's packets — also a byte at a time; and every
// tampered byte of a recorded packet is an authentication error that
// delivers nothing.
#include <gtest/gtest.h>

#include "tests/support/replay_random.hpp"
#include "tests/support/vectors.hpp"
#include "tests/variants/x25519_xchacha/fixture.hpp"
#include "transport/error.hpp"

namespace polywire::variants::x25519_xchacha {
namespace {
using namespace test;
using nlohmann::json;
using transport::event_kind;
using transport::outgoing_message;
using transport::session_state;

const json& golden() {
    static const json v = polywire::test::load_vectors("x25519-xchacha-golden.json");
    return v;
}

template <class Session>
typename Session::options golden_options(bool initiator, bool with_psk) {
    const json& in = golden()["inputs"][initiator ? "initiator" : "responder"];
    typename Session::options o;
    o.handshake.identity = crypto::ed25519::private_key::from_seed(h(in["identity_seed"].get<std::string>())).value();
    // The random source gives the handshake's ephemeral key and session id,
    // then the rekey's ephemeral key, in this order.
    o.random = polywire::test::replay(polywire::test::cat(h(in["ephemeral_private"].get<std::string>()),
                                                          h(in["session_id"].get<std::string>()),
                                                          h(in["rekey_private"].get<std::string>())));
    if (with_psk) o.handshake.psk = secret<32>(h(golden()["inputs"]["psk"].get<std::string>()));
    o.protocol.rekey_interval = initiator ? std::chrono::seconds(60) : std::chrono::seconds(0);
    o.timeouts.read = std::chrono::minutes(10);
    o.timeouts.ping_interval = std::chrono::minutes(4);
    return o;
}

template <class Session>
bytes take_output(Session& s) {
    bytes out;
    for (auto d = s.pending_output(); !d.empty(); d = s.pending_output()) {
        out.insert(out.end(), d.begin(), d.end());
        s.consume_output(d.size());
    }
    return out;
}

const transport::time_point t0 = transport::time_point{} + std::chrono::hours(1);

std::string hs(const char* section, const char* field) { return golden()[section][field].get<std::string>(); }

std::vector<outgoing_message> messages_of(const json& p, std::vector<bytes>& storage) {
    storage.clear();
    for (const auto& m : p["messages"]) storage.push_back(h(m["payload"].get<std::string>()));
    std::vector<outgoing_message> out;
    std::size_t k = 0;
    for (const auto& m : p["messages"]) out.push_back({.code = m["channel"].get<std::uint64_t>(), .payload = storage[k++]});
    return out;
}

class VectorsTest : public ::testing::TestWithParam<bool> {};  // with a pre-shared key?

TEST_P(VectorsTest, TheInitiatorEmitsTheRecordedHandshake) {
    const char* section = GetParam() ? "handshake_with_psk" : "handshake";
    polywire::test::recorded_key_log log;
    auto o = golden_options<session>(true, GetParam());
    o.key_log = log.sink();
    session a(polywire::policies::handshake_role::initiator, std::move(o));
    ASSERT_FALSE(a.start(t0));
    EXPECT_EQ(hx(take_output(a)), hs(section, "hello"));
    ASSERT_FALSE(a.receive(h(hs(section, "reply")), t0));
    EXPECT_EQ(hx(take_output(a)), hs(section, "proof"));
    ASSERT_FALSE(a.receive(h(hs(section, "finished")), t0));
    EXPECT_EQ(a.state(), session_state::established);
    EXPECT_TRUE(a.pending_output().empty());
    EXPECT_EQ(hx(a.remote_id()), golden()["inputs"]["responder"]["identity_public"]);
    // The key log is told the recorded keys (docs/architecture.md, "Key log").
    for (const auto& [label, field] : {std::pair{"X25519_XCHACHA_INITIATOR_KEY", "initiator_key"},
                                       std::pair{"X25519_XCHACHA_RESPONDER_KEY", "responder_key"},
                                       std::pair{"X25519_XCHACHA_CHAINING_KEY", "chaining_key"}}) {
        EXPECT_EQ(hx(log.last(label).value_or(bytes{})), hs(section, field)) << label;
    }
    EXPECT_EQ(hx(log.last("X25519_XCHACHA_EPHEMERAL_PRIVATE_KEY").value_or(bytes{})),
              golden()["inputs"]["initiator"]["ephemeral_private"].get<std::string>());
}

TEST_P(VectorsTest, TheResponderEmitsTheRecordedHandshakeReadingAByteAtATime) {
    const char* section = GetParam() ? "handshake_with_psk" : "handshake";
    session b(polywire::policies::handshake_role::recipient, golden_options<session>(false, GetParam()));
    ASSERT_FALSE(b.start(t0));
    EXPECT_TRUE(b.pending_output().empty());
    for (std::uint8_t c : h(hs(section, "hello"))) ASSERT_FALSE(b.receive(byte_view(&c, 1), t0));
    EXPECT_EQ(hx(take_output(b)), hs(section, "reply"));
    for (std::uint8_t c : h(hs(section, "proof"))) ASSERT_FALSE(b.receive(byte_view(&c, 1), t0));
    EXPECT_EQ(hx(take_output(b)), hs(section, "finished"));
    EXPECT_EQ(b.state(), session_state::established);
    EXPECT_EQ(hx(b.remote_id()), golden()["inputs"]["initiator"]["identity_public"]);
}

INSTANTIATE_TEST_SUITE_P(WithAndWithoutPsk, VectorsTest, ::testing::Bool());

// Both sessions established from the recorded handshake, each only ever fed
// the other's recorded bytes.
struct established_pair {
    session a{polywire::policies::handshake_role::initiator, golden_options<session>(true, false)};
    session b{polywire::policies::handshake_role::recipient, golden_options<session>(false, false)};
    established_pair() {
        (void)a.start(t0);
        (void)b.start(t0);
        (void)take_output(a);
        (void)b.receive(h(hs("handshake", "hello")), t0);
        (void)take_output(b);
        (void)a.receive(h(hs("handshake", "reply")), t0);
        (void)take_output(a);
        (void)b.receive(h(hs("handshake", "proof")), t0);
        (void)take_output(b);
        (void)a.receive(h(hs("handshake", "finished")), t0);
        while (a.next_event()) {
        }
        while (b.next_event()) {
        }
    }
    session& by(const std::string& who) { return who == "initiator" ? a : b; }
    session& peer_of(const std::string& who) { return who == "initiator" ? b : a; }
};

// Sends packet `p` from its side, checks the bytes, and has the peer read
// the recorded bytes (a byte at a time if asked) and deliver its messages.
void replay_packet(established_pair& s, const json& p, transport::time_point now, bool byte_at_a_time = false) {
    std::vector<bytes> storage;
    const auto ms = messages_of(p, storage);
    const std::string who = p["from"].get<std::string>();
    ASSERT_FALSE(s.by(who).send_batch(ms, now));
    EXPECT_EQ(hx(take_output(s.by(who))), p["wire"].get<std::string>()) << p.dump();
    const bytes wire = h(p["wire"].get<std::string>());
    session& to = s.peer_of(who);
    if (byte_at_a_time) {
        for (std::uint8_t c : wire) ASSERT_FALSE(to.receive(byte_view(&c, 1), now));
    } else {
        ASSERT_FALSE(to.receive(wire, now));
    }
    std::size_t k = 0;
    while (auto e = to.next_event()) {
        ASSERT_EQ(e->kind, event_kind::message);
        ASSERT_LT(k, ms.size());
        EXPECT_EQ(e->code, ms[k].code);
        EXPECT_EQ(hx(e->payload), hx(ms[k].payload));
        ++k;
    }
    EXPECT_EQ(k, ms.size());
}

TEST(VectorsPacketsTest, PacketsRekeyAndPacketsUnderTheNewKeys) {
    established_pair s;
    for (const auto& p : golden()["stream_packets"]) replay_packet(s, p, t0);
    // Alice's rekey timer fires after 60 s; each message is answered in turn.
    const auto now = t0 + std::chrono::seconds(60);
    ASSERT_FALSE(s.a.on_tick(now));
    for (const auto& m : golden()["rekey"]["messages"]) {
        const std::string who = m["from"].get<std::string>();
        EXPECT_EQ(hx(take_output(s.by(who))), m["wire"].get<std::string>()) << m["message"];
        ASSERT_FALSE(s.peer_of(who).receive(h(m["wire"].get<std::string>()), now));
    }
    EXPECT_TRUE(take_output(s.a).empty());
    EXPECT_EQ(s.a.protocol().rekeys_completed(), 1u);
    EXPECT_EQ(s.b.protocol().rekeys_completed(), 1u);
    EXPECT_EQ(s.a.egress_codec()->epoch(), 1u);
    EXPECT_EQ(s.b.egress_codec()->epoch(), 1u);
    for (const auto& p : golden()["stream_packets_after_rekey"]) replay_packet(s, p, now, true);
}

TEST(VectorsPacketsTest, DatagramLayoutPackets) {
    udp_session a(polywire::policies::handshake_role::initiator, golden_options<udp_session>(true, false));
    udp_session b(polywire::policies::handshake_role::recipient, golden_options<udp_session>(false, false));
    (void)a.start(t0);
    (void)b.start(t0);
    // The handshake datagrams are the recorded messages, one per datagram.
    EXPECT_EQ(hx(a.pending_output()), hs("handshake", "hello"));
    a.consume_output(a.pending_output().size());
    ASSERT_FALSE(b.receive_datagram(h(hs("handshake", "hello")), t0));
    EXPECT_EQ(hx(b.pending_output()), hs("handshake", "reply"));
    b.consume_output(b.pending_output().size());
    ASSERT_FALSE(a.receive_datagram(h(hs("handshake", "reply")), t0));
    EXPECT_EQ(hx(a.pending_output()), hs("handshake", "proof"));
    a.consume_output(a.pending_output().size());
    ASSERT_FALSE(b.receive_datagram(h(hs("handshake", "proof")), t0));
    EXPECT_EQ(hx(b.pending_output()), hs("handshake", "finished"));
    b.consume_output(b.pending_output().size());
    ASSERT_FALSE(a.receive_datagram(h(hs("handshake", "finished")), t0));
    ASSERT_EQ(a.state(), session_state::established);
    ASSERT_EQ(b.state(), session_state::established);
    while (a.next_event()) {
    }
    while (b.next_event()) {
    }
    for (const auto& p : golden()["datagram_packets"]) {
        std::vector<bytes> storage;
        const auto ms = messages_of(p, storage);
        const bool from_a = p["from"] == "initiator";
        udp_session& from = from_a ? a : b;
        udp_session& to = from_a ? b : a;
        ASSERT_FALSE(from.send_batch(ms, t0));
        EXPECT_EQ(hx(from.pending_output()), p["wire"].get<std::string>());
        from.consume_output(from.pending_output().size());
        ASSERT_FALSE(to.receive_datagram(h(p["wire"].get<std::string>()), t0));
        auto e = to.next_event();
        ASSERT_TRUE(e);
        EXPECT_EQ(hx(e->payload), hx(ms[0].payload));
    }
}

TEST(VectorsPacketsTest, EveryTamperedByteOfARecordedPacketIsAnAuthenticationErrorThatDeliversNothing) {
    const json& p = golden()["stream_packets"][3];  // the batch of three messages
    const bytes wire = h(p["wire"].get<std::string>());
    for (std::size_t i = 0; i < wire.size(); ++i) {
        established_pair s;
        for (int k = 0; k < 3; ++k) {  // bring Bob to the point where Alice's packet 2 is next
            const auto& q = golden()["stream_packets"][k];
            const bytes w = h(q["wire"].get<std::string>());
            ASSERT_FALSE(s.peer_of(q["from"].get<std::string>()).receive(w, t0));
            while (s.peer_of(q["from"].get<std::string>()).next_event()) {
            }
        }
        bytes t = wire;
        t[i] ^= 0x04;
        (void)s.b.receive(t, t0);
        (void)s.b.receive_eof(t0);  // a length made larger waits for more: end the stream
        bool delivered = false;
        std::error_code error;
        while (auto e = s.b.next_event()) {
            if (e->kind == event_kind::message) delivered = true;
            if (e->kind == event_kind::error) error = e->error;
        }
        EXPECT_FALSE(delivered) << i;
        ASSERT_TRUE(error) << i;
        if (i >= 6) {  // the packet id, the body and the tag: the AEAD refuses
            EXPECT_EQ(error, transport::condition::authentication_failed) << i << " " << error.message();
        }
        EXPECT_EQ(s.b.state(), session_state::closed);
    }
}

TEST(VectorsPacketsTest, ARecordedPacketReplayedIsRefused) {
    established_pair s;
    const bytes w = h(golden()["stream_packets"][0]["wire"].get<std::string>());
    ASSERT_FALSE(s.b.receive(w, t0));
    while (s.b.next_event()) {
    }
    EXPECT_EQ(s.b.receive(w, t0), errc::packet_replayed);
    EXPECT_EQ(s.b.state(), session_state::closed);
    // Over datagrams the same replay is discarded instead, and counted.
    udp_session ub(polywire::policies::handshake_role::recipient, golden_options<udp_session>(false, false));
    (void)ub.start(t0);
    (void)ub.receive_datagram(h(hs("handshake", "hello")), t0);
    (void)ub.receive_datagram(h(hs("handshake", "proof")), t0);
    ASSERT_EQ(ub.state(), session_state::established);
    const bytes d = h(golden()["datagram_packets"][0]["wire"].get<std::string>());
    ASSERT_FALSE(ub.receive_datagram(d, t0));
    ASSERT_FALSE(ub.receive_datagram(d, t0));
    EXPECT_EQ(ub.discarded_datagrams(), 1u);
    EXPECT_EQ(ub.last_discard(), errc::packet_replayed);
    EXPECT_EQ(ub.state(), session_state::established);
}

}  // namespace
}  // namespace polywire::variants::x25519_xchacha
