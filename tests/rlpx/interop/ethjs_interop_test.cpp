// polywire against @ethereumjs/devp2p 10 (ethjs_peer.mjs, driven over JSON
// lines) on loopback, in both directions: handshake, Hello, messages of 0 B,
// 1 B, 1 KiB and 1 MiB on a capability, Ping/Pong, Disconnect with a reason,
// and a wrong node id in both forms.
#include <cstdlib>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "crypto/hash.hpp"
#include "rlpx/node.hpp"
#include "tests/support/subprocess.hpp"

namespace polywire::rlpx {
namespace {
namespace k1 = crypto::secp256k1;
using json = nlohmann::json;
using transport::event_kind;
using namespace std::chrono_literals;

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

// byte i = (i*31 + seed) & 0xff, as ethjs_peer.mjs sends.
bytes pattern(std::size_t n, unsigned seed) {
    bytes b(n);
    for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>((i * 31 + seed) & 0xff);
    return b;
}
std::string sha(byte_view b) { return to_hex(crypto::sha256(b)); }

class ethjs_peer {
public:
    explicit ethjs_peer(std::vector<std::string> args) {
        const std::string node = env("POLYWIRE_NODE").empty() ? "/usr/bin/node" : env("POLYWIRE_NODE");
        const std::string modules = env("POLYWIRE_NODE_MODULES");
        if (modules.empty()) throw std::runtime_error("POLYWIRE_NODE_MODULES is not set: run the tests with ./bazelw");
        ::setenv("POLYWIRE_NODE_MODULES", modules.c_str(), 1);
        std::vector<std::string> argv = {node, env("TEST_SRCDIR") + "/" + env("TEST_WORKSPACE") + "/tests/rlpx/interop/ethjs_peer.mjs",
                                         "--key", to_hex(key.view()), "--no-keepalive"};
        argv.insert(argv.end(), args.begin(), args.end());
        proc = std::make_unique<test::subprocess>(argv);
    }

    /// The next event named `name` (skipping others), or fails the test.
    json expect(const std::string& name, std::chrono::milliseconds timeout = 10s) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            auto line = proc->read_line(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
            if (!line) break;
            json j = json::parse(*line, nullptr, false);
            if (j.is_discarded()) continue;
            seen.push_back(j);
            if (j.value("event", "") == name) return j;
        }
        ADD_FAILURE() << "ethjs peer: no '" << name << "' event; seen: " << json(seen).dump();
        return json{};
    }

    void command(const json& c) { proc->write_line(c.dump()); }

    k1::private_key key = k1::generate_private_key().value();
    k1::public_key id = k1::derive_public_key(key).value();
    std::unique_ptr<test::subprocess> proc;
    std::vector<json> seen;
};

node_config polywire_node() {
    node_config c;
    c.key = k1::generate_private_key().value();
    c.capabilities = {{"test", 1, 8}};
    return c;
}

void exchange_messages(connection& c, ethjs_peer& peer) {
    for (std::size_t size : {0u, 1u, 1024u, 1u << 20}) {
        // polywire -> ethjs
        const bytes payload = pattern(size, 7);
        ASSERT_FALSE(c.send("test", 3, payload));
        auto m = peer.expect("msg");
        EXPECT_EQ(m["code"], 3);
        EXPECT_EQ(m["size"], size);
        EXPECT_EQ(m["sha256"], sha(payload));
        // ethjs -> polywire
        peer.command({{"cmd", "send"}, {"code", 5}, {"size", size}, {"seed", 9}});
        auto e = c.next_event();
        ASSERT_TRUE(e);
        ASSERT_EQ(e->kind, event_kind::message) << static_cast<int>(e->kind);
        auto r = c.resolve(e->code);
        ASSERT_TRUE(r);
        EXPECT_EQ(r->first->name, "test");
        EXPECT_EQ(r->second, 5u);
        EXPECT_EQ(sha(e->payload), sha(pattern(size, 9))) << size;
    }
}

TEST(EthjsInteropTest, PolywireDialsEthjs) {
    ethjs_peer peer({"--listen", "0", "--cap", "test/1:8"});
    auto listening = peer.expect("listening");
    ASSERT_EQ(listening["id"], to_hex(peer.id));
    auto conn = dial(polywire_node(), enode{peer.id, "127.0.0.1", static_cast<std::uint16_t>(listening["port"].get<int>())});
    ASSERT_TRUE(conn) << conn.error().message();
    auto& c = *conn.value();
    EXPECT_EQ(c.session().peer().remote_hello.client_id.rfind("ethereumjs-devp2p", 0), 0u);
    auto hello = peer.expect("hello");
    EXPECT_EQ(hello["client_id"], "polywire/0.1.0");
    EXPECT_EQ(hello["protocol_version"], 5);
    EXPECT_EQ(hello["caps"], json::array({"test/1"}));

    exchange_messages(c, peer);

    ASSERT_FALSE(c.ping());
    auto e = c.next_event();
    ASSERT_TRUE(e);
    EXPECT_EQ(e->kind, event_kind::pong);

    ASSERT_FALSE(c.close(p2p::disconnect_reason::useless_peer));
    auto d = peer.expect("disconnect");
    EXPECT_EQ(d["reason"], 3);
}

TEST(EthjsInteropTest, EthjsDialsPolywire) {
    auto cfg = polywire_node();
    auto l = listener::open(cfg, "127.0.0.1", 0);
    ASSERT_TRUE(l);
    ethjs_peer peer({"--dial", to_hex(k1::derive_public_key(cfg.key).value()) + "@127.0.0.1:" + std::to_string(l.value().port()),
                     "--cap", "test/1:8"});
    auto conn = l.value().accept(transport::clock::now() + 10s);
    ASSERT_TRUE(conn) << conn.error().message();
    auto& c = *conn.value();
    EXPECT_EQ(c.session().remote_id(), peer.id);
    peer.expect("hello");

    exchange_messages(c, peer);

    peer.command({{"cmd", "ping"}});
    auto e = c.next_event();
    ASSERT_TRUE(e);
    EXPECT_EQ(e->kind, event_kind::ping);  // answered by the session itself
    peer.expect("pong");

    peer.command({{"cmd", "disconnect"}, {"reason", 4}});  // ethjs's own form: bare, uncompressed
    e = c.next_event();
    ASSERT_TRUE(e);
    EXPECT_EQ(e->kind, event_kind::disconnected);
    EXPECT_EQ(e->reason, 4);
}

TEST(EthjsInteropTest, DisconnectInGethFormIsUnderstood) {
    auto cfg = polywire_node();
    auto l = listener::open(cfg, "127.0.0.1", 0);
    ASSERT_TRUE(l);
    ethjs_peer peer({"--dial", to_hex(k1::derive_public_key(cfg.key).value()) + "@127.0.0.1:" + std::to_string(l.value().port())});
    auto conn = l.value().accept(transport::clock::now() + 10s);
    ASSERT_TRUE(conn) << conn.error().message();
    peer.expect("hello");
    peer.command({{"cmd", "disconnect"}, {"reason", 0}, {"form", "list"}});
    auto e = conn.value()->next_event();
    ASSERT_TRUE(e);
    EXPECT_EQ(e->kind, event_kind::disconnected);
    EXPECT_EQ(e->reason, 0);
}

TEST(EthjsInteropTest, DialingTheWrongNodeIdEndsAtOurHandshakeDeadline) {
    ethjs_peer peer({"--listen", "0"});
    auto listening = peer.expect("listening");
    auto cfg = polywire_node();
    cfg.timeouts.handshake = 500ms;
    const auto wrong = k1::derive_public_key(k1::generate_private_key().value()).value();
    const auto start = transport::clock::now();
    auto conn = dial(cfg, enode{wrong, "127.0.0.1", static_cast<std::uint16_t>(listening["port"].get<int>())});
    ASSERT_FALSE(conn);
    EXPECT_EQ(conn.error(), transport::errc::handshake_timeout);
    EXPECT_LT(transport::clock::now() - start, 3s);
    auto err = peer.expect("error");  // ethjs could not decrypt our auth
    EXPECT_EQ(err["state"], "Auth");
}

TEST(EthjsInteropTest, HelloWithAnotherNodeIdIsRefusedByEthjs) {
    auto cfg = polywire_node();
    cfg.hello_node_id_for_testing_only = k1::derive_public_key(k1::generate_private_key().value()).value();
    auto l = listener::open(cfg, "127.0.0.1", 0);
    ASSERT_TRUE(l);
    ethjs_peer peer({"--dial", to_hex(k1::derive_public_key(cfg.key).value()) + "@127.0.0.1:" + std::to_string(l.value().port())});
    auto conn = l.value().accept(transport::clock::now() + 10s);
    // ethjs checks the Hello's id against the id it dialled and says
    // "invalid identity" (0x07).
    auto sent = peer.expect("disconnect_sent");
    EXPECT_EQ(sent["reason"], 7);
    if (conn) {
        auto e = conn.value()->next_event();
        ASSERT_TRUE(e);
        EXPECT_EQ(e->kind, event_kind::disconnected);
        EXPECT_EQ(e->reason, 7);
    }
}

}  // namespace
}  // namespace polywire::rlpx
