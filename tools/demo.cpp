// polywire demo: two RLPx peers on loopback — handshake, Hello, a few
// messages, a ping and a disconnect — printed as a readable transcript; then
// a shorter one for each other variant (noise-xk, sha256-per-side,
// x25519-xchacha over TCP and over UDP), run by the same generic session
// over the blocking socket adapter (TCP) or the datagram one (UDP).
#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>

#include "rlpx/node.hpp"
#include "transport/adapters/blocking_socket.hpp"
#include "variants/noise_xk/node.hpp"
#include "variants/sha256_per_side/config.hpp"
#include "variants/x25519_xchacha/node.hpp"

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

// A short transcript for a variant: handshake, two echoed messages, close.
// `options(key, remote)` builds the session options of a node with `key`
// that expects the node `remote` (if any).
template <class Session, class Options>
int variant_transcript(const char* title, Options options) {
    using transport::adapters::blocking_socket;
    std::printf("\npolywire demo: %s\n\n", title);
    const auto bob_key = k1::generate_private_key().value();
    const auto alice_key = k1::generate_private_key().value();
    const auto bob_id = k1::derive_compressed_public_key(bob_key).value();
    auto l = transport::adapters::tcp_listener::listen("127.0.0.1", 0);
    if (!l) return std::fprintf(stderr, "listen failed: %s\n", l.error().message().c_str()), 1;
    say("bob", "listening on 127.0.0.1:%u as %s...", static_cast<unsigned>(l.value().port()),
        to_hex(byte_view(bob_id).first(8)).c_str());
    int bob_status = 1;
    std::thread bob([&] {
        auto fd = l.value().accept(transport::clock::now() + std::chrono::seconds(10));
        if (!fd) {
            say("bob", "accept failed: %s", fd.error().message().c_str());
            return;
        }
        blocking_socket<Session> c(std::move(fd.value()), Session(policies::handshake_role::recipient, options(bob_key, std::nullopt)));
        if (auto ec = c.handshake()) {
            say("bob", "handshake failed: %s", ec.message().c_str());
            return;
        }
        say("bob", "handshake done with %s...", to_hex(byte_view(c.session().remote_id()).first(8)).c_str());
        while (auto e = c.next_event()) {
            if (e->kind == event_kind::message) {
                std::string text(e->payload.begin(), e->payload.end());
                say("bob", "received \"%s\" -> echoing", text.c_str());
                if (c.send(0, as_bytes("echo: " + text))) return;
            } else if (e->kind == event_kind::error) {
                // No goodbye message in these variants: the close is an end of stream.
                if (e->error == transport::errc::peer_closed) {
                    say("bob", "peer closed the connection");
                    bob_status = 0;
                } else {
                    say("bob", "error: %s", e->error.message().c_str());
                }
                return;
            }
        }
    });
    say("alice", "dialling bob");
    int status = 1;
    auto fd = transport::adapters::tcp_connect("127.0.0.1", l.value().port(), transport::clock::now() + std::chrono::seconds(10));
    if (fd) {
        blocking_socket<Session> c(std::move(fd.value()), Session(policies::handshake_role::initiator, options(alice_key, bob_id)));
        if (auto ec = c.handshake()) {
            say("alice", "handshake failed: %s", ec.message().c_str());
        } else {
            say("alice", "handshake done: bob is %s...", to_hex(byte_view(c.session().remote_id()).first(8)).c_str());
            status = 0;
            for (const char* text : {"hello bob", "same session, other policies"}) {
                say("alice", "sending \"%s\"", text);
                auto e = c.send(0, as_bytes(text)) ? std::nullopt : c.next_event();
                if (!e || e->kind != event_kind::message) {
                    status = 1;
                    break;
                }
                say("alice", "got \"%s\"", std::string(e->payload.begin(), e->payload.end()).c_str());
            }
            say("alice", "closing");
            (void)c.close(0);
        }
    } else {
        say("alice", "connect failed: %s", fd.error().message().c_str());
    }
    bob.join();
    return status | bob_status;
}

// x25519-xchacha through its own node API: listener/dial over TCP or
// udp_listener/dial_udp over UDP. Messages travel on channels; ping/pong and
// close are the control protocol's. Over UDP, alice also shows that a
// payload larger than a datagram's is refused before anything is sent.
template <class Listener, class Dial>
int x25519_transcript(const char* transport_name, Dial dial, bool show_size_limit) {
    namespace xx = variants::x25519_xchacha;
    std::printf("\npolywire demo: %s, over %s\n\n", std::string(xx::config::name).c_str(), transport_name);
    xx::node_config bob_cfg{.identity = xx::identity_key::generate().value(), .psk = std::nullopt};
    xx::node_config alice_cfg{.identity = xx::identity_key::generate().value(), .psk = std::nullopt};
    const auto bob_id = bob_cfg.identity.public_key();
    auto l = Listener::open(bob_cfg, "127.0.0.1", 0);
    if (!l) return std::fprintf(stderr, "listen failed: %s\n", l.error().message().c_str()), 1;
    say("bob", "listening on %s 127.0.0.1:%u as Ed25519 key %s...", transport_name,
        static_cast<unsigned>(l.value().port()), to_hex(byte_view(bob_id).first(8)).c_str());
    int bob_status = 1;
    std::thread bob([&] {
        auto conn = l.value().accept(transport::clock::now() + std::chrono::seconds(10));
        if (!conn) {
            say("bob", "accept failed: %s", conn.error().message().c_str());
            return;
        }
        auto& c = *conn.value();
        say("bob", "handshake done with %s...", to_hex(byte_view(c.session().remote_id()).first(8)).c_str());
        while (auto e = c.next_event()) {
            if (e->kind == event_kind::message) {
                std::string text(e->payload.begin(), e->payload.end());
                say("bob", "received on channel %llu: \"%s\" -> echoing", static_cast<unsigned long long>(e->code),
                    text.c_str());
                if (c.send(e->code, as_bytes("echo: " + text))) return;
            } else if (e->kind == event_kind::ping) {
                say("bob", "received ping, answered with pong");
            } else if (e->kind == event_kind::disconnected) {
                say("bob", "peer closed the session (reason %u)", static_cast<unsigned>(e->reason));
                bob_status = 0;
                return;
            } else if (e->kind == event_kind::error) {
                say("bob", "error: %s", e->error.message().c_str());
                return;
            }
        }
    });
    say("alice", "dialling bob, expecting key %s...", to_hex(byte_view(bob_id).first(8)).c_str());
    int status = 1;
    auto conn = dial(alice_cfg, "127.0.0.1", l.value().port(), bob_id);
    if (!conn) {
        say("alice", "dial failed: %s", conn.error().message().c_str());
    } else {
        auto& c = *conn.value();
        say("alice", "handshake done (X25519, Ed25519-signed transcript): bob is %s...",
            to_hex(byte_view(c.session().remote_id()).first(8)).c_str());
        status = 0;
        std::uint64_t channel = 1;
        for (const char* text : {"hello bob", "each message names its channel"}) {
            say("alice", "sending \"%s\" on channel %llu", text, static_cast<unsigned long long>(channel));
            auto e = c.send(channel++, as_bytes(text)) ? std::nullopt : c.next_event();
            if (!e || e->kind != event_kind::message) {
                status = 1;
                break;
            }
            say("alice", "got \"%s\" on channel %llu", std::string(e->payload.begin(), e->payload.end()).c_str(),
                static_cast<unsigned long long>(e->code));
        }
        if (show_size_limit) {
            const bytes big(xx::udp_session::frame_layout::max_payload + 1);
            auto ec = c.send(1, big);
            say("alice", "sending %zu bytes (one datagram holds %zu): %s", big.size(),
                xx::udp_session::frame_layout::max_payload, ec ? ec.message().c_str() : "sent?!");
            if (ec != transport::errc::message_too_large) status = 1;
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
        say("alice", "closing (reason 0, requested)");
        (void)c.close(xx::reason::requested);
    }
    bob.join();
    return status | bob_status;
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
    status |= bob_status;

    namespace nx = variants::noise_xk;
    namespace sps = variants::sha256_per_side;
    status |= variant_transcript<nx::session>(
        std::string(nx::config::name).c_str(), [](const k1::private_key& key, std::optional<k1::compressed_public_key> remote) {
            return nx::make_options({.key = key}, remote);
        });
    status |= variant_transcript<sps::session>(
        "sha256-per-side (c-lightning 2016 v3): session keys, AES-128-CTR, HMAC-SHA256, Authenticate",
        [](const k1::private_key& key, std::optional<k1::compressed_public_key> remote) {
            sps::session::options o;
            o.protocol.node_key = key;
            o.protocol.expected_remote_id = remote;
            return o;
        });
    namespace xx = variants::x25519_xchacha;
    status |= x25519_transcript<xx::listener>(
        "TCP", [](const auto&... a) { return xx::dial(a...); }, false);
    status |= x25519_transcript<xx::udp_listener>(
        "UDP", [](const auto&... a) { return xx::dial_udp(a...); }, true);
    std::printf("\n%s\n", status == 0 ? "demo complete" : "demo FAILED");
    return status;
}
