// The Hello message (code 0x00) of the p2p base protocol:
//   [protocolVersion, clientId, [[capName, capVersion], ...], listenPort, nodeId, ...]
// encode/decode work on the RLP payload only (no message code, no frame).
#pragma once

#include <cstdint>
#include <string>
#include <system_error>
#include <vector>

#include "crypto/secp256k1.hpp"
#include "rlpx/p2p/messages.hpp"
#include "transport/bytes.hpp"
#include "transport/result.hpp"

namespace polywire::rlpx::p2p {

/// A capability as advertised in Hello: a subprotocol name and version.
struct capability {
    std::string name;
    std::uint64_t version = 0;

    friend bool operator==(const capability&, const capability&) = default;
};

struct hello {
    std::uint64_t protocol_version = base_protocol_version;
    std::string client_id;
    std::vector<capability> caps;
    /// geth always sends 0; ethjs sends 0 (empty) when dialling.
    std::uint64_t listen_port = 0;
    /// The sender's static public key (X || Y), which must equal the key
    /// proven in the encryption handshake (see check_identity).
    crypto::secp256k1::public_key node_id{};

    friend bool operator==(const hello&, const hello&) = default;
};

/// The Hello RLP payload. Capabilities are written sorted by (name, version),
/// byte-wise, as geth sends them.
bytes encode(const hello& h) noexcept;

/// Decodes a Hello payload, leniently as geth does: extra list elements
/// (in the Hello and in each capability) and bytes after the list are
/// ignored, and any protocol version is accepted (version policy is the
/// caller's).
/// Errors: errc::hello_too_large (payload above max_hello_size, checked
/// before parsing); errc::bad_hello_rlp (malformed RLP, a missing or
/// mistyped field, a node id that is not 64 bytes or is all zero).
result<hello> decode_hello(byte_view payload) noexcept;

/// Checks the Hello's node id is the key the peer proved in the encryption
/// handshake (geth: DiscUnexpectedIdentity otherwise).
/// Returns errc::hello_identity_mismatch, or no error.
std::error_code check_identity(const hello& h, const crypto::secp256k1::public_key& handshake_key) noexcept;

}  // namespace polywire::rlpx::p2p
