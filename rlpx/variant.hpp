// RLPx's variant descriptor (transport/variant.hpp): what the tool, the
// benchmark, the demo and the suites need to know about RLPx beyond its
// configuration (rlpx/config.hpp). The devp2p notions — capabilities,
// snappy (p2p version 5), subprotocol codes from 0x10, Disconnect reasons —
// live here and nowhere else outside rlpx/. With it: a node's
// configuration, its connection type and its session options; rlpx/node.hpp
// dials and listens with them.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "rlpx/config.hpp"
#include "rlpx/enode.hpp"
#include "rlpx/p2p/disconnect.hpp"
#include "rlpx/p2p/messages.hpp"
#include "transport/adapters/blocking_socket.hpp"
#include "transport/log.hpp"
#include "variants/parts.hpp"

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


struct variant : variants::secp256k1_keys, variants::code_is_message_code {
    static constexpr std::string_view name = "rlpx";
    static constexpr std::string_view summary = "RLPx (devp2p)";
    static constexpr std::string_view id_help = "128 hex, the 64-byte public key";
    static constexpr std::string_view messages_help =
        "Messages go by capability: the first --cap's first code is the first after the base protocol's 16, "
        "and it must be shared with the remote. Ping/Pong, and Disconnect with devp2p's reasons.";

    using session = rlpx::session;
    using connection = rlpx::connection;
    using node_config = rlpx::node_config;
    using remote_id = crypto::secp256k1::public_key;

    static result<remote_id> node_id(const private_key& k) { return crypto::secp256k1::derive_public_key(k); }

    static constexpr std::string_view scheme = "enode";
    static std::optional<transport::node_address<remote_id>> parse_url(std::string_view text, std::string& why) {
        auto e = parse_enode(text);
        if (!e) {
            why = e.error().message();
            return std::nullopt;
        }
        return transport::node_address<remote_id>{e.value().id, e.value().host, e.value().port};
    }
    static std::string format_url(const remote_id& id, const std::string& host, std::uint16_t port) {
        return to_string(enode{id, host, port});
    }

    static node_config make_config(const private_key& key, const transport::timeouts& t) {
        node_config c;
        c.key = key;
        c.timeouts = t;
        return c;
    }
    /// The application's part of a node: its capabilities, its client id,
    /// and whether it offers snappy (devp2p version 5; false: version 4).
    static void set_application(node_config& c, std::vector<p2p::local_capability> caps, std::string client_id,
                                bool snappy) {
        c.capabilities = std::move(caps);
        c.client_id = std::move(client_id);
        if (!snappy) c.protocol_version = 4;
    }
    static result<session::options> make_options(const node_config& c, std::optional<remote_id> remote) {
        return rlpx::make_options(c, remote);
    }

    // Wire codes as they are (code_is_message_code): the base protocol's
    // 0-15, then each shared capability's codes at its offset.
    static constexpr bool has_capabilities = true;
    static constexpr std::uint64_t first_application_code = p2p::base_protocol_length;

    static constexpr bool has_ping = true;
    static constexpr bool has_goodbye = true;
    static constexpr std::uint8_t default_reason = static_cast<std::uint8_t>(p2p::disconnect_reason::requested);
    static constexpr std::uint8_t quit_reason = static_cast<std::uint8_t>(p2p::disconnect_reason::client_quitting);
    static constexpr std::uint8_t too_many_peers_reason = static_cast<std::uint8_t>(p2p::disconnect_reason::too_many_peers);
    // As p2p::parse_reason accepts: the reasons devp2p defines.
    static constexpr std::string_view reason_help =
        "a reason number (0-11 or 16, i.e. 0x00-0x0b or 0x10) or name such as client_quitting";
    static std::optional<std::uint8_t> parse_reason(std::string_view text) {
        auto r = p2p::parse_reason(text);
        if (!r) return std::nullopt;
        return static_cast<std::uint8_t>(*r);
    }
    /// "reason 4 (too_many_peers: too many peers)"
    static std::string describe_reason(std::uint8_t reason) {
        std::string s = "reason " + std::to_string(reason);
        if (auto r = p2p::known_reason(reason))
            s += " (" + std::string(p2p::reason_name(*r)) + ": " + std::string(p2p::reason_text(*r)) + ")";
        else
            s += " (unknown)";
        return s;
    }

    static constexpr std::uint64_t max_payload = 0xFFFFFF;
};

}  // namespace polywire::rlpx
