// x25519-xchacha over TCP (session) or UDP (udp_session) in a few lines
// (with variant.hpp, which declares the TCP dial and listener):
//
//   node_config cfg{.identity = load_private_key("~/.ssh/id_ed25519").value()};
//   auto conn = dial(cfg, "127.0.0.1", 9000, their_key);     // TCP; their_key optional
//   conn.value()->send(channel, payload);
//   while (auto e = conn.value()->next_event()) { e->code is the channel, e->payload }
//
//   auto l = listener::open(cfg, "127.0.0.1", 0);
//   auto peer = l.value().accept();                          // handshake done
//   peer.value()->session().remote_id();                     // the peer's Ed25519 key
//
//   auto u = dial_udp(cfg, "127.0.0.1", 9001, their_key);    // the same over UDP
//   auto ul = udp_listener::open(cfg, "127.0.0.1", 0);       // one peer per accept()
//
// Over TCP, dial and listener are the generic node (variants/node.hpp) over
// the descriptor; this file holds what the descriptor names (the node's
// configuration, its session options and connections) and the node over
// UDP, which the generic one takes from the descriptor. A listener checks
// the initiator against `expected_remote` when given.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "transport/adapters/blocking_socket.hpp"
#include "transport/adapters/datagram_socket.hpp"
#include "transport/log.hpp"
#include "variants/x25519_xchacha/config.hpp"
#include "variants/x25519_xchacha/cookie.hpp"
#include "variants/x25519_xchacha/identity.hpp"

namespace polywire::variants::x25519_xchacha {

struct node_config {
    identity_key identity;
    std::optional<secret<32>> psk;
    control_protocol::options protocol{};
    transport::timeouts timeouts = transport::timeouts::suggested();
    transport::limits limits{};
    transport::log_hook log{};
    /// The sessions' random source and key log (transport/session.hpp);
    /// empty by default. Never set the key log in production.
    transport::random_source random{};
    transport::key_log key_log{};
    /// Over UDP: datagram size negotiation (transport/options.hpp). The
    /// environment variable POLYWIRE_DATAGRAM_PROBES=0 turns it off.
    transport::datagram_probing probing{};
};

/// The session options of a node (`remote`: the identity the peer must have).
session::options make_options(const node_config& cfg, std::optional<identity_public_key> remote);
/// The same for a session over UDP.
udp_session::options make_udp_options(const node_config& cfg, std::optional<identity_public_key> remote);

/// An established connection over TCP.
class connection : public transport::adapters::blocking_socket<session> {
public:
    using blocking_socket::blocking_socket;
    /// Several messages, packed into as few packets as fit.
    std::error_code send_batch(std::span<const transport::outgoing_message> messages) {
        if (auto ec = session().send_batch(messages, transport::clock::now())) return ec;
        return flush();
    }
};

/// An established connection over UDP.
class udp_connection : public transport::adapters::datagram_socket<udp_session> {
public:
    using datagram_socket::datagram_socket;
};

/// Over UDP a refused handshake datagram does not end the handshake (it may
/// be forged); if the handshake then times out, dial_udp and
/// udp_listener::accept report the last refusal (e.g. wrong_remote_identity)
/// rather than handshake_timeout.
result<std::unique_ptr<udp_connection>> dial_udp(const node_config& cfg, const std::string& host, std::uint16_t port,
                                                 std::optional<identity_public_key> remote);

/// What a UDP listener lets unverified peers cost it.
struct udp_listen_options {
    /// Handshakes in progress at once: the first datagram of a new peer
    /// beyond it is dropped (the peer retransmits; a slot frees when a
    /// handshake completes or fails).
    std::size_t max_pending_handshakes = 64;
    /// From this many pending handshakes on, a new peer first goes through
    /// the stateless cookie round (cookie.hpp): no session, socket or key
    /// work until it repeats its HELLO with a cookie that verifies. 0: always.
    std::size_t cookie_threshold = 16;
    cookie_guard::options cookies{};
};

/// A UDP port for many peers: one unconnected socket receives new peers'
/// first datagrams (checked by a cookie_guard), each peer whose first
/// datagram passes gets a socket of its own on the same port, connected to
/// it, and a session. accept() drives every pending handshake from one
/// loop and returns the first to end: the connection once established, or
/// the error of a handshake that failed (that peer is forgotten; the next
/// accept() goes on with the others). So one peer that stalls its
/// handshake, or sends garbage, does not hold up the others.
class udp_listener {
public:
    static result<udp_listener> open(node_config cfg, const std::string& host, std::uint16_t port,
                                     udp_listen_options opts = {});
    /// `expected_remote` applies to the peers whose first datagram arrives
    /// during this call. errc::handshake_timeout if none ended by `deadline`.
    result<std::unique_ptr<udp_connection>> accept(transport::time_point deadline = transport::time_point::max(),
                                                   std::optional<identity_public_key> expected_remote = std::nullopt);
    std::uint16_t port() const noexcept { return port_; }
    /// Handshakes in progress (each holds a socket and a session).
    std::size_t pending_handshakes() const noexcept { return pending_.size(); }

private:
    struct pending {
        bytes source;  // the peer's address and port (udp_peer::key)
        std::unique_ptr<udp_connection> conn;
    };
    void read_new_peers(const std::optional<identity_public_key>& expected_remote);

    node_config cfg_;
    udp_listen_options opts_;
    std::string host_;
    std::uint16_t port_ = 0;
    transport::adapters::socket_fd socket_;
    cookie_guard cookies_;
    std::vector<pending> pending_;
};

}  // namespace polywire::variants::x25519_xchacha
