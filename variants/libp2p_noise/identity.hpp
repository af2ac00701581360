// libp2p identities: private keys (Ed25519, secp256k1), their serialized
// PublicKey, the signature over the Noise static key, and peer ids
// (libp2p specs: peer-ids/peer-ids.md, noise/README.md).
//
//   Ed25519     PublicKey.Data = the 32-byte key; signatures RFC 8032 (crypto/ed25519)
//   secp256k1   PublicKey.Data = the 33-byte compressed key; signatures ECDSA over
//               SHA-256(message), DER-encoded (crypto/secp256k1)
//   peer id     the multihash of the serialized PublicKey: identity (0x00) when it is
//               at most 42 bytes (Ed25519, secp256k1), else sha2-256 (0x12); written
//               base58btc: "12D3KooW..." (Ed25519), "16Uiu2..." (secp256k1)
//
// Private keys are written (keygen, key files) as the hex of libp2p's
// PrivateKey protobuf: Type, then Data = seed || public key (Ed25519, 64
// bytes) or the 32-byte scalar (secp256k1).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/ed25519.hpp"
#include "crypto/secp256k1.hpp"
#include "transport/bytes.hpp"
#include "transport/random.hpp"
#include "transport/result.hpp"
#include "variants/libp2p_noise/protobuf.hpp"

namespace polywire::variants::libp2p_noise {

using pb::key_type;

/// What an identity key signs: this prefix, then the 32-byte Noise static public key.
inline constexpr std::string_view signature_prefix = "noise-libp2p-static-key:";

/// A libp2p identity private key (Ed25519 or secp256k1).
class private_key {
public:
    /// An all-zero-seed Ed25519 key (a placeholder: load or generate a real one).
    private_key();

    /// A fresh key of `type` (Ed25519 or secp256k1) from `random` (empty: the system's).
    static result<private_key> generate(key_type type = key_type::ed25519,
                                        const transport::random_source& random = {}) noexcept;
    /// An Ed25519 key from its 32-byte seed.
    static result<private_key> from_ed25519_seed(byte_view seed) noexcept;
    /// A secp256k1 key from its 32-byte scalar.
    static result<private_key> from_secp256k1(byte_view scalar) noexcept;
    /// A key from libp2p's PrivateKey protobuf (Ed25519 Data: seed || public
    /// key, 64 bytes, or the seed alone; secp256k1 Data: the scalar).
    static result<private_key> parse(byte_view serialized) noexcept;

    key_type type() const noexcept { return type_; }
    /// The PrivateKey protobuf (what keygen prints, as hex).
    byte_view serialized() const noexcept { return serialized_; }
    /// The serialized PublicKey protobuf (the handshake's identity_key).
    byte_view public_key() const noexcept { return public_key_; }
    /// Appends the signature of `message` to `sig`.
    std::error_code sign(byte_view message, bytes& sig) const noexcept;

private:
    key_type type_ = key_type::ed25519;
    crypto::ed25519::private_key ed_;
    crypto::secp256k1::private_key k1_{};
    secure_bytes serialized_;
    bytes public_key_;
};

/// Checks `sig` is the signature of `message` by the key in the serialized
/// PublicKey `public_key`: errc::bad_payload (not a PublicKey),
/// unsupported_key_type, bad_public_key or bad_signature.
std::error_code verify(byte_view public_key, byte_view message, byte_view sig) noexcept;

/// A peer id: the multihash of a serialized PublicKey.
class peer_id {
public:
    peer_id() = default;
    /// The id of a serialized PublicKey (decoded and encoded again
    /// deterministically first, as libp2p does).
    static result<peer_id> from_public_key(byte_view serialized) noexcept;
    /// From a multihash's bytes (identity of a PublicKey, or sha2-256).
    static result<peer_id> from_multihash(byte_view mh) noexcept;
    /// From its base58btc text ("12D3KooW...").
    static result<peer_id> parse(std::string_view text) noexcept;

    std::string to_string() const;
    byte_view multihash() const noexcept { return mh_; }
    bool empty() const noexcept { return mh_.empty(); }
    /// The serialized PublicKey an identity multihash holds (empty for sha2-256).
    byte_view public_key() const noexcept;
    bool operator==(const peer_id&) const = default;

private:
    bytes mh_;
};

/// base58btc (the Bitcoin alphabet), as peer ids are written.
std::string base58btc_encode(byte_view in);
/// nullopt for a character outside the alphabet or text over `max_len` characters.
std::optional<bytes> base58btc_decode(std::string_view text, std::size_t max_len = 128);

/// What the handshake learnt about the peer (a session's remote_id()).
struct remote_peer {
    peer_id id;                              ///< derived from identity_key
    key_type identity_type = key_type::ed25519;
    bytes identity_key;                      ///< the serialized PublicKey the peer sent
    std::vector<std::string> stream_muxers;  ///< the peer's extensions' stream muxers, in its order
    std::vector<bytes> webtransport_certhashes;
    bytes remote_static;                     ///< the peer's Noise static key
    bytes handshake_hash;                    ///< Noise's h after the last message (channel binding)
};

/// Reads and checks a handshake payload received with the Noise static key
/// `remote_static`: the protobuf, the identity key, the signature, and the
/// peer id against `expected` (if any). Fills the identity fields of a remote_peer.
result<remote_peer> check_payload(byte_view payload, byte_view remote_static,
                                  const std::optional<peer_id>& expected) noexcept;

/// Reads a handshake payload without checking its signature: the identity
/// fields check_payload fills (errc::bad_payload, missing_identity, or the
/// identity key's decoding error). For a payload check_payload already
/// accepted (the handshake's secrets), so its signature is verified once.
result<remote_peer> read_payload(byte_view payload) noexcept;

/// The payload `key` sends with the Noise static public key `static_key`.
result<bytes> make_payload(const private_key& key, byte_view static_key,
                           const std::vector<std::string>& stream_muxers) noexcept;

}  // namespace polywire::variants::libp2p_noise
