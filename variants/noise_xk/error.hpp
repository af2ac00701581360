// noise-xk (BOLT 8) error codes, category "polywire.noise_xk", named after
// the failures of BOLT 8's Appendix A (ACT1_BAD_VERSION, ...). Each maps to
// a transport::condition: every handshake failure is `handshake_failed`, and
// a bad act tag or act-three ciphertext also compares equal to
// `authentication_failed`, and an end of stream inside an act
// (handshake_truncated) to `peer_disconnected`. Tampered transport messages fail in the cipher
// model with crypto::aead_errc::tag_mismatch (`authentication_failed`).
#pragma once

#include <system_error>

namespace polywire::variants::noise_xk {

enum class errc {
    act1_bad_version = 1,  ///< Act One's version byte is not 0
    act1_bad_pubkey,       ///< Act One's ephemeral key is not a compressed secp256k1 point
    act1_bad_tag,          ///< Act One's tag fails: the initiator does not know our static key (or data was corrupted)
    act2_bad_version,
    act2_bad_pubkey,
    act2_bad_tag,          ///< Act Two's tag fails: the responder is not the node dialled (or data was corrupted)
    act3_bad_version,
    act3_bad_ciphertext,   ///< Act Three's encrypted static key fails to authenticate
    act3_bad_pubkey,       ///< Act Three's static key is not a compressed secp256k1 point
    act3_bad_tag,
    wrong_remote_identity, ///< the initiator's static key differs from the one the responder expected
    handshake_truncated,   ///< the input ended inside an act (see docs/variants.md)
};

const std::error_category& error_category() noexcept;
inline std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), error_category()}; }

}  // namespace polywire::variants::noise_xk

template <>
struct std::is_error_code_enum<polywire::variants::noise_xk::errc> : std::true_type {};
