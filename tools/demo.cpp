// polywire demo: for every variant of variants/all.hpp, two peers on
// loopback — handshake, a few echoed messages, a ping where the variant
// has one, and a close — printed as a readable transcript. One generic
// transcript over the variants' descriptors and the generic node
// (variants/node.hpp); RLPx also shows its Hello and shared capabilities,
// and a datagram variant shows its refusal of a message larger than a
// datagram.
#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>

#include "variants/all.hpp"
#include "variants/node.hpp"

using namespace polywire;
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

/// A node id's first characters: hex, or its own text form (libp2p's
/// base58btc peer ids); a session's remote id that names more than the peer
/// (libp2p-noise's remote_peer) by its `id`.
template <class Id>
std::string short_id(const Id& id) {
    if constexpr (requires { id.id; })
        return short_id(id.id);
    else if constexpr (requires { id.to_string(); })
        return id.to_string().substr(0, 20) + "...";
    else
        return to_hex(byte_view(id).first(8)) + "...";
}

/// A node of variant V named `who` (with capabilities: "demo/1", 2 codes).
template <class V>
typename V::node_config make_node(const typename V::private_key& key, const char* who) {
    auto cfg = V::make_config(key, transport::timeouts::suggested());
    if constexpr (V::has_capabilities)
        V::set_application(cfg, {{"demo", 1, 2}}, std::string("polywire-demo/") + who, true);
    return cfg;
}

/// What the dialler learns in the handshake beyond the peer's id (RLPx: its Hello).
template <class V, class Conn>
void describe_peer(Conn& c) {
    if constexpr (V::has_capabilities) {
        const auto& peer = c.session().peer();
        say("alice", "handshake and Hello done: bob runs %s, p2p version %llu", peer.remote_hello.client_id.c_str(),
            static_cast<unsigned long long>(peer.remote_hello.protocol_version));
        for (const auto& cap : peer.shared)
            say("alice", "shared capability %s/%llu at message ids 0x%llx..0x%llx", cap.name.c_str(),
                static_cast<unsigned long long>(cap.version), static_cast<unsigned long long>(cap.offset),
                static_cast<unsigned long long>(cap.offset + cap.length - 1));
    } else {
        say("alice", "handshake done: bob is %s", short_id(c.session().remote_id()).c_str());
    }
}

/// Bob: accepts one peer and echoes its messages until it closes.
template <class V, class Listener>
int serve_one(Listener& l) {
    using node = variants::node<V>;
    auto conn = l.accept(transport::clock::now() + std::chrono::seconds(10));
    if (!conn) {
        say("bob", "accept failed: %s", conn.error().message().c_str());
        return 1;
    }
    auto& c = *conn.value();
    say("bob", "handshake done with %s", short_id(c.session().remote_id()).c_str());
    bytes scratch;
    while (auto e = c.next_event()) {
        if (e->kind == event_kind::message) {
            const auto m = V::decode(e->code, e->payload);
            if (!m) return 1;
            const std::string text(m->second.begin(), m->second.end());
            say("bob", "received \"%s\" (code %llu) -> echoing", text.c_str(), static_cast<unsigned long long>(m->first));
            const std::string reply = "echo: " + text;  // outlives the message, which may view it
            const auto [code, message] = V::encode(m->first, as_bytes(reply), scratch);
            if (c.send(code, message)) return 1;
        } else if (e->kind == event_kind::ping) {
            say("bob", "received ping, answered with pong");
        } else if (e->kind == event_kind::disconnected) {
            say("bob", "peer closed the session: %s", V::describe_reason(e->reason).c_str());
            return 0;
        } else if (e->kind == event_kind::error) {
            // Variants without a goodbye: the close is an end of stream.
            if (!V::has_goodbye && e->error == transport::errc::peer_closed) {
                say("bob", "peer closed the connection");
                return 0;
            }
            say("bob", "error: %s", e->error.message().c_str());
            return 1;
        }
    }
    (void)node::close(c, V::default_reason);
    return 1;
}

/// Alice: sends two messages and checks their echoes, pings, and closes.
template <class V, class Conn>
int talk(Conn& c) {
    using node = variants::node<V>;
    int status = 0;
    bytes scratch;
    std::uint64_t code = V::first_application_code;
    for (const char* text : {"hello bob", "same session, other policies"}) {
        say("alice", "sending \"%s\" (code %llu)", text, static_cast<unsigned long long>(code));
        const auto [wire_code, message] = V::encode(code++, as_bytes(text), scratch);
        auto e = c.send(wire_code, message) ? std::nullopt : c.next_event();
        const auto m = e && e->kind == event_kind::message ? V::decode(e->code, e->payload) : std::nullopt;
        if (!m) {
            status = 1;
            break;
        }
        say("alice", "got \"%s\" (code %llu)", std::string(m->second.begin(), m->second.end()).c_str(),
            static_cast<unsigned long long>(m->first));
    }
    using layout = typename V::session::frame_layout;
    if constexpr (policies::is_datagram<layout>()) {
        const bytes big(layout::max_payload + 1);
        auto ec = c.send(V::first_application_code, big);
        say("alice", "sending %zu bytes (the largest datagram holds %zu): %s", big.size(), std::size_t{layout::max_payload},
            ec ? ec.message().c_str() : "sent?!");
        if (ec != transport::errc::message_too_large) status = 1;
    }
    if constexpr (V::has_ping) {
        const auto t0 = transport::clock::now();
        auto e = c.ping() ? std::nullopt : c.next_event();
        if (!e || e->kind != event_kind::pong) return 1;
        auto us = std::chrono::duration_cast<std::chrono::microseconds>(transport::clock::now() - t0).count();
        say("alice", "pong after %lld us", static_cast<long long>(us));
    }
    say("alice", "closing: %s", V::has_goodbye ? V::describe_reason(V::quit_reason).c_str() : "end of stream");
    (void)node::close(c, V::quit_reason);
    return status;
}

/// The transcript of variant V.
template <class V>
int transcript() {
    using node = variants::node<V>;
    std::printf("\npolywire demo: %s, %s\n  (%s)\n\n", std::string(V::name).c_str(), std::string(V::summary).c_str(),
                std::string(V::session::config::name).c_str());
    const auto bob_key = V::generate_key().value();
    const auto bob_id = V::node_id(bob_key).value();
    auto l = node::listener::open(make_node<V>(bob_key, "bob"), "127.0.0.1", 0);
    if (!l) return std::fprintf(stderr, "listen failed: %s\n", l.error().message().c_str()), 1;
    say("bob", "listening on %s", V::format_url(bob_id, "127.0.0.1", l.value().port()).c_str());
    int bob_status = 1;
    std::thread bob([&] { bob_status = serve_one<V>(l.value()); });

    say("alice", "dialling bob, expecting %s", short_id(bob_id).c_str());
    int status = 1;
    auto conn = node::dial(make_node<V>(V::generate_key().value(), "alice"), "127.0.0.1", l.value().port(), bob_id);
    if (!conn) {
        say("alice", "dial failed: %s", conn.error().message().c_str());
    } else {
        describe_peer<V>(*conn.value());
        status = talk<V>(*conn.value());
    }
    bob.join();
    return status | bob_status;
}

}  // namespace

int main() {
    int status = 0;
    variants::for_each_variant([&](auto v) { status |= transcript<decltype(v)>(); });
    std::printf("\n%s\n", status == 0 ? "demo complete" : "demo FAILED");
    return status;
}
