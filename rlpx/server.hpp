// RLPx over Boost.Asio with C++20 coroutines: rlpx::server (many peers on
// one port) and rlpx::async_dial. The I/O is transport::adapters::
// asio_session / asio_server (see their headers for the threading model);
// this file only adds RLPx's node configuration and disconnect reasons.
//
//   asio::io_context io;
//   auto srv = rlpx::server::open(io.get_executor(), cfg, "0.0.0.0", 30303,
//       [](rlpx::async_connection& c, std::uint64_t) -> asio::awaitable<void> {
//           while (auto e = co_await c.receive())            // ends when the peer leaves
//               if (e->kind == transport::event_kind::message)
//                   co_await c.send(e->code, e->payload);    // echo
//       });
//   asio::co_spawn(io, srv.value().run(), asio::detached);
//   io.run();                                                // until stop() and the last goodbye
//
// At max_pending_handshakes handshakes in progress the server stops
// accepting (the kernel's listen backlog holds further connections until a
// handshake ends, as go-ethereum does); a connection beyond the handshakes
// per source per second is closed at once, before any key work. Peers
// beyond max_peers are handshaken, then sent Disconnect
// "too many peers" (0x04); stop() sends every peer Disconnect "client
// quitting" (0x08). Pings are answered, keepalive pings sent every
// timeouts.ping_interval (15 s) and a peer whose Pong does not come within
// timeouts.pong is dropped: all by the session, through its deadlines.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "rlpx/node.hpp"
#include "transport/adapters/asio_server.hpp"

namespace polywire::rlpx {

/// An RLPx session over an Asio TCP socket.
using async_connection = transport::adapters::asio_session<session>;

struct server_options {
    /// Peers served at once (beyond it: Disconnect "too many peers").
    std::size_t max_peers = std::numeric_limits<std::size_t>::max();
    /// Send queue and receive window of each session (see asio_options).
    transport::adapters::asio_options session{};
    /// Called for each failed handshake (see transport::adapters::server_options).
    decltype(transport::adapters::server_options::on_handshake_failure) on_handshake_failure{};
    /// Inbound limits (see transport::adapters::server_options): handshakes
    /// in progress at once (go-ethereum's 50: at the limit nothing more is
    /// accepted until one ends, the connections waiting in the listen
    /// backlog) and new handshakes per source per second (a connection
    /// beyond it is closed before any key work and counted in
    /// metrics().rejected_inbound_limit). 0: no limit.
    std::size_t max_pending_handshakes = 50;
    std::uint32_t max_handshakes_per_source_per_second = 10;
    /// The source a connection counts against (default: its address,
    /// loopback exempt; std::nullopt exempts).
    decltype(transport::adapters::server_options::source_key) source_key =
        transport::adapters::server_options::default_source_key;
};

/// Serves one established peer; `id` numbers connections from 1. Return when
/// receive() returns std::nullopt (or earlier: the server then sends
/// Disconnect "requested").
using peer_handler = std::function<transport::adapters::awaitable<void>(async_connection& conn, std::uint64_t id)>;

class server {
public:
    /// Listens on host:port (0: the system chooses); nothing is accepted
    /// before run().
    static result<server> open(const boost::asio::any_io_executor& ex, node_config cfg, const std::string& host,
                               std::uint16_t port, peer_handler handler, server_options opts = {});

    /// Accepts and serves until stop(); completes once every session ended.
    transport::adapters::awaitable<void> run() { return impl_->run(); }
    /// Any thread: stop accepting; every peer gets Disconnect "client quitting".
    void stop() { impl_->stop(); }

    std::uint16_t port() const noexcept { return impl_->port(); }
    /// enode://<our id>@host:port
    std::string enode_url() const;
    /// Any thread: counters (handshakes by outcome, disconnects by reason,
    /// bytes and messages); never key material.
    transport::adapters::server_metrics metrics() const { return impl_->metrics(); }
    /// Any thread: the open connections and their counters.
    std::vector<transport::adapters::peer_summary> peers() const { return impl_->peers(); }

private:
    using impl = transport::adapters::asio_server<session>;
    server(std::shared_ptr<impl> i, crypto::secp256k1::public_key id) : impl_(std::move(i)), id_(id) {}
    std::shared_ptr<impl> impl_;
    crypto::secp256k1::public_key id_;
};

/// Connects to `remote` (within cfg.timeouts.handshake), runs the handshake
/// and the Hello exchange. The connection's cancel reason is
/// "client quitting".
transport::adapters::awaitable<result<async_connection>> async_dial(node_config cfg, enode remote);

/// Sends message `code` (0-based within the capability) of capability
/// `name`: errc::no_shared_capability if the peer does not share it.
transport::adapters::awaitable<std::error_code> send(async_connection& conn, std::string_view capability,
                                                     std::uint64_t code, byte_view payload);

}  // namespace polywire::rlpx
