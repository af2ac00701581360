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
// Both are the generic node (variants/node.hpp) over noise-xk's descriptor
// (variant.hpp). The sans-I/O session reports the peer's end of stream in
// the middle of the handshake as transport::errc::peer_closed; dial() and
// accept() report it as noise_xk::errc::handshake_truncated. A deadline
// passing mid-act stays transport::errc::handshake_timeout.
#pragma once

#include "variants/node.hpp"
#include "variants/noise_xk/variant.hpp"

namespace polywire::variants::noise_xk {

/// Connects to host:port and runs the three acts against `remote`.
inline result<std::unique_ptr<connection>> dial(const node_config& cfg, const std::string& host, std::uint16_t port,
                                                const crypto::secp256k1::compressed_public_key& remote) {
    return variants::node<variant>::dial(cfg, host, port, remote);
}

/// A TCP port whose connections run the three acts: open(cfg, host, port),
/// accept(deadline), port().
using listener = variants::node<variant>::listener;

}  // namespace polywire::variants::noise_xk
