// What the RLPx handshake hands to framing (rlpx.md §Initial Handshake):
// the frame cipher key, the MAC key and the two running Keccak-256 MAC
// states, already seeded with (mac-secret ^ nonce) || packet.
#pragma once

#include "crypto/hash.hpp"
#include "crypto/secp256k1.hpp"
#include "transport/bytes.hpp"

namespace polywire::rlpx {

struct secrets {
    secret<32> aes_secret;   ///< AES-256-CTR key of both frame directions
    secret<32> mac_secret;   ///< AES-256 key of the header/frame MAC
    crypto::keccak256 egress_mac;   ///< seeded with (mac-secret ^ remote nonce) || packet this side sent
    crypto::keccak256 ingress_mac;  ///< seeded with (mac-secret ^ own nonce) || packet this side received
    crypto::secp256k1::public_key remote_id{};  ///< the remote node's static key (node id)
    bool remote_eip8 = false;  ///< the remote's handshake packet was EIP-8 (not pre-EIP-8 "plain")
};

/// Every key of `s`, for the session's key log (transport/session.hpp;
/// labels in docs/architecture.md).
template <class F>
void dump_secrets(const secrets& s, F& f) {
    f("RLPX_AES_SECRET", s.aes_secret.view());
    f("RLPX_MAC_SECRET", s.mac_secret.view());
}

}  // namespace polywire::rlpx
