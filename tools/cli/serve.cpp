// polywire listen --serve: serves many peers at once over the generic
// async server (transport::adapters::asio_server: Boost.Asio, C++20
// coroutines) until SIGINT/SIGTERM or --count messages, then shuts down
// gracefully (every peer gets the variant's goodbye: RLPx Disconnect
// "client quitting", x25519-xchacha close "requested"; an end of stream for
// variants without one) and exits 0. Events are listen's, each tagged with
// the peer's address. One implementation for every variant over TCP
// (tools/cli/variant.hpp); datagram variants serve one peer at a time
// (listen without --serve).
#include <utility>  // before Asio (Boost 1.74's awaitable.hpp needs it)

#include <pthread.h>

#include <csignal>
#include <memory>
#include <optional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "policies/frame_layout.hpp"
#include "tools/cli/listen_common.hpp"
#include "transport/adapters/asio_server.hpp"

namespace polywire::cli {

namespace asio = boost::asio;
namespace adapters = transport::adapters;
using transport::session_state;
using transport::adapters::awaitable;

namespace {
json tagged(json j, const std::string& peer) {
    j["peer"] = peer;
    return j;
}

template <class V>
int serve_with(const args& a) {
    using server = adapters::asio_server<typename V::session>;
    const auto l = listen_args<V>::parse(a);
    const auto& cfg = l.node;
    const std::string& host = l.host;
    const auto port = l.port;
    const bool echo = l.echo;
    const auto count = l.count;
    adapters::server_options so;
    if (auto v = a.value("connections")) so.max_peers = parse_uint("connections", *v, 1, UINT64_MAX);
    // A server runs until it is told to stop: no whole-run limit unless asked.
    if (auto v = a.value("timeout")) start_watchdog(parse_seconds("timeout", *v), output_mode::json_events);

    if (!V::node_id(cfg.key)) {  // announce() below says so, once the port is known
        emit_error("invalid private key: " + V::node_id(cfg.key).error().message());
        return exit_failure;
    }
    // Checked once here, so the factory below cannot fail on the key.
    if (auto s = V::recipient_session(cfg); !s) {
        emit_error("invalid node settings: " + s.error().message());
        return exit_failure;
    }

    so.session.cancel_reason = V::quit_reason;
    so.too_many_peers_reason = V::too_many_peers_reason;
    so.shutdown_reason = V::quit_reason;
    so.handler_done_reason = V::default_reason;
    so.on_handshake_failure = [](const std::string& peer, std::error_code ec, std::optional<std::uint8_t> reason) {
        if (reason) emit(tagged(json{{"event", "disconnect"}, {"reason", *reason}}, peer));
        emit(tagged(json{{"event", "error"},
                         {"message", "connection from " + peer + " failed during the handshake: " +
                                         (reason ? "the remote disconnected, " + V::describe_reason(*reason) : ec.message())}},
                    peer));
    };

    asio::io_context io(1);
    std::shared_ptr<server> srv;
    std::uint64_t received = 0;  // one thread runs io: no lock needed
    bool stopping = false;
    auto stop = [&] {
        if (stopping) return;
        stopping = true;
        srv->stop();
    };

    auto handler = [&](typename server::connection& c, std::uint64_t) -> awaitable<void> {
        const std::string peer = c.peer();
        emit(tagged(V::hello_event(c), peer));
        auto out = [&](const json& j) { emit(tagged(j, peer)); };
        while (auto e = co_await c.receive()) {
            std::optional<std::pair<std::uint64_t, byte_view>> m;
            const auto step = on_listen_event<V>(*e, peer, out, m);
            if (step == listen_step::failed) co_return;  // the server closes the session
            if (step != listen_step::message) continue;
            ++received;
            if (echo && c.session().state() == session_state::established) {
                // The payload is the connection's copy: valid until the next receive().
                if (auto ec = co_await c.send(e->code, e->payload); ec && c.session().state() != session_state::closed)
                    out(json{{"event", "error"}, {"message", "echo to " + peer + " failed: " + ec.message()}});
            }
            if (count && received >= *count) stop();
        }
    };

    auto factory = [cfg]() { return V::recipient_session(cfg); };
    auto opened = server::listen(io.get_executor(), host, port, factory, handler, so);
    if (!opened) {
        emit_error("cannot listen on " + host + ":" + std::to_string(port) + ": " + opened.error().message());
        return exit_failure;
    }
    srv = std::move(opened.value());

    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int) {
        if (!ec) stop();
    });
    (void)l.announce(srv->host(), srv->port());

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
}  // namespace

int run_listen_serve(const args& a) {
    return with_variant(variant_name(a), [&](auto v) {
        using V = decltype(v);
        if constexpr (policies::is_datagram<typename V::session::frame_layout>()) {
            throw usage_error("--serve: --variant " + std::string(V::name) +
                              " runs over UDP, one peer at a time (listen without --serve)");
            return exit_usage;
        } else {
            return serve_with<V>(a);
        }
    });
}

}  // namespace polywire::cli
