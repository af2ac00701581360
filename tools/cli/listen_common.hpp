// What `polywire listen` (one connection after another, listen.cpp) and
// `listen --serve` (many at once, serve.cpp) share: their command line, and
// how a peer's events become listen's JSON events.
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "tools/cli/variant.hpp"

namespace polywire::cli {

/// The command line of listen, with or without --serve.
template <class V>
struct listen_args {
    node_settings<V> node;
    std::string host;
    std::uint16_t port = 0;
    bool echo = false;
    std::optional<std::uint64_t> count;

    static listen_args parse(const args& a) {
        listen_args l;
        auto key = V::load_key(a);
        if (!key)
            throw usage_error("a private key is required: --key HEX, --key-file PATH or the POLYWIRE_KEY environment variable");
        l.node.key = *key;
        l.node.caps = parse_caps(a, V::has_capabilities);
        const auto port_text = a.value("port");
        if (!port_text) throw usage_error("listen needs --port P (0 lets the system choose)");
        l.port = static_cast<std::uint16_t>(parse_uint("port", *port_text, 0, 65535));
        l.host = a.value("host").value_or("127.0.0.1");
        l.echo = a.has("echo");
        if (auto v = a.value("count")) l.count = parse_uint("count", *v, 1, UINT64_MAX);
        if (auto v = a.value("handshake-timeout"))
            l.node.timeouts.handshake = std::chrono::milliseconds(parse_uint("handshake-timeout", *v, 1, 3'600'000));
        return l;
    }

    /// "LISTENING <URL>" of this node on `bound_host`:`bound_port`, or an
    /// error event (false) if the key has no node id.
    bool announce(const std::string& bound_host, std::uint16_t bound_port) const {
        auto id = V::node_id(node.key);
        if (!id) {
            emit_error("invalid private key: " + id.error().message());
            return false;
        }
        print_line("LISTENING " + V::url(id.value(), bound_host.empty() ? "0.0.0.0" : bound_host, bound_port));
        return true;
    }
};

/// What a listener does after one event of a peer's session.
enum class listen_step {
    go_on,    ///< nothing more
    message,  ///< an application message (in `message`): count it, echo it
    ended,    ///< the peer closed (its goodbye, or an end of stream where there is none)
    failed,   ///< the session failed, or the peer sent a message without a code
};

/// Reports `e`, an event of `peer`'s session, through `out` (a callable
/// taking listen's JSON event) and says what follows.
template <class V, class Out>
listen_step on_listen_event(const transport::event& e, const std::string& peer, Out&& out,
                            std::optional<std::pair<std::uint64_t, byte_view>>& message) {
    using transport::event_kind;
    auto error = [&](const std::string& text) { out(json{{"event", "error"}, {"message", text}}); };
    switch (e.kind) {
        case event_kind::handshake_complete: return listen_step::go_on;
        case event_kind::message:
            message = V::decode(e.code, e.payload);
            if (!message) {
                error("connection from " + peer + " sent a message without a code byte");
                return listen_step::failed;
            }
            out(message_event(message->first, message->second));
            return listen_step::message;
        case event_kind::ping: out(json{{"event", "ping"}}); return listen_step::go_on;
        case event_kind::pong: out(json{{"event", "pong"}}); return listen_step::go_on;
        case event_kind::disconnected: out(json{{"event", "disconnect"}, {"reason", e.reason}}); return listen_step::ended;
        case event_kind::error:
            if (!V::has_goodbye && e.error == transport::errc::peer_closed) {
                // No goodbye message in this variant: the end of stream
                // between messages is the peer's close.
                out(json{{"event", "disconnect"}, {"reason", 0}});
                return listen_step::ended;
            }
            error("connection from " + peer + " failed: " + e.error.message());
            return listen_step::failed;
    }
    return listen_step::go_on;
}

}  // namespace polywire::cli
