// sha256-per-side through the real session: every derived vector byte for
// byte, any split of the stream, tampering, hostile totlen values and
// hostile Authenticate packets.
#include "variants/sha256_per_side/config.hpp"

#include <gtest/gtest.h>

#include "tests/support/pair.hpp"
#include "tests/variants/sha256_per_side/fixture.hpp"

namespace polywire::variants::sha256_per_side {
namespace {
using namespace test;
using polywire::test::recorded_event;
using polywire::test::session_pair;
using transport::condition;
using transport::event_kind;
using transport::session_state;
using policies::handshake_role;
namespace role = transport::role;

static_assert(std::is_same_v<session::cipher, polywire::policies::aes_ctr<16>>);
static_assert(std::is_same_v<session::mac_state, polywire::policies::hmac_sha256<errc::bad_mac>>);
static_assert(std::is_same_v<session::frame_layout, totlen_framing>);
static_assert(std::is_same_v<session::base_protocol, authenticate_protocol>);
static_assert(std::is_same_v<session::remote_id_type, compressed_key>);

const transport::time_point t0 = transport::time_point{} + std::chrono::hours(1);

std::vector<recorded_event> drain(session& s) {
    std::vector<recorded_event> out;
    session_pair<session>::drain(s, out);
    return out;
}
template <class S>
bytes take(S& s) {
    bytes b(s.pending_output().begin(), s.pending_output().end());
    s.consume_output(b.size());
    return b;
}
std::string wire(const char* dir, const char* packet) { return packets(dir)[packet]["wire"].get<std::string>(); }
bytes plain(const char* dir, const char* packet) { return h(packets(dir)[packet]["pkt_protobuf"].get<std::string>()); }
bytes cat_hex(std::initializer_list<std::string> parts) {
    bytes out;
    for (const auto& p : parts) {
        const bytes b = h(p);
        out.insert(out.end(), b.begin(), b.end());
    }
    return out;
}
bool has(const std::vector<recorded_event>& ev, event_kind k) { return polywire::test::count(ev, k) > 0; }
std::error_code error_of(const std::vector<recorded_event>& ev) {
    for (const auto& e : ev)
        if (e.kind == event_kind::error) return e.error;
    return {};
}

TEST(Sha256PerSideConfigTest, NamesItsChoices) {
    EXPECT_NE(config::name.find("c-lightning 2016"), std::string_view::npos);
    EXPECT_EQ(session::cipher::name, "AES-128-CTR");
    EXPECT_EQ(session::mac_state::name, "HMAC-SHA256");
}

TEST(Sha256PerSideConfigTest, ReproducesEveryDerivedVectorThroughTheSession) {
    session a(handshake_role::initiator, node_options('a'));
    session b(handshake_role::recipient, node_options('b'));
    ASSERT_FALSE(a.start(t0));
    ASSERT_FALSE(b.start(t0));
    const bytes a_key = take(a), b_key = take(b);
    EXPECT_EQ(hx(a_key), input("a_session_pub"));
    EXPECT_EQ(hx(b_key), input("b_session_pub"));

    ASSERT_FALSE(a.receive(b_key, t0));
    ASSERT_FALSE(b.receive(a_key, t0));
    const bytes a_auth = take(a), b_auth = take(b);
    EXPECT_EQ(hx(a_auth), wire("A->B", "authenticate"));
    EXPECT_EQ(hx(b_auth), wire("B->A", "authenticate"));
    EXPECT_EQ(a.state(), session_state::handshaking);
    EXPECT_EQ(a.send(0, {}, t0), transport::errc::not_established);

    ASSERT_FALSE(b.receive(a_auth, t0));
    ASSERT_FALSE(a.receive(b_auth, t0));
    for (auto* s : {&a, &b}) {
        auto ev = drain(*s);
        ASSERT_EQ(ev.size(), 1u);
        EXPECT_EQ(ev[0].kind, event_kind::handshake_complete);
        EXPECT_EQ(s->state(), session_state::established);
    }
    EXPECT_EQ(hx(a.remote_id()), input("b_node_id"));
    EXPECT_EQ(hx(b.remote_id()), input("a_node_id"));
    EXPECT_EQ(hx(b.peer().node_id), input("a_node_id"));

    // After Authenticate: each packet's plaintext is one message, as is.
    ASSERT_FALSE(a.send(0, plain("A->B", "error_hello"), t0));
    ASSERT_FALSE(b.send(0, plain("B->A", "error_hello"), t0));
    const bytes a_hello = take(a), b_hello = take(b);
    EXPECT_EQ(hx(a_hello), wire("A->B", "error_hello"));
    EXPECT_EQ(hx(b_hello), wire("B->A", "error_hello"));
    ASSERT_FALSE(b.receive(a_hello, t0));
    ASSERT_FALSE(a.receive(b_hello, t0));
    for (auto [s, dir] : {std::pair{&b, "A->B"}, std::pair{&a, "B->A"}}) {
        auto ev = drain(*s);
        ASSERT_EQ(ev.size(), 1u);
        EXPECT_EQ(ev[0].kind, event_kind::message);
        EXPECT_EQ(ev[0].code, 0u);
        EXPECT_EQ(hx(ev[0].payload), hx(plain(dir, "error_hello")));
    }
}

TEST(Sha256PerSideConfigTest, TheVectorsDeliveredOneByteAtATimeGiveTheSameResult) {
    session b(handshake_role::recipient, node_options('b'));
    ASSERT_FALSE(b.start(t0));
    EXPECT_EQ(hx(take(b)), input("b_session_pub"));
    const bytes stream = cat_hex({input("a_session_pub"), wire("A->B", "authenticate"), wire("A->B", "error_hello")});
    std::vector<recorded_event> ev;
    bytes out;
    for (std::uint8_t byte : stream) {
        ASSERT_FALSE(b.receive(byte_view(&byte, 1), t0));
        auto more = drain(b);
        ev.insert(ev.end(), more.begin(), more.end());
        const bytes o = take(b);
        out.insert(out.end(), o.begin(), o.end());
    }
    EXPECT_EQ(hx(out), wire("B->A", "authenticate"));
    ASSERT_EQ(ev.size(), 2u);
    EXPECT_EQ(ev[0].kind, event_kind::handshake_complete);
    EXPECT_EQ(ev[1].kind, event_kind::message);
    EXPECT_EQ(hx(ev[1].payload), hx(plain("A->B", "error_hello")));
}

// Tampering: flip bits anywhere in A's stream (session key, Authenticate,
// then one message) and B must never deliver what was tampered with. A
// flipped totlen may ask for more data than was sent: the test then sends
// filler, so every frame is eventually judged.
TEST(Sha256PerSideConfigTest, AnyTamperedByteIsRejectedAndNothingOfItIsDelivered) {
    const bytes stream = cat_hex({input("a_session_pub"), wire("A->B", "authenticate"), wire("A->B", "error_hello")});
    const std::size_t auth_at = 33, hello_at = 33 + 168, totlen_at = 32;
    const bytes filler(max_packet_length + 64, 0);
    for (std::size_t i = 0; i < stream.size(); ++i) {
        for (std::uint8_t bit : {0x01, 0x10, 0x80}) {
            session b(handshake_role::recipient, node_options('b'));
            ASSERT_FALSE(b.start(t0));
            bytes bad = stream;
            bad[i] ^= bit;
            (void)b.receive(bad, t0);
            auto ev = drain(b);
            if (b.state() != session_state::closed) {
                (void)b.receive(filler, t0);
                auto more = drain(b);
                ev.insert(ev.end(), more.begin(), more.end());
            }
            ASSERT_EQ(b.state(), session_state::closed) << i;
            const std::error_code ec = error_of(ev);
            EXPECT_EQ(has(ev, event_kind::handshake_complete), i >= hello_at) << i;
            EXPECT_FALSE(has(ev, event_kind::message)) << i;
            const std::size_t in_packet = i < hello_at ? i - auth_at : i - hello_at;
            if (i < auth_at) {
                // Another session key: either no curve point, or other keys.
                EXPECT_TRUE(ec == errc::bad_session_key || ec == errc::bad_mac) << i << ": " << ec.message();
            } else if (in_packet >= totlen_at && in_packet < totlen_at + 8) {
                EXPECT_TRUE(ec == errc::bad_mac || ec == errc::packet_went_backwards || ec == errc::packet_too_large)
                    << i << ": " << ec.message();
            } else {
                EXPECT_EQ(ec, errc::bad_mac) << i;
                EXPECT_EQ(ec, condition::authentication_failed) << i;
            }
        }
    }
}

// A peer whose next totlen the test chooses (its MAC is right).
struct forged_totlen_framing : totlen_framing {
    static inline std::optional<std::uint64_t> next;
    void encode_header(std::size_t n, mutable_byte_view h) noexcept {
        totlen_framing::encode_header(n, h);
        if (!next) return;
        for (std::size_t i = 0; i < 8; ++i) h[i] = static_cast<std::uint8_t>(*next >> (8 * i));
        next.reset();
    }
};
using forging_config = transport::with_policy<config, role::frame_layout, forged_totlen_framing>;
using forging_session = transport::session<forging_config>;

void establish(forging_session& a, session& b) {
    ASSERT_FALSE(a.start(t0));
    ASSERT_FALSE(b.start(t0));
    for (int i = 0; i < 3; ++i) {
        ASSERT_FALSE(b.receive(take(a), t0));
        ASSERT_FALSE(a.receive(take(b), t0));
    }
    ASSERT_EQ(a.state(), session_state::established);
    ASSERT_EQ(b.state(), session_state::established);
    drain(b);
}

TEST(Sha256PerSideConfigTest, ATotlenThatGoesBackwardsIsRejected) {
    forging_session a(handshake_role::initiator, node_options<forging_session>('a'));
    session b(handshake_role::recipient, node_options('b'));
    establish(a, b);
    forged_totlen_framing::next = 113;  // the Authenticate alone was 114
    ASSERT_FALSE(a.send(0, as_bytes("x"), t0));
    EXPECT_EQ(b.receive(take(a), t0), errc::packet_went_backwards);
    auto ev = drain(b);
    EXPECT_FALSE(has(ev, event_kind::message));
    EXPECT_EQ(error_of(ev), condition::protocol_violation);
    EXPECT_EQ(b.state(), session_state::closed);
}

TEST(Sha256PerSideConfigTest, ATotlenJumpOverOneMebibyteIsRejectedBeforeTheDataArrives) {
    forging_session a(handshake_role::initiator, node_options<forging_session>('a'));
    session b(handshake_role::recipient, node_options('b'));
    establish(a, b);
    forged_totlen_framing::next = 114 + max_packet_length + 1;
    ASSERT_FALSE(a.send(0, as_bytes("x"), t0));
    const bytes packet = take(a);
    // The 40-byte prefix is enough: nothing waits for (or buffers) 1 MiB.
    EXPECT_EQ(b.receive(byte_view(packet).first(40), t0), errc::packet_too_large);
    EXPECT_EQ(error_of(drain(b)), condition::limit_exceeded);
}

TEST(Sha256PerSideConfigTest, ZeroByteMessagesDoNotAdvanceTotlen) {
    session_pair<session> p(node_options('a'), node_options('b'));
    p.start();
    ASSERT_FALSE(p.a.send(0, {}, p.now));
    EXPECT_EQ(p.a.pending_output().size(), 40u);  // hmac | totlen, no data
    EXPECT_EQ(hx(p.a.pending_output().subspan(32)), "7200000000000000");
    ASSERT_FALSE(p.a.send(0, as_bytes("after"), p.now));
    p.pump();
    ASSERT_EQ(p.b_events.size(), 3u);
    EXPECT_EQ(p.b_events[1].kind, event_kind::message);
    EXPECT_TRUE(p.b_events[1].payload.empty());
    EXPECT_EQ(p.b_events[2].payload, bytes(as_bytes("after").begin(), as_bytes("after").end()));
}

TEST(Sha256PerSideConfigTest, MessagesUpToOneMebibyteInAnySplit) {
    for (std::size_t chunk : {1u, 7u, 100u, 0u}) {
        session_pair<session> p(node_options('a'), node_options('b'));
        p.chunk = chunk;
        p.start();
        ASSERT_EQ(p.a.state(), session_state::established);
        const std::vector<std::size_t> sizes =
            chunk == 1 ? std::vector<std::size_t>{0, 1, 15, 16, 17, 1000}
                       : std::vector<std::size_t>{0, 1, 15, 16, 17, 1000, max_packet_length};
        for (std::size_t n : sizes) {
            bytes m(n);
            for (std::size_t i = 0; i < n; ++i) m[i] = static_cast<std::uint8_t>(i * 7 + n);
            ASSERT_FALSE(p.a.send(0, m, p.now)) << n;
            ASSERT_FALSE(p.b.send(0, m, p.now)) << n;
            p.pump();
            ASSERT_FALSE(p.a_events.empty());
            ASSERT_FALSE(p.b_events.empty());
            EXPECT_EQ(p.a_events.back().payload, m) << n << " chunk " << chunk;
            EXPECT_EQ(p.b_events.back().payload, m) << n << " chunk " << chunk;
        }
        EXPECT_EQ(p.a.state(), session_state::established);
        EXPECT_EQ(p.b.state(), session_state::established);
    }
}

TEST(Sha256PerSideConfigTest, SendRefusesCodesAndSizesTheWireCannotCarry) {
    session_pair<session> p(node_options('a'), node_options('b'));
    p.start();
    EXPECT_EQ(p.a.send(1, as_bytes("x"), p.now), transport::errc::invalid_argument);
    EXPECT_EQ(p.a.send(0, bytes(max_packet_length + 1), p.now), transport::errc::message_too_large);
    EXPECT_FALSE(p.a.send(0, bytes(max_packet_length), p.now));
}

TEST(Sha256PerSideConfigTest, FreshKeysEachConnection) {
    auto o = node_options('a');
    o.random = nullptr;  // the kernel's
    auto ob = node_options('b');
    ob.random = nullptr;
    session_pair<session> p1(o, ob), p2(o, ob);
    p1.start();
    p2.start();
    ASSERT_EQ(p1.a.state(), session_state::established);
    ASSERT_EQ(p2.a.state(), session_state::established);
    ASSERT_FALSE(p1.a.send(0, as_bytes("same"), p1.now));
    ASSERT_FALSE(p2.a.send(0, as_bytes("same"), p2.now));
    EXPECT_NE(hx(p1.a.pending_output()), hx(p2.a.pending_output()));
}

// A peer without the Authenticate protocol: established as soon as the
// session keys are exchanged, it can send any first packet.
using raw_config = transport::with_policy<config, role::base_protocol, polywire::policies::no_base_protocol>;
using raw_session = transport::session<raw_config>;

std::vector<recorded_event> first_packet_to_b(const bytes& pkt, session::options bo = node_options('b')) {
    raw_session evil(handshake_role::initiator, node_options<raw_session>('a'));
    session b(handshake_role::recipient, std::move(bo));
    EXPECT_FALSE(evil.start(t0));
    EXPECT_FALSE(b.start(t0));
    EXPECT_FALSE(evil.receive(take(b), t0));
    (void)b.receive(take(evil), t0);
    EXPECT_EQ(evil.state(), session_state::established);
    EXPECT_FALSE(evil.send(0, pkt, t0));
    (void)b.receive(take(evil), t0);
    auto ev = drain(b);
    if (b.state() != session_state::closed) {
        EXPECT_EQ(b.state(), session_state::established);
    }
    return ev;
}

bytes a_authenticate_packet() { return plain("A->B", "authenticate"); }
// Appends `extra` inside the Authenticate (Pkt = 92 03 <len> Authenticate).
bytes with_auth_extra(bytes pkt, const bytes& extra) {
    pkt.insert(pkt.end(), extra.begin(), extra.end());
    pkt[2] = static_cast<std::uint8_t>(pkt[2] + extra.size());
    return pkt;
}

TEST(Sha256PerSideConfigTest, TheVectorAuthenticateFromARawPeerIsAccepted) {
    auto ev = first_packet_to_b(a_authenticate_packet());
    EXPECT_TRUE(has(ev, event_kind::handshake_complete));
    ev = first_packet_to_b(with_auth_extra(a_authenticate_packet(), h("1801")));  // odd field 3
    EXPECT_TRUE(has(ev, event_kind::handshake_complete));
}

TEST(Sha256PerSideConfigTest, BadAuthenticatePacketsAreRejected) {
    struct hostile {
        const char* what;
        bytes pkt;
        std::error_code expected;
        session::options bo = node_options('b');
    };
    auto truncated = a_authenticate_packet();
    truncated.pop_back();
    auto bad_sig = a_authenticate_packet();
    bad_sig[62] ^= 0x01;  // a byte of r2
    auto other_node = node_options('b');
    other_node.protocol.expected_remote_id = compressed(input("b_node_id"));
    // Signed for a different session key than B's.
    authenticate replay = make_authenticate(key("a_node_priv"), compressed(input("a_session_pub"))).value();
    const hostile cases[] = {
        {"bad signature", bad_sig, errc::bad_signature},
        {"signature over another session key", encode_authenticate_packet(replay), errc::bad_signature},
        {"wrong node id", a_authenticate_packet(), errc::wrong_remote_identity, other_node},
        {"unknown even field", with_auth_extra(a_authenticate_packet(), h("2001")), errc::unknown_required_field},
        {"an error packet first", plain("A->B", "error_hello"), errc::expected_authenticate},
        {"an empty packet first", {}, errc::expected_authenticate},
        {"truncated", truncated, errc::malformed_authenticate},
    };
    for (const auto& c : cases) {
        auto ev = first_packet_to_b(c.pkt, c.bo);
        EXPECT_FALSE(has(ev, event_kind::handshake_complete)) << c.what;
        EXPECT_FALSE(has(ev, event_kind::message)) << c.what;
        EXPECT_EQ(error_of(ev), c.expected) << c.what << ": " << error_of(ev).message();
    }
}

TEST(Sha256PerSideConfigTest, APeerThatEchoesEveryByteIsRefused) {
    // A listener whose peer sends back whatever it receives: our session key
    // comes back as the peer's, which would give both directions one
    // AES-CTR keystream and remote_id() our own id.
    for (bool fixed_key : {true, false}) {
        auto o = node_options('b');
        o.protocol.expected_remote_id.reset();  // a listener expects no one
        if (!fixed_key) o.random = nullptr;
        session b(handshake_role::recipient, std::move(o));
        ASSERT_FALSE(b.start(t0));
        std::error_code ec;
        for (int round = 0; round < 4 && b.state() != session_state::closed; ++round) {
            const bytes echoed = take(b);
            if (echoed.empty()) break;
            ec = b.receive(echoed, t0);
        }
        const auto ev = drain(b);
        EXPECT_EQ(b.state(), session_state::closed);
        EXPECT_FALSE(has(ev, event_kind::handshake_complete));
        EXPECT_EQ(error_of(ev), errc::own_session_key) << error_of(ev).message();
        EXPECT_EQ(error_of(ev), condition::handshake_failed);
    }
}

TEST(Sha256PerSideConfigTest, AnAuthenticateCarryingOurOwnNodeIdIsRefused) {
    // Signed with B's own node key over B's session key, so the signature
    // verifies: only the node id can tell that it is B's own.
    const authenticate own =
        make_authenticate(key("b_node_priv"), compressed(input("b_session_pub"))).value();
    auto listener = node_options('b');
    listener.protocol.expected_remote_id.reset();
    auto dialled_self = node_options('b');
    dialled_self.protocol.expected_remote_id = compressed(input("b_node_id"));
    for (const auto& bo : {listener, node_options('b'), dialled_self}) {
        auto ev = first_packet_to_b(encode_authenticate_packet(own), bo);
        EXPECT_FALSE(has(ev, event_kind::handshake_complete));
        EXPECT_EQ(error_of(ev), errc::own_node_id) << error_of(ev).message();
    }
    // The same check as a function: given our node id, it refuses it.
    EXPECT_EQ(check_authenticate(own, compressed(input("b_session_pub")), std::nullopt,
                                 compressed(input("b_node_id"))),
              errc::own_node_id);
    EXPECT_FALSE(check_authenticate(own, compressed(input("b_session_pub")), std::nullopt));
}

TEST(Sha256PerSideConfigTest, APeerThatNeverAuthenticatesTimesOut) {
    raw_session evil(handshake_role::initiator, node_options<raw_session>('a'));
    session b(handshake_role::recipient, node_options('b'));
    ASSERT_FALSE(evil.start(t0));
    ASSERT_FALSE(b.start(t0));
    ASSERT_FALSE(evil.receive(take(b), t0));
    ASSERT_FALSE(b.receive(take(evil), t0));
    ASSERT_TRUE(b.next_deadline());
    EXPECT_LE(*b.next_deadline(), t0 + b.settings().timeouts.handshake);
    EXPECT_EQ(b.on_tick(t0 + b.settings().timeouts.handshake), transport::errc::handshake_timeout);
    EXPECT_EQ(error_of(drain(b)), condition::timed_out);
}

TEST(Sha256PerSideConfigTest, CloseNeedsNoGoodbyeMessage) {
    session_pair<session> p(node_options('a'), node_options('b'));
    p.start();
    ASSERT_FALSE(p.a.close(0, p.now));
    EXPECT_TRUE(p.a.pending_output().empty());  // version 3 has no goodbye packet
    EXPECT_EQ(p.a.state(), session_state::closing);
    EXPECT_FALSE(p.b.receive_eof(p.now) == std::error_code{});
    EXPECT_FALSE(p.a.receive_eof(p.now));
    EXPECT_EQ(p.a.state(), session_state::closed);
}

}  // namespace
}  // namespace polywire::variants::sha256_per_side
