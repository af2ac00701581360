#include "policies/noise/error.hpp"

#include "transport/error.hpp"

namespace polywire::noise {
namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "polywire.noise"; }
    std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
            case errc::decrypt_failed: return "a Noise handshake message failed authentication";
            case errc::message_truncated: return "a Noise handshake message is shorter than its tokens need";
            case errc::message_too_large: return "a Noise handshake message would exceed 65535 bytes";
            case errc::missing_static_key: return "the Noise pattern needs a static key and none was given";
            case errc::missing_remote_static: return "the Noise pattern needs the peer's static key and none was given";
            case errc::missing_psk: return "the Noise pattern needs more pre-shared keys than were given";
            case errc::bad_key_size: return "a Noise key has the wrong length";
            case errc::one_way_pattern: return "a one-way Noise pattern has no transport messages in this direction";
            case errc::short_frame: return "a Noise transport frame is shorter than its tag";
            case errc::invalid_public_key: return "a Noise handshake message carries an invalid public key";
            case errc::wrong_remote_static: return "the peer's Noise static key is not the one expected";
            case errc::unsupported_version: return "a Noise handshake message has an unknown version";
            case errc::receive_only:
                return "this side of a one-way Noise pattern only receives: it has no key to send with";
        }
        return "unknown polywire.noise error";
    }
    std::error_condition default_error_condition(int ev) const noexcept override {
        switch (static_cast<errc>(ev)) {
            case errc::decrypt_failed:
            case errc::message_truncated:
            case errc::invalid_public_key:
            case errc::wrong_remote_static:
            case errc::unsupported_version: return transport::condition::handshake_failed;
            case errc::message_too_large:
            case errc::missing_static_key:
            case errc::missing_remote_static:
            case errc::missing_psk:
            case errc::bad_key_size:
            case errc::receive_only: return transport::condition::misuse;
            case errc::one_way_pattern:
            case errc::short_frame: return transport::condition::protocol_violation;
        }
        return {ev, *this};
    }
    bool equivalent(int ev, const std::error_condition& cond) const noexcept override {
        if (cond == transport::condition::authentication_failed && static_cast<errc>(ev) == errc::decrypt_failed)
            return true;
        return default_error_condition(ev) == cond;
    }
};

}  // namespace

const std::error_category& error_category() noexcept {
    static const category c;
    return c;
}

}  // namespace polywire::noise
