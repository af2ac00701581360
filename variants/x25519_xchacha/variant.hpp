// x25519-xchacha's variant descriptors (transport/variant.hpp): `variant`
// over TCP (config) and `udp_variant` over UDP (config_udp), sharing
// everything but the session, the connection, the URL scheme and the
// sender's window. Ed25519 identities, each code a channel, ping/pong and a
// close with a reason.
#pragma once

#include <charconv>
#include <iterator>

#include "variants/node.hpp"
#include "variants/parts.hpp"
#include "variants/x25519_xchacha/node.hpp"

namespace polywire::variants::x25519_xchacha {

/// What the two descriptors share.
struct variant_base : code_is_message_code {

    // Ed25519 identities: the 32-byte seed is what keygen prints.
    using private_key = identity_key;
    static constexpr std::string_view key_help =
        "an Ed25519 seed (64 hex digits); a key file may also be an unencrypted OpenSSH id_ed25519 or a raw 32- "
        "or 64-byte key";
    static constexpr std::string_view id_help = "64 hex, the Ed25519 public key";
    static result<private_key> generate_key() { return private_key::generate(); }
    static byte_view key_bytes(const private_key& k) { return k.seed(); }
    static result<identity_public_key> node_id(const private_key& k) { return k.public_key(); }
    /// A seed as 64 hex digits or, from a file (`path`), also an OpenSSH
    /// id_ed25519 (unencrypted) or a raw key file (load_private_key).
    static std::optional<private_key> load_key(std::string_view text, const std::optional<std::string>& path,
                                               std::string& why) {
        secret<32> seed;
        if (decode_hex32(text, std::span<std::uint8_t, 32>(seed.data(), 32))) {
            auto k = private_key::from_seed(seed.view());
            if (!k) {
                why = k.error().message();
                return std::nullopt;
            }
            return k.value();
        }
        if (!path) {
            why = "expected 64 hex digits (an Ed25519 seed)";
            return std::nullopt;
        }
        auto k = load_private_key(*path);
        if (!k) {
            why = k.error().message();
            return std::nullopt;
        }
        return k.value();
    }

    using node_config = x25519_xchacha::node_config;
    static node_config make_config(const private_key& key, const transport::timeouts& t) {
        node_config c;
        c.identity = key;
        c.timeouts = t;
        return c;
    }

    // Each code is a channel, numbered as RLPx numbers codes (the first
    // application code is 0x10), so applications read the same whatever the
    // variant.
    static constexpr bool has_capabilities = false;
    static constexpr std::uint64_t first_application_code = 0x10;

    // The control protocol's close reasons.
    static constexpr bool has_ping = true;
    static constexpr bool has_goodbye = true;
    static constexpr std::uint8_t default_reason = reason::requested;
    static constexpr std::uint8_t quit_reason = reason::requested;
    static constexpr std::uint8_t too_many_peers_reason = reason::requested;  ///< the protocol has no such reason
    static constexpr std::string_view reason_help =
        "a reason number (0-255) or name: requested, protocol_error, authentication_failure, timeout";
    static constexpr std::string_view reason_names[] = {"requested", "protocol_error", "authentication_failure",
                                                        "timeout"};
    static std::optional<std::uint8_t> parse_reason(std::string_view text) {
        for (std::size_t i = 0; i < std::size(reason_names); ++i)
            if (text == reason_names[i]) return static_cast<std::uint8_t>(i);
        unsigned v = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || v > 255) return std::nullopt;
        return static_cast<std::uint8_t>(v);
    }
    static std::string describe_reason(std::uint8_t r) {
        return "reason " + std::to_string(r) + " (" +
               (r < std::size(reason_names) ? std::string(reason_names[r]) : std::string("unknown")) + ")";
    }

    static constexpr std::uint64_t max_payload = session::frame_layout::max_payload;
};

inline constexpr char url_scheme[] = "x25519-xchacha";
inline constexpr char udp_url_scheme[] = "x25519-xchacha-udp";

/// Over TCP.
struct variant : variant_base, raw_key_ids<identity_public_key, url_scheme> {
    static constexpr std::string_view name = "x25519-xchacha";
    static constexpr std::string_view summary = "X25519, Ed25519 and XChaCha20-Poly1305 over TCP";
    static constexpr std::string_view messages_help =
        "No capabilities: --cap is optional and each message goes on the channel numbered by its code (16 for "
        "the first). Answers --ping; closes with a reason, requested (0) by default.";
    using session = x25519_xchacha::session;
    using connection = x25519_xchacha::connection;
    static result<session::options> make_options(const node_config& c, std::optional<remote_id> remote) {
        return x25519_xchacha::make_options(c, remote);
    }
};

/// Over UDP: one message-carrying packet per datagram, so a payload is at
/// most what the session's datagram size negotiation found the path
/// carries: 1392 B (the floor, base_payload) up to 65,471 B (max_payload,
/// a 65,507-byte datagram). max_payload stays the stream's, so that a
/// message too large for a datagram reaches the session, which refuses it
/// with errc::message_too_large. Nothing
/// retransmits a lost datagram: a sender keeps at most echo_window bytes
/// unechoed, well inside a socket buffer.
struct udp_variant : variant_base, raw_key_ids<identity_public_key, udp_url_scheme> {
    static constexpr std::string_view name = "x25519-xchacha-udp";
    static constexpr std::string_view summary = "the same over UDP";
    static constexpr std::string_view messages_help =
        "As x25519-xchacha; a message holds at most what one datagram carries: 1392 bytes, or up to 65471 once "
        "the sessions' probes found the path carries more (more fails with the session's message_too_large "
        "error), nothing is retransmitted, and dial --expect-echo keeps at most 16 KiB unechoed.";
    using session = x25519_xchacha::udp_session;
    using connection = x25519_xchacha::udp_connection;
    static constexpr std::size_t echo_window = 16 * 1024;
    static result<session::options> make_options(const node_config& c, std::optional<remote_id> remote) {
        return make_udp_options(c, remote);
    }
    // Its own node over UDP (variants/node.hpp uses them).
    using listener = udp_listener;
    static result<std::unique_ptr<connection>> dial(const node_config& c, const std::string& host, std::uint16_t port,
                                                    std::optional<remote_id> remote) {
        return dial_udp(c, host, port, remote);
    }
};

/// Over TCP, the generic node: connects to host:port and runs the handshake
/// (`remote`: the identity the peer must have, if known).
inline result<std::unique_ptr<connection>> dial(const node_config& cfg, const std::string& host, std::uint16_t port,
                                                std::optional<identity_public_key> remote) {
    return variants::node<variant>::dial(cfg, host, port, remote);
}

/// Over TCP, the generic node's listener: open(cfg, host, port),
/// accept(deadline, expected_remote), port().
using listener = variants::node<variant>::listener;

}  // namespace polywire::variants::x25519_xchacha
