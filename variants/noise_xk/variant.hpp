// noise-xk's variant descriptor (transport/variant.hpp): secp256k1 keys,
// the responder's 33-byte compressed static key as its node id, the code
// in each message's first byte, no goodbye; and what it names: a node's
// configuration, its connection type and its session options.
// variants/noise_xk/node.hpp dials and listens with it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "transport/adapters/blocking_socket.hpp"
#include "transport/log.hpp"
#include "variants/noise_xk/config.hpp"
#include "variants/parts.hpp"

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


inline constexpr char url_scheme[] = "noise-xk";

struct variant : secp256k1_keys, compressed_key_ids<url_scheme>, code_in_first_byte, no_goodbye {
    static constexpr std::string_view name = "noise-xk";
    static constexpr std::string_view summary = "Lightning BOLT 8";
    static constexpr std::string_view messages_help = first_byte_no_goodbye_help;

    using session = noise_xk::session;
    using connection = noise_xk::connection;
    using node_config = noise_xk::node_config;

    static node_config make_config(const private_key& key, const transport::timeouts& t) {
        return {.key = key, .timeouts = t};
    }
    static result<session::options> make_options(const node_config& c, std::optional<remote_id> remote) {
        return noise_xk::make_options(c, remote);
    }

    /// The peer's end of stream in the middle of the handshake (variants/node.hpp).
    static std::error_code handshake_error(std::error_code ec) {
        return ec == transport::errc::peer_closed ? make_error_code(errc::handshake_truncated) : ec;
    }

    /// One BOLT 8 message is at most 65535 bytes, the code byte included.
    static constexpr std::uint64_t max_payload = session::frame_layout::max_frame_size - 1;
};

}  // namespace polywire::variants::noise_xk
