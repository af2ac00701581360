// KeyAgreement: the handshake and the key schedule of a configuration.
//
// What it provides: a small sans-I/O machine of its own. The session builds
// one per connection from the handshake role and the configuration's
// `options` (local identity, expected remote identity, test overrides).
//   * `start(out)` is called once, in state `handshaking`: the initiator
//     appends its first message to `out`; a recipient appends nothing —
//     unless both sides speak first (c-lightning 2016: each sends its
//     session key at once).
//   * `consume(in, out)` is called with received bytes while `handshaking`:
//     it takes as many bytes as it can use (`step.consumed`, 0 when a whole
//     message has not arrived yet: the session calls again with more),
//     appends any reply to `out`, and reports `step.done` when the key
//     schedule is complete. For datagram transports each call carries one
//     whole datagram and appends at most one datagram to `out`; a repeated
//     message (the peer retransmitted it because our answer was lost) is
//     consumed with `step.stale` set, and the session resends our last
//     flight (docs/architecture.md, "Datagrams"). Over a stream an error
//     closes the session; nothing after it is read.
//   * Datagram configurations: a consume() that fails because of what it
//     read (a wire error: a malformed, unexpected, forged or foreign
//     message) must leave the KeyAgreement exactly as it was before the
//     call, and `out` untouched — validate the whole message, then change
//     state — because the session discards that datagram and the
//     handshake goes on (anyone who can send from the peer's address could
//     otherwise abort it; the handshake deadline bounds the wait). Only
//     errors of condition misuse or system_failure (a failed primitive, the
//     random generator, a call after the machine latched) stay fatal. A
//     KeyAgreement that must behave differently over datagrams (keep
//     several answered first messages, not latch on a refusal) takes
//     `over_datagrams{}` as a third constructor argument; the session
//     passes it when its FrameLayout is a datagram layout.
//   * Randomness and secrets: a KeyAgreement draws every random byte it
//     needs (ephemeral keys, nonces, padding) from the session's random
//     source, and lists the keys it holds in a `dump_secrets(const K&, F&)`
//     friend (and one for its `secrets`) that the session hands to its key
//     log after each step — or, if some secret lives and dies within one
//     step, tells `context.log` itself when it derives it (one way or the
//     other for a given secret, not both). It takes them as a last
//     constructor argument,
//     `const transport::key_agreement_context&` (after over_datagrams{} if
//     it takes that), which the session passes when it can; with an empty
//     source, crypto::random_bytes(source, out) is the OS's generator.
//     The order of its draws is part of its contract (tests replay vectors
//     through it): document it, and list it in docs/architecture.md.
//   * `take_secrets()` is called once, after `done`: it hands the session a
//     value struct (`secrets`) from which the Cipher and MacState of each
//     direction are built. The KeyAgreement wipes its own copies.
// Who calls it: only transport::session, in state `handshaking`.
#pragma once

#include <concepts>
#include <cstddef>
#include <string_view>
#include <system_error>

#include "transport/bytes.hpp"
#include "transport/result.hpp"

namespace polywire::policies {

enum class handshake_role { initiator, recipient };
enum class direction { egress, ingress };

/// Tag: build a KeyAgreement for a datagram configuration (see above).
struct over_datagrams {
    explicit over_datagrams() = default;
};

struct handshake_step {
    std::size_t consumed = 0;  ///< bytes of `in` used
    bool done = false;         ///< the key schedule is complete
    bool stale = false;        ///< `in` repeated a message already processed: ignored
};

/// Key accessors: the model Cipher and MacState policies (policies/models/)
/// read a direction's key material from the KeyAgreement's `secrets`
/// through free functions found by argument-dependent lookup next to the
/// secrets type. Their constructors require these concepts, so a secrets
/// type that lacks one makes the model not constructible from it, and
/// transport::check_config reports that in one line.
template <class S>
concept has_cipher_key = requires(const S& s, direction d) {
    { cipher_key(s, d) } -> std::convertible_to<byte_view>;
};
template <class S>
concept has_cipher_iv = requires(const S& s, direction d) {
    { cipher_iv(s, d) } -> std::convertible_to<byte_view>;
};
template <class S>
concept has_chaining_key = requires(const S& s, direction d) {
    { chaining_key(s, d) } -> std::convertible_to<byte_view>;
};
template <class S>
concept has_nonce_prefix = requires(const S& s, direction d) {
    { nonce_prefix(s, d) } -> std::convertible_to<byte_view>;
};
template <class S>
concept has_mac_key = requires(const S& s, direction d) {
    { mac_key(s, d) } -> std::convertible_to<byte_view>;
};

/// `cipher_key` and `cipher_iv` (a stream cipher: AES-CTR).
template <class S>
concept has_cipher_key_and_iv = has_cipher_key<S> && has_cipher_iv<S>;
/// `cipher_key` and `nonce_prefix` (XChaCha20-Poly1305).
template <class S>
concept has_cipher_key_and_nonce_prefix = has_cipher_key<S> && has_nonce_prefix<S>;

template <class K>
concept KeyAgreement = requires(K k, byte_view in, bytes& out) {
    typename K::options;
    typename K::secrets;
    { K::name } -> std::convertible_to<std::string_view>;
    requires std::constructible_from<K, handshake_role, const typename K::options&>;
    { k.start(out) } noexcept -> std::same_as<std::error_code>;
    { k.consume(in, out) } noexcept -> std::same_as<result<handshake_step>>;
    { k.take_secrets() } noexcept -> std::same_as<typename K::secrets>;
};

}  // namespace polywire::policies
