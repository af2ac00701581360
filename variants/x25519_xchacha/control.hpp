// x25519-xchacha's control protocol (the BaseProtocol role): keepalive,
// goodbye and rekeying, on reserved channels inside the encrypted packets
// (so they are authenticated and replay-protected like any message).
//
//   ping       0xffffff01  (empty)            -> pong 0xffffff02
//   close      0xffffff03  reason (1)
//   rekey      0xffffff10  epoch (LE32) | X25519 key (32)   A -> B
//   rekey_ack  0xffffff11  epoch (LE32) | X25519 key (32)   B -> A
//   rekey_done 0xffffff12  epoch (LE32)                      A -> B, then B -> A
//
// Rekeying (docs/variants.md, "x25519-xchacha"): every `rekey_interval`
// the handshake initiator (A) sends a fresh X25519 key for epoch n+1. B
// answers with its own, derives the epoch's keys and accepts packets under
// them (ingress), still sending under n. A derives the same keys, switches
// both directions and says rekey_done under n+1; B then switches its egress
// and says rekey_done under n+1. Neither side ever needs the other to stop:
// traffic flows throughout, and each codec drops the old ingress key once
// the peer has switched. Keys of epoch n+1:
//   HKDF-SHA256(ikm = X25519(a, b), salt = chaining key of epoch n,
//               info = label || " rekey" || LE32(n+1) || A's key || B's key)
//   -> chaining key | initiator->responder key | responder->initiator key.
// A retransmits its current message (rekey, then rekey_done) every
// `retransmit` until answered (needed over datagrams, harmless over a
// stream); B answers repeats with the same answer. If both sides start at
// once, the handshake initiator's exchange wins. The handshake recipient
// starts one itself only if none happened for twice its interval.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string_view>
#include <system_error>
#include <vector>

#include "policies/base_protocol.hpp"
#include "crypto/x25519.hpp"
#include "transport/bytes.hpp"
#include "transport/options.hpp"
#include "transport/result.hpp"
#include "variants/x25519_xchacha/framing.hpp"
#include "variants/x25519_xchacha/handshake.hpp"

namespace polywire::variants::x25519_xchacha {

namespace channel {
inline constexpr std::uint64_t control_base = 0xffffff00;
inline constexpr std::uint64_t ping = 0xffffff01;
inline constexpr std::uint64_t pong = 0xffffff02;
inline constexpr std::uint64_t close = 0xffffff03;
inline constexpr std::uint64_t rekey = 0xffffff10;
inline constexpr std::uint64_t rekey_ack = 0xffffff11;
inline constexpr std::uint64_t rekey_done = 0xffffff12;
}  // namespace channel

/// Reasons a close message carries.
namespace reason {
inline constexpr std::uint8_t requested = 0;
inline constexpr std::uint8_t protocol_error = 1;
inline constexpr std::uint8_t authentication_failure = 2;
inline constexpr std::uint8_t timeout = 3;
}  // namespace reason

class control_protocol {
public:
    static constexpr std::string_view name = "x25519-xchacha control: ping/pong, close, X25519 rekey";
    static constexpr bool keepalive = true;
    // Optional hooks (policies/base_protocol.hpp): timers, key updates, wipe_keys.
    static constexpr bool uses_timers = true;
    static constexpr bool updates_keys = true;
    static constexpr bool wipes_keys = true;

    struct options {
        /// Interval between rekeys (0: never start one; peers' are still answered).
        transport::duration rekey_interval{60000};
        /// Resend an unanswered rekey message after this long.
        transport::duration retransmit{1000};
    };
    struct peer_info {};

    /// `context.random`: each rekey's ephemeral X25519 key (32 bytes), drawn
    /// from the session's random source after the handshake's draws.
    explicit control_protocol(const options& opts, const transport::key_agreement_context& context = {})
        : options_(opts), random_(context.random) {}

    std::error_code start(const secrets& s, policies::frame_writer& w);
    bool greeting_done() const noexcept { return true; }  // keys are confirmed by the handshake
    bool compression_active() const noexcept { return false; }
    bool is_control(std::uint64_t code) const noexcept { return code >= channel::control_base; }
    result<policies::control_result> on_control(std::uint64_t code, byte_view payload, policies::frame_writer& w);
    std::error_code check_app_code(std::uint64_t code) const noexcept;
    void ping(policies::frame_writer& w) { w(channel::ping, {}, false); }
    void disconnect(std::uint8_t why, policies::frame_writer& w) { w(channel::close, byte_view(&why, 1), false); }
    std::uint8_t reason_for(std::error_code ec) const noexcept;
    const peer_info& info() const noexcept { return info_; }

    // Timers and key updates (policies/base_protocol.hpp).
    std::optional<transport::time_point> next_deadline() const noexcept;
    std::error_code on_tick(transport::time_point now, policies::frame_writer& w);
    std::optional<key_update> take_key_update() noexcept;

    /// Forgets every key it holds (the session closed): the chaining key,
    /// an exchange in progress, queued key updates.
    void wipe_keys() noexcept {
        chain_ = {};
        own_ = {};
        next_i_key_ = {};
        next_r_key_ = {};
        updates_.clear();
        state_ = state::idle;
    }

    // Diagnostics.
    /// The epoch both sides have switched to.
    std::uint32_t epoch() const noexcept { return epoch_; }
    std::uint64_t rekeys_completed() const noexcept { return completed_; }
    bool rekeying() const noexcept { return state_ != state::idle; }

private:
    enum class state {
        idle,
        initiating,  ///< A: sent rekey, awaiting rekey_ack
        switching,   ///< A: switched, sent rekey_done, awaiting B's rekey_done
        answering,   ///< B: sent rekey_ack, awaiting A's rekey_done
    };

    std::error_code begin_rekey(policies::frame_writer& w);
    std::error_code on_rekey(byte_view p, policies::frame_writer& w);
    std::error_code on_rekey_ack(byte_view p, policies::frame_writer& w);
    std::error_code on_rekey_done(byte_view p, policies::frame_writer& w);
    std::error_code derive(const crypto::x25519::public_key& peer, const crypto::x25519::public_key& a,
                           const crypto::x25519::public_key& b);
    result<crypto::x25519::private_key> next_key();
    /// `reply`: an answer to a repeat, sent with frame_writer::reply (never
    /// more than one identical answer waiting in the session's output).
    void send_key_message(std::uint64_t code, policies::frame_writer& w, bool reply = false);
    void send_done(policies::frame_writer& w, bool reply = false);
    void queue(policies::direction d, const secret<32>& key);

    options options_;
    peer_info info_;
    transport::random_source random_;
    bool initiator_ = false;  ///< the handshake role: names the keys' directions, wins collisions
    secret<32> chain_;
    std::uint32_t epoch_ = 0;
    std::uint64_t completed_ = 0;
    state state_ = state::idle;
    // The exchange in progress (epoch_ + 1).
    crypto::x25519::private_key own_;
    crypto::x25519::public_key own_pub_{};
    crypto::x25519::public_key peer_pub_{};
    secret<32> next_i_key_, next_r_key_;
    std::deque<key_update> updates_;
    bool answered_last_ = false;  ///< the last finished exchange was the peer's (we were B)
    // Time.
    bool armed_ = false;
    transport::time_point next_rekey_{};
    transport::time_point resend_at_{};
    bool answered_since_tick_ = false;
};

static_assert(policies::BaseProtocol<control_protocol, secrets>);
static_assert(policies::has_timers<control_protocol, transport::time_point>);  // declared, and well-formed
static_assert(policies::has_key_updates<control_protocol>);

}  // namespace polywire::variants::x25519_xchacha
