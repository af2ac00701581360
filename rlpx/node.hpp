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
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rlpx/config.hpp"
#include "rlpx/enode.hpp"
#include "transport/adapters/blocking_socket.hpp"
#include "transport/log.hpp"

namespace polywire::rlpx {

struct node_config {
    crypto::secp256k1::private_key key;
    std::vector<p2p::local_capability> capabilities;
    std::string client_id = "polywire/0.1.0";
    std::uint64_t listen_port = 0;
    /// p2p version advertised in Hello; 4 turns snappy off (5 is current).
    std::uint64_t protocol_version = p2p::base_protocol_version;
    transport::timeouts timeouts = transport::timeouts::suggested();
    transport::limits limits{};
    transport::log_hook log{};
    /// The sessions' random source and key log (transport/session.hpp);
    /// empty by default. Never set the key log in production.
    transport::random_source random{};
    transport::key_log key_log{};
    /// Sends a Hello with this node id instead of ours (tests only: a peer
    /// lying about its id, which no honest node does; see p2p::protocol).
    std::optional<crypto::secp256k1::public_key> hello_node_id_for_testing_only;
};

/// The session options for a node (`remote` = the node dialled, if any).
result<session::options> make_options(const node_config& cfg, std::optional<crypto::secp256k1::public_key> remote);

/// An established RLPx connection over a blocking socket.
class connection : public transport::adapters::blocking_socket<session> {
public:
    using blocking_socket::blocking_socket;
    using blocking_socket::send;

    /// Sends message `code` (0-based within the capability) of capability `name`.
    std::error_code send(std::string_view capability, std::uint64_t code, byte_view payload);
    /// The capability a received wire code belongs to, and the code within it.
    std::optional<std::pair<const p2p::shared_capability*, std::uint64_t>> resolve(std::uint64_t wire_code);
    std::error_code close(p2p::disconnect_reason reason) { return blocking_socket::close(static_cast<std::uint8_t>(reason)); }
};

/// Connects to `remote`, runs the handshake and the Hello exchange.
result<std::unique_ptr<connection>> dial(const node_config& cfg, const enode& remote);

class listener {
public:
    static result<listener> open(node_config cfg, const std::string& host, std::uint16_t port);
    /// Accepts one connection and runs its handshake and Hello exchange.
    result<std::unique_ptr<connection>> accept(transport::time_point deadline = transport::time_point::max());
    std::uint16_t port() const noexcept { return socket_.port(); }
    /// enode://<our id>@host:port
    std::string enode_url() const;

private:
    transport::log_hook log_;
    session::options options_;  ///< made once (the node id derived once), copied per connection
    transport::adapters::tcp_listener socket_;
};

}  // namespace polywire::rlpx
