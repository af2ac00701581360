// transport::session<Config>: closing — close(), abort(), fail() and wiping
// the keys. Read the contract at the top of transport/session.hpp first.
#pragma once

namespace polywire::transport {

template <class Config>
std::error_code session<Config>::close(std::uint8_t reason, time_point now) noexcept {
    if (state_ == session_state::closed || state_ == session_state::closing) return errc::session_closed;
    if (!keys_ready()) {
        state_ = session_state::closed;
        wipe_keys();
        return {};
    }
    auto w = writer();
    local_reason_ = reason;
    base_.disconnect(reason, w);
    state_ = session_state::closing;
    timers_.linger(now, opts_.timeouts);
    wipe_keys();  // the goodbye is sealed: no key is needed any more
    return {};
}

template <class Config>
void session<Config>::abort(std::error_code ec) noexcept {
    if (state_ == session_state::closed) return;
    state_ = session_state::closed;
    error_ = ec;
    push({.kind = event_kind::error, .error = ec});
    wipe_keys();
}

template <class Config>
std::error_code session<Config>::fail(std::error_code ec) noexcept {
    if (state_ == session_state::closed) return ec;
    if (keys_ready() && ec != make_error_code(errc::peer_closed)) {
        // Best effort goodbye; our egress state is intact whatever failed.
        auto w = writer();
        local_reason_ = base_.reason_for(ec);
        base_.disconnect(*local_reason_, w);
    }
    state_ = session_state::closed;
    error_ = ec;
    push({.kind = event_kind::error, .error = ec});
    wipe_keys();
    return ec;
}

template <class Config>
void session<Config>::wipe_keys() noexcept {
    // Nothing is sealed or opened after a session closes (closing: the
    // goodbye is already sealed, and input is only watched for the peer's).
    egress_.reset();
    ingress_.reset();
    if constexpr (policies::has_wipe_keys<base_protocol>) base_.wipe_keys();  // e.g. a rekey chaining key
    // A handshake cut short may still hold an ephemeral key or a chaining key
    // (check_config requires a KeyAgreement to be move-assignable).
    if constexpr (std::is_move_assignable_v<key_agreement>) {
        ka_ = detail::make_key_agreement<key_agreement, datagrams>(role_, opts_.handshake, opts_.random, opts_.key_log);
    }
}

}  // namespace polywire::transport
