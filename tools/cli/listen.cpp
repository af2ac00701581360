// polywire listen: accepts connections one after another and reports each
// event as a JSON line; optionally echoes every application message. One
// implementation for every --variant (tools/cli/variant.hpp). With --serve,
// many peers at once over the async server (tools/cli/serve.cpp).
#include "tools/cli/listen_common.hpp"

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

// Serves one established connection until it ends or the message count is reached.
template <class V>
outcome serve(typename V::connection& conn, const std::string& peer, const listen_args<V>& s, std::uint64_t& received) {
    bytes copy;
    std::size_t size_shown = 0;
    for (;;) {
        auto e = conn.next_event();
        report_datagram_size(conn, size_shown);
        if (!e) {
            const auto ec = conn.session().error();
            emit_error("connection from " + peer + " closed" + (ec ? ": " + ec.message() : std::string()));
            return outcome::failed;
        }
        std::optional<std::pair<std::uint64_t, byte_view>> m;
        switch (on_listen_event<V>(*e, peer, [](const json& j) { emit(j); }, m)) {
            case listen_step::go_on: break;
            case listen_step::ended: return outcome::disconnected;
            case listen_step::failed:
                if (conn.session().state() != transport::session_state::closed) (void)close_with(conn, 0);
                return outcome::failed;
            case listen_step::message:
                ++received;
                if (s.echo && conn.session().state() == transport::session_state::established) {
                    // Sent back as it came, code and all. The payload view
                    // dies with the next call on the connection.
                    copy.assign(e->payload.begin(), e->payload.end());
                    // Over UDP the peer may carry larger datagrams than this
                    // side's probes confirmed yet: give them a moment.
                    await_message_size(conn, copy.size(), std::chrono::seconds(2));
                    report_datagram_size(conn, size_shown);
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
    }
}

template <class V>
int listen_with(const args& a) {
    const auto s = listen_args<V>::parse(a);
    const std::uint64_t connections = a.has("connections") ? parse_uint("connections", *a.value("connections"), 1, UINT64_MAX) : 1;
    const auto timeout = a.has("timeout") ? parse_seconds("timeout", *a.value("timeout")) : std::chrono::seconds(30);

    start_watchdog(timeout, output_mode::json_events);

    auto l = V::acceptor::open(s.node, s.host, s.port);
    if (!l) {
        emit_error("cannot listen on " + s.host + ":" + std::to_string(s.port) + ": " + l.error().message());
        return exit_failure;
    }
    if (!s.announce(s.host, l.value().port())) return exit_failure;

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
