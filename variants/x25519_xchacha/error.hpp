// x25519-xchacha error codes, category "polywire.x25519_xchacha". Each maps
// to a transport::condition: handshake failures to `handshake_failed` (a bad
// signature or key confirmation also compares equal to
// `authentication_failed`), packets that fail replay protection, come out
// of sequence on a stream or name no key to `authentication_failed`,
// malformed content to `protocol_violation`, and key-file problems to
// `misuse` (or `system_failure` when the file system fails). A tampered packet fails in
// the cipher with crypto::aead_errc::tag_mismatch (`authentication_failed`).
#pragma once

#include <system_error>

namespace polywire::variants::x25519_xchacha {

enum class errc {
    // handshake
    malformed_handshake = 1,   ///< a handshake message has the wrong size or kind
    unexpected_handshake,      ///< a handshake message out of order (not a repeat of one already processed)
    wrong_remote_identity,     ///< the peer's Ed25519 identity is not the one expected
    bad_signature,             ///< the peer's transcript signature does not verify
    low_order_key,             ///< an X25519 result was all zero (a low-order ephemeral key)
    key_confirmation_failed,   ///< the peer derived other keys (another pre-shared key, or tampering)
    // packets
    bad_packet_kind,           ///< a packet does not start with the data kind
    packet_replayed,           ///< a packet id already received
    packet_too_old,            ///< a packet id below the replay window
    packet_out_of_sequence,    ///< stream layout: a packet id skips ahead of the next one (a packet removed or reordered)
    unknown_key_epoch,         ///< a packet sealed under a key this side does not hold
    malformed_message,         ///< a message header inside a packet is truncated or overlong
    unknown_channel,           ///< a message on a channel outside the application range
    packet_ids_exhausted,      ///< 2^64 packets were sent under one session
    // control messages
    malformed_control,         ///< a control message has the wrong size
    unexpected_rekey,          ///< a rekey message that fits no exchange in progress
    // identity files
    key_file_unreadable,       ///< the key file cannot be read
    key_file_malformed,        ///< not an OpenSSH key, or a raw key of the wrong size
    key_not_ed25519,           ///< an OpenSSH key of another type
    passphrase_required,       ///< the OpenSSH key is encrypted and no passphrase was given
    wrong_passphrase,          ///< the passphrase does not decrypt the OpenSSH key
    unsupported_key_encryption,///< an OpenSSH cipher or KDF this library does not implement
    key_file_write_failed,     ///< the key file cannot be written
};

const std::error_category& error_category() noexcept;
inline std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), error_category()}; }

}  // namespace polywire::variants::x25519_xchacha

template <>
struct std::is_error_code_enum<polywire::variants::x25519_xchacha::errc> : std::true_type {};
