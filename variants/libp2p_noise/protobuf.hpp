// The two protobuf (proto2) messages of libp2p's Noise handshake, written
// and read by hand: deterministic on output (fields in number order,
// minimal varints, absent fields left out), strict and bounded on input.
//
//   message PublicKey  { required KeyType Type = 1; required bytes Data = 2; }
//                        (PrivateKey has the same shape)
//   message NoiseHandshakePayload { optional bytes identity_key = 1;
//                        optional bytes identity_sig = 2;
//                        optional NoiseExtensions extensions = 4; }
//   message NoiseExtensions { repeated bytes webtransport_certhashes = 1;
//                        repeated string stream_muxers = 2; }
//
// The decoders refuse (errc::bad_payload) a truncated field, a varint
// longer than 10 bytes, over 64 bits or not minimal, a field number 0, a
// known field of the wrong wire type, group wire types, a length beyond
// the input (checked before anything is copied), a missing required field,
// and more than max_repeated entries or entries over max_entry_size bytes in
// the extensions. Unknown fields of the other wire types are skipped, as
// proto2 allows; a repeated optional field keeps its last value and a
// repeated `extensions` merges, as protobuf parsers do.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "transport/bytes.hpp"
#include "transport/result.hpp"

namespace polywire::variants::libp2p_noise::pb {

/// KeyType of libp2p's crypto.proto.
enum class key_type : std::uint64_t { rsa = 0, ed25519 = 1, secp256k1 = 2, ecdsa = 3 };

/// A PublicKey or PrivateKey message.
struct key_message {
    key_type type = key_type::ed25519;
    bytes data;
    bool operator==(const key_message&) const = default;
};

struct extensions {
    std::vector<bytes> webtransport_certhashes;
    std::vector<std::string> stream_muxers;
    bool operator==(const extensions&) const = default;
};

struct handshake_payload {
    std::optional<bytes> identity_key;
    std::optional<bytes> identity_sig;
    std::optional<pb::extensions> extensions;
    bool operator==(const handshake_payload&) const = default;
};

/// Bounds of the decoders (a handshake payload is under 64 KiB anyway).
inline constexpr std::size_t max_repeated = 64;     ///< entries per repeated field of the extensions
inline constexpr std::size_t max_entry_size = 256;  ///< bytes per certhash or muxer name
inline constexpr std::size_t max_key_size = 1024;   ///< bytes of a key's Data (RSA keys are under 600)

/// Appends the deterministic encoding of `m` to `out`.
void encode(const key_message& m, bytes& out);
void encode(const extensions& m, bytes& out);
void encode(const handshake_payload& m, bytes& out);

/// Decodes a PublicKey or PrivateKey message.
result<key_message> decode_key(byte_view in) noexcept;
/// Decodes a NoiseHandshakePayload.
result<handshake_payload> decode_payload(byte_view in) noexcept;

/// Appends `v` as a minimal varint (also used by multihashes).
void put_varint(std::uint64_t v, bytes& out);
/// Reads a minimal varint of at most 10 bytes at `in[at]`, advancing `at`
/// (errc::bad_payload if it is truncated, too long or not minimal).
result<std::uint64_t> get_varint(byte_view in, std::size_t& at) noexcept;

}  // namespace polywire::variants::libp2p_noise::pb
