// libp2p Noise error codes, category "polywire.libp2p_noise". A handshake
// payload that is malformed, unsigned or signed by the wrong key, a peer
// that is not the one expected and a key type we do not speak are each
// `handshake_failed`; a bad signature or a peer id mismatch also compares
// equal to `authentication_failed`. Text that does not parse (a peer id, a
// multiaddr, a key) is `misuse`.
#pragma once

#include <system_error>

namespace polywire::variants::libp2p_noise {

enum class errc {
    bad_payload = 1,       ///< a handshake payload or PublicKey protobuf is malformed (truncated, overlong varint, wrong wire type, too large)
    missing_identity,      ///< a handshake payload lacks its identity key or signature
    bad_public_key,        ///< an identity key's bytes are not a valid key of its type
    bad_signature,         ///< the identity signature over the Noise static key does not verify
    peer_id_mismatch,      ///< the peer's id is not the one expected
    unsupported_key_type,  ///< an identity key type other than Ed25519 and secp256k1 (RSA, ECDSA)
    bad_peer_id,           ///< text or bytes that are not a peer id (base58btc multihash)
    bad_multiaddr,         ///< text that is not a multiaddr this variant dials
    bad_private_key,       ///< a private key that does not parse
    handshake_message_too_large,  ///< a handshake message's length is over max_handshake_message (handshake.hpp)
};

const std::error_category& error_category() noexcept;
inline std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), error_category()}; }

}  // namespace polywire::variants::libp2p_noise

template <>
struct std::is_error_code_enum<polywire::variants::libp2p_noise::errc> : std::true_type {};
