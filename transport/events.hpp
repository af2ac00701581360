// What a session reports to its application.
#pragma once

#include <cstdint>
#include <system_error>

#include "transport/bytes.hpp"

namespace polywire::transport {

enum class session_state { initial, handshaking, established, closing, closed };

enum class event_kind {
    handshake_complete,  ///< keys agreed and greetings exchanged: send() works
    message,             ///< an application message: `code`, `payload`
    ping,                ///< the peer pinged (the session already answered)
    pong,                ///< the peer answered our ping
    disconnected,        ///< the peer said goodbye: `reason`
    error,               ///< the session failed and closed: `error`
};

/// One message of session::send_batch().
struct outgoing_message {
    std::uint64_t code = 0;
    byte_view payload{};
};

/// One event. `payload` is a view into the session's buffers, valid until
/// the next call on the session.
struct event {
    event_kind kind;
    std::uint64_t code = 0;
    byte_view payload{};
    std::uint8_t reason = 0;
    std::error_code error{};
};

}  // namespace polywire::transport
