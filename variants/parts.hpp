// Building blocks of variant descriptors (transport/variant.hpp) that
// several variants share: secp256k1 identity keys, node ids that are a
// compressed secp256k1 key, application codes carried in a message's first
// byte, and "no goodbye" close reasons. A descriptor inherits the pieces
// that fit and writes the rest.
#pragma once

#include <algorithm>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "crypto/secp256k1.hpp"
#include "transport/node_url.hpp"
#include "transport/variant.hpp"

namespace polywire::variants {

/// secp256k1 identity keys, written as 64 hex digits.
struct secp256k1_keys {
    using private_key = crypto::secp256k1::private_key;
    static constexpr std::string_view key_help = "a secp256k1 private key (64 hex digits)";
    static result<private_key> generate_key() { return crypto::secp256k1::generate_private_key(); }
    static byte_view key_bytes(const private_key& k) { return k.view(); }
    /// From 64 hex digits (a key file holds the same text).
    static std::optional<private_key> load_key(std::string_view text, const std::optional<std::string>&,
                                               std::string& why) {
        private_key raw;
        if (!decode_hex32(text, std::span<std::uint8_t, 32>(raw.data(), 32))) {
            why = "expected 64 hex digits";
            return std::nullopt;
        }
        auto k = crypto::secp256k1::parse_private_key(raw.view());
        if (!k) {
            why = "not a valid secp256k1 scalar";
            return std::nullopt;
        }
        return k.value();
    }
};

/// Node ids that are a 33-byte compressed secp256k1 key, in URLs
/// `Scheme://<66 hex>@host:port`.
template <const char* Scheme>
struct compressed_key_ids {
    using remote_id = crypto::secp256k1::compressed_public_key;
    static constexpr std::string_view scheme = Scheme;
    static constexpr std::string_view id_help = "66 hex, the 33-byte compressed key";
    static result<remote_id> node_id(const crypto::secp256k1::private_key& k) {
        return crypto::secp256k1::derive_compressed_public_key(k);
    }
    static std::optional<transport::node_address<remote_id>> parse_url(std::string_view text, std::string& why) {
        auto u = transport::parse_node_url(text, scheme, 33, &why);
        if (!u) return std::nullopt;
        if ((u->id[0] != 2 && u->id[0] != 3) || !crypto::secp256k1::parse_public_key(u->id)) {
            why = "the node id is not a compressed secp256k1 public key";
            return std::nullopt;
        }
        transport::node_address<remote_id> a{{}, u->host, u->port};
        std::copy(u->id.begin(), u->id.end(), a.id.begin());
        return a;
    }
    static std::string format_url(const remote_id& id, const std::string& host, std::uint16_t port) {
        return transport::to_string(transport::node_url{std::string(scheme), bytes(id.begin(), id.end()), host, port});
    }
};

/// Node ids that are a key of `Size` bytes taken as they are (e.g. an
/// Ed25519 public key), in URLs `Scheme://<2*Size hex>@host:port`.
template <class Id, const char* Scheme>
struct raw_key_ids {
    using remote_id = Id;
    static constexpr std::string_view scheme = Scheme;
    static std::optional<transport::node_address<remote_id>> parse_url(std::string_view text, std::string& why) {
        auto u = transport::parse_node_url(text, scheme, std::tuple_size_v<Id>, &why);
        if (!u) return std::nullopt;
        transport::node_address<remote_id> a{{}, u->host, u->port};
        std::copy(u->id.begin(), u->id.end(), a.id.begin());
        return a;
    }
    static std::string format_url(const remote_id& id, const std::string& host, std::uint16_t port) {
        return transport::to_string(transport::node_url{std::string(scheme), bytes(id.begin(), id.end()), host, port});
    }
};

/// Variants whose messages carry no code (noise-xk, sha256-per-side): the
/// code travels as the first byte of the message, numbered as RLPx numbers
/// codes (the first capability's codes start at 0x10, after the base
/// protocol's 16), so that applications read the same whatever the variant.
struct code_in_first_byte {
    static constexpr bool has_capabilities = false;
    static constexpr std::uint64_t first_application_code = 0x10;
    static std::pair<std::uint64_t, byte_view> encode(std::uint64_t code, byte_view payload, bytes& scratch) {
        scratch.resize(payload.size() + 1);
        scratch[0] = static_cast<std::uint8_t>(code);
        std::copy(payload.begin(), payload.end(), scratch.begin() + 1);
        return {0, scratch};
    }
    /// nullopt for an empty message (no code byte).
    static std::optional<std::pair<std::uint64_t, byte_view>> decode(std::uint64_t, byte_view message) {
        if (message.empty()) return std::nullopt;
        return std::pair<std::uint64_t, byte_view>{message[0], message.subspan(1)};
    }
};

/// Variants whose messages carry their code (RLPx's wire codes,
/// x25519-xchacha's channels): an application code is the message's.
struct code_is_message_code {
    static std::pair<std::uint64_t, byte_view> encode(std::uint64_t code, byte_view payload, bytes&) {
        return {code, payload};
    }
    static std::optional<std::pair<std::uint64_t, byte_view>> decode(std::uint64_t code, byte_view payload) {
        return std::pair<std::uint64_t, byte_view>{code, payload};
    }
};

/// The help text of variants that carry the code in the first byte and have no goodbye.
inline constexpr std::string_view first_byte_no_goodbye_help =
    "No capabilities: --cap is optional and the code (16 for the first) is the first byte of each message. "
    "No ping or goodbye: a close is an end of stream.";

/// Variants with no ping and no goodbye: a close is an end of stream,
/// reported as reason 0; there is no reason to give.
struct no_goodbye {
    static constexpr bool has_ping = false;
    static constexpr bool has_goodbye = false;
    static constexpr std::uint8_t default_reason = 0;
    static constexpr std::uint8_t quit_reason = 0;
    static constexpr std::uint8_t too_many_peers_reason = 0;
    static constexpr std::string_view reason_help = "nothing (the variant has no goodbye message)";
    static std::optional<std::uint8_t> parse_reason(std::string_view) { return std::nullopt; }
    static std::string describe_reason(std::uint8_t r) { return "reason " + std::to_string(r); }
};

}  // namespace polywire::variants
