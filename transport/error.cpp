#include "transport/error.hpp"

namespace polywire::transport {
namespace {

class error_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "polywire.transport"; }
    std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
            case errc::not_established: return "the session is not established yet: wait for the handshake to complete before sending";
            case errc::session_closed: return "the session is closed: open a new one";
            case errc::invalid_argument: return "an argument is out of range for this configuration";
            case errc::message_too_large: return "the message exceeds the configuration's maximum message size";
            case errc::buffer_limit_exceeded: return "the peer sent more data than the session may buffer";
            case errc::handshake_timeout: return "the handshake did not complete before its deadline";
            case errc::read_timeout: return "nothing was received from the peer within the read timeout";
            case errc::write_timeout: return "the peer did not accept data within the write timeout";
            case errc::ping_timeout: return "the peer did not answer a ping in time";
            case errc::peer_closed: return "the peer closed the connection";
            case errc::peer_disconnected: return "the peer disconnected (its reason is in the disconnect event)";
            case errc::truncated_datagram: return "a datagram ended in the middle of a message";
            case errc::connection_failed: return "the connection failed at the operating-system level";
            case errc::crypto_failure: return "a cryptographic operation failed unexpectedly";
            case errc::random_failure: return "the system random number generator failed";
            case errc::bad_key: return "a key is malformed or not a valid point on the curve";
            case errc::malformed_frame: return "an authenticated frame holds messages that do not parse";
            case errc::unexpected_datagram:
                return "a datagram arrived that the session does not expect now (a late handshake message or an early frame)";
        }
        return "unknown polywire.transport error";
    }
    std::error_condition default_error_condition(int ev) const noexcept override {
        switch (static_cast<errc>(ev)) {
            case errc::not_established:
            case errc::session_closed:
            case errc::invalid_argument: return condition::misuse;
            case errc::message_too_large:
            case errc::buffer_limit_exceeded: return condition::limit_exceeded;
            case errc::handshake_timeout:
            case errc::read_timeout:
            case errc::write_timeout:
            case errc::ping_timeout: return condition::timed_out;
            case errc::peer_closed:
            case errc::peer_disconnected: return condition::peer_disconnected;
            case errc::truncated_datagram: return condition::protocol_violation;
            case errc::connection_failed:
            case errc::crypto_failure:
            case errc::random_failure: return condition::system_failure;
            case errc::bad_key: return condition::misuse;
            case errc::malformed_frame:
            case errc::unexpected_datagram: return condition::protocol_violation;
        }
        return {ev, *this};
    }
};

class condition_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "polywire.condition"; }
    std::string message(int ev) const override {
        switch (static_cast<condition>(ev)) {
            case condition::handshake_failed: return "the handshake failed";
            case condition::authentication_failed: return "a message failed authentication";
            case condition::protocol_violation: return "the peer violated the protocol";
            case condition::limit_exceeded: return "a size limit was exceeded";
            case condition::timed_out: return "an operation timed out";
            case condition::peer_disconnected: return "the peer disconnected";
            case condition::misuse: return "the API was used incorrectly";
            case condition::system_failure: return "a system or library call failed";
        }
        return "unknown polywire condition";
    }
    // The operating system's own codes (os_error(), Asio's) fall under
    // polywire's conditions too, so that callers matching on conditions
    // need not know which layer reported the error.
    bool equivalent(const std::error_code& code, int cond) const noexcept override {
        if (code.category() != std::system_category() && code.category() != std::generic_category())
            return std::error_category::equivalent(code, cond);
        const std::error_condition e = code.default_error_condition();
        if (e == std::errc::operation_canceled || e == std::errc::interrupted ||
            e == std::errc::resource_unavailable_try_again || e == std::errc::operation_would_block)
            return false;  // not failures
        const bool timeout = e == std::errc::timed_out;
        const bool gone = e == std::errc::connection_reset || e == std::errc::broken_pipe;
        switch (static_cast<condition>(cond)) {
            case condition::timed_out: return timeout;
            case condition::peer_disconnected: return gone;
            case condition::system_failure: return !timeout && !gone;
            default: return false;
        }
    }
};

}  // namespace

const std::error_category& error_category() noexcept {
    static const error_category_impl c;
    return c;
}
const std::error_category& condition_category() noexcept {
    static const condition_category_impl c;
    return c;
}

}  // namespace polywire::transport
