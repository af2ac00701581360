#include "variants/x25519_xchacha/control.hpp"

#include <algorithm>

#include "crypto/hkdf.hpp"
#include "transport/error.hpp"
#include "variants/x25519_xchacha/error.hpp"

namespace polywire::variants::x25519_xchacha {
namespace {

namespace x = crypto::x25519;

constexpr std::size_t key_message_size = 4 + x::key_size;
constexpr std::size_t done_message_size = 4;

std::uint32_t read_le32(byte_view p) noexcept {
    return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
           static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}

void put_le32(std::uint8_t* out, std::uint32_t v) noexcept {
    for (std::size_t i = 0; i < 4; ++i) out[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

x::public_key read_key(byte_view p) noexcept {
    x::public_key k{};
    std::copy_n(p.begin() + 4, x::key_size, k.begin());
    return k;
}

}  // namespace

std::error_code control_protocol::start(const secrets& s, policies::frame_writer&) {
    initiator_ = s.initiator;
    chain_ = s.chaining_key;
    return {};
}

std::error_code control_protocol::check_app_code(std::uint64_t code) const noexcept {
    return code <= max_channel ? std::error_code{} : make_error_code(errc::unknown_channel);
}

std::uint8_t control_protocol::reason_for(std::error_code ec) const noexcept {
    if (ec == transport::condition::authentication_failed) return reason::authentication_failure;
    if (ec == transport::condition::timed_out) return reason::timeout;
    return reason::protocol_error;
}

result<policies::control_result> control_protocol::on_control(std::uint64_t code, byte_view payload,
                                                              policies::frame_writer& w) {
    switch (code) {
        case channel::ping:
            w.reply(channel::pong, {}, false);  // at most one pending (policies/base_protocol.hpp)
            return policies::control_result{.event = policies::control_event::ping};
        case channel::pong: return policies::control_result{.event = policies::control_event::pong};
        case channel::close:
            if (payload.size() != 1) return make_error_code(errc::malformed_control);
            return policies::control_result{.event = policies::control_event::disconnect, .reason = payload[0]};
        case channel::rekey:
            if (auto ec = on_rekey(payload, w)) return ec;
            return policies::control_result{};
        case channel::rekey_ack:
            if (auto ec = on_rekey_ack(payload, w)) return ec;
            return policies::control_result{};
        case channel::rekey_done:
            if (auto ec = on_rekey_done(payload, w)) return ec;
            return policies::control_result{};
        default: return make_error_code(errc::unknown_channel);
    }
}

std::optional<transport::time_point> control_protocol::next_deadline() const noexcept {
    if (!armed_) return std::nullopt;
    std::optional<transport::time_point> d;
    if (options_.rekey_interval.count() > 0 && state_ == state::idle) d = next_rekey_;
    if (state_ == state::initiating || state_ == state::switching) d = d ? std::min(*d, resend_at_) : resend_at_;
    return d;
}

std::error_code control_protocol::on_tick(transport::time_point now, policies::frame_writer& w) {
    if (!armed_) {  // the call right after start(): arm the timers
        armed_ = true;
        next_rekey_ = now + (initiator_ ? options_.rekey_interval : 2 * options_.rekey_interval);
        return {};
    }
    if ((state_ == state::initiating || state_ == state::switching) && now >= resend_at_) {
        if (state_ == state::initiating) {
            send_key_message(channel::rekey, w);
        } else {
            send_done(w);
        }
        resend_at_ = now + options_.retransmit;
    }
    if (state_ == state::idle && options_.rekey_interval.count() > 0 && now >= next_rekey_) {
        if (!initiator_ && answered_since_tick_) {
            // The peer keeps rekeying: the recipient's own timer is a backstop.
            answered_since_tick_ = false;
            next_rekey_ = now + 2 * options_.rekey_interval;
            return {};
        }
        next_rekey_ = now + (initiator_ ? options_.rekey_interval : 2 * options_.rekey_interval);
        resend_at_ = now + options_.retransmit;
        return begin_rekey(w);
    }
    return {};
}

std::optional<key_update> control_protocol::take_key_update() noexcept {
    if (updates_.empty()) return std::nullopt;
    key_update u = std::move(updates_.front());
    updates_.pop_front();
    return u;
}

result<crypto::x25519::private_key> control_protocol::next_key() {
    return x::generate(random_);
}

void control_protocol::send_key_message(std::uint64_t code, policies::frame_writer& w, bool reply) {
    std::array<std::uint8_t, key_message_size> m{};
    put_le32(m.data(), epoch_ + 1);
    std::copy(own_pub_.begin(), own_pub_.end(), m.begin() + 4);
    if (reply) {
        w.reply(code, m, false);
    } else {
        w(code, m, false);
    }
}

void control_protocol::send_done(policies::frame_writer& w, bool reply) {
    std::array<std::uint8_t, done_message_size> m{};
    put_le32(m.data(), state_ == state::idle ? epoch_ : epoch_ + 1);
    if (reply) {
        w.reply(channel::rekey_done, m, false);
    } else {
        w(channel::rekey_done, m, false);
    }
}

void control_protocol::queue(policies::direction d, const secret<32>& key) {
    updates_.push_back(key_update{.dir = d, .keys = epoch_key{.epoch = epoch_ + 1, .key = key}});
}

// The keys of epoch_ + 1 from our key and the peer's; `a` and `b` are the
// rekey initiator's and responder's public keys, in that order.
std::error_code control_protocol::derive(const x::public_key& peer, const x::public_key& a, const x::public_key& b) {
    auto ss = x::shared_secret(own_, peer);
    if (!ss) return errc::low_order_key;
    constexpr std::string_view info_label = " rekey";
    bytes info(as_bytes(protocol_label).begin(), as_bytes(protocol_label).end());
    info.insert(info.end(), as_bytes(info_label).begin(), as_bytes(info_label).end());
    std::array<std::uint8_t, 4> e{};
    put_le32(e.data(), epoch_ + 1);
    info.insert(info.end(), e.begin(), e.end());
    info.insert(info.end(), a.begin(), a.end());
    info.insert(info.end(), b.begin(), b.end());
    secret<96> okm;
    if (auto ec = crypto::hkdf_sha256(okm.mutable_view(), ss.value(), chain_, info)) return ec;
    chain_.assign(okm.view().first(32));
    next_i_key_.assign(okm.view().subspan(32, 32));
    next_r_key_.assign(okm.view().subspan(64, 32));
    own_ = x::private_key();  // the ephemeral has done its work
    return {};
}

// A: a fresh key for epoch_ + 1.
std::error_code control_protocol::begin_rekey(policies::frame_writer& w) {
    auto k = next_key();
    if (!k) return k.error();
    own_ = k.value();
    own_pub_ = x::public_key_of(own_);
    state_ = state::initiating;
    send_key_message(channel::rekey, w);
    return {};
}

// B: answer, and accept the new epoch's packets.
std::error_code control_protocol::on_rekey(byte_view p, policies::frame_writer& w) {
    if (p.size() != key_message_size) return errc::malformed_control;
    const std::uint32_t m = read_le32(p);
    const x::public_key peer = read_key(p);
    if (m <= epoch_) return {};  // a late repeat of a finished exchange
    if (m != epoch_ + 1) return errc::unexpected_rekey;
    switch (state_) {
        case state::answering:
            if (!constant_time_equal(peer, peer_pub_)) return errc::unexpected_rekey;
            send_key_message(channel::rekey_ack, w, true);  // our answer was lost: the same again
            return {};
        case state::initiating:
        case state::switching:
            if (initiator_) return {};  // both started: ours wins, the peer answers it
            if (state_ == state::switching) return errc::unexpected_rekey;
            own_ = x::private_key();    // theirs wins
            break;
        case state::idle: break;
    }
    auto k = next_key();
    if (!k) return k.error();
    own_ = k.value();
    own_pub_ = x::public_key_of(own_);
    peer_pub_ = peer;
    if (auto ec = derive(peer, peer, own_pub_)) return ec;
    queue(policies::direction::ingress, initiator_ ? next_r_key_ : next_i_key_);
    state_ = state::answering;
    answered_since_tick_ = true;
    send_key_message(channel::rekey_ack, w, true);  // repeats of the rekey coalesce with it
    return {};
}

// A: switch both directions, then say so under the new keys.
std::error_code control_protocol::on_rekey_ack(byte_view p, policies::frame_writer& w) {
    if (p.size() != key_message_size) return errc::malformed_control;
    const std::uint32_t m = read_le32(p);
    if (m <= epoch_ || (m == epoch_ + 1 && state_ == state::switching)) return {};  // a repeat
    if (m != epoch_ + 1 || state_ != state::initiating) return errc::unexpected_rekey;
    const x::public_key peer = read_key(p);
    if (auto ec = derive(peer, own_pub_, peer)) return ec;
    queue(policies::direction::ingress, initiator_ ? next_r_key_ : next_i_key_);
    queue(policies::direction::egress, initiator_ ? next_i_key_ : next_r_key_);
    state_ = state::switching;
    send_done(w);  // sealed under epoch_ + 1: updates apply before the next frame
    return {};
}

std::error_code control_protocol::on_rekey_done(byte_view p, policies::frame_writer& w) {
    if (p.size() != done_message_size) return errc::malformed_control;
    const std::uint32_t m = read_le32(p);
    if (state_ == state::answering && m == epoch_ + 1) {  // B: switch our egress too
        queue(policies::direction::egress, initiator_ ? next_i_key_ : next_r_key_);
        ++epoch_;
        ++completed_;
        state_ = state::idle;
        answered_last_ = true;
        next_i_key_ = secret<32>();
        next_r_key_ = secret<32>();
        send_done(w);
        return {};
    }
    if (state_ == state::switching && m == epoch_ + 1) {  // A: the exchange is complete
        ++epoch_;
        ++completed_;
        state_ = state::idle;
        answered_last_ = false;
        next_i_key_ = secret<32>();
        next_r_key_ = secret<32>();
        return {};
    }
    if (state_ == state::idle && m == epoch_ && epoch_ > 0) {
        // B answers a repeat of A's rekey_done (ours was lost); A ignores one of B's.
        if (answered_last_) send_done(w, true);
        return {};
    }
    if (m <= epoch_) return {};
    return errc::unexpected_rekey;
}

}  // namespace polywire::variants::x25519_xchacha
