// x25519-xchacha's authenticated key agreement (docs/variants.md,
// "x25519-xchacha"), as a policies::KeyAgreement:
//
//   -> HELLO    (81 B) 0x01 | sid_i (16) | e_i (32, X25519) | id_i (32, Ed25519)
//   <- REPLY   (177 B) 0x02 | sid_r | e_r | id_r | sig_r (64) | confirm_r (32)
//   -> PROOF    (97 B) 0x03 | sig_i (64) | confirm_i (32)
//   <- FINISHED (33 B) 0x04 | finished_r (32)
//
// A running transcript hash h (SHA-256, starting from the protocol label)
// absorbs every byte sent; each Ed25519 signature covers h at its point
// (the label, both session ids, both ephemeral keys, both identities, and
// for the initiator everything of REPLY too), with the signer's role in
// the signed message, so no handshake message can be replayed into another
// session or reflected. Keys come from
//   HKDF-SHA256(ikm = X25519(e_i, e_r) || psk, salt = h after REPLY's keys,
//               info = label || " keys")
// -> confirm_r key | confirm_i key | initiator->responder key |
//    responder->initiator key | chaining key (for rekeys).
// confirm_r / confirm_i / finished_r are HMAC-SHA256 of the transcript
// under the confirmation keys: each side proves it derived the same keys
// (and holds the same pre-shared key) before application data flows. The
// initiator is done when FINISHED verifies, the responder when PROOF does.
//
// Checks run in this order: kind and size, expected identity, signature,
// X25519 result (all zero: low_order_key), key confirmation. A message
// repeating one already processed byte for byte (a retransmission over
// datagrams) is consumed as `stale`.
//
// Every step checks the whole message before it changes anything: a
// refused message leaves the handshake as it was. Over a stream the
// handshake then latches (the session closes anyway). Over datagrams
// (built with policies::over_datagrams) it does not: the session discards
// the datagram and the genuine message may still come, so that whoever can
// send from the peer's address cannot abort a handshake — with its own key
// no more than with garbage (an authentic message naming another identity
// is refused as wrong_remote_identity and the real peer's still passes).
// For the same reason the responder over datagrams answers every distinct
// HELLO (up to max_answered_hellos, the oldest forgotten first; a repeat
// gets the same REPLY again) and completes with the one whose PROOF
// verifies; it keeps its ephemeral key until then.
//
// Over datagrams only, a responder under load may first answer a HELLO
// statelessly with a COOKIE (cookie.hpp, docs/variants.md):
//   <- COOKIE       (49 B) 0x05 | sid_i (16) | cookie (32)
//   -> COOKIE_HELLO (114 B) 0x06 | cookie (32) | HELLO (81, unchanged)
// The initiator answers a COOKIE naming its sid_i with its HELLO carrying
// the cookie (the newest COOKIE wins; that is its flight from then on) and
// still waits for REPLY. The cookie is not part of the transcript: the
// responder's listener checks it before any session exists, and the
// responder's handshake reads a COOKIE_HELLO as the HELLO inside.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <system_error>
#include <vector>

#include "crypto/ed25519.hpp"
#include "crypto/hash.hpp"
#include "crypto/x25519.hpp"
#include "policies/key_agreement.hpp"
#include "transport/bytes.hpp"
#include "transport/random.hpp"
#include "transport/result.hpp"

namespace polywire::variants::x25519_xchacha {

inline constexpr std::string_view protocol_label = "polywire x25519-xchacha v1";

/// A session id: 16 random bytes chosen by each side for each session; the
/// sender's id prefixes the nonces of its packets.
using session_id = std::array<std::uint8_t, 16>;
using identity_public_key = crypto::ed25519::public_key;

namespace kind {
inline constexpr std::uint8_t hello = 0x01;
inline constexpr std::uint8_t reply = 0x02;
inline constexpr std::uint8_t proof = 0x03;
inline constexpr std::uint8_t finished = 0x04;
inline constexpr std::uint8_t cookie = 0x05;         ///< datagrams: a responder under load (cookie.hpp)
inline constexpr std::uint8_t cookie_hello = 0x06;   ///< datagrams: a HELLO repeated with its cookie
inline constexpr std::uint8_t data = 0x10;  ///< a packet (framing.hpp)
}  // namespace kind

inline constexpr std::size_t hello_size = 1 + 16 + 32 + 32;
inline constexpr std::size_t reply_size = 1 + 16 + 32 + 32 + 64 + 32;
inline constexpr std::size_t proof_size = 1 + 64 + 32;
inline constexpr std::size_t finished_size = 1 + 32;
/// Over datagrams, the cookie round (cookie.hpp): COOKIE = 0x05 | sid_i |
/// cookie; the initiator then sends 0x06 | cookie | its HELLO unchanged.
inline constexpr std::size_t cookie_size = 32;
inline constexpr std::size_t cookie_reply_size = 1 + 16 + cookie_size;
inline constexpr std::size_t cookie_hello_size = 1 + cookie_size + hello_size;

/// What the handshake hands to the session: epoch-0 packet keys, the nonce
/// prefixes, the chaining key of later rekeys, and the peer's identity.
struct secrets {
    secret<32> initiator_key;  ///< seals initiator -> responder packets
    secret<32> responder_key;  ///< seals responder -> initiator packets
    secret<32> chaining_key;   ///< salt of the first rekey's HKDF
    session_id initiator_sid{};
    session_id responder_sid{};
    bool initiator = false;    ///< this side's handshake role
    identity_public_key remote_id{};
};

// Key material of policies::xchacha20_poly1305, found by ADL.
inline byte_view cipher_key(const secrets& s, policies::direction d) noexcept {
    const bool initiators = (d == policies::direction::egress) == s.initiator;
    return initiators ? s.initiator_key.view() : s.responder_key.view();
}
inline byte_view nonce_prefix(const secrets& s, policies::direction d) noexcept {
    const bool initiators = (d == policies::direction::egress) == s.initiator;
    return initiators ? byte_view(s.initiator_sid) : byte_view(s.responder_sid);
}

/// Every key of `s`, for the session's key log (transport/session.hpp;
/// labels in docs/architecture.md).
template <class F>
void dump_secrets(const secrets& s, F& f) {
    f("X25519_XCHACHA_INITIATOR_KEY", s.initiator_key.view());
    f("X25519_XCHACHA_RESPONDER_KEY", s.responder_key.view());
    f("X25519_XCHACHA_CHAINING_KEY", s.chaining_key.view());
}

class handshake {
public:
    static constexpr std::string_view name =
        "x25519-xchacha: X25519 ephemerals, Ed25519 transcript signatures, HKDF-SHA256, key confirmation";

    struct options {
        /// This side's long-term identity.
        crypto::ed25519::private_key identity;
        /// If set, the peer's identity must equal it (wrong_remote_identity).
        std::optional<identity_public_key> expected_remote;
        /// An optional pre-shared key mixed into every key (both sides must
        /// hold the same one, or key confirmation fails).
        std::optional<secret<32>> psk;
    };
    using secrets = x25519_xchacha::secrets;

    /// Over datagrams: the HELLOs a responder answers at once.
    static constexpr std::size_t max_answered_hellos = 4;

    /// `context.random`: drawn in start() by both roles, in this order:
    /// the ephemeral X25519 key (32 bytes), then the session id (the
    /// nonce prefix of this side's packets); nothing else is random.
    handshake(policies::handshake_role role, const options& opts,
              const transport::key_agreement_context& context = {}) noexcept;
    handshake(policies::handshake_role role, const options& opts, policies::over_datagrams,
              const transport::key_agreement_context& context = {}) noexcept;

    /// Initiator: appends HELLO. Responder: appends nothing.
    /// Errors: transport::errc::random_failure, transport::errc::session_closed (twice).
    std::error_code start(bytes& out) noexcept;

    /// Reads the next message from the front of `in` (consumed = 0 until it
    /// has fully arrived) and appends the answer. Errors: errc::
    /// malformed_handshake, unexpected_handshake, wrong_remote_identity,
    /// bad_signature, low_order_key, key_confirmation_failed (the handshake
    /// is as it was before the call); transport::errc::session_closed after
    /// done, or after an error over a stream.
    result<policies::handshake_step> consume(byte_view in, bytes& out) noexcept;

    /// The session keys, once, after done.
    secrets take_secrets() noexcept;

    /// The transcript hash so far (for tests and the golden transcript).
    const crypto::digest32& transcript_hash() const noexcept { return h_; }

    /// The keys this handshake holds now, for the session's key log
    /// (transport/session.hpp; labels in docs/architecture.md).
    template <class F>
    friend void dump_secrets(const handshake& k, F& f) {
        f("X25519_XCHACHA_IDENTITY_SEED", k.options_.identity.seed());
        if (k.options_.psk) f("X25519_XCHACHA_PSK", k.options_.psk->view());
        f("X25519_XCHACHA_EPHEMERAL_PRIVATE_KEY", k.e_.view());
        f("X25519_XCHACHA_CONFIRM_R_KEY", k.confirm_r_key_.view());
        f("X25519_XCHACHA_CONFIRM_I_KEY", k.confirm_i_key_.view());
        for (const answered& a : k.answered_) {
            f("X25519_XCHACHA_CONFIRM_R_KEY", a.keys.confirm_r.view());
            f("X25519_XCHACHA_CONFIRM_I_KEY", a.keys.confirm_i.view());
            f("X25519_XCHACHA_INITIATOR_KEY", a.keys.initiator_key.view());
            f("X25519_XCHACHA_RESPONDER_KEY", a.keys.responder_key.view());
            f("X25519_XCHACHA_CHAINING_KEY", a.keys.chaining_key.view());
        }
    }

private:
    enum class state { initial, awaiting_hello, awaiting_reply, awaiting_proof, awaiting_finished, done, taken, failed };

    /// What HKDF gives, before a message is accepted.
    struct derived {
        secret<32> confirm_r, confirm_i, initiator_key, responder_key, chaining_key;
    };
    /// Responder: a HELLO answered, waiting for its PROOF.
    struct answered {
        bytes hello;           ///< as received, to recognise a repeat
        bytes reply;           ///< our answer, sent again on a repeat
        crypto::digest32 h{};  ///< the transcript after REPLY
        identity_public_key rid{};
        session_id sid_i{};
        derived keys;
    };

    result<policies::handshake_step> read_hello(byte_view m, bytes& out);
    result<policies::handshake_step> read_reply(byte_view m, bytes& out);
    result<policies::handshake_step> read_proof(byte_view m, bytes& out);
    result<policies::handshake_step> read_finished(byte_view m);
    result<policies::handshake_step> another_hello(byte_view m, bytes& out);
    result<policies::handshake_step> read_cookie(byte_view m, bytes& out);
    std::error_code derive(const crypto::x25519::public_key& peer_e, const crypto::digest32& salt, derived& k) const;
    void mix(byte_view data) noexcept;
    std::error_code fail(std::error_code ec) noexcept;
    std::error_code refuse(std::error_code ec) noexcept;
    bool repeats(byte_view m) const noexcept;

    policies::handshake_role role_;
    options options_;
    transport::random_source random_;
    bool datagrams_ = false;
    state state_ = state::initial;
    crypto::digest32 h_{};  ///< responder: the transcript before HELLO until PROOF
    crypto::x25519::private_key e_;
    crypto::x25519::public_key e_pub_{};
    session_id sid_{};
    secret<32> confirm_r_key_, confirm_i_key_;
    secrets secrets_;
    std::vector<answered> answered_;  ///< responder, oldest first (one over a stream)
    bytes last_in_;  ///< initiator: the last message processed, to recognise a retransmission
};

static_assert(policies::KeyAgreement<handshake>);

}  // namespace polywire::variants::x25519_xchacha
