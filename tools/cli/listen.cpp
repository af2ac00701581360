// polywire listen: accepts connections one after another and reports each
// event as a JSON line; optionally echoes every application message. One
// implementation for every --variant (tools/cli/variant.hpp). With --serve,
// many peers at once over the async server (tools/cli/serve.cpp).
#include "tools/cli/variant.hpp"

namespace polywire::cli {

using transport::event_kind;

namespace {
constexpr option_spec listen_options[] = {
    {"key", true},      {"key-file", true},    {"port", true},    {"host", true},
    {"cap", true, true}, {"echo", false},      {"count", true},   {"connections", true},
    {"timeout", true},  {"handshake-timeout", true}, {"variant", true}, {"serve", false},
    {"help", false},
};

enum class outcome { disconnected, failed, count_reached };

struct listen_settings {
    bool echo = false;
    std::optional<std::uint64_t> count;
};

// Serves one established connection until it ends or the message count is reached.
template <class V>
outcome serve(typename V::connection& conn, const std::string& peer, const listen_settings& s, std::uint64_t& received) {
    bytes copy;
    for (;;) {
        auto e = conn.next_event();
        if (!e) {
            const auto ec = conn.session().error();
            emit_error("connection from " + peer + " closed" + (ec ? ": " + ec.message() : std::string()));
            return outcome::failed;
        }
        switch (e->kind) {
            case event_kind::handshake_complete: break;
            case event_kind::message: {
                const auto m = V::decode(e->code, e->payload);
                if (!m) {
                    emit_error("connection from " + peer + " sent a message without a code byte");
                    (void)close_with(conn, 0);
                    return outcome::failed;
                }
                emit(message_event(m->first, m->second));
                ++received;
                if (s.echo && conn.session().state() == transport::session_state::established) {
                    // Sent back as it came, code and all. The payload view
                    // dies with the next call on the connection.
                    copy.assign(e->payload.begin(), e->payload.end());
                    if (auto ec = conn.send(e->code, copy);
                        ec && conn.session().state() != transport::session_state::closed) {
                        emit_error("echo to " + peer + " failed: " + ec.message());
                        return outcome::failed;
                    }
                    // A closed session: the peer already said goodbye (or the
                    // session failed); the events still queued say which.
                }
                if (s.count && received >= *s.count) {
                    (void)close_with(conn, V::quit_reason);
                    return outcome::count_reached;
                }
                break;
            }
            case event_kind::ping: emit(json{{"event", "ping"}}); break;
            case event_kind::pong: emit(json{{"event", "pong"}}); break;
            case event_kind::disconnected: emit(json{{"event", "disconnect"}, {"reason", e->reason}}); return outcome::disconnected;
            case event_kind::error:
                if (!V::has_goodbye && e->error == transport::errc::peer_closed) {
                    // No goodbye message in this variant: the end of stream
                    // between messages is the peer's close.
                    emit(json{{"event", "disconnect"}, {"reason", 0}});
                    return outcome::disconnected;
                }
                emit_error("connection from " + peer + " failed: " + e->error.message());
                return outcome::failed;
        }
    }
}

template <class V>
int listen_with(const args& a) {
    node_settings<V> cfg;
    auto key = V::load_key(a);
    if (!key) throw usage_error("a private key is required: --key HEX, --key-file PATH or the POLYWIRE_KEY environment variable");
    cfg.key = *key;
    cfg.caps = parse_caps(a, V::has_capabilities);
    const auto port_text = a.value("port");
    if (!port_text) throw usage_error("listen needs --port P (0 lets the system choose)");
    const auto port = static_cast<std::uint16_t>(parse_uint("port", *port_text, 0, 65535));
    const std::string host = a.value("host").value_or("127.0.0.1");
    listen_settings s;
    s.echo = a.has("echo");
    if (auto v = a.value("count")) s.count = parse_uint("count", *v, 1, UINT64_MAX);
    const std::uint64_t connections = a.has("connections") ? parse_uint("connections", *a.value("connections"), 1, UINT64_MAX) : 1;
    const auto timeout = a.has("timeout") ? parse_seconds("timeout", *a.value("timeout")) : std::chrono::seconds(30);
    if (auto v = a.value("handshake-timeout"))
        cfg.timeouts.handshake = std::chrono::milliseconds(parse_uint("handshake-timeout", *v, 1, 3'600'000));

    start_watchdog(timeout, output_mode::json_events);

    auto l = V::acceptor::open(cfg, host, port);
    if (!l) {
        emit_error("cannot listen on " + host + ":" + std::to_string(port) + ": " + l.error().message());
        return exit_failure;
    }
    auto id = V::node_id(cfg.key);
    if (!id) {
        emit_error("invalid private key: " + id.error().message());
        return exit_failure;
    }
    print_line("LISTENING " + V::url(id.value(), host.empty() ? "0.0.0.0" : host, l.value().port()));

    bool failed = false;
    std::uint64_t received = 0;
    for (std::uint64_t n = 0; n < connections; ++n) {
        // The handshake is run so that a peer leaving right after its
        // greeting is reported with its reason.
        auto out = l.value().accept();
        if (!out.conn) {
            if (out.remote_reason) emit(json{{"event", "disconnect"}, {"reason", *out.remote_reason}});
            if (out.peer.empty())
                emit_error(out.failure);  // accepting itself failed
            else
                emit_error("connection from " + out.peer + " failed during the handshake: " +
                           (out.failure.empty() ? out.error.message() : out.failure));
            failed = true;
            continue;
        }
        auto& conn = *out.conn;
        emit(V::hello_event(conn));
        const auto r = serve<V>(conn, out.peer, s, received);
        if (r == outcome::count_reached) return exit_ok;
        if (r == outcome::failed) failed = true;
    }
    return failed ? exit_failure : exit_ok;
}
}  // namespace

int run_listen(std::span<const std::string> words) {
    const args a = args::parse("listen", words, listen_options, 0);
    if (a.has("help")) {
        print_line(usage());
        return exit_ok;
    }
    if (a.has("serve")) return run_listen_serve(a);
    return with_variant(variant_name(a), [&](auto v) { return listen_with<decltype(v)>(a); });
}

}  // namespace polywire::cli
