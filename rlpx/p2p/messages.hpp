// The "p2p" base protocol of devp2p (RLPx): message codes, limits and the
// fixed Ping/Pong payload. Codes are the values carried as rlp(msg-id) at the
// start of each frame; subprotocol codes start at base_protocol_length.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "transport/bytes.hpp"

namespace polywire::rlpx::p2p {

// ---- message codes (geth p2p/peer.go) -------------------------------------

constexpr std::uint64_t hello_code = 0x00;
constexpr std::uint64_t disconnect_code = 0x01;
constexpr std::uint64_t ping_code = 0x02;
constexpr std::uint64_t pong_code = 0x03;

/// Codes 0x00..0x0f belong to the base protocol; the first shared
/// capability starts at this offset. geth ignores unknown codes below it.
constexpr std::uint64_t base_protocol_length = 16;

/// The p2p version this implementation speaks. Version 5 (EIP-706) turns on
/// snappy compression of every message after Hello when both Hellos say >= 5.
constexpr std::uint64_t base_protocol_version = 5;
/// The lowest remote version for which messages after Hello are compressed.
constexpr std::uint64_t snappy_protocol_version = 5;

// ---- limits ------------------------------------------------------------------

/// Largest Hello payload accepted (geth's baseProtocolMaxMsgSize = 2 KiB),
/// checked before the payload is parsed.
constexpr std::size_t max_hello_size = 2 * 1024;

/// Largest decompressed message accepted: 16 MiB - 1 = 0xFFFFFF. rlpx.md
/// asks to reject "uncompressed data larger than 16 MiB"; geth compares
/// snappy's declared length against maxUint24 (the largest 24-bit frame
/// size) and so also rejects exactly 16 MiB. We follow geth, which is one
/// byte stricter and keeps every plain message expressible in one frame.
constexpr std::size_t max_decompressed_size = 16 * 1024 * 1024 - 1;

// ---- Ping / Pong ---------------------------------------------------------------

/// Ping and Pong carry an empty RLP list (before compression).
inline constexpr std::array<std::uint8_t, 1> ping_payload_bytes{0xc0};
inline byte_view ping_payload() noexcept { return {ping_payload_bytes.data(), ping_payload_bytes.size()}; }
inline byte_view pong_payload() noexcept { return ping_payload(); }

/// True for the codes reserved for the base protocol (0x00..0x0f).
constexpr bool is_base_protocol_code(std::uint64_t code) noexcept { return code < base_protocol_length; }

/// "hello", "disconnect", "ping", "pong", or "" for any other code (for logs).
std::string_view message_name(std::uint64_t code) noexcept;

}  // namespace polywire::rlpx::p2p
