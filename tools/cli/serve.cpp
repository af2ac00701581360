// polywire listen --serve: serves many RLPx peers at once over rlpx::server
// (Boost.Asio, C++20 coroutines) until SIGINT/SIGTERM or --count messages,
// then shuts down gracefully (every peer gets Disconnect "client quitting")
// and exits 0. Events are listen's, each tagged with the peer's address.
#include <utility>  // before Asio (Boost 1.74's awaitable.hpp needs it)

#include <pthread.h>

#include <csignal>
#include <optional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "rlpx/server.hpp"
#include "tools/cli/common.hpp"

namespace polywire::cli {

namespace asio = boost::asio;
namespace p2p = rlpx::p2p;
using transport::event_kind;
using transport::session_state;
using transport::adapters::awaitable;

namespace {
json tagged(json j, const std::string& peer) {
    j["peer"] = peer;
    return j;
}
}  // namespace

int run_listen_serve(const args& a) {
    rlpx::node_config cfg;
    cfg.key = require_key(a);
    cfg.capabilities = parse_caps(a, true);
    cfg.client_id = "polywire/" + std::string(version);
    const auto port_text = a.value("port");
    if (!port_text) throw usage_error("listen needs --port P (0 lets the system choose)");
    const auto port = static_cast<std::uint16_t>(parse_uint("port", *port_text, 0, 65535));
    const std::string host = a.value("host").value_or("127.0.0.1");
    const bool echo = a.has("echo");
    std::optional<std::uint64_t> count;
    if (auto v = a.value("count")) count = parse_uint("count", *v, 1, UINT64_MAX);
    rlpx::server_options so;
    if (auto v = a.value("connections")) so.max_peers = parse_uint("connections", *v, 1, UINT64_MAX);
    if (auto v = a.value("handshake-timeout"))
        cfg.timeouts.handshake = std::chrono::milliseconds(parse_uint("handshake-timeout", *v, 1, 3'600'000));
    // A server runs until it is told to stop: no whole-run limit unless asked.
    if (auto v = a.value("timeout")) start_watchdog(parse_seconds("timeout", *v), output_mode::json_events);

    so.on_handshake_failure = [](const std::string& peer, std::error_code ec, std::optional<std::uint8_t> reason) {
        if (reason) emit(tagged(json{{"event", "disconnect"}, {"reason", *reason}}, peer));
        emit(tagged(json{{"event", "error"},
                         {"message", "connection from " + peer + " failed during the handshake: " +
                                         (reason ? "the remote disconnected, " + describe_reason(*reason) : ec.message())}},
                    peer));
    };

    asio::io_context io(1);
    std::optional<rlpx::server> srv;
    std::uint64_t received = 0;  // one thread runs io: no lock needed
    bool stopping = false;
    auto stop = [&] {
        if (stopping) return;
        stopping = true;
        srv->stop();
    };

    auto handler = [&](rlpx::async_connection& c, std::uint64_t) -> awaitable<void> {
        const std::string peer = c.peer();
        emit(tagged(hello_event(c.session()), peer));
        while (auto e = co_await c.receive()) {
            switch (e->kind) {
                case event_kind::handshake_complete: break;
                case event_kind::message:
                    emit(tagged(message_event(e->code, e->payload), peer));
                    ++received;
                    if (echo && c.session().state() == session_state::established) {
                        // The payload is the connection's copy: valid until the next receive().
                        if (auto ec = co_await c.send(e->code, e->payload); ec && c.session().state() != session_state::closed)
                            emit(tagged(json{{"event", "error"}, {"message", "echo to " + peer + " failed: " + ec.message()}}, peer));
                    }
                    if (count && received >= *count) stop();
                    break;
                case event_kind::ping: emit(tagged(json{{"event", "ping"}}, peer)); break;
                case event_kind::pong: emit(tagged(json{{"event", "pong"}}, peer)); break;
                case event_kind::disconnected:
                    emit(tagged(json{{"event", "disconnect"}, {"reason", e->reason}}, peer));
                    break;
                case event_kind::error:
                    emit(tagged(json{{"event", "error"}, {"message", "connection from " + peer + " failed: " + e->error.message()}},
                                peer));
                    break;
            }
        }
    };

    auto opened = rlpx::server::open(io.get_executor(), cfg, host, port, handler, so);
    if (!opened) {
        emit_error("cannot listen on " + host + ":" + std::to_string(port) + ": " + opened.error().message());
        return exit_failure;
    }
    srv.emplace(std::move(opened.value()));

    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int) {
        if (!ec) stop();
    });
    print_line("LISTENING " + srv->enode_url());

    asio::co_spawn(io, srv->run(), [&](std::exception_ptr) { signals.cancel(); });
    io.run();
    // Shut down: a signal arriving from now on (`timeout` sends its signal to
    // the child and again to the process group) must not turn exit 0 into a
    // death by signal once the signal set is gone. Blocked, it stays pending.
    sigset_t quit;
    sigemptyset(&quit);
    sigaddset(&quit, SIGINT);
    sigaddset(&quit, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &quit, nullptr);

    const auto m = srv->metrics();
    emit(json{{"event", "shutdown"},
              {"peers_served", m.peers_served},
              {"rejected", m.rejected_too_many_peers},
              {"handshakes_failed", m.handshakes_failed},
              {"messages_in", m.traffic.messages_in},
              {"messages_out", m.traffic.messages_out}});
    return exit_ok;
}

}  // namespace polywire::cli
