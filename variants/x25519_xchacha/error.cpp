#include "variants/x25519_xchacha/error.hpp"

#include "transport/error.hpp"

namespace polywire::variants::x25519_xchacha {
namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "polywire.x25519_xchacha"; }
    std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
            case errc::malformed_handshake: return "a handshake message has the wrong size or kind";
            case errc::unexpected_handshake: return "a handshake message arrived out of order";
            case errc::wrong_remote_identity: return "the peer's Ed25519 identity is not the one expected";
            case errc::bad_signature: return "the peer's handshake signature does not verify";
            case errc::low_order_key: return "an X25519 exchange gave the all-zero secret (low-order key)";
            case errc::key_confirmation_failed:
                return "key confirmation failed: the peer derived other keys (a different pre-shared key, or tampering)";
            case errc::bad_packet_kind: return "a packet does not start with the data kind";
            case errc::packet_replayed: return "a packet id was received twice (replay)";
            case errc::packet_too_old: return "a packet id is below the replay window";
            case errc::packet_out_of_sequence:
                return "a packet id is not the next one of the stream: a packet was removed or reordered on the way";
            case errc::unknown_key_epoch: return "a packet was sealed under a key this side does not hold";
            case errc::malformed_message: return "a message inside a packet has a truncated or overlong header";
            case errc::unknown_channel: return "a message names a channel outside the application range";
            case errc::packet_ids_exhausted: return "the session sent 2^64 packets";
            case errc::malformed_control: return "a control message has the wrong size";
            case errc::unexpected_rekey: return "a rekey message fits no exchange in progress";
            case errc::key_file_unreadable: return "the key file cannot be read";
            case errc::key_file_malformed: return "the key file is not an OpenSSH Ed25519 key or a raw key of the right size";
            case errc::key_not_ed25519: return "the OpenSSH key is not an Ed25519 key";
            case errc::passphrase_required: return "the OpenSSH key is encrypted: a passphrase is required";
            case errc::wrong_passphrase: return "the passphrase does not decrypt the OpenSSH key";
            case errc::unsupported_key_encryption:
                return "the OpenSSH key uses a cipher or KDF that is not supported (supported: aes128-ctr or aes256-ctr with bcrypt)";
            case errc::key_file_write_failed: return "the key file cannot be written";
        }
        return "unknown polywire.x25519_xchacha error";
    }
    std::error_condition default_error_condition(int ev) const noexcept override {
        switch (static_cast<errc>(ev)) {
            case errc::malformed_handshake:
            case errc::unexpected_handshake:
            case errc::wrong_remote_identity:
            case errc::bad_signature:
            case errc::low_order_key:
            case errc::key_confirmation_failed: return transport::condition::handshake_failed;
            case errc::packet_replayed:
            case errc::packet_too_old:
            case errc::packet_out_of_sequence:
            case errc::unknown_key_epoch: return transport::condition::authentication_failed;
            case errc::bad_packet_kind:
            case errc::malformed_message:
            case errc::unknown_channel:
            case errc::malformed_control:
            case errc::unexpected_rekey: return transport::condition::protocol_violation;
            case errc::packet_ids_exhausted: return transport::condition::limit_exceeded;
            case errc::key_file_malformed:
            case errc::key_not_ed25519:
            case errc::passphrase_required:
            case errc::wrong_passphrase:
            case errc::unsupported_key_encryption: return transport::condition::misuse;
            case errc::key_file_unreadable:
            case errc::key_file_write_failed: return transport::condition::system_failure;
        }
        return {ev, *this};
    }
    // A bad signature or failed key confirmation is a handshake failure and
    // an authentication failure.
    bool equivalent(int ev, const std::error_condition& cond) const noexcept override {
        const auto e = static_cast<errc>(ev);
        if (cond == transport::condition::authentication_failed &&
            (e == errc::bad_signature || e == errc::key_confirmation_failed))
            return true;
        return default_error_condition(ev) == cond;
    }
};

}  // namespace

const std::error_category& error_category() noexcept {
    static const category c;
    return c;
}

}  // namespace polywire::variants::x25519_xchacha
