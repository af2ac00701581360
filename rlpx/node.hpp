// The RLPx API in a few lines:
//
//   rlpx::node_config cfg{.key = my_key, .capabilities = {{"eth", 68, 17}}};
//   auto conn = rlpx::dial(cfg, rlpx::parse_enode("enode://...@10.0.0.1:30303").value());
//   if (!conn) { /* conn.error().message() */ }
//   auto& c = *conn.value();
//   c.send("eth", 0x00, status_payload);           // by capability and code
//   while (auto e = c.next_event()) { ... }        // messages, pings, disconnect
//   c.close(rlpx::p2p::disconnect_reason::client_quitting);
//
//   auto l = rlpx::listener::open(cfg, "0.0.0.0", 30303);
//   auto peer = l.value().accept();                // handshake and Hello done
//
// Both are the generic node (variants/node.hpp) over RLPx's descriptor
// (rlpx/variant.hpp, which also holds node_config, connection and
// make_options).
#pragma once

#include "rlpx/variant.hpp"
#include "variants/node.hpp"

namespace polywire::rlpx {

/// Connects to `remote`, runs the handshake and the Hello exchange.
inline result<std::unique_ptr<connection>> dial(const node_config& cfg, const enode& remote) {
    return variants::node<variant>::dial(cfg, remote.host, remote.port, remote.id);
}

/// A TCP port whose connections run the handshake and the Hello exchange:
/// open(cfg, host, port), accept(deadline), port(), and our enode URL.
class listener : public variants::node<variant>::tcp_listener {
public:
    static result<listener> open(node_config cfg, const std::string& host, std::uint16_t port) {
        auto l = tcp_listener::open(std::move(cfg), host, port);
        if (!l) return l.error();
        listener r;
        static_cast<tcp_listener&>(r) = std::move(l.value());
        return r;
    }
    /// enode://<our id>@host:port
    std::string enode_url() const {
        return to_string(enode{options().protocol.node_id, host().empty() ? "0.0.0.0" : host(), port()});
    }
};

}  // namespace polywire::rlpx
