// BOLT 8's authenticated key agreement, Noise_XK_secp256k1_ChaChaPoly_SHA256
// with prologue "lightning", as a policies::KeyAgreement:
//
//   -> Act One   (50 B) initiator: 0 || e.pub || tag        (e, es)
//   <- Act Two   (50 B) responder: 0 || e.pub || tag        (e, ee)
//   -> Act Three (66 B) initiator: 0 || enc(s.pub) || tag   (s, se)
//
// Keys are 33-byte compressed secp256k1 points; ECDH is SHA256 of the
// compressed shared point; HKDF(ck, ikm) is HKDF-SHA256 with salt ck and
// empty info, split 32/32; encryptWithAD is ChaCha20-Poly1305 with the
// nonce 00000000 || LE64(n). After Act Three: sk, rk = HKDF(ck, empty)
// (initiator; swapped for the responder), and both chaining keys of the
// transport's key rotation start at the final ck.
//
// The version byte, the public key and the tag of each act are checked in
// the spec's order and fail with the matching noise_xk::errc. An act that
// has not fully arrived is "need more" (consumed 0): the session's
// handshake deadline bounds the wait.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <system_error>

#include "crypto/hash.hpp"
#include "crypto/secp256k1.hpp"
#include "policies/key_agreement.hpp"
#include "transport/bytes.hpp"
#include "transport/random.hpp"
#include "transport/result.hpp"

namespace polywire::variants::noise_xk {

inline constexpr std::string_view protocol_name = "Noise_XK_secp256k1_ChaChaPoly_SHA256";
inline constexpr std::string_view prologue = "lightning";
inline constexpr std::size_t act1_size = 50;
inline constexpr std::size_t act2_size = 50;
inline constexpr std::size_t act3_size = 66;
inline constexpr std::uint8_t handshake_version = 0;

/// What the handshake hands to the transport ciphers.
struct secrets {
    secret<32> sk;  ///< sending key
    secret<32> rk;  ///< receiving key
    secret<32> ck;  ///< final chaining key: sck and rck both start here
    crypto::secp256k1::compressed_public_key remote_id{};  ///< the peer's static key (rs)
};

// Key material of policies::chacha20_poly1305<1000>, found by ADL.
inline byte_view cipher_key(const secrets& s, policies::direction d) noexcept {
    return d == policies::direction::egress ? s.sk.view() : s.rk.view();
}
inline byte_view chaining_key(const secrets& s, policies::direction) noexcept { return s.ck.view(); }

/// Every key of `s`, for the session's key log (transport/session.hpp;
/// labels in docs/architecture.md).
template <class F>
void dump_secrets(const secrets& s, F& f) {
    f("NOISE_XK_SK", s.sk.view());
    f("NOISE_XK_RK", s.rk.view());
    f("NOISE_XK_CK", s.ck.view());
}

class handshake {
public:
    static constexpr std::string_view name = "Noise_XK_secp256k1_ChaChaPoly_SHA256 (BOLT 8 acts)";

    struct options {
        /// This node's static key (its identity is the compressed public key).
        crypto::secp256k1::private_key static_key;
        /// This node's public key, if the caller has it (a node makes its
        /// options once): saves deriving it at every handshake. It must be
        /// static_key's: another key fails the handshake (the initiator's
        /// Act Three does not authenticate; a responder's Act One does not).
        std::optional<crypto::secp256k1::compressed_public_key> static_public_key;
        /// Required for the initiator: the static key of the node dialled.
        /// If set for a responder, the initiator's static key must equal it.
        std::optional<crypto::secp256k1::compressed_public_key> remote_static_key;
    };
    using secrets = noise_xk::secrets;

    /// `context.random`: the ephemeral key, drawn in start() by both roles
    /// (32 bytes, again while not a valid key); nothing else is random.
    handshake(policies::handshake_role role, const options& opts,
                       const transport::key_agreement_context& context = {}) noexcept;

    /// Initiator: appends Act One to `out`. Responder: appends nothing.
    /// Errors: transport::errc::invalid_argument (initiator without
    /// remote_static_key), transport::errc::bad_key (a key option is not a
    /// valid key), transport::errc::session_closed (called twice).
    std::error_code start(bytes& out) noexcept;

    /// Reads Act One (responder; then appends Act Two), Act Two (initiator;
    /// then appends Act Three and is done) or Act Three (responder; done)
    /// from the front of `in`; consumed = 0 until the whole act is there.
    /// Errors: noise_xk::errc act*_bad_version / _bad_pubkey / _bad_tag,
    /// act3_bad_ciphertext, wrong_remote_identity; transport::errc::
    /// session_closed after done or after an error.
    result<policies::handshake_step> consume(byte_view in, bytes& out) noexcept;

    /// The transport keys, once, after done (all-zero otherwise).
    secrets take_secrets() noexcept;

    /// The keys this handshake holds now, for the session's key log.
    template <class F>
    friend void dump_secrets(const handshake& h, F& f) {
        f("NOISE_XK_STATIC_PRIVATE_KEY", h.options_.static_key.view());
        f("NOISE_XK_EPHEMERAL_PRIVATE_KEY", h.e_.view());
        f("NOISE_XK_HANDSHAKE_CK", h.ck_.view());
        f("NOISE_XK_HANDSHAKE_TEMP_K2", h.temp_k2_.view());
    }

private:
    enum class state { initial, awaiting_act1, awaiting_act2, awaiting_act3, done, taken, failed };

    /// Our static public key: the option, or derived from the static key.
    result<crypto::secp256k1::compressed_public_key> local_static_key() const noexcept;
    std::error_code begin(const crypto::secp256k1::compressed_public_key& local_static,
                          const crypto::secp256k1::compressed_public_key& responder_static);
    std::error_code write_act1(bytes& out);
    std::error_code read_act1(byte_view m);
    std::error_code write_act2(bytes& out);
    std::error_code read_act2(byte_view m);
    std::error_code write_act3(bytes& out);
    std::error_code read_act3(byte_view m);
    std::error_code split(bool initiator);
    void mix_hash(byte_view data) noexcept;
    std::error_code mix_key(byte_view ikm, secret<32>& temp_k);
    void wipe() noexcept;

    policies::handshake_role role_;
    options options_;
    transport::random_source random_;
    state state_ = state::initial;
    crypto::digest32 h_{};                        ///< handshake hash
    secret<32> ck_;                               ///< chaining key
    secret<32> temp_k2_;                          ///< Act Two's key, reused for Act Three's static key
    crypto::secp256k1::private_key e_;            ///< our ephemeral key
    crypto::secp256k1::compressed_public_key e_pub_{};
    crypto::secp256k1::compressed_public_key s_pub_{};
    crypto::secp256k1::public_key re_{};          ///< the peer's ephemeral key
    crypto::secp256k1::compressed_public_key rs_{};
    secrets secrets_;
};

static_assert(policies::KeyAgreement<handshake>);

}  // namespace polywire::variants::noise_xk
