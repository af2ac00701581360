// noise-xk (BOLT 8) over TCP in a few lines:
//
//   noise_xk::node_config cfg{.key = my_key};
//   auto conn = noise_xk::dial(cfg, "127.0.0.1", 9735, their_pubkey);   // 33-byte key
//   if (!conn) { /* conn.error().message() */ }
//   auto& c = *conn.value();
//   c.send(message);                                  // one BOLT 8 message, <= 65535 B
//   while (auto e = c.next_event()) { ... }           // e->payload
//   c.close();
//
//   auto l = noise_xk::listener::open(cfg, "127.0.0.1", 0);
//   auto peer = l.value().accept();                   // Acts One to Three done
//   peer.value()->session().remote_id();              // the initiator's static key
//
// The sans-I/O session reports the peer's end of stream in the middle of
// the handshake as transport::errc::peer_closed; dial() and accept() report
// it as noise_xk::errc::handshake_truncated. A deadline passing mid-act
// stays transport::errc::handshake_timeout.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "transport/adapters/blocking_socket.hpp"
#include "transport/log.hpp"
#include "variants/noise_xk/config.hpp"

namespace polywire::variants::noise_xk {

struct node_config {
    crypto::secp256k1::private_key key;
    transport::timeouts timeouts = transport::timeouts::suggested();
    transport::limits limits{};
    transport::log_hook log{};
    /// The sessions' random source and key log (transport/session.hpp);
    /// empty by default. Never set the key log in production.
    transport::random_source random{};
    transport::key_log key_log{};
};

/// An established BOLT 8 connection over a blocking socket.
class connection : public transport::adapters::blocking_socket<session> {
public:
    using blocking_socket::blocking_socket;
    using blocking_socket::send;
    /// Sends one message (BOLT 8 carries no message code of its own).
    std::error_code send(byte_view message) { return blocking_socket::send(0, message); }
    /// Closes the connection (BOLT 8 has no goodbye message).
    std::error_code close() { return blocking_socket::close(0); }
};

/// The session options of a node (`remote` = the static key of the node
/// dialled; for a listener, the initiator's key it insists on, if any).
session::options make_options(const node_config& cfg,
                              std::optional<crypto::secp256k1::compressed_public_key> remote);

/// Connects to host:port and runs the three acts against `remote`.
result<std::unique_ptr<connection>> dial(const node_config& cfg, const std::string& host, std::uint16_t port,
                                         const crypto::secp256k1::compressed_public_key& remote);

class listener {
public:
    static result<listener> open(node_config cfg, const std::string& host, std::uint16_t port);
    /// Accepts one connection and runs its handshake.
    result<std::unique_ptr<connection>> accept(transport::time_point deadline = transport::time_point::max());
    std::uint16_t port() const noexcept { return socket_.port(); }

private:
    transport::log_hook log_;
    session::options options_;  ///< made once (the public key derived once), copied per connection
    transport::adapters::tcp_listener socket_;
};

}  // namespace polywire::variants::noise_xk
