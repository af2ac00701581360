// The Authenticate packet of c-lightning's 2016 transport and the
// BaseProtocol model that exchanges it (facts.md §C; commit 74f294e3,
// lightning.proto and daemon/cryptopkt.c).
//
// The first packet each way is the protobuf
//     Pkt { auth = 50: Authenticate {
//             node_id = 1: BitcoinPubkey { key = 1: 33-byte compressed key },
//             session_sig = 2: Signature { r1..r4 = 1..4, s1..s4 = 5..8: fixed64 } } }
// signed with the node's static key over SHA256(SHA256(THEIR 33-byte session
// key)) (ECDSA, RFC 6979, low-S). The limbs are r and s as little-endian
// 256-bit integers, r1 holding the least-significant 64 bits (what the
// original copied out of libsecp256k1's opaque signature on little-endian
// hosts; here taken from the compact serialization, never from the struct).
// The receiver checks the signature over SHA256d(its OWN session key)
// against node_id, and node_id against the node it expected, if any; a
// node_id equal to its own is refused (own_node_id: a reflected
// Authenticate, or a connection to itself).
// Unknown fields: odd numbers are ignored, even numbers rejected — at every
// level. The Pkt must hold `auth` and nothing else but ignorable (odd)
// fields; a repeated known field is rejected as malformed.
//
// authenticate_protocol: the greeting is Authenticate, so every packet is a
// control packet until the peer's was accepted; afterwards every packet is
// one application message as is (code 0). There is no ping and no goodbye
// message in this protocol version.
#pragma once

#include <optional>
#include <string_view>

#include "policies/base_protocol.hpp"
#include "crypto/hash.hpp"
#include "crypto/secp256k1.hpp"
#include "transport/result.hpp"
#include "variants/sha256_per_side/key_schedule.hpp"

namespace polywire::variants::sha256_per_side {

struct authenticate {
    compressed_key node_id{};
    crypto::secp256k1::compact_signature session_sig{};  ///< r || s, big-endian
};

/// Pkt{auth: Authenticate}, protobuf-encoded.
bytes encode_authenticate_packet(const authenticate& a);
/// Reads a Pkt that must hold an Authenticate.
result<authenticate> decode_authenticate_packet(byte_view pkt) noexcept;

/// SHA256(SHA256(session key)): the digest an Authenticate signs.
crypto::digest32 session_digest(const compressed_key& session_key) noexcept;
/// Our Authenticate for a peer whose session key is `their_session_key`.
/// `node_id`: node_key's public key if the caller has it (else derived).
result<authenticate> make_authenticate(const crypto::secp256k1::private_key& node_key,
                                       const compressed_key& their_session_key,
                                       const std::optional<compressed_key>& node_id = std::nullopt) noexcept;
/// Checks a peer's Authenticate against our session key, the node id we
/// expect (if any) and our own node id (if given: refused as own_node_id).
std::error_code check_authenticate(const authenticate& a, const compressed_key& our_session_key,
                                   const std::optional<compressed_key>& expected_remote_id,
                                   const std::optional<compressed_key>& our_node_id = std::nullopt) noexcept;

class authenticate_protocol {
public:
    static constexpr std::string_view name = "Authenticate (c-lightning v3)";
    static constexpr bool keepalive = false;
    /// Optional hook (policies/base_protocol.hpp): remote_id(), the identity
    /// Authenticate proved.
    static constexpr bool identifies_peer = true;

    struct options {
        /// This node's static key; its node id is the compressed public key.
        crypto::secp256k1::private_key node_key{};
        /// node_key's public key, if the caller has it (a node makes its
        /// options once): saves deriving it at every handshake. Another key
        /// fails the peer's signature check (bad_signature).
        std::optional<compressed_key> node_id;
        /// The node we dialled, if known: any other node id is rejected.
        std::optional<compressed_key> expected_remote_id;
    };
    struct peer_info {
        compressed_key node_id{};  ///< the peer's node id, as authenticated
    };

    explicit authenticate_protocol(const options& o) : opts_(o) {}

    std::error_code start(const secrets& s, policies::frame_writer& write);
    bool greeting_done() const noexcept { return done_; }
    bool compression_active() const noexcept { return false; }
    bool is_control(std::uint64_t) const noexcept { return !done_; }
    result<policies::control_result> on_control(std::uint64_t code, byte_view payload, policies::frame_writer& write);
    std::error_code check_app_code(std::uint64_t) const noexcept { return {}; }
    void ping(policies::frame_writer&) {}
    void disconnect(std::uint8_t, policies::frame_writer&) {}
    std::uint8_t reason_for(std::error_code) const noexcept { return 0; }
    const peer_info& info() const noexcept { return info_; }
    /// The authenticated node id; the session reports it as remote_id().
    const compressed_key& remote_id() const noexcept { return info_.node_id; }

private:
    options opts_;
    compressed_key local_session_key_{};
    compressed_key local_node_id_{};
    peer_info info_;
    bool done_ = false;
};

}  // namespace polywire::variants::sha256_per_side
