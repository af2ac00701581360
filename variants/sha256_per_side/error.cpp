#include "variants/sha256_per_side/error.hpp"

#include <string>

#include "transport/error.hpp"

namespace polywire::variants::sha256_per_side {
namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "polywire.sha256_per_side"; }
    std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
            case errc::bad_session_key: return "the peer's session key is not a valid compressed secp256k1 point";
            case errc::bad_mac: return "a packet failed its HMAC-SHA256 check";
            case errc::packet_went_backwards: return "the peer's packet total length went backwards";
            case errc::packet_too_large: return "the peer's packet exceeds the 1 MiB limit";
            case errc::expected_authenticate: return "the peer's first packet is not an Authenticate";
            case errc::malformed_authenticate: return "the peer's Authenticate packet is malformed";
            case errc::unknown_required_field: return "the peer's Authenticate carries an unknown required (even) field";
            case errc::bad_signature: return "the peer's Authenticate signature over our session key does not verify";
            case errc::wrong_remote_identity: return "the remote node id differs from the node id that was expected";
            case errc::own_session_key:
                return "the peer's session key is our own (our traffic echoed back, or a connection to ourselves)";
            case errc::own_node_id:
                return "the peer's Authenticate carries our own node id (reflected, or a connection to ourselves)";
        }
        return "unknown polywire.sha256_per_side error";
    }
    std::error_condition default_error_condition(int ev) const noexcept override {
        using transport::condition;
        switch (static_cast<errc>(ev)) {
            case errc::bad_session_key:
            case errc::expected_authenticate:
            case errc::malformed_authenticate:
            case errc::unknown_required_field:
            case errc::wrong_remote_identity:
            case errc::own_session_key:
            case errc::own_node_id: return condition::handshake_failed;
            case errc::bad_mac:
            case errc::bad_signature: return condition::authentication_failed;
            case errc::packet_went_backwards: return condition::protocol_violation;
            case errc::packet_too_large: return condition::limit_exceeded;
        }
        return {ev, *this};
    }
};

}  // namespace

const std::error_category& error_category() noexcept {
    static const category c;
    return c;
}

}  // namespace polywire::variants::sha256_per_side
