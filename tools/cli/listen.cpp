// polywire listen: accepts connections one after another and reports each
// event as a JSON line; optionally echoes every capability message.
#include "tools/cli/common.hpp"

namespace polywire::cli {

namespace p2p = rlpx::p2p;
using transport::event_kind;

namespace {
constexpr option_spec listen_options[] = {
    {"key", true},      {"key-file", true},    {"port", true},    {"host", true},
    {"cap", true, true}, {"echo", false},      {"count", true},   {"connections", true},
    {"timeout", true},  {"handshake-timeout", true}, {"help", false},
};

enum class outcome { disconnected, failed, count_reached };

struct listen_settings {
    bool echo = false;
    std::optional<std::uint64_t> count;
};

// Serves one established connection until it ends or the message count is reached.
outcome serve(rlpx::connection& conn, const listen_settings& s, std::uint64_t& received) {
    bytes copy;
    for (;;) {
        auto e = conn.next_event();
        if (!e) {
            const auto ec = conn.session().error();
            emit_error("connection from " + conn.peer() + " closed" + (ec ? ": " + ec.message() : std::string()));
            return outcome::failed;
        }
        switch (e->kind) {
            case event_kind::handshake_complete: break;
            case event_kind::message: {
                emit(message_event(e->code, e->payload));
                ++received;
                if (s.echo && conn.session().state() == transport::session_state::established) {
                    // The payload view dies with the next call on the connection.
                    copy.assign(e->payload.begin(), e->payload.end());
                    if (auto ec = conn.blocking_socket::send(e->code, copy);
                        ec && conn.session().state() != transport::session_state::closed) {
                        emit_error("echo to " + conn.peer() + " failed: " + ec.message());
                        return outcome::failed;
                    }
                    // A closed session: the peer already said goodbye (or the
                    // session failed); the events still queued say which.
                }
                if (s.count && received >= *s.count) {
                    (void)conn.close(p2p::disconnect_reason::client_quitting);
                    return outcome::count_reached;
                }
                break;
            }
            case event_kind::ping: emit(json{{"event", "ping"}}); break;
            case event_kind::pong: emit(json{{"event", "pong"}}); break;
            case event_kind::disconnected: emit(json{{"event", "disconnect"}, {"reason", e->reason}}); return outcome::disconnected;
            case event_kind::error:
                emit_error("connection from " + conn.peer() + " failed: " + e->error.message());
                return outcome::failed;
        }
    }
}
}  // namespace

int run_listen(std::span<const std::string> words) {
    const args a = args::parse("listen", words, listen_options, 0);
    if (a.has("help")) {
        print_line(usage());
        return exit_ok;
    }
    rlpx::node_config cfg;
    cfg.key = require_key(a);
    cfg.capabilities = parse_caps(a, true);
    cfg.client_id = "polywire/" + std::string(version);
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

    // rlpx::listener, with the handshake run by establish() so that a peer
    // leaving right after its Hello is reported with its reason.
    auto l = transport::adapters::tcp_listener::listen(host, port);
    if (!l) {
        emit_error("cannot listen on " + host + ":" + std::to_string(port) + ": " + l.error().message());
        return exit_failure;
    }
    auto id = crypto::secp256k1::derive_public_key(cfg.key);
    if (!id) {
        emit_error("invalid private key: " + id.error().message());
        return exit_failure;
    }
    print_line("LISTENING " + rlpx::to_string(rlpx::enode{id.value(), host.empty() ? "0.0.0.0" : host, l.value().port()}));

    bool failed = false;
    std::uint64_t received = 0;
    for (std::uint64_t n = 0; n < connections; ++n) {
        auto fd = l.value().accept(transport::time_point::max());
        if (!fd) {
            emit_error("accepting a connection failed: " + fd.error().message());
            failed = true;
            continue;
        }
        auto out = establish(std::move(fd.value()), policies::handshake_role::recipient, cfg, std::nullopt);
        if (!out.conn) {
            if (out.remote_reason) emit(json{{"event", "disconnect"}, {"reason", *out.remote_reason}});
            std::string what = "connection from " + out.peer + " failed during the handshake: ";
            if (out.remote_reason)
                what += "the remote disconnected, " + describe_reason(*out.remote_reason);
            else if (out.error == rlpx::errc::no_shared_capability && out.remote_hello)
                what += "no capability in common (remote offers: " + join_caps(out.remote_hello->caps) + ")";
            else
                what += out.error.message();
            emit_error(what);
            failed = true;
            continue;
        }
        auto& conn = *out.conn;
        emit(hello_event(conn));
        const auto r = serve(conn, s, received);
        if (r == outcome::count_reached) return exit_ok;
        if (r == outcome::failed) failed = true;
    }
    return failed ? exit_failure : exit_ok;
}

}  // namespace polywire::cli
