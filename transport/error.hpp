// Errors are values: std::error_code with polywire's categories.
//
// `transport::errc` covers what every configuration shares (misuse, limits,
// timeouts, primitive failures); protocols add their own enums (rlpx::errc)
// and map each code onto a `transport::condition`, so applications can ask
// `ec == condition::authentication_failed` whatever the protocol.
#pragma once

#include <string>
#include <system_error>

namespace polywire::transport {

enum class errc {
    // misuse
    not_established = 1,   ///< send() before the handshake completed
    session_closed,        ///< any call after the session closed
    invalid_argument,      ///< a caller-supplied value is out of range
    // limits
    message_too_large,     ///< a message exceeds the configuration's limit
    buffer_limit_exceeded, ///< the peer sent more than the session may buffer
    // time
    handshake_timeout,
    read_timeout,
    write_timeout,
    ping_timeout,
    // peer
    peer_closed,           ///< the connection ended (EOF) before a clean close
    peer_disconnected,     ///< the peer said goodbye (see session::peer_disconnect_reason)
    truncated_datagram,    ///< a datagram ended inside a message
    connection_failed,     ///< connect/accept/read/write failed at the OS level, for a reason the OS did not name
                           ///< (the adapters return the OS's own code, os_error(), when there is one)
    // primitives
    crypto_failure,        ///< a cryptographic library call failed unexpectedly
    random_failure,        ///< the system random generator failed
    bad_key,               ///< a key is malformed or not a valid curve point
    // frames
    malformed_frame,       ///< an authenticated frame's messages do not parse
    unexpected_datagram,   ///< a handshake datagram after the keys, or a frame before them
};

enum class condition {
    handshake_failed = 1,
    authentication_failed,
    protocol_violation,
    limit_exceeded,
    timed_out,
    peer_disconnected,
    misuse,
    system_failure,
};

const std::error_category& error_category() noexcept;
const std::error_category& condition_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), error_category()}; }

/// An error the operating system reported (an errno value), kept as it is:
/// its message is the system's ("Address already in use", "Connection
/// refused", "Connection reset by peer", "Too many open files"), and it
/// compares equal to std::errc values. Against polywire's conditions:
/// ECONNRESET and EPIPE are condition::peer_disconnected, ETIMEDOUT
/// condition::timed_out, any other (but cancellation and try-again)
/// condition::system_failure.
inline std::error_code os_error(int errno_value) noexcept { return {errno_value, std::system_category()}; }
inline std::error_condition make_error_condition(condition c) noexcept {
    return {static_cast<int>(c), condition_category()};
}

}  // namespace polywire::transport

template <>
struct std::is_error_code_enum<polywire::transport::errc> : std::true_type {};
template <>
struct std::is_error_condition_enum<polywire::transport::condition> : std::true_type {};
