// A minimal RLPx client: dials an enode, prints the remote's Hello, leaves.
//
//   ./bazelw run //examples:rlpx_client -- enode://<128 hex digits>@127.0.0.1:30303
//
// The async API (rlpx/server.hpp) in a few lines: a coroutine awaits the
// TCP connection, the ECIES handshake and the Hello exchange, then a goodbye.
#include <cstdio>
#include <string>

#include "rlpx/server.hpp"  // rlpx::async_dial, before any other Asio header

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

namespace asio = boost::asio;
using namespace polywire;

// Parameters by value: a coroutine outlives the call that starts it.
asio::awaitable<void> print_hello(std::string url, int* status) {
    auto remote = rlpx::parse_enode(url);
    if (!remote) {
        std::fprintf(stderr, "not an enode URL: %s\n", remote.error().message().c_str());
        co_return;
    }
    rlpx::node_config cfg;
    cfg.key = crypto::secp256k1::generate_private_key().value();  // a throwaway identity
    cfg.capabilities = {{"eth", 66, 17}, {"eth", 67, 17}, {"eth", 68, 17}, {"snap", 1, 8}};

    auto conn = co_await rlpx::async_dial(cfg, remote.value());  // errors are values, never exceptions
    if (!conn) {
        std::fprintf(stderr, "dial failed: %s\n", conn.error().message().c_str());
        co_return;
    }
    const auto& hello = conn.value().session().peer().remote_hello;
    std::printf("client id:   %s\n", hello.client_id.c_str());
    std::printf("p2p version: %llu\n", static_cast<unsigned long long>(hello.protocol_version));
    for (const auto& cap : hello.caps) std::printf("capability:  %s/%llu\n", cap.name.c_str(), static_cast<unsigned long long>(cap.version));

    // Disconnect "client quitting", wait for the remote to close, done.
    co_await conn.value().close(static_cast<std::uint8_t>(rlpx::p2p::disconnect_reason::client_quitting));
    *status = 0;
}

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: rlpx_client enode://<node id>@<host>:<port>\n");
        return 2;
    }
    int status = 1;
    asio::io_context io;
    asio::co_spawn(io, print_hello(argv[1], &status), asio::detached);
    io.run();  // returns once the coroutine has finished
    return status;
}
