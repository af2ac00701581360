// x25519-xchacha over UDP (the datagram layout), async: an echo server and a
// client in one program.
//
//   x25519_udp server 9000 server-keys
//       listening: 9000
//   x25519_udp client 127.0.0.1 9000 client-keys server-keys/id_ed25519.pub
//
// Each side's Ed25519 identity lives in a directory as OpenSSH files
// (id_ed25519, id_ed25519.pub), created on first use (a ~/.ssh holding an
// unencrypted id_ed25519 works too). The client knows the server's public key and
// the handshake checks it; the server accepts any client and prints its key.
// Ctrl-C stops the server cleanly (every peer gets a goodbye).
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "variants/x25519_xchacha/config.hpp"    // udp_session: the datagram configuration
#include "variants/x25519_xchacha/cookie.hpp"    // the stateless cookie round under load
#include "variants/x25519_xchacha/identity.hpp"  // OpenSSH key files
#include "transport/adapters/asio_datagram.hpp"  // before any other Asio header

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

namespace asio = boost::asio;
using namespace polywire;
namespace xx = variants::x25519_xchacha;
using connection = transport::adapters::asio_datagram<xx::udp_session>;  // one peer, one connected UDP socket

// The session's settings: our identity and, if known, the peer's.
xx::udp_session::options options(const xx::identity_key& me, std::optional<xx::identity_public_key> peer) {
    xx::udp_session::options o;
    o.handshake.identity = me;
    o.handshake.expected_remote = peer;
    return o;
}

// ---- server ------------------------------------------------------------------

// One peer, from its first datagram to its goodbye (or ours). Its slot
// counts it among the listener's pending handshakes until the handshake ends.
asio::awaitable<void> echo(std::shared_ptr<connection> peer, transport::adapters::handshake_slot slot) {
    const std::error_code failed = co_await peer->handshake();
    slot.release();
    if (failed) {  // errors are values, never exceptions
        std::printf("handshake with %s failed: %s\n", peer->peer().c_str(), failed.message().c_str());
        co_return;
    }
    std::printf("peer %s: %s\n", peer->peer().c_str(),
                xx::format_openssh_public_key(peer->session().remote_id(), "").c_str());
    std::fflush(stdout);
    while (auto e = co_await peer->receive()) {  // std::nullopt once the session is over
        if (e->kind == transport::event_kind::message)
            co_await peer->send(e->code, e->payload);  // e->code is the channel
    }
    std::printf("peer %s left\n", peer->peer().c_str());
}

int server(std::uint16_t port, const std::string& key_dir) {
    std::error_code ignored;
    std::filesystem::create_directories(key_dir, ignored);
    auto me = xx::load_or_create_identity(key_dir);
    if (!me) return std::fprintf(stderr, "identity: %s\n", me.error().message().c_str()), 1;

    asio::io_context io;
    // At most 64 handshakes at once; from 16 on, a new peer first proves it
    // receives at its address (a cookie) before it costs a socket or a key.
    auto cookies = std::make_shared<xx::cookie_guard>();
    transport::adapters::udp_listener_options lo;
    lo.max_pending_handshakes = 64;
    lo.cookie_threshold = 16;
    lo.gate = [cookies](byte_view d, byte_view source, transport::time_point now, bool loaded,
                        bytes& reply) { return cookies->admit(d, source, now, loaded, reply); };
    auto listener = transport::adapters::asio_udp_listener::listen(io.get_executor(), "127.0.0.1", port, std::move(lo));
    if (!listener) return std::fprintf(stderr, "cannot listen: %s\n", listener.error().message().c_str()), 1;
    std::printf("listening: %u\n", static_cast<unsigned>(listener.value().port()));
    std::fflush(stdout);

    std::vector<std::weak_ptr<connection>> peers;
    auto accept_loop = [&]() -> asio::awaitable<void> {
        // Each new peer's first datagram (its HELLO) comes with a socket
        // connected to it; the session runs on a strand of its own.
        while (auto arrival = co_await listener.value().accept()) {
            auto peer = std::make_shared<connection>(std::move(arrival.value().socket),
                                                     xx::udp_session(policies::handshake_role::recipient, options(me.value(), std::nullopt)),
                                                     transport::adapters::asio_options{}, transport::log_hook{},
                                                     std::move(arrival.value().first));
            peers.push_back(peer);
            asio::co_spawn(peer->get_executor(), echo(peer, std::move(arrival.value().slot)), asio::detached);
        }
    };
    asio::co_spawn(io, accept_loop(), asio::detached);  // ends once the listener is closed

    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int) {
        if (ec) return;
        listener.value().close();
        for (auto& p : peers)
            if (auto c = p.lock()) c->cancel(xx::reason::requested);  // a goodbye, then the socket closes
    });
    io.run();  // returns once the accept loop and every peer have finished
    std::printf("served %zu peers\n", peers.size());
    return 0;
}

// ---- client ------------------------------------------------------------------

asio::awaitable<void> talk(std::string host, std::uint16_t port, xx::identity_key me, xx::identity_public_key them,
                           int* status) {
    auto socket = co_await transport::adapters::async_udp_connect(host, port);
    if (!socket) {
        std::fprintf(stderr, "connect: %s\n", socket.error().message().c_str());
        co_return;
    }
    connection conn(std::move(socket.value()), xx::udp_session(policies::handshake_role::initiator, options(me, them)));
    if (auto ec = co_await conn.handshake()) {  // the session resends lost handshake datagrams
        std::fprintf(stderr, "handshake: %s\n", ec.message().c_str());
        co_return;
    }

    // UDP may lose datagrams and nothing resends messages: this client
    // waits for each echo (one datagram in flight), which also paces it.
    for (std::string_view text : {"hello", "over", "udp"}) {
        const std::uint64_t channel = 1;
        if (auto ec = co_await conn.send(channel, byte_view(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()))) {
            std::fprintf(stderr, "send: %s\n", ec.message().c_str());
            co_return;
        }
        auto e = co_await conn.receive();  // the session's read timeout bounds the wait
        if (!e || e->kind != transport::event_kind::message) {
            std::fprintf(stderr, "no echo\n");
            co_return;
        }
        std::printf("echo: %.*s\n", static_cast<int>(e->payload.size()), reinterpret_cast<const char*>(e->payload.data()));
    }
    co_await conn.close(xx::reason::requested);  // the goodbye datagram, then the socket closes
    *status = 0;
}

int client(const std::string& host, std::uint16_t port, const std::string& key_dir, const std::string& server_key) {
    std::error_code ignored;
    std::filesystem::create_directories(key_dir, ignored);
    auto me = xx::load_or_create_identity(key_dir);
    if (!me) return std::fprintf(stderr, "identity: %s\n", me.error().message().c_str()), 1;
    auto them = xx::load_public_key(server_key);  // OpenSSH "ssh-ed25519 AAAA..." or 32 raw bytes
    if (!them) return std::fprintf(stderr, "server key: %s\n", them.error().message().c_str()), 1;
    int status = 1;
    asio::io_context io;
    asio::co_spawn(io, talk(host, port, me.value(), them.value(), &status), asio::detached);
    io.run();
    return status;
}

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (args.size() == 3 && args[0] == "server") return server(static_cast<std::uint16_t>(std::atoi(args[1].c_str())), args[2]);
    if (args.size() == 5 && args[0] == "client")
        return client(args[1], static_cast<std::uint16_t>(std::atoi(args[2].c_str())), args[3], args[4]);
    std::fprintf(stderr,
                 "usage: x25519_udp server PORT KEY_DIR\n"
                 "       x25519_udp client HOST PORT KEY_DIR SERVER_PUBLIC_KEY_FILE\n");
    return 2;
}
