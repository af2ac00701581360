// The Disconnect message (code 0x01) of the p2p base protocol: [reason].
// encode/decode work on the RLP payload only (no message code, no frame).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "transport/bytes.hpp"
#include "transport/result.hpp"

namespace polywire::rlpx::p2p {

/// Disconnect reasons (rlpx.md; geth's DiscReason).
enum class disconnect_reason : std::uint8_t {
    requested = 0x00,
    network_error = 0x01,
    protocol_breach = 0x02,
    useless_peer = 0x03,
    too_many_peers = 0x04,
    already_connected = 0x05,
    incompatible_version = 0x06,
    invalid_identity = 0x07,
    client_quitting = 0x08,
    unexpected_identity = 0x09,
    connected_to_self = 0x0a,
    read_timeout = 0x0b,
    subprotocol_error = 0x10,
};

/// The largest decompressed Disconnect payload decode_disconnect will
/// inflate; a real one is 1-3 bytes.
constexpr std::size_t max_disconnect_decompressed_size = 1024;

/// The snake_case name ("too_many_peers"), or "unknown" for a value outside
/// the enumeration.
std::string_view reason_name(disconnect_reason r) noexcept;
/// A human description ("too many peers"), as geth words it.
std::string_view reason_text(disconnect_reason r) noexcept;
/// The reason with this wire value, if it is one of the enumeration.
std::optional<disconnect_reason> known_reason(std::uint8_t value) noexcept;
/// Parses a reason given as a number ("4", "0x04", "0x10") or a name
/// ("too_many_peers"; case-insensitive, '-' may stand for '_'). Only the
/// reasons of the enumeration are accepted.
std::optional<disconnect_reason> parse_reason(std::string_view s) noexcept;

/// The Disconnect payload as geth writes it: the RLP list [reason]. After a
/// v5 Hello exchange the session compresses it like any other message.
bytes encode_disconnect(disconnect_reason r) noexcept;

/// Decodes a Disconnect payload in every form peers send: a list [reason]
/// (extra elements ignored), a bare integer (old geth, ethjs: `08`), an empty
/// list or empty string meaning 0 (ethjs sends `80` for reason 0), compressed
/// or not. When `snappy_active`, the payload is first snappy-decompressed
/// (only if the declared length is at most max_disconnect_decompressed_size)
/// and decoded; if that fails, the raw bytes are decoded instead. Bytes after
/// the first item are ignored. Values outside the enumeration are returned
/// as they are; map them with known_reason.
/// Errors: errc::bad_disconnect_rlp when no form decodes.
result<std::uint8_t> decode_disconnect(byte_view payload, bool snappy_active) noexcept;

}  // namespace polywire::rlpx::p2p
