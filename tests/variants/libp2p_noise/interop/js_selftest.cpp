// The interop harness checked against itself: libp2p_noise_peer.mjs
// (@chainsafe/libp2p-noise 17.0.0) dialling libp2p_noise_peer.mjs over
// 127.0.0.1. It shows that what libp2p_noise_interop_test relies on is real:
// messages of 0 B to 65,519 B each map to one Noise message both ways, a wrong
// expected peer id and --tamper-signature make the package refuse the
// handshake, and the script reports each refusal (error event, exit code 1;
// 0 when nothing failed). Three processes, each listening and dialling on
// command: A (Ed25519) and B (secp256k1) echo, T (secp256k1) tampers.
#include <gtest/gtest.h>

#include "tests/variants/libp2p_noise/interop/js_peer.hpp"

namespace polywire::test::libp2p_interop {
namespace {

std::uint16_t port_of(const json& hello) { return static_cast<std::uint16_t>(hello.value("port", 0)); }

void dial(js_peer& from, const json& to, const json& expected) {
    from.command({{"cmd", "dial"}, {"port", port_of(to)}, {"expect_peer", expected}});
    expect_hello(from, "dialing");
}

// `from` dials `to` (the peer with hello `to_hello`), sends each test size and
// reads each back from `to`'s echo, then closes.
void exchange(js_peer& from, const json& from_hello, js_peer& to, const json& to_hello, bool split) {
    const std::string what = from_hello.value("key_type", "") + " dials " + to_hello.value("key_type", "");
    from.sync();
    to.sync();
    dial(from, to_hello, to_hello["peer_id"]);
    json secured = from.expect("secured");
    EXPECT_EQ(secured["remote_peer_id"], to_hello["peer_id"]) << what;
    EXPECT_EQ(secured["remote_key_type"], to_hello["key_type"]) << what;
    json accepted = to.expect("secured");
    EXPECT_EQ(accepted["remote_peer_id"], from_hello["peer_id"]) << what;
    EXPECT_EQ(accepted["remote_key_type"], from_hello["key_type"]) << what;

    std::size_t index = 0;
    for (std::size_t size : {0u, 1u, 1024u, 65519u}) {
        from.command({{"cmd", "send"}, {"size", size}, {"seed", 5}});
        json m = from.expect("msg");
        EXPECT_EQ(m["index"], index++) << what;
        EXPECT_EQ(m["size"], size) << what;
        EXPECT_EQ(m["sha256"], sha(pattern(size, 5))) << what << ", " << size << " B";
    }
    if (split) {
        // The package splits a longer write: 65,520 bytes arrive as 65,519 + 1.
        from.command({{"cmd", "send"}, {"size", 65520}, {"seed", 6}});
        const bytes whole = pattern(65520, 6);
        json first = from.expect("msg");
        EXPECT_EQ(first["size"], 65519) << what;
        EXPECT_EQ(first["sha256"], sha(byte_view(whole).first(65519))) << what;
        json second = from.expect("msg");
        EXPECT_EQ(second["size"], 1) << what;
        EXPECT_EQ(second["sha256"], sha(byte_view(whole).subspan(65519))) << what;
    }
    from.command({{"cmd", "close"}});
    from.expect("closed");
    to.expect("closed");
}

TEST(JsSelfTest, EachKeyTypeDialsTheOtherAndRefusalsAreReported) {
    js_peer a({"--key-type", "ed25519", "--listen", "0", "--echo"});
    js_peer b({"--key-type", "secp256k1", "--listen", "0", "--echo"});
    js_peer t({"--key-type", "secp256k1", "--listen", "0", "--tamper-signature"});
    json ha = expect_hello(a, "listening");
    json hb = expect_hello(b, "listening");
    json ht = expect_hello(t, "listening");
    ASSERT_EQ(ha["key_type"], "ed25519");
    ASSERT_EQ(hb["key_type"], "secp256k1");

    exchange(a, ha, b, hb, true);
    EXPECT_TRUE(a.errors.empty()) << json(a.errors).dump();
    EXPECT_TRUE(b.errors.empty()) << json(b.errors).dump();
    exchange(b, hb, a, ha, false);
    EXPECT_TRUE(a.errors.empty()) << json(a.errors).dump();
    EXPECT_TRUE(b.errors.empty()) << json(b.errors).dump();
    a.sync();
    EXPECT_EQ(b.finish(), 0) << "no error event: exit code 0";

    // A dials T expecting B's peer id: A refuses.
    dial(a, ht, hb["peer_id"]);
    json err = a.expect("error");
    EXPECT_EQ(err["during"], "handshake");
    EXPECT_EQ(err["name"], "UnexpectedPeerError") << err.dump();
    EXPECT_EQ(t.expect("error")["during"], "handshake") << "T sees the connection end";

    // T signs the wrong static key, as responder then as initiator: A refuses both.
    dial(a, ht, ht["peer_id"]);
    err = a.expect("error");
    EXPECT_EQ(err["during"], "handshake");
    EXPECT_EQ(err["message"], "Invalid payload signature") << err.dump();
    dial(t, ha, ha["peer_id"]);
    err = a.expect("error");
    EXPECT_EQ(err["during"], "handshake");
    EXPECT_EQ(err["message"], "Invalid payload signature") << err.dump();
    t.expect("secured");  // the XX initiator is done after message 3
    t.expect("closed");
    EXPECT_EQ(a.finish(), 1) << "error events: exit code 1";
}

TEST(JsSelfTest, ADialerThatRefusesItsPeerExitsWithOne) {
    js_peer listener({"--key-type", "ed25519", "--listen", "0"});
    json hello = expect_hello(listener, "listening");
    js_peer dialer({"--key-type", "ed25519", "--dial", "127.0.0.1:" + std::to_string(port_of(hello)), "--expect-peer",
                    "12D3KooWA1FHxaVvTDNTUvYUsuaaLQCFpc4j7jDGtBnvKdN5Rfpy"});
    json err = dialer.expect("error");
    EXPECT_EQ(err["name"], "UnexpectedPeerError") << err.dump();
    EXPECT_EQ(dialer.finish(), 1);
}

}  // namespace
}  // namespace polywire::test::libp2p_interop
