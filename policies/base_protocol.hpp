// BaseProtocol: the control messages a transport speaks above its frames
// (RLPx's "p2p" protocol: Hello, Disconnect, Ping/Pong, capabilities).
//
// This is polywire's sixth, optional role (the default is the null model
// `no_base_protocol`). It exists so the one session state machine can keep a
// connection alive, answer pings while the application is busy, and say
// goodbye with a reason, whatever the protocol — without the session knowing
// any message format. See docs/architecture.md for why it is a role and not
// a layer above the session.
//
// What it provides, and when the session calls it:
//   * `start(secrets, write)`: once the key agreement is done; sends the
//     greeting (RLPx: Hello) through `write`. `greeting_done()` turns true
//     when the peer's greeting has been accepted: the session then becomes
//     `established` and emits `handshake_complete`.
//   * `is_control(code)`: whether a received code is the base protocol's;
//     such frames go to `on_control(code, payload, write)` with the payload
//     exactly as received (still compressed if compression is active: the
//     base protocol knows which forms peers really send).
//   * `check_app_code(code)`: rejects application codes outside what was
//     negotiated.
//   * `ping(write)`, `disconnect(reason, write)`, `reason_for(error)`: the
//     keepalive and goodbye messages; `keepalive` says whether pings exist.
//   * `compression_active()`: whether application and control frames after
//     the greeting are compressed with the configuration's Compressor.
//
// Optional hooks. A base protocol opts in to each by declaring it, and the
// session then checks the hook's exact signature (transport::check_config
// names the role and the hook in one line); a hook defined without its
// declaration is refused too, so a misspelling never switches one off:
//
//   static constexpr bool uses_timers = true;      next_deadline, on_tick
//   static constexpr bool updates_keys = true;     take_key_update
//   static constexpr bool wipes_keys = true;       wipe_keys
//   static constexpr bool identifies_peer = true;  remote_id
//
//   * Timers: `next_deadline() const noexcept -> optional<time_point>` and
//     `on_tick(now, write) -> error_code`. The session calls on_tick once
//     right after start() (to arm the timers with the current time) and
//     then whenever next_deadline() has passed, while keys exist and the
//     session is neither closing nor closed.
//   * Key updates: `take_key_update() noexcept -> optional<key_update<K>>`.
//     After every call into the base protocol, and before it seals any
//     frame it writes, the session takes each queued update and hands it to
//     that direction's frame codec (`update_keys(update)`). So an update
//     queued before writing a frame seals that frame under the new keys
//     (SSH's NEWKEYS, TLS 1.3's KeyUpdate), and an ingress update queued
//     while a control frame is handled applies from the next frame read.
//     What `K` holds is between the base protocol and the codec (the
//     standard codec rebuilds its Cipher and MacState from it).
//   * Key material of its own (a rekey chaining key): `void wipe_keys()
//     noexcept`, called when the session closes, alongside the codecs'
//     destruction.
//   * An identity the greeting authenticates (c-lightning's Authenticate):
//     `remote_id() const noexcept`, convertible to the secrets' remote_id;
//     the session's remote_id() is that once the greeting is accepted.
#pragma once

#include <concepts>
#include <cstdint>
#include <optional>
#include <string_view>
#include <system_error>
#include <type_traits>

#include "policies/key_agreement.hpp"
#include "transport/bytes.hpp"
#include "transport/result.hpp"

namespace polywire::policies {

/// A key change for one direction, from the base protocol to the codec.
template <class Keys>
struct key_update {
    direction dir;
    Keys keys;
};

/// Sends one frame: `write(code, payload, compressible)`. Compressible
/// frames are compressed when compression is active. Returns an error when
/// the frame was not written (docs/architecture.md, "Failure policy"):
/// errc::message_too_large if its body exceeds the layout's max_frame_size,
/// or the codec's error if it cannot seal (x25519-xchacha: its packet ids
/// ran out); nothing of it is queued then.
///
/// `write.reply(code, payload, compressible)` sends an automatic answer to
/// something the peer sent (a Pong, a repeated acknowledgement). The session
/// drops it while an identical reply (same code and payload) is still
/// waiting, not yet taken, in its output: a peer that floods Pings and reads
/// slowly gets one pending Pong, not one per Ping, so replies stay within
/// what max_output_buffer bounds (docs/security.md, "Threat model").
class frame_writer {
public:
    template <class F>
    explicit frame_writer(F& f) noexcept
        : ctx_(&f), fn_([](void* c, std::uint64_t code, byte_view p, bool z, bool r) -> std::error_code {
              if constexpr (std::is_invocable_v<F&, std::uint64_t, byte_view, bool, bool>) {
                  return call(*static_cast<F*>(c), code, p, z, r);
              } else {
                  (void)r;  // a sink that keeps every frame (tests)
                  return call(*static_cast<F*>(c), code, p, z);
              }
          }) {}
    std::error_code operator()(std::uint64_t code, byte_view payload, bool compressible) const {
        return fn_(ctx_, code, payload, compressible, false);
    }
    std::error_code reply(std::uint64_t code, byte_view payload, bool compressible) const {
        return fn_(ctx_, code, payload, compressible, true);
    }

private:
    /// A sink's result: its error code, or none if it returns nothing (tests).
    template <class F, class... A>
    static std::error_code call(F& f, A... a) {
        if constexpr (std::is_same_v<std::invoke_result_t<F&, A...>, void>) {
            f(a...);
            return {};
        } else {
            return f(a...);
        }
    }

    void* ctx_;
    std::error_code (*fn_)(void*, std::uint64_t, byte_view, bool, bool);
};

/// What a received control frame meant.
enum class control_event {
    none,           ///< handled silently
    greeting,       ///< the peer's greeting was accepted
    ping,           ///< a ping arrived (and was answered)
    pong,           ///< a pong arrived
    disconnect,     ///< the peer said goodbye; `reason` holds why
};

struct control_result {
    control_event event = control_event::none;
    std::uint8_t reason = 0;
};

template <class P, class Secrets>
concept BaseProtocol = requires(P p, const P cp, const Secrets& s, frame_writer& w, std::uint64_t code,
                                byte_view payload, std::error_code ec, std::uint8_t reason) {
    typename P::options;
    typename P::peer_info;
    { P::name } -> std::convertible_to<std::string_view>;
    { P::keepalive } -> std::convertible_to<bool>;
    requires std::constructible_from<P, const typename P::options&>;
    { p.start(s, w) } -> std::same_as<std::error_code>;
    { cp.greeting_done() } noexcept -> std::same_as<bool>;
    { cp.compression_active() } noexcept -> std::same_as<bool>;
    { cp.is_control(code) } noexcept -> std::same_as<bool>;
    { p.on_control(code, payload, w) } -> std::same_as<result<control_result>>;
    { cp.check_app_code(code) } noexcept -> std::same_as<std::error_code>;
    { p.ping(w) };
    { p.disconnect(reason, w) };
    { cp.reason_for(ec) } noexcept -> std::same_as<std::uint8_t>;
    { cp.info() } noexcept -> std::same_as<const typename P::peer_info&>;
};

// ---- optional hooks: declarations (see the comment at the top) -----------
namespace detail {
template <class T>
constexpr bool is_optional_key_update = false;
template <class K>
constexpr bool is_optional_key_update<std::optional<key_update<K>>> = true;
}  // namespace detail

/// Whether P declares `uses_timers` (true).
template <class P>
constexpr bool declares_timers() noexcept {
    if constexpr (requires { { P::uses_timers } -> std::convertible_to<bool>; }) return P::uses_timers;
    else return false;
}
/// Whether P declares `updates_keys` (true).
template <class P>
constexpr bool declares_key_updates() noexcept {
    if constexpr (requires { { P::updates_keys } -> std::convertible_to<bool>; }) return P::updates_keys;
    else return false;
}
/// Whether P declares `wipes_keys` (true).
template <class P>
constexpr bool declares_wipe_keys() noexcept {
    if constexpr (requires { { P::wipes_keys } -> std::convertible_to<bool>; }) return P::wipes_keys;
    else return false;
}
/// Whether P declares `identifies_peer` (true).
template <class P>
constexpr bool declares_remote_id() noexcept {
    if constexpr (requires { { P::identifies_peer } -> std::convertible_to<bool>; }) return P::identifies_peer;
    else return false;
}

// ---- optional hooks: their exact signatures ----------------------------
template <class P, class TimePoint>
constexpr bool timers_hook_ok = requires(P& p, const P& cp, TimePoint now, frame_writer& w) {
    { cp.next_deadline() } noexcept -> std::same_as<std::optional<TimePoint>>;
    { p.on_tick(now, w) } -> std::same_as<std::error_code>;
};
template <class P>
constexpr bool key_updates_hook_ok = requires(P& p) {
    { p.take_key_update() } noexcept;
    requires detail::is_optional_key_update<decltype(p.take_key_update())>;
};
template <class P>
constexpr bool wipe_keys_hook_ok = requires(P& p) {
    { p.wipe_keys() } noexcept -> std::same_as<void>;
};
template <class P, class RemoteId>
constexpr bool remote_id_hook_ok = requires(const P& cp) {
    { cp.remote_id() } noexcept -> std::convertible_to<RemoteId>;
};

// ---- optional hooks: defined under any name the session would call ------
// (used to refuse a hook that is defined but not declared)
template <class P>
constexpr bool defines_timers = requires { &P::on_tick; } || requires { &P::next_deadline; };
template <class P>
constexpr bool defines_key_updates = requires { &P::take_key_update; };
template <class P>
constexpr bool defines_wipe_keys = requires { &P::wipe_keys; };
template <class P>
constexpr bool defines_remote_id = requires { &P::remote_id; };

/// Whether the session runs P's timers: declared, and with the right
/// signatures (check_config refuses a declared hook of another shape).
template <class P, class TimePoint>
constexpr bool has_timers = declares_timers<P>() && timers_hook_ok<P, TimePoint>;
/// Whether the session takes P's key updates (declared and well-formed).
template <class P>
constexpr bool has_key_updates = declares_key_updates<P>() && key_updates_hook_ok<P>;
/// Whether the session calls P's wipe_keys() (declared and well-formed).
template <class P>
constexpr bool has_wipe_keys = declares_wipe_keys<P>() && wipe_keys_hook_ok<P>;
/// Whether the session takes the peer's identity from P (declared and well-formed).
template <class P, class RemoteId>
constexpr bool has_remote_id = declares_remote_id<P>() && remote_id_hook_ok<P, RemoteId>;

/// The null BaseProtocol: frames carry application messages only.
struct no_base_protocol {
    struct options {};
    struct peer_info {};
    static constexpr std::string_view name = "none";
    static constexpr bool keepalive = false;
    explicit no_base_protocol(const options&) noexcept {}
    template <class Secrets>
    std::error_code start(const Secrets&, frame_writer&) { return {}; }
    bool greeting_done() const noexcept { return true; }
    bool compression_active() const noexcept { return false; }
    bool is_control(std::uint64_t) const noexcept { return false; }
    result<control_result> on_control(std::uint64_t, byte_view, frame_writer&) { return control_result{}; }
    std::error_code check_app_code(std::uint64_t) const noexcept { return {}; }
    void ping(frame_writer&) {}
    void disconnect(std::uint8_t, frame_writer&) {}
    std::uint8_t reason_for(std::error_code) const noexcept { return 0; }
    const peer_info& info() const noexcept { return info_; }

private:
    peer_info info_;
};

}  // namespace polywire::policies
