// The interop harness checked against itself: libp2p_noise_peer.mjs
// (@chainsafe/libp2p-noise 17.0.0) dialling libp2p_noise_peer.mjs over
// 127.0.0.1. It shows that what libp2p_noise_interop_test relies on is real:
// messages of 0 B to 65,519 B each map to one Noise message both ways, a wrong
// expected peer id and --tamper-signature make the package refuse the
// handshake, and the script reports each refusal (error event, exit code 1).
#include <gtest/gtest.h>

#include "tests/variants/libp2p_noise/interop/js_peer.hpp"

namespace polywire::test::libp2p_interop {
namespace {

const std::vector<std::size_t> sizes = {0, 1, 1024, 65519};

struct pair_case {
    std::string listener_key;
    std::string dialer_key;
};

void PrintTo(const pair_case& c, std::ostream* os) { *os << c.listener_key << " listens, " << c.dialer_key << " dials"; }

class JsSelfTest : public ::testing::TestWithParam<pair_case> {};

TEST_P(JsSelfTest, DialerSendsEveryTestSizeAndTheListenerEchoesIt) {
    js_peer listener({"--key-type", GetParam().listener_key, "--listen", "0", "--echo"});
    json listening = expect_hello(listener, "listening");
    const std::string port = std::to_string(listening["port"].get<int>());
    js_peer dialer({"--key-type", GetParam().dialer_key, "--dial", "127.0.0.1:" + port, "--expect-peer",
                    listening["peer_id"].get<std::string>()});
    json dialing = expect_hello(dialer, "dialing");

    json secured = dialer.expect("secured");
    EXPECT_EQ(secured["remote_peer_id"], listening["peer_id"]);
    EXPECT_EQ(secured["remote_key_type"], GetParam().listener_key);
    json accepted = listener.expect("secured");
    EXPECT_EQ(accepted["remote_peer_id"], dialing["peer_id"]);
    EXPECT_EQ(accepted["remote_key_type"], GetParam().dialer_key);

    std::size_t index = 0;
    for (std::size_t size : sizes) {
        dialer.command({{"cmd", "send"}, {"size", size}, {"seed", 5}});
        json m = dialer.expect("msg");
        EXPECT_EQ(m["index"], index++);
        EXPECT_EQ(m["size"], size);
        EXPECT_EQ(m["sha256"], sha(pattern(size, 5)));
    }
    // The package splits a longer write: 65,520 bytes arrive as 65,519 + 1.
    dialer.command({{"cmd", "send"}, {"size", 65520}, {"seed", 6}});
    const bytes whole = pattern(65520, 6);
    json first = dialer.expect("msg");
    EXPECT_EQ(first["size"], 65519);
    EXPECT_EQ(first["sha256"], sha(byte_view(whole).first(65519)));
    json second = dialer.expect("msg");
    EXPECT_EQ(second["size"], 1);
    EXPECT_EQ(second["sha256"], sha(byte_view(whole).subspan(65519)));

    dialer.command({{"cmd", "close"}});
    dialer.expect("closed");
    listener.expect("closed");
    EXPECT_EQ(dialer.finish(), 0);
    EXPECT_EQ(listener.finish(), 0);
    EXPECT_TRUE(dialer.errors.empty()) << json(dialer.errors).dump();
    EXPECT_TRUE(listener.errors.empty()) << json(listener.errors).dump();
}

INSTANTIATE_TEST_SUITE_P(KeyTypes, JsSelfTest,
                         ::testing::Values(pair_case{"ed25519", "secp256k1"}, pair_case{"secp256k1", "ed25519"}),
                         [](const auto& info) { return info.param.listener_key + "_listens_" + info.param.dialer_key + "_dials"; });

TEST(JsSelfTest, DialerRefusesAListenerThatIsNotTheExpectedPeer) {
    js_peer other({"--key-type", "ed25519", "--listen", "0"});
    json expected = expect_hello(other, "listening");
    js_peer listener({"--key-type", "ed25519", "--listen", "0"});
    json listening = expect_hello(listener, "listening");
    js_peer dialer({"--key-type", "secp256k1", "--dial", "127.0.0.1:" + std::to_string(listening["port"].get<int>()),
                    "--expect-peer", expected["peer_id"].get<std::string>()});
    json err = dialer.expect("error");
    EXPECT_EQ(err["during"], "handshake");
    EXPECT_EQ(err["name"], "UnexpectedPeerError") << err.dump();
    EXPECT_EQ(dialer.finish(), 1);
}

TEST(JsSelfTest, DialerRefusesATamperedListenerSignature) {
    js_peer listener({"--key-type", "secp256k1", "--listen", "0", "--tamper-signature"});
    json listening = expect_hello(listener, "listening");
    js_peer dialer({"--key-type", "ed25519", "--dial", "127.0.0.1:" + std::to_string(listening["port"].get<int>())});
    json err = dialer.expect("error");
    EXPECT_EQ(err["during"], "handshake");
    EXPECT_EQ(err["message"], "Invalid payload signature") << err.dump();
    EXPECT_EQ(dialer.finish(), 1);
}

TEST(JsSelfTest, ListenerRefusesATamperedDialerSignature) {
    js_peer listener({"--key-type", "ed25519", "--listen", "0"});
    json listening = expect_hello(listener, "listening");
    js_peer dialer({"--key-type", "ed25519", "--dial", "127.0.0.1:" + std::to_string(listening["port"].get<int>()),
                    "--tamper-signature"});
    json err = listener.expect("error");
    EXPECT_EQ(err["during"], "handshake");
    EXPECT_EQ(err["message"], "Invalid payload signature") << err.dump();
    EXPECT_EQ(listener.finish(), 1);
}

}  // namespace
}  // namespace polywire::test::libp2p_interop
