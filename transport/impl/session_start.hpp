// transport::session<Config>: construction, start() and the handshake
// (process(), on_keys()), and telling the key log. Read the contract at the
// top of transport/session.hpp first.
#pragma once

namespace polywire::transport {

namespace detail {
/// The key agreement of a session: over datagrams built with
/// policies::over_datagrams if it takes that, and given the session's random
/// source and key log if it takes them (policies/key_agreement.hpp).
template <class KeyAgreement, bool Datagrams, class Options>
KeyAgreement make_key_agreement(policies::handshake_role role, const Options& o, const random_source& random,
                                const key_log& log) {
    using ctx = const key_agreement_context&;
    using r = policies::handshake_role;
    using od = policies::over_datagrams;
    if constexpr (Datagrams && std::is_constructible_v<KeyAgreement, r, const Options&, od, ctx>) {
        return KeyAgreement(role, o, od{}, key_agreement_context{random, log});
    } else if constexpr (Datagrams && std::is_constructible_v<KeyAgreement, r, const Options&, od>) {
        return KeyAgreement(role, o, od{});
    } else if constexpr (std::is_constructible_v<KeyAgreement, r, const Options&, ctx>) {
        return KeyAgreement(role, o, key_agreement_context{random, log});
    } else {
        return KeyAgreement(role, o);
    }
}

/// The base protocol of a session, given the session's random source and
/// key log if it takes them (a rekey draws ephemeral keys).
template <class BaseProtocol, class Options>
BaseProtocol make_base_protocol(const Options& o, const random_source& random, const key_log& log) {
    if constexpr (std::is_constructible_v<BaseProtocol, const Options&, const key_agreement_context&>) {
        return BaseProtocol(o, key_agreement_context{random, log});
    } else {
        return BaseProtocol(o);
    }
}
}  // namespace detail

template <class Config>
session<Config>::session(policies::handshake_role role, options opts)
    : opts_(std::move(opts)),
      role_(role),
      ka_(detail::make_key_agreement<key_agreement, datagrams>(role, opts_.handshake, opts_.random, opts_.key_log)),
      base_(detail::make_base_protocol<base_protocol>(opts_.protocol, opts_.random, opts_.key_log)) {}

template <class Config>
std::error_code session<Config>::start(time_point now) noexcept {
    if (state_ != session_state::initial) return state_ == session_state::closed ? errc::session_closed : errc::invalid_argument;
    state_ = session_state::handshaking;
    timers_.start(now);
    const std::size_t before = out_.size();
    handshake_out_.clear();
    const std::error_code started = ka_.start(handshake_out_);
    out_.append(handshake_out_);
    if (started) return fail(started);
    log_keys(nullptr);
    flight_.started(out_, before, now);
    return process(now);  // a key agreement may complete without input
}

template <class Config>
std::error_code session<Config>::process(time_point now) noexcept {
    while (state_ == session_state::handshaking || state_ == session_state::established) {
        if (!keys_ready()) {
            const std::size_t before = out_.size();
            handshake_out_.clear();
            auto step = ka_.consume(in_.unparsed(), handshake_out_);
            out_.append(handshake_out_);
            if (!step) {
                // docs/architecture.md, "Datagrams": a handshake message the
                // key agreement refuses (forged, foreign, malformed) is
                // discarded; the genuine one may still come, and the
                // handshake deadline bounds the wait. Over a stream: fatal.
                if (flight_.discards_handshake_error(step.error())) {
                    reject(step.error());
                    break;
                }
                return fail(step.error());
            }
            in_.advance(step.value().consumed);
            if (step.value().consumed > 0 && !step.value().done) log_keys(nullptr);
            flight_.handshake_step(out_, before, step.value(), unverified(), now);
            if (step.value().done) {
                bytes().swap(handshake_out_);  // the key agreement writes no more: an idle session holds none of it
                if (auto ec = on_keys(now)) return ec;
                flight_.keys_agreed(out_, before, now, opts_.timeouts);
                continue;
            }
            if (step.value().consumed == 0) break;
            continue;
        }
        bool progressed = false;
        if (auto ec = read_frame(progressed)) return fail(ec);
        if (!progressed) break;
    }
    return {};
}

template <class Config>
std::error_code session<Config>::on_keys(time_point now) noexcept {
    {
        secrets s = ka_.take_secrets();
        log_keys(&s);
        egress_.emplace(s, policies::direction::egress);
        ingress_.emplace(s, policies::direction::ingress);
        remote_id_ = s.remote_id;
        auto w = writer();
        if (auto ec = base_.start(s, w)) return fail(ec);
        apply_key_updates();
    }
    if (auto ec = tick_base(now, true)) return ec;  // arms the base protocol's timers
    if constexpr (probes_datagram_size) {
        sizer_.start(opts_.probing, frame_layout::base_frame_size, frame_layout::max_frame_size, codec::wire_size(0),
                     now);
    }
    if (base_.greeting_done()) {
        state_ = session_state::established;
        push({.kind = event_kind::handshake_complete});
    }
    return {};
}

template <class Config>
void session<Config>::log_keys(const secrets* s) const noexcept {
    if (!opts_.key_log) return;  // always so in production
    detail::key_log_forwarder c{opts_.key_log};
    if constexpr (requires { dump_secrets(ka_, c); }) dump_secrets(ka_, c);
    if constexpr (requires { dump_secrets(opts_.handshake, c); }) dump_secrets(opts_.handshake, c);
    if constexpr (requires { dump_secrets(opts_.protocol, c); }) dump_secrets(opts_.protocol, c);
    if (s != nullptr) {
        if constexpr (requires { dump_secrets(*s, c); }) dump_secrets(*s, c);
    }
}

}  // namespace polywire::transport
