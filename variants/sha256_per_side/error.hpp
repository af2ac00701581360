// sha256-per-side (c-lightning 2016, "inter-node crypto version 3") error
// codes, category "polywire.sha256_per_side". Each maps to a
// transport::condition: a bad session key or Authenticate (ours reflected
// included) is `handshake_failed`, a failed HMAC or session signature
// `authentication_failed`, a totlen that goes backwards
// `protocol_violation`, one that jumps by more than 1 MiB `limit_exceeded`.
#pragma once

#include <system_error>

namespace polywire::variants::sha256_per_side {

enum class errc {
    // session-key exchange
    bad_session_key = 1,     ///< the peer's 33 bytes are not a compressed secp256k1 point
    // packets
    bad_mac,                 ///< a packet failed its HMAC-SHA256 check
    packet_went_backwards,   ///< totlen below the previous packet's (c-lightning: "Packet went backwards")
    packet_too_large,        ///< totlen grew by more than 1 MiB
    // Authenticate
    expected_authenticate,   ///< the first packet is not a Pkt holding an Authenticate
    malformed_authenticate,  ///< the Authenticate protobuf is malformed (truncated, wrong types, bad node id)
    unknown_required_field,  ///< an unknown even-numbered protobuf field
    bad_signature,           ///< session_sig does not verify over SHA256d(our session key) with node_id
    wrong_remote_identity,   ///< node_id differs from the node id that was expected
    // reflection (our own bytes sent back to us)
    own_session_key,         ///< the peer's session key is ours (our own traffic echoed back)
    own_node_id,             ///< the Authenticate's node_id is our own node id
};

const std::error_category& error_category() noexcept;
inline std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), error_category()}; }

}  // namespace polywire::variants::sha256_per_side

template <>
struct std::is_error_code_enum<polywire::variants::sha256_per_side::errc> : std::true_type {};
