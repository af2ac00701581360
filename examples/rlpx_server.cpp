// A minimal RLPx server: serves peers concurrently, echoes every message,
// and stops cleanly on Ctrl-C (every peer gets Disconnect "client quitting").
//
//   ./bazelw run //examples:rlpx_server -- 30303      (0: any free port)
//
// Each peer is a coroutine on its own strand; keepalive pings, pong and
// idle deadlines, and the "too many peers" goodbye are the server's and the
// session's business, not the handler's.
#include <csignal>
#include <cstdio>
#include <cstdlib>

#include "rlpx/server.hpp"  // rlpx::server, before any other Asio header

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

namespace asio = boost::asio;
using namespace polywire;

// One peer, from its Hello to its goodbye (or the server's).
asio::awaitable<void> echo(rlpx::async_connection& peer, std::uint64_t id) {
    std::printf("peer %llu from %s: %s\n", static_cast<unsigned long long>(id), peer.peer().c_str(),
                peer.session().peer().remote_hello.client_id.c_str());
    while (auto e = co_await peer.receive()) {  // std::nullopt once the session is over
        if (e->kind == transport::event_kind::message)
            co_await peer.send(e->code, e->payload);  // waits while the peer reads slowly
    }
    std::printf("peer %llu left\n", static_cast<unsigned long long>(id));
}

int main(int argc, char** argv) {
    const auto port = static_cast<std::uint16_t>(argc > 1 ? std::atoi(argv[1]) : 30303);
    rlpx::node_config cfg;
    cfg.key = crypto::secp256k1::generate_private_key().value();
    cfg.capabilities = {{"eth", 68, 17}};

    asio::io_context io;
    auto srv = rlpx::server::open(io.get_executor(), cfg, "127.0.0.1", port, echo, {.max_peers = 50});
    if (!srv) {
        std::fprintf(stderr, "cannot listen: %s\n", srv.error().message().c_str());
        return 1;
    }
    std::printf("listening: %s\n", srv.value().enode_url().c_str());
    std::fflush(stdout);

    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int) {
        if (!ec) srv.value().stop();  // goodbyes; run() completes when the last peer is gone
    });
    asio::co_spawn(io, srv.value().run(), [&](std::exception_ptr) {
        signals.cancel();
        const auto m = srv.value().metrics();
        std::printf("served %llu peers, %llu messages\n", static_cast<unsigned long long>(m.peers_served),
                    static_cast<unsigned long long>(m.traffic.messages_in));
    });
    io.run();  // add threads calling io.run() to use more cores: each peer keeps its strand
    return 0;
}
