// RLPx's error codes (category "polywire.rlpx"). Each maps onto a
// transport::condition, so `ec == transport::condition::authentication_failed`
// holds for every MAC failure whatever the protocol.
#pragma once

#include <system_error>

namespace polywire::rlpx {

enum class errc {
    // handshake (ECIES, auth/ack)
    handshake_too_large = 1,  ///< size prefix above the 2,048-byte limit
    handshake_too_short,      ///< shorter than ECIES overhead or a body field
    bad_auth_mac,             ///< ECIES tag of auth/ack does not verify
    invalid_curve_point,      ///< a public key in the handshake is not on the curve
    bad_signature,            ///< auth signature cannot be recovered
    bad_handshake_body,       ///< auth/ack body is not the expected RLP / layout
    wrong_remote_identity,    ///< the remote's static key differs from the one dialled
    // framing
    bad_header_mac,
    bad_frame_mac,
    frame_too_large,          ///< frame size above 16 MiB - 1
    // p2p base protocol
    bad_rlp,
    bad_hello_rlp,
    hello_too_large,          ///< Hello above 2 KiB
    hello_identity_mismatch,  ///< Hello node id differs from the handshake key
    bad_disconnect_rlp,
    message_before_hello,
    unknown_message_code,     ///< code outside the base protocol and shared capabilities
    no_shared_capability,
    incompatible_version,
    snappy_size_over_limit,   ///< declared decompressed size above the limit
    snappy_corrupt,
    bad_enode,                ///< an enode URL that does not parse
    connected_to_self,        ///< the peer's handshake key is this node's own id
};

const std::error_category& error_category() noexcept;
inline std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), error_category()}; }

}  // namespace polywire::rlpx

template <>
struct std::is_error_code_enum<polywire::rlpx::errc> : std::true_type {};
