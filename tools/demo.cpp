// polywire demo: two RLPx peers on loopback — handshake, Hello, a few
// messages, a ping and a disconnect — printed as a readable transcript.
#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>

#include "rlpx/node.hpp"

using namespace polywire;
namespace k1 = crypto::secp256k1;
using transport::event_kind;

namespace {
std::mutex print_mutex;

}  // namespace

// A transcript line "who  message" (a macro so formats stay literals).
#define say(who, ...)                                      \
    do {                                                   \
        std::lock_guard<std::mutex> lock_(print_mutex);    \
        std::printf("%-6s ", who);                         \
        std::printf(__VA_ARGS__);                          \
        std::printf("\n");                                 \
        std::fflush(stdout);                               \
    } while (0)

namespace {

std::string short_id(const k1::public_key& id) { return to_hex(byte_view(id).first(8)) + "..."; }

rlpx::node_config make_node(const char* client_id) {
    rlpx::node_config cfg;
    cfg.key = k1::generate_private_key().value();
    cfg.client_id = client_id;
    cfg.capabilities = {{"demo", 1, 2}};
    return cfg;
}
}  // namespace

int main() {
    std::printf("polywire demo: %s\n\n", std::string(rlpx::config::name).c_str());
    auto bob_cfg = make_node("polywire-demo/bob");
    auto listener = rlpx::listener::open(bob_cfg, "127.0.0.1", 0);
    if (!listener) return std::fprintf(stderr, "listen failed: %s\n", listener.error().message().c_str()), 1;
    say("bob", "listening on %s", listener.value().enode_url().c_str());

    int bob_status = 1;
    std::thread bob([&] {
        auto conn = listener.value().accept(transport::clock::now() + std::chrono::seconds(10));
        if (!conn) {
            say("bob", "accept failed: %s", conn.error().message().c_str());
            return;
        }
        auto& c = *conn.value();
        say("bob", "handshake done with %s (%s)", short_id(c.session().remote_id()).c_str(),
            c.session().peer().remote_hello.client_id.c_str());
        while (auto e = c.next_event()) {
            if (e->kind == event_kind::message) {
                std::string text(e->payload.begin(), e->payload.end());
                say("bob", "received message %llu: \"%s\" -> echoing", static_cast<unsigned long long>(e->code), text.c_str());
                std::string reply = "echo: " + text;
                if (c.send("demo", 1, as_bytes(reply))) return;
            } else if (e->kind == event_kind::ping) {
                say("bob", "received ping, answered with pong");
            } else if (e->kind == event_kind::disconnected) {
                auto reason = static_cast<rlpx::p2p::disconnect_reason>(e->reason);
                say("bob", "peer disconnected: %s", std::string(rlpx::p2p::reason_text(reason)).c_str());
                bob_status = 0;
                return;
            } else if (e->kind == event_kind::error) {
                say("bob", "error: %s", e->error.message().c_str());
                return;
            }
        }
    });

    auto alice_cfg = make_node("polywire-demo/alice");
    rlpx::enode bob_enode{k1::derive_public_key(bob_cfg.key).value(), "127.0.0.1", listener.value().port()};
    say("alice", "dialling bob");
    auto conn = rlpx::dial(alice_cfg, bob_enode);
    if (!conn) {
        say("alice", "dial failed: %s", conn.error().message().c_str());
        bob.join();
        return 1;
    }
    auto& c = *conn.value();
    const auto& peer = c.session().peer();
    say("alice", "ECIES handshake and Hello done: bob runs %s, p2p version %llu", peer.remote_hello.client_id.c_str(),
        static_cast<unsigned long long>(peer.remote_hello.protocol_version));
    for (const auto& cap : peer.shared)
        say("alice", "shared capability %s/%llu at message ids 0x%llx..0x%llx", cap.name.c_str(),
            static_cast<unsigned long long>(cap.version), static_cast<unsigned long long>(cap.offset),
            static_cast<unsigned long long>(cap.offset + cap.length - 1));

    int status = 0;
    for (const char* text : {"hello bob", "messages are snappy-compressed, encrypted and MACed", "bye soon"}) {
        say("alice", "sending \"%s\"", text);
        if (auto ec = c.send("demo", 0, as_bytes(text))) {
            say("alice", "send failed: %s", ec.message().c_str());
            status = 1;
            break;
        }
        auto e = c.next_event();
        if (!e || e->kind != event_kind::message) {
            status = 1;
            break;
        }
        say("alice", "got \"%s\"", std::string(e->payload.begin(), e->payload.end()).c_str());
    }
    const auto t0 = transport::clock::now();
    if (!c.ping()) {
        auto e = c.next_event();
        if (e && e->kind == event_kind::pong) {
            auto us = std::chrono::duration_cast<std::chrono::microseconds>(transport::clock::now() - t0).count();
            say("alice", "pong after %lld us", static_cast<long long>(us));
        } else {
            status = 1;
        }
    }
    say("alice", "disconnecting: client quitting");
    (void)c.close(rlpx::p2p::disconnect_reason::client_quitting);
    bob.join();
    std::printf("\n%s\n", status == 0 && bob_status == 0 ? "demo complete" : "demo FAILED");
    return status | bob_status;
}
