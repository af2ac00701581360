// libp2p-noise's variant descriptor (transport/variant.hpp): libp2p
// identity keys (Ed25519 by default, secp256k1), the peer id as the node
// id, multiaddrs (/ip4/127.0.0.1/tcp/P/p2p/<peer id>) as URLs, the code in
// each message's first byte, no goodbye; and what it names: a node's
// configuration, its connection type and its session options. Dial and
// listen with the generic node:
//
//   libp2p_noise::node_config cfg{.key = libp2p_noise::private_key::generate().value()};
//   auto conn = libp2p_noise::dial(cfg, "127.0.0.1", 4001, their_peer_id);
//   conn.value()->send(message);                       // <= 65,519 B
//   auto l = libp2p_noise::listener::open(cfg, "127.0.0.1", 0);
//   auto peer = l.value().accept();
//   peer.value()->session().remote_id().id;            // the initiator's peer id
//   peer.value()->session().remote_id().stream_muxers; // what it offered
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "transport/adapters/blocking_socket.hpp"
#include "transport/log.hpp"
#include "variants/libp2p_noise/config.hpp"
#include "variants/libp2p_noise/multiaddr.hpp"
#include "variants/node.hpp"
#include "variants/parts.hpp"

namespace polywire::variants::libp2p_noise {

struct node_config {
    private_key key;
    transport::timeouts timeouts = transport::timeouts::suggested();
    transport::limits limits{};
    transport::log_hook log{};
    /// The stream muxers offered in the handshake's extensions.
    std::vector<std::string> stream_muxers{};
    /// The sessions' random source and key log (transport/session.hpp);
    /// empty by default. Never set the key log in production.
    transport::random_source random{};
    transport::key_log key_log{};
};

/// An established libp2p Noise channel over a blocking socket.
class connection : public transport::adapters::blocking_socket<session> {
public:
    using blocking_socket::blocking_socket;
    using blocking_socket::send;
    /// Sends one message (a Noise transport message carries no code).
    std::error_code send(byte_view message) { return blocking_socket::send(0, message); }
    /// Closes the connection (no goodbye message: an end of stream).
    std::error_code close() { return blocking_socket::close(0); }
};

/// The session options of a node (`remote`: the peer id of the node
/// dialled; for a listener, the initiator's it insists on, if any). Each
/// session makes a fresh Noise static key.
session::options make_options(const node_config& cfg, const std::optional<peer_id>& remote);

/// A private key from text: the hex of libp2p's PrivateKey protobuf (what
/// keygen prints), or "ed25519:<64 hex seed>", "secp256k1:<64 hex scalar>",
/// or 64 hex digits alone (an Ed25519 seed).
std::optional<private_key> load_key_text(std::string_view text, std::string& why);

struct variant : code_in_first_byte, no_goodbye {
    static constexpr std::string_view name = "libp2p-noise";
    static constexpr std::string_view summary = "libp2p's Noise secure channel (/noise, Noise_XX_25519_ChaChaPoly_SHA256)";
    static constexpr std::string_view key_help =
        "a libp2p private key: the hex of its PrivateKey protobuf (what keygen prints), "
        "ed25519:<64 hex seed> or secp256k1:<64 hex scalar>";
    static constexpr std::string_view id_help = "the base58btc peer id, 12D3KooW... for Ed25519, 16Uiu2... for secp256k1";
    static constexpr std::string_view messages_help = first_byte_no_goodbye_help;
    static constexpr std::string_view scheme = "multiaddr";
    static constexpr std::string_view url_form = "/ip4/<host>/tcp/<port>/p2p/<peer id>";
    /// The tool writes peer ids in base58btc.
    static std::string id_text(const peer_id& id) { return id.to_string(); }

    using session = libp2p_noise::session;
    using connection = libp2p_noise::connection;
    using node_config = libp2p_noise::node_config;
    using private_key = libp2p_noise::private_key;
    using remote_id = peer_id;

    static result<private_key> generate_key() { return private_key::generate(); }
    static byte_view key_bytes(const private_key& k) { return k.serialized(); }
    static std::optional<private_key> load_key(std::string_view text, const std::optional<std::string>&,
                                               std::string& why) {
        return load_key_text(text, why);
    }
    static result<remote_id> node_id(const private_key& k) { return peer_id::from_public_key(k.public_key()); }
    static std::optional<transport::node_address<remote_id>> parse_url(std::string_view text, std::string& why) {
        return parse_multiaddr(text, why);
    }
    static std::string format_url(const remote_id& id, const std::string& host, std::uint16_t port) {
        return format_multiaddr(id, host, port);
    }

    static node_config make_config(const private_key& key, const transport::timeouts& t) {
        return {.key = key, .timeouts = t};
    }
    static result<session::options> make_options(const node_config& c, std::optional<remote_id> remote) {
        return libp2p_noise::make_options(c, remote);
    }

    /// One Noise transport message holds 65,519 bytes, the code byte included.
    static constexpr std::uint64_t max_payload = session::frame_layout::max_frame_size - 1;
};

/// Connects to host:port and runs the handshake, insisting on `remote`.
inline result<std::unique_ptr<connection>> dial(const node_config& cfg, const std::string& host, std::uint16_t port,
                                                std::optional<peer_id> remote) {
    return variants::node<variant>::dial(cfg, host, port, std::move(remote));
}

/// A TCP port whose connections run the handshake: open(cfg, host, port),
/// accept(deadline), port().
using listener = variants::node<variant>::listener;

}  // namespace polywire::variants::libp2p_noise
