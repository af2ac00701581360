// The RLPx encryption handshake (rlpx.md §Initial Handshake, EIP-8) as a
// policies::KeyAgreement.
//
//   initiator -> recipient: auth = be16(size) || ECIES(K_B, rlp([sig, pubk_A, nonce_A, 4]) || padding)
//   recipient -> initiator: ack  = be16(size) || ECIES(K_A, rlp([eph_pubk_B, nonce_B, 4]) || padding)
//
// `sig` is the initiator's EPHEMERAL key's recoverable signature over
// X(k_A * K_B) ^ nonce_A; the recipient recovers the ephemeral key from it.
// Pre-EIP-8 ("plain") packets are still read, and answered in kind: an auth
// of 307 bytes, an ack of 210 bytes, no size prefix. Receivers follow EIP-8:
// any version, extra list elements and trailing data are accepted.
//
// Sizes: an EIP-8 size prefix above 2048 is rejected before anything is
// buffered; no allocation depends on an unchecked size.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <system_error>

#include "crypto/secp256k1.hpp"
#include "policies/key_agreement.hpp"
#include "rlpx/secrets.hpp"
#include "transport/bytes.hpp"
#include "transport/random.hpp"
#include "transport/result.hpp"

namespace polywire::rlpx {

/// Largest EIP-8 handshake packet accepted, size prefix excluded (geth).
inline constexpr std::size_t max_handshake_size = 2048;
/// Pre-EIP-8 packet sizes: ECIES of a 194-byte auth / 97-byte ack.
inline constexpr std::size_t legacy_auth_size = 307;
inline constexpr std::size_t legacy_ack_size = 210;

class handshake {
public:
    static constexpr std::string_view name = "secp256k1-ECIES (EIP-8)";

    struct options {
        /// This node's static key (its node id is the public key).
        crypto::secp256k1::private_key static_key;
        /// static_key's public key (the node id), if the caller has it: the
        /// initiator sends it in its auth and otherwise derives it from
        /// static_key at every handshake (a public-key multiplication). It
        /// must be static_key's: a recipient answers another key, so a wrong
        /// one fails the initiator's handshake (errc::bad_auth_mac).
        std::optional<crypto::secp256k1::public_key> static_public_key;
        /// Required for the initiator: the node dialled. If set for a
        /// recipient, the initiator's static key must equal it.
        std::optional<crypto::secp256k1::public_key> remote_id;
        /// The initiator sends a pre-EIP-8 auth, as clients before EIP-8 did
        /// (interoperability with them, and tests of the recipient's
        /// reading of one).
        bool legacy_auth = false;
        /// Padding length of the EIP-8 packet this side sends (default: a
        /// random length in [100, 250], drawn from the random source).
        /// Kept as a test-only override because tests need lengths the random
        /// draw never gives (0 to make an EIP-8 packet shorter than a legacy
        /// one, 2000 to pass the size limit); the random source cannot
        /// reach them.
        std::optional<std::size_t> padding_for_testing_only;
    };
    using secrets = rlpx::secrets;

    /// `context.random`: where the ephemeral key, the nonce and the padding
    /// come from, in this order (docs/architecture.md, "Randomness"):
    /// ephemeral key (32 bytes, again while not a valid key), nonce (32);
    /// EIP-8 packets then the padding length (2 bytes) and the padding;
    /// then ECIES's ephemeral key (32, again while invalid) and IV (16).
    /// `context.log` is not used here: the session reports what
    /// dump_secrets lists.
    handshake(policies::handshake_role role, const options& opts,
                    const transport::key_agreement_context& context = {}) noexcept;
    handshake(const handshake&) = delete;
    handshake& operator=(const handshake&) = delete;
    handshake(handshake&&) noexcept = default;
    handshake& operator=(handshake&&) noexcept = default;
    ~handshake() = default;

    /// Initiator: appends the auth packet to `out`. Recipient: appends
    /// nothing. Errors: transport::errc::invalid_argument (initiator without
    /// remote_id, padding override above the size limit),
    /// transport::errc::bad_key (remote_id or static_key invalid),
    /// transport::errc::session_closed (called twice or after an error).
    std::error_code start(bytes& out) noexcept;

    /// Reads the auth (recipient) or ack (initiator) from the front of `in`.
    /// Returns consumed = 0 until the whole packet is there; then consumes
    /// exactly that packet (bytes after it are left to the caller), appends
    /// the ack (recipient) to `out` and reports done.
    /// Errors: rlpx::errc handshake_too_large, handshake_too_short,
    /// bad_auth_mac, invalid_curve_point, bad_signature, bad_handshake_body,
    /// wrong_remote_identity; transport::errc::session_closed after done or
    /// after an error.
    result<policies::handshake_step> consume(byte_view in, bytes& out) noexcept;

    /// The negotiated secrets, once, after consume() reported done (a
    /// default, all-zero value otherwise). The handshake keeps no copy.
    secrets take_secrets() noexcept;

    /// Test hook, kept because the random source cannot replace it: start()
    /// sends exactly `auth` instead of building an auth packet, and the MAC
    /// states are seeded with it. Lets a test replay the official EIP-8
    /// vectors, whose ECIES randomness (ephemeral key, IV, padding) is not
    /// published. The random source must give the ephemeral key and nonce
    /// `auth` carries.
    void send_auth_for_testing_only(bytes auth) noexcept;

    /// The keys this handshake holds now, for the session's key log
    /// (transport/session.hpp; labels in docs/architecture.md).
    template <class F>
    friend void dump_secrets(const handshake& h, F& f) {
        f("RLPX_STATIC_PRIVATE_KEY", h.options_.static_key.view());
        f("RLPX_EPHEMERAL_PRIVATE_KEY", h.ephemeral_key_.view());
        f("RLPX_INITIATOR_NONCE", h.initiator_nonce_.view());
        f("RLPX_RECIPIENT_NONCE", h.recipient_nonce_.view());
    }

private:
    enum class state { initial, awaiting_auth, awaiting_ack, done, taken, failed };
    struct received;

    result<void> start_initiator(bytes& out);
    result<policies::handshake_step> consume_auth(byte_view in, bytes& out);
    result<policies::handshake_step> consume_ack(byte_view in);
    result<std::optional<received>> read_packet(byte_view in, std::size_t legacy_size);
    result<void> choose_ephemeral(secret<32>& nonce);
    result<bytes> seal_eip8(const crypto::secp256k1::public_key& remote, bytes body);
    std::error_code derive(const crypto::secp256k1::public_key& remote_ephemeral, byte_view received_packet,
                           const crypto::secp256k1::public_key& remote_id, bool remote_eip8);
    void wipe() noexcept;

    policies::handshake_role role_;
    options options_;
    transport::random_source random_;
    state state_ = state::initial;
    crypto::secp256k1::private_key ephemeral_key_;
    secret<32> initiator_nonce_;
    secret<32> recipient_nonce_;
    bytes sent_packet_;                   ///< our auth or ack as sent, for the MAC seeds
    std::optional<bytes> injected_auth_;  ///< send_auth_for_testing_only
    bool legacy_ruled_out_ = false;       ///< the buffered packet failed to decrypt as pre-EIP-8
    std::optional<secrets> secrets_;
};

static_assert(policies::KeyAgreement<handshake>);

}  // namespace polywire::rlpx
