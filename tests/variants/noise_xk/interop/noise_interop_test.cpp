// polywire's noise-xk against @node-dlc/noise 1.1.7 (noise_peer.mjs, driven over
// JSON lines) on 127.0.0.1, in both directions: the three acts, messages of 0 B,
// 1 B, 1 KiB and 65535 B each way, and 1,100 messages in one direction to cross
// two key rotations, every payload checked by SHA-256.
//
// Each connection crosses rotations in one direction only: @node-dlc/noise
// keeps ONE chaining key for both directions (BOLT 8 has sck and rck), so once
// both of its directions have rotated it disagrees with any BOLT 8 peer,
// itself included (see README.md). The two tests together cover polywire
// rotating its sending key (PolywireDialsNode) and its receiving key
// (NodeDialsPolywire).
#include <cstdlib>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "crypto/hash.hpp"
#include "tests/support/subprocess.hpp"
#include "variants/noise_xk/node.hpp"

namespace polywire::variants::noise_xk {
namespace {
namespace k1 = crypto::secp256k1;
using json = nlohmann::json;
using transport::event_kind;
using namespace std::chrono_literals;

constexpr std::size_t bulk = 1100;  // 2,200 nonces: rotations at 1,000 and 2,000

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

// byte i = (i*31 + seed) & 0xff, as noise_peer.mjs builds them.
bytes pattern(std::size_t n, unsigned seed) {
    bytes b(n);
    for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>((i * 31 + seed) & 0xff);
    return b;
}
std::string sha(byte_view b) { return to_hex(crypto::sha256(b)); }

class noise_peer {
public:
    explicit noise_peer(std::vector<std::string> args) {
        const std::string node = env("POLYWIRE_NODE").empty() ? "/usr/bin/node" : env("POLYWIRE_NODE");
        const std::string modules = env("POLYWIRE_NODE_MODULES");
        if (modules.empty()) throw std::runtime_error("POLYWIRE_NODE_MODULES is not set: run the tests with ./bazelw");
        std::vector<std::string> argv = {node,
                                         env("TEST_SRCDIR") + "/" + env("TEST_WORKSPACE") + "/tests/variants/noise_xk/interop/noise_peer.mjs",
                                         "--key", to_hex(key.view())};
        argv.insert(argv.end(), args.begin(), args.end());
        proc = std::make_unique<test::subprocess>(argv);
    }

    /// The next event named `name` (skipping others), or fails the test.
    json expect(const std::string& name, std::chrono::milliseconds timeout = 20s) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            auto line = proc->read_line(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
            if (!line) break;
            json j = json::parse(*line, nullptr, false);
            if (j.is_discarded()) continue;
            if (j.value("event", "") == "error") errors.push_back(j);
            if (j.value("event", "") == name) return j;
        }
        ADD_FAILURE() << "noise peer: no '" << name << "' event (node or @node-dlc/noise missing?); errors: "
                      << json(errors).dump();
        return json{{"event", "missing"}};
    }

    void command(const json& c) { proc->write_line(c.dump()); }

    k1::private_key key = k1::generate_private_key().value();
    k1::compressed_public_key pubkey = k1::derive_compressed_public_key(key).value();
    std::unique_ptr<test::subprocess> proc;
    std::vector<json> errors;
};

node_config polywire_node() {
    node_config c;
    c.key = k1::generate_private_key().value();
    return c;
}

void expect_message(connection& c, const bytes& want, const std::string& what) {
    auto e = c.next_event();
    ASSERT_TRUE(e) << what;
    ASSERT_EQ(e->kind, event_kind::message) << what << ": " << e->error.message();
    EXPECT_EQ(e->payload.size(), want.size()) << what;
    EXPECT_EQ(sha(e->payload), sha(want)) << what;
}

// 0 B, 1 B, 1 KiB and 65535 B each way.
void exchange_sizes(connection& c, noise_peer& peer) {
    std::size_t index = 0;
    for (std::size_t size : {0u, 1u, 1024u, 65535u}) {
        const bytes payload = pattern(size, 7);
        ASSERT_FALSE(c.send(payload));
        auto m = peer.expect("msg");
        EXPECT_EQ(m["index"], index);
        EXPECT_EQ(m["size"], size);
        EXPECT_EQ(m["sha256"], sha(payload));
        peer.command({{"cmd", "send"}, {"size", size}, {"seed", 9}});
        expect_message(c, pattern(size, 9), "node -> polywire, " + std::to_string(size) + " B");
        ++index;
    }
}

TEST(NoiseInteropTest, PolywireDialsNode) {
    noise_peer peer({"--listen", "0"});
    auto listening = peer.expect("listening");
    ASSERT_EQ(listening["pubkey"], to_hex(peer.pubkey));
    EXPECT_EQ(listening["version"], "1.1.7");
    const auto cfg = polywire_node();
    auto conn = dial(cfg, "127.0.0.1", static_cast<std::uint16_t>(listening["port"].get<int>()), peer.pubkey);
    ASSERT_TRUE(conn) << conn.error().message();
    auto& c = *conn.value();
    EXPECT_EQ(c.session().remote_id(), peer.pubkey);
    auto ready = peer.expect("ready");
    EXPECT_EQ(ready["remote_pubkey"], to_hex(k1::derive_compressed_public_key(cfg.key).value()));

    exchange_sizes(c, peer);

    // polywire -> node, 1,100 messages: polywire's sending key rotates twice.
    for (std::size_t j = 0; j < bulk; ++j) ASSERT_FALSE(c.send(pattern(j % 50, static_cast<unsigned>(j))));
    for (std::size_t j = 0; j < bulk; ++j) {
        auto m = peer.expect("msg");
        ASSERT_EQ(m["index"], 4 + j);
        ASSERT_EQ(m["sha256"], sha(pattern(j % 50, static_cast<unsigned>(j)))) << "message " << j;
    }
    // And the other direction still works afterwards.
    peer.command({{"cmd", "send"}, {"size", 3}, {"seed", 1}});
    expect_message(c, pattern(3, 1), "after the bulk");
    EXPECT_TRUE(peer.errors.empty()) << json(peer.errors).dump();

    EXPECT_FALSE(c.close());
    peer.expect("closed");
}

TEST(NoiseInteropTest, NodeDialsPolywireWithTheJsSecp256k1Fallback) {
    const auto cfg = polywire_node();
    auto l = listener::open(cfg, "127.0.0.1", 0);
    ASSERT_TRUE(l) << l.error().message();
    noise_peer peer({"--dial", to_hex(k1::derive_compressed_public_key(cfg.key).value()) + "@127.0.0.1:" +
                                   std::to_string(l.value().port()),
                     "--js-secp256k1"});
    auto dialing = peer.expect("dialing");
    EXPECT_EQ(dialing["secp256k1"], "js");
    auto conn = l.value().accept(transport::clock::now() + 20s);
    ASSERT_TRUE(conn) << conn.error().message();
    auto& c = *conn.value();
    EXPECT_EQ(c.session().remote_id(), peer.pubkey);
    peer.expect("ready");

    exchange_sizes(c, peer);

    // node -> polywire, 1,100 messages: polywire's receiving key rotates twice.
    peer.command({{"cmd", "send"}, {"size", 32}, {"seed", 100}, {"count", bulk}});
    for (std::size_t j = 0; j < bulk; ++j) {
        expect_message(c, pattern(32, static_cast<unsigned>((100 + j) & 0xff)), "bulk message " + std::to_string(j));
        if (HasFatalFailure()) return;
    }
    peer.expect("sent");
    ASSERT_FALSE(c.send(pattern(3, 2)));
    auto m = peer.expect("msg");
    EXPECT_EQ(m["sha256"], sha(pattern(3, 2)));
    EXPECT_TRUE(peer.errors.empty()) << json(peer.errors).dump();

    // The node half-closes: polywire sees the end of the stream.
    peer.command({{"cmd", "end"}});
    auto e = c.next_event();
    ASSERT_TRUE(e);
    EXPECT_EQ(e->kind, event_kind::error);
    EXPECT_EQ(e->error, transport::errc::peer_closed);
}

TEST(NoiseInteropTest, NodeRejectsAPolywireThatDialsTheWrongKey) {
    noise_peer peer({"--listen", "0"});
    auto listening = peer.expect("listening");
    auto conn = dial(polywire_node(), "127.0.0.1", static_cast<std::uint16_t>(listening["port"].get<int>()),
                     k1::derive_compressed_public_key(k1::generate_private_key().value()).value());
    ASSERT_FALSE(conn);
    EXPECT_EQ(conn.error(), transport::condition::handshake_failed) << conn.error().message();
    auto err = peer.expect("error");
    EXPECT_EQ(err["during"], "handshake");
}

}  // namespace
}  // namespace polywire::variants::noise_xk
