// polywire's libp2p-noise against js-libp2p's connection encrypter,
// @chainsafe/libp2p-noise 17.0.0 (libp2p_noise_peer.mjs, driven over JSON
// lines), on 127.0.0.1 with no multistream-select and no muxer:
//
//   * polywire dials the JS listener and the JS peer dials a polywire
//     listener, with Ed25519 and secp256k1 identity keys on each side (all
//     four pairs each way); each side sees the other's peer id, identity key
//     type and stream muxers; messages of 0 B, 1 B, 1 KiB and 65,519 B go
//     each way, byte-exact;
//   * a wrong expected peer id is refused by either dialer (polywire with
//     errc::peer_id_mismatch, the package with UnexpectedPeerError);
//   * a tampered identity signature (over the static key with one bit
//     flipped) is refused by either side: the JS peer tampers through
//     --tamper-signature, polywire through the generic Noise session given a
//     payload signed over the wrong key (the same handshake with the right
//     payload is accepted, so only the signature differs).
#include <algorithm>
#include <map>

#include <gtest/gtest.h>

#include "crypto/random.hpp"
#include "tests/variants/libp2p_noise/interop/js_peer.hpp"
#include "transport/adapters/blocking_socket.hpp"
#include "variants/libp2p_noise/error.hpp"
#include "variants/libp2p_noise/variant.hpp"
#include "variants/noise/config.hpp"

namespace polywire::variants::libp2p_noise {
namespace {
using namespace polywire::test::libp2p_interop;
using transport::event_kind;

const std::vector<std::size_t> sizes = {0, 1, 1024, 65519};
const std::vector<key_type> key_types = {key_type::ed25519, key_type::secp256k1};

std::string name(key_type t) { return t == key_type::ed25519 ? "ed25519" : "secp256k1"; }

node_config polywire_node(key_type t) {
    node_config c;
    c.key = private_key::generate(t).value();
    c.timeouts.handshake = 10s;
    return c;
}
std::string id_of(const node_config& c) { return variant::node_id(c.key).value().to_string(); }
peer_id parse_id(const json& j) { return peer_id::parse(j.value("peer_id", "")).value(); }

void expect_message(connection& c, const bytes& want, const std::string& what) {
    auto e = c.next_event();
    ASSERT_TRUE(e) << what;
    ASSERT_EQ(e->kind, event_kind::message) << what << ": " << e->error.message();
    ASSERT_EQ(e->payload.size(), want.size()) << what;
    const auto diff = std::mismatch(want.begin(), want.end(), e->payload.begin());
    EXPECT_TRUE(diff.first == want.end()) << what << ": differs from byte " << (diff.first - want.begin());
}

// Each size polywire -> JS (checked by the script's size and SHA-256), then
// JS -> polywire (checked byte for byte).
void exchange_sizes(connection& c, js_peer& peer, const std::string& what) {
    for (std::size_t size : sizes) {
        const std::string label = what + ", " + std::to_string(size) + " B";
        const bytes out = pattern(size, 7);
        ASSERT_FALSE(c.send(out)) << label;
        json m = peer.expect("msg");
        EXPECT_EQ(m["size"], size) << label;
        EXPECT_EQ(m["sha256"], sha(out)) << label;
        peer.command({{"cmd", "send"}, {"size", size}, {"seed", 9}});
        expect_message(c, pattern(size, 9), "JS -> polywire, " + label);
        if (::testing::Test::HasFatalFailure()) return;
    }
}

// Three JS processes serve the whole suite (each start costs about 0.4 s of
// CPU): one per identity key type and one that tampers its signature, each
// listening and dialling on command.
class Libp2pNoiseInteropTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        ed_ = new js_peer({"--key-type", "ed25519", "--listen", "0", "--muxers", "/mplex/6.7.0,/yamux/1.0.0"});
        k1_ = new js_peer({"--key-type", "secp256k1", "--listen", "0", "--muxers", "/mplex/6.7.0,/yamux/1.0.0"});
        tamper_ = new js_peer({"--key-type", "secp256k1", "--listen", "0", "--tamper-signature"});
        for (js_peer* p : {ed_, k1_, tamper_}) hello_[p] = expect_hello(*p, "listening");
    }
    static void TearDownTestSuite() {
        for (js_peer* p : {ed_, k1_, tamper_}) delete p;
        hello_.clear();
    }
    // Each test starts from a quiet script: whatever an earlier test left
    // unread is read up to a sync mark and dropped.
    void SetUp() override {
        for (js_peer* p : {ed_, k1_, tamper_}) p->sync();
    }

    static js_peer& js(key_type t) { return t == key_type::ed25519 ? *ed_ : *k1_; }
    static js_peer& tamperer() { return *tamper_; }
    static const json& hello(js_peer& p) { return hello_[&p]; }
    static std::uint16_t port(js_peer& p) { return static_cast<std::uint16_t>(hello(p).value("port", 0)); }
    /// Asks `p` to dial 127.0.0.1:port, expecting `expected` (null: no expectation).
    static json dial_from(js_peer& p, std::uint16_t port, const json& expected) {
        p.command({{"cmd", "dial"}, {"port", port}, {"expect_peer", expected}});
        return expect_hello(p, "dialing");
    }

private:
    static inline js_peer* ed_ = nullptr;
    static inline js_peer* k1_ = nullptr;
    static inline js_peer* tamper_ = nullptr;
    static inline std::map<js_peer*, json> hello_;
};

TEST_F(Libp2pNoiseInteropTest, PolywireDialsTheJsListenerWithEachKeyTypePair) {
    for (key_type js_key : key_types) {
        js_peer& peer = js(js_key);
        const json& listening = hello(peer);
        ASSERT_EQ(listening["key_type"], name(js_key));
        for (key_type our_key : key_types) {
            const std::string what = "polywire " + name(our_key) + " dials JS " + name(js_key);
            auto cfg = polywire_node(our_key);
            cfg.stream_muxers = {"/yamux/1.0.0"};
            auto conn = dial(cfg, "127.0.0.1", port(peer), parse_id(listening));
            ASSERT_TRUE(conn) << what << ": " << conn.error().message();
            auto& c = *conn.value();
            EXPECT_EQ(c.session().remote_id().id.to_string(), listening["peer_id"]) << what;
            EXPECT_EQ(c.session().remote_id().identity_type, js_key) << what;
            EXPECT_EQ(c.session().remote_id().stream_muxers, (std::vector<std::string>{"/mplex/6.7.0", "/yamux/1.0.0"}))
                << what;
            json secured = peer.expect("secured");
            EXPECT_EQ(secured["remote_peer_id"], id_of(cfg)) << what;
            EXPECT_EQ(secured["remote_key_type"], name(our_key)) << what;
            EXPECT_EQ(secured["remote_muxers"], json::array({"/yamux/1.0.0"})) << what;

            exchange_sizes(c, peer, what);
            if (HasFatalFailure()) return;
            EXPECT_FALSE(c.close()) << what;
            peer.expect("closed");
        }
        EXPECT_TRUE(peer.errors.empty()) << json(peer.errors).dump();
    }
}

TEST_F(Libp2pNoiseInteropTest, TheJsPeerDialsAPolywireListenerWithEachKeyTypePair) {
    for (key_type our_key : key_types) {
        const auto cfg = polywire_node(our_key);
        auto l = listener::open(cfg, "127.0.0.1", 0);
        ASSERT_TRUE(l) << l.error().message();
        for (key_type js_key : key_types) {
            const std::string what = "JS " + name(js_key) + " dials polywire " + name(our_key);
            js_peer& peer = js(js_key);
            json dialing = dial_from(peer, l.value().port(), id_of(cfg));
            auto conn = l.value().accept(transport::clock::now() + 10s);
            ASSERT_TRUE(conn) << what << ": " << conn.error().message();
            auto& c = *conn.value();
            EXPECT_EQ(c.session().remote_id().id.to_string(), dialing["peer_id"]) << what;
            EXPECT_EQ(c.session().remote_id().identity_type, js_key) << what;
            EXPECT_EQ(c.session().remote_id().stream_muxers, (std::vector<std::string>{"/mplex/6.7.0", "/yamux/1.0.0"}))
                << what;
            json secured = peer.expect("secured");
            EXPECT_EQ(secured["remote_peer_id"], id_of(cfg)) << what;
            EXPECT_EQ(secured["remote_key_type"], name(our_key)) << what;
            EXPECT_EQ(secured["remote_muxers"], json::array()) << what;

            exchange_sizes(c, peer, what);
            if (HasFatalFailure()) return;
            if (js_key == key_types.front() && our_key == key_types.front()) {
                // The package splits a longer write into Noise messages of
                // 65,519 bytes and the rest: polywire reads two messages.
                peer.command({{"cmd", "send"}, {"size", 65520}, {"seed", 3}});
                const bytes whole = pattern(65520, 3);
                expect_message(c, bytes(whole.begin(), whole.begin() + 65519), what + ", 65,520 B: first");
                expect_message(c, bytes(whole.begin() + 65519, whole.end()), what + ", 65,520 B: the rest");
            }
            // The JS peer closes: polywire sees the end of the stream.
            peer.command({{"cmd", "close"}});
            auto e = c.next_event();
            ASSERT_TRUE(e) << what;
            EXPECT_EQ(e->kind, event_kind::error) << what;
            EXPECT_EQ(e->error, transport::errc::peer_closed) << what << ": " << e->error.message();
            peer.expect("closed");
            EXPECT_TRUE(peer.errors.empty()) << what << ": " << json(peer.errors).dump();
        }
    }
}

TEST_F(Libp2pNoiseInteropTest, PolywireRefusesAJsListenerThatIsNotTheExpectedPeer) {
    js_peer& peer = js(key_type::ed25519);
    const auto someone_else = polywire_node(key_type::ed25519);
    auto conn = dial(polywire_node(key_type::secp256k1), "127.0.0.1", port(peer),
                     variant::node_id(someone_else.key).value());
    ASSERT_FALSE(conn);
    EXPECT_EQ(conn.error(), errc::peer_id_mismatch) << conn.error().message();
    EXPECT_EQ(conn.error(), transport::condition::authentication_failed);
    // The package, waiting for message 3, sees the connection end.
    json err = peer.expect("error");
    EXPECT_EQ(err["during"], "handshake") << err.dump();
}

TEST_F(Libp2pNoiseInteropTest, TheJsDialerRefusesAPolywireListenerThatIsNotTheExpectedPeer) {
    const auto cfg = polywire_node(key_type::ed25519);
    auto l = listener::open(cfg, "127.0.0.1", 0);
    ASSERT_TRUE(l) << l.error().message();
    js_peer& peer = js(key_type::secp256k1);
    dial_from(peer, l.value().port(), id_of(polywire_node(key_type::ed25519)));
    auto conn = l.value().accept(transport::clock::now() + 10s);
    EXPECT_FALSE(conn) << "the JS dialer closes before sending message 3";
    json err = peer.expect("error");
    EXPECT_EQ(err["during"], "handshake");
    EXPECT_EQ(err["name"], "UnexpectedPeerError") << err.dump();
}

TEST_F(Libp2pNoiseInteropTest, PolywireRefusesATamperedSignatureFromTheJsListener) {
    auto conn = dial(polywire_node(key_type::ed25519), "127.0.0.1", port(tamperer()), parse_id(hello(tamperer())));
    ASSERT_FALSE(conn);
    EXPECT_EQ(conn.error(), errc::bad_signature) << conn.error().message();
    EXPECT_EQ(conn.error(), transport::condition::authentication_failed);
    EXPECT_EQ(tamperer().expect("error")["during"], "handshake");
}

TEST_F(Libp2pNoiseInteropTest, PolywireRefusesATamperedSignatureFromTheJsDialer) {
    const auto cfg = polywire_node(key_type::secp256k1);
    auto l = listener::open(cfg, "127.0.0.1", 0);
    ASSERT_TRUE(l) << l.error().message();
    dial_from(tamperer(), l.value().port(), id_of(cfg));
    auto conn = l.value().accept(transport::clock::now() + 10s);
    ASSERT_FALSE(conn);
    EXPECT_EQ(conn.error(), errc::bad_signature) << conn.error().message();
    // The XX initiator is done after message 3: it is secured, then closed.
    tamperer().expect("secured");
    tamperer().expect("closed");
}

// polywire with a tampered payload: the generic Noise session of the same
// suite (variants/noise), given libp2p's payload by hand. With tamper=false
// it is the payload polywire's libp2p-noise sends.
using generic_handshake = noise::handshake<noise::pattern::XX, suite>;
using generic_session = noise::session<noise::pattern::XX, suite>;
using generic_connection = transport::adapters::blocking_socket<generic_session>;

generic_session::options generic_options(const private_key& identity, bool tamper) {
    generic_handshake::options n;
    n.static_key.emplace();
    EXPECT_FALSE(crypto::random_bytes({}, n.static_key->mutable_view()));
    const auto pub = suite::dh::public_key_of(*n.static_key).value();
    bytes signed_key(pub.begin(), pub.end());
    if (tamper) signed_key.back() ^= 0x01;
    const bytes payload = make_payload(identity, signed_key, {}).value();
    n.payloads = {bytes{}, payload, payload};
    generic_session::options o;
    o.handshake = std::move(n);
    o.timeouts = transport::timeouts::suggested();
    o.timeouts.handshake = 10s;
    return o;
}

TEST_F(Libp2pNoiseInteropTest, TheJsListenerRefusesATamperedSignatureFromPolywire) {
    js_peer& peer = js(key_type::ed25519);
    const auto identity = private_key::generate(key_type::secp256k1).value();
    for (bool tamper : {false, true}) {
        auto fd = transport::adapters::tcp_connect("127.0.0.1", port(peer), transport::clock::now() + 10s);
        ASSERT_TRUE(fd) << fd.error().message();
        generic_connection c(std::move(fd.value()),
                             generic_session(policies::handshake_role::initiator, generic_options(identity, tamper)));
        // The XX initiator is done once it has sent message 3.
        ASSERT_FALSE(c.handshake()) << "tamper=" << tamper;
        if (!tamper) {
            json secured = peer.expect("secured");
            EXPECT_EQ(secured["remote_peer_id"], peer_id::from_public_key(identity.public_key()).value().to_string());
            EXPECT_FALSE(c.close(0));
            peer.expect("closed");
            EXPECT_TRUE(peer.errors.empty()) << json(peer.errors).dump();
        } else {
            json err = peer.expect("error");
            EXPECT_EQ(err["during"], "handshake");
            EXPECT_EQ(err["message"], "Invalid payload signature") << err.dump();
            auto e = c.next_event();
            ASSERT_TRUE(e);
            EXPECT_EQ(e->kind, event_kind::error);
        }
    }
}

TEST_F(Libp2pNoiseInteropTest, TheJsDialerRefusesATamperedSignatureFromPolywire) {
    auto l = transport::adapters::tcp_listener::listen("127.0.0.1", 0);
    ASSERT_TRUE(l) << l.error().message();
    js_peer& peer = js(key_type::secp256k1);
    const auto identity = private_key::generate(key_type::ed25519).value();
    const std::string id = peer_id::from_public_key(identity.public_key()).value().to_string();
    for (bool tamper : {false, true}) {
        dial_from(peer, l.value().port(), id);
        auto fd = l.value().accept(transport::clock::now() + 10s);
        ASSERT_TRUE(fd) << fd.error().message();
        generic_connection c(std::move(fd.value()),
                             generic_session(policies::handshake_role::recipient, generic_options(identity, tamper)));
        const std::error_code ec = c.handshake();
        if (!tamper) {
            EXPECT_FALSE(ec) << ec.message();
            EXPECT_EQ(peer.expect("secured")["remote_peer_id"], id);
            peer.command({{"cmd", "close"}});
            peer.expect("closed");
            EXPECT_TRUE(peer.errors.empty()) << json(peer.errors).dump();
        } else {
            EXPECT_TRUE(ec) << "the JS dialer never sends message 3";
            json err = peer.expect("error");
            EXPECT_EQ(err["during"], "handshake");
            EXPECT_EQ(err["message"], "Invalid payload signature") << err.dump();
        }
    }
}

}  // namespace
}  // namespace polywire::variants::libp2p_noise
