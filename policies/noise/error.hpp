// Noise error codes, category "polywire.noise". Each maps to a
// transport::condition: a handshake message that fails authentication is
// `handshake_failed` and also compares equal to `authentication_failed`;
// options that lack a key the pattern needs are `misuse`, and so is a
// send() by the side of a one-way pattern that only receives. Tampered
// transport messages fail in the cipher with crypto::aead_errc::tag_mismatch
// (`authentication_failed`).
#pragma once

#include <system_error>

namespace polywire::noise {

enum class errc {
    decrypt_failed = 1,   ///< a handshake message's ciphertext failed authentication
    message_truncated,    ///< a handshake message is shorter than its tokens need
    message_too_large,    ///< a handshake message would exceed 65535 bytes (the payload is too large)
    missing_static_key,   ///< the pattern sends s (or has it in a pre-message) but options.static_key is empty
    missing_remote_static,///< the pattern has the peer's s in a pre-message but options.remote_static is empty
    missing_psk,          ///< the pattern has more psk tokens than options.psks holds
    bad_key_size,         ///< a key in the options does not have the DH's length (psk: 32 bytes)
    one_way_pattern,      ///< a transport message in the direction a one-way pattern does not have
    short_frame,          ///< a transport frame's length is below the 16-byte tag
    invalid_public_key,   ///< a received e or s is not a valid public key of the DH (a DH that checks keys)
    wrong_remote_static,  ///< the peer's static key is not the options.remote_static it had to be
    unsupported_version,  ///< a handshake framing's version field holds a version it does not know
    receive_only,         ///< send() by the responder of a one-way pattern: it has no key to send with
};

const std::error_category& error_category() noexcept;
inline std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), error_category()}; }

}  // namespace polywire::noise

template <>
struct std::is_error_code_enum<polywire::noise::errc> : std::true_type {};
