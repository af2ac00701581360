// The key schedule of c-lightning's 2016 "inter-node crypto version 3"
// (commit 74f294e3, daemon/cryptopkt.c; /work/shared/spec/facts.md §C).
//
// From the ECDH secret of the two session keys (SHA256 of the compressed
// shared point), each direction is keyed by its SENDER's 33-byte session key:
//     enc  = SHA256(secret || sender-spub || 0x00)   AES-128 key = enc[0:16]
//     hmac = SHA256(secret || sender-spub || 0x01)   HMAC-SHA256 key (32 bytes)
//     iv   = SHA256(secret || sender-spub || 0x02)   AES-CTR IV  = iv[0:16]
// so egress uses our session key and ingress the peer's.
#pragma once

#include "crypto/hash.hpp"
#include "crypto/secp256k1.hpp"
#include "policies/key_agreement.hpp"
#include "transport/bytes.hpp"

namespace polywire::variants::sha256_per_side {

/// A 33-byte compressed secp256k1 key: session keys and node ids.
using compressed_key = crypto::secp256k1::compressed_public_key;

/// The keys one sender uses.
struct direction_keys {
    secret<16> aes_key;   ///< enc[0:16]
    secret<32> hmac_key;  ///< hmac, all 32 bytes
    secret<16> iv;        ///< iv[0:16]
};

/// What the session-key exchange hands to the session.
struct secrets {
    direction_keys egress;   ///< keyed by our session key
    direction_keys ingress;  ///< keyed by the peer's session key
    compressed_key local_session_key{};
    compressed_key remote_session_key{};
    /// The peer's node id: unknown (zero) until its Authenticate is
    /// accepted; then the session reports it through remote_id().
    compressed_key remote_id{};
};

/// SHA256(secret || sender || index): index 0 = enc, 1 = hmac, 2 = iv.
crypto::digest32 key_hash(const secret<32>& shared, const compressed_key& sender, std::uint8_t index) noexcept;
direction_keys derive_direction_keys(const secret<32>& shared, const compressed_key& sender) noexcept;
/// Both directions, from the ECDH secret and the two session keys.
secrets derive_secrets(const secret<32>& shared, const compressed_key& local, const compressed_key& remote) noexcept;

// Key material for the reusable models, found by argument-dependent lookup:
// policies::aes_ctr<16> and policies::hmac_sha256.
inline byte_view cipher_key(const secrets& s, policies::direction d) noexcept {
    return (d == policies::direction::egress ? s.egress : s.ingress).aes_key.view();
}
inline byte_view cipher_iv(const secrets& s, policies::direction d) noexcept {
    return (d == policies::direction::egress ? s.egress : s.ingress).iv.view();
}
inline byte_view mac_key(const secrets& s, policies::direction d) noexcept {
    return (d == policies::direction::egress ? s.egress : s.ingress).hmac_key.view();
}

}  // namespace polywire::variants::sha256_per_side
