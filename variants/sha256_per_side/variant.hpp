// sha256-per-side's variant descriptor (transport/variant.hpp): secp256k1
// keys, the 33-byte compressed key as node id (authenticated by the
// Authenticate packet each side sends first), the code in each message's
// first byte, no goodbye.
#pragma once

#include "transport/adapters/blocking_socket.hpp"
#include "transport/log.hpp"
#include "variants/parts.hpp"
#include "variants/sha256_per_side/config.hpp"

namespace polywire::variants::sha256_per_side {

/// What a node's sessions are made from.
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

inline constexpr char url_scheme[] = "sha256-per-side";

struct variant : secp256k1_keys, compressed_key_ids<url_scheme>, code_in_first_byte, no_goodbye {
    static constexpr std::string_view name = "sha256-per-side";
    static constexpr std::string_view summary = "c-lightning 2016";
    static constexpr std::string_view messages_help = first_byte_no_goodbye_help;

    using session = sha256_per_side::session;
    using connection = transport::adapters::blocking_socket<session>;
    using node_config = sha256_per_side::node_config;

    static node_config make_config(const private_key& key, const transport::timeouts& t) {
        return {.key = key, .timeouts = t};
    }
    static result<session::options> make_options(const node_config& c, std::optional<remote_id> remote) {
        auto id = node_id(c.key);
        if (!id) return id.error();
        session::options o;
        o.protocol.node_key = c.key;
        o.protocol.node_id = id.value();
        o.protocol.expected_remote_id = remote;
        o.timeouts = c.timeouts;
        o.limits = c.limits;
        o.random = c.random;
        o.key_log = c.key_log;
        return o;
    }

    static constexpr std::uint64_t max_payload = session::frame_layout::max_frame_size - 1;
};

}  // namespace polywire::variants::sha256_per_side
