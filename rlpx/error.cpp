#include "rlpx/error.hpp"

#include "transport/error.hpp"

namespace polywire::rlpx {
namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "polywire.rlpx"; }
    std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
            case errc::handshake_too_large: return "the peer's handshake message exceeds 2048 bytes";
            case errc::handshake_too_short: return "the peer's handshake message is truncated";
            case errc::bad_auth_mac: return "the handshake message failed ECIES authentication (wrong node key dialled, or corrupted data)";
            case errc::invalid_curve_point: return "the peer sent a public key that is not on the secp256k1 curve";
            case errc::bad_signature: return "the auth message's signature is invalid";
            case errc::bad_handshake_body: return "the handshake message body is malformed";
            case errc::wrong_remote_identity: return "the remote node's key differs from the node id that was dialled";
            case errc::bad_header_mac: return "a frame header failed its MAC check";
            case errc::bad_frame_mac: return "a frame body failed its MAC check";
            case errc::frame_too_large: return "a frame exceeds the 16 MiB RLPx limit";
            case errc::bad_rlp: return "malformed RLP";
            case errc::bad_hello_rlp: return "the peer's Hello message is malformed";
            case errc::hello_too_large: return "the peer's Hello message exceeds 2 KiB";
            case errc::hello_identity_mismatch: return "the node id in the peer's Hello differs from its handshake key";
            case errc::bad_disconnect_rlp: return "the peer's Disconnect message is malformed";
            case errc::message_before_hello: return "the peer sent a message before Hello";
            case errc::unknown_message_code: return "the peer sent a message code outside every shared capability";
            case errc::no_shared_capability: return "the peer shares no capability with this node";
            case errc::incompatible_version: return "the peer speaks an incompatible p2p protocol version";
            case errc::snappy_size_over_limit: return "a compressed message declares a size above the limit";
            case errc::snappy_corrupt: return "a compressed message failed to decompress";
            case errc::bad_enode: return "invalid enode URL: expected enode://<128 hex node id>@<host>:<port>";
            case errc::connected_to_self: return "the peer is this node itself (its key is this node's own id)";
        }
        return "unknown polywire.rlpx error";
    }
    std::error_condition default_error_condition(int ev) const noexcept override {
        using transport::condition;
        switch (static_cast<errc>(ev)) {
            case errc::handshake_too_large:
            case errc::handshake_too_short:
            case errc::invalid_curve_point:
            case errc::bad_handshake_body:
            case errc::wrong_remote_identity:
            case errc::connected_to_self: return condition::handshake_failed;
            case errc::bad_auth_mac:
            case errc::bad_signature:
            case errc::bad_header_mac:
            case errc::bad_frame_mac: return condition::authentication_failed;
            case errc::frame_too_large:
            case errc::hello_too_large:
            case errc::snappy_size_over_limit: return condition::limit_exceeded;
            case errc::bad_rlp:
            case errc::bad_hello_rlp:
            case errc::hello_identity_mismatch:
            case errc::bad_disconnect_rlp:
            case errc::message_before_hello:
            case errc::unknown_message_code:
            case errc::no_shared_capability:
            case errc::incompatible_version:
            case errc::snappy_corrupt: return condition::protocol_violation;
            case errc::bad_enode: return condition::misuse;
        }
        return {ev, *this};
    }
};

}  // namespace

const std::error_category& error_category() noexcept {
    static const category c;
    return c;
}

}  // namespace polywire::rlpx
