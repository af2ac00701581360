// noise::handshake<Pattern, Suite, Framing, Profile>: the HandshakeState of
// the Noise Protocol Framework (noiseprotocol.org, revision 34, §5.3) for
// any valid pattern (pattern.hpp) and suite (suite.hpp), as a
// policies::KeyAgreement.
//
// The protocol name ("Noise_XX_25519_ChaChaPoly_SHA256") is built from the
// pattern and the suite at compile time; the pattern's validity is checked
// there too. At run time the handshake walks the pattern's token lists:
//
//   e    a fresh ephemeral key (from options.random, else the session's
//        random source, else the system generator: DHLEN bytes, or the DH's
//        own generate_private_key(random)), sent in clear, MixHash; with a
//        psk in the pattern also MixKey(e.pub)
//   s    our static key, EncryptAndHash
//   ee es se ss   MixKey(DH(...)) with the keys each side holds
//   psk  MixKeyAndHash(the next of options.psks)
//   then the message's payload (options.payloads[i]), EncryptAndHash.
//
// A public key on the wire is as long as the DH's public_key type (DHLEN
// for 25519 and 448; 33 bytes for a compressed secp256k1 key, whose DH
// output is 32). A DH may check the keys it receives
// (`check_public_key(key) -> bool`): a received e or s, or a pre-message
// key in the options, that is not a valid key fails the handshake
// (errc::invalid_public_key; transport::errc::bad_key for the options).
// A DH whose keys cost work to decode (a compressed secp256k1 point needs a
// square root) may instead declare `prepared_key` and
// `prepare(key) -> std::optional<prepared_key>` (empty: not a valid key)
// with `dh(private_key, prepared_key)`: each received key is then decoded
// once, where it is checked, and every DH with it uses the decoded form.
//
// Handshake messages travel over a stream as the `Framing` policy says:
// by default each behind a 2-byte big-endian length (length_prefixed,
// libp2p's framing; at most 65535 bytes). A framing provides `header_size`,
// `write_header(body_len, header)` and `body_size(header, minimum)` ->
// result<size_t>, `minimum` being the message's size with an empty payload
// (a protocol of fixed-size messages with a version byte returns it, or an
// error such as errc::unsupported_version). A framing that names the
// failures of each message itself (BOLT 8's ACT1_BAD_VERSION...) declares
// `names_failures` and maps (message index, failure_site, generic error)
// to its error. The received payload of every message goes to
// options.on_payload(message index, payload) once the whole message has
// been authenticated. A protocol that authenticates the peer through its
// payloads (libp2p signs the static key with an identity key) sets
// options.check_payload(message index, payload, remote static key): it
// runs on the authenticated payload before the message is taken, and an
// error it returns refuses the message and ends the handshake. The last
// payload the peer sent goes to the profile's make_remote_id (under the
// default profile, secrets.remote_id.payload). After the last message
// Split() gives the transport
// keys (secrets): c1 initiator->responder, c2 responder->initiator; a
// one-way pattern has only c1. The secrets also hold the final chaining key
// (chaining_key(secrets, direction), for a rotating transport cipher).
//
// The `Profile` says what a protocol built on the pattern fixes besides the
// pattern, the suite and the framing: the default prologue, what the
// session calls the peer's identity (secrets.remote_id; by default its
// static key and the final handshake hash), and the key log's labels.
//
// A message is read into a copy of the state, which is kept only when the
// whole message checks out: a refused message leaves the handshake as it
// was (policies/key_agreement.hpp). Over a stream any error closes the
// session all the same.
#pragma once

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <system_error>
#include <tuple>
#include <type_traits>
#include <vector>

#include "crypto/random.hpp"
#include "policies/key_agreement.hpp"
#include "policies/noise/error.hpp"
#include "policies/noise/pattern.hpp"
#include "policies/noise/state.hpp"
#include "policies/noise/suite.hpp"
#include "transport/bytes.hpp"
#include "transport/error.hpp"
#include "transport/random.hpp"
#include "transport/result.hpp"

namespace polywire::noise {

namespace detail {
template <class DH>
struct prepared_key_of {
    using type = typename DH::public_key;
};
template <class DH>
    requires requires { typename DH::prepared_key; }
struct prepared_key_of<DH> {
    using type = typename DH::prepared_key;
};
template <class DH>
using prepared_key_t = typename prepared_key_of<DH>::type;
}  // namespace detail

/// The default handshake message framing: a 2-byte big-endian length.
struct length_prefixed {
    static constexpr std::size_t header_size = 2;
    static void write_header(std::size_t body_len, mutable_byte_view h) noexcept {
        h[0] = static_cast<std::uint8_t>(body_len >> 8);
        h[1] = static_cast<std::uint8_t>(body_len);
    }
    static result<std::size_t> body_size(byte_view h, std::size_t /*minimum*/) noexcept {
        return std::size_t{h[0]} << 8 | h[1];
    }
};

/// Where a received handshake message failed: what a framing that names
/// its failures (`names_failures`) is told with the message's index.
enum class failure_site {
    header,                 ///< the framing refused the header (body_size's error)
    ephemeral_key,          ///< the e token's key is not a valid public key (errc::invalid_public_key)
    static_key_ciphertext,  ///< the s token's ciphertext failed authentication (errc::decrypt_failed)
    static_key,             ///< the s token's key is not a valid public key (errc::invalid_public_key)
    payload,                ///< the payload's ciphertext failed authentication (errc::decrypt_failed)
    remote_static,          ///< the peer's static key is not options.remote_static (errc::wrong_remote_static)
};

/// Whether a Framing names the failures of each message: declared with
/// `static constexpr bool names_failures = true;` and then
/// `static std::error_code name_failure(std::size_t message, failure_site, std::error_code) noexcept`.
template <class F>
constexpr bool declares_failure_names() noexcept {
    if constexpr (requires { { F::names_failures } -> std::convertible_to<bool>; }) return F::names_failures;
    else return false;
}
template <class F>
concept failure_names_ok = requires(std::size_t i, failure_site site, std::error_code ec) {
    { F::name_failure(i, site, ec) } noexcept -> std::same_as<std::error_code>;
};

/// What the handshake learnt about the peer (a session's remote_id() under
/// the default profile).
struct peer_identity {
    bytes remote_static;   ///< the peer's static public key; empty when the pattern has none
    bytes handshake_hash;  ///< h after the last message: the channel binding of §11.2
    bytes payload;         ///< the payload of the last message the peer sent (accepted by check_payload, if set)
};

/// The key log's labels (transport/random.hpp) for what a handshake holds
/// and derives; an empty label is not told.
struct key_labels {
    // held during the handshake, told after each step
    std::string_view static_private_key{};
    std::string_view ephemeral_private_key{};
    std::string_view chaining_key{};
    std::string_view handshake_key{};  ///< the handshake CipherState's current key
    // derived, told once: by role, by direction, and the final chaining key
    std::string_view initiator_key{};
    std::string_view responder_key{};
    std::string_view sending_key{};
    std::string_view receiving_key{};
    std::string_view final_chaining_key{};
};

/// The profile of plain Noise: no prologue unless the options give one,
/// the peer's identity as peer_identity, NOISE_ labels. A protocol's
/// profile derives from it and changes what differs.
struct default_profile {
    /// The prologue the options start with (options.prologue's default).
    static constexpr std::string_view prologue{};
    using remote_id = peer_identity;
    /// The session's remote_id() from the peer's static key (empty if the
    /// pattern has none), the final handshake hash and the payload of the
    /// peer's last message. (A profile's make_remote_id may also take only
    /// the first two.)
    static remote_id make_remote_id(byte_view remote_static, byte_view handshake_hash, byte_view payload) {
        return {bytes(remote_static.begin(), remote_static.end()), bytes(handshake_hash.begin(), handshake_hash.end()),
                bytes(payload.begin(), payload.end())};
    }
    static constexpr key_labels labels{
        .static_private_key = "NOISE_STATIC_PRIVATE_KEY",
        .ephemeral_private_key = "NOISE_EPHEMERAL_PRIVATE_KEY",
        .chaining_key = "NOISE_CHAINING_KEY",
        .handshake_key = "NOISE_HANDSHAKE_KEY",
        .initiator_key = "NOISE_INITIATOR_KEY",
        .responder_key = "NOISE_RESPONDER_KEY",
    };
};

/// The transport keys Split() made, the final chaining key, and the peer's
/// identity (HashLen: the suite's HASHLEN).
template <class Profile, std::size_t HashLen>
struct basic_secrets {
    secret<key_len> initiator_key;  ///< c1: initiator -> responder
    secret<key_len> responder_key;  ///< c2: responder -> initiator (unused by one-way patterns)
    secret<HashLen> final_chaining_key;  ///< ck after the last message (a rotating transport cipher starts there)
    policies::handshake_role role = policies::handshake_role::initiator;
    bool one_way = false;
    typename Profile::remote_id remote_id{};

    /// A direction's transport key, found by argument-dependent lookup
    /// (transport_cipher): empty for the direction a one-way pattern lacks.
    friend byte_view cipher_key(const basic_secrets& s, policies::direction d) noexcept {
        const bool initiator_to_responder =
            (d == policies::direction::egress) == (s.role == policies::handshake_role::initiator);
        if (initiator_to_responder) return s.initiator_key.view();
        if (s.one_way) return {};
        return s.responder_key.view();
    }
    /// The final chaining key, for both directions (hkdf_rotation).
    friend byte_view chaining_key(const basic_secrets& s, policies::direction) noexcept {
        return s.final_chaining_key.view();
    }
    /// Every key of `s`, under the profile's labels (the session's key log).
    template <class F>
    friend void dump_secrets(const basic_secrets& s, F& f) {
        constexpr const key_labels& l = Profile::labels;
        if (!l.initiator_key.empty()) f(l.initiator_key, s.initiator_key.view());
        if (!l.responder_key.empty()) f(l.responder_key, s.responder_key.view());
        if (!l.sending_key.empty()) f(l.sending_key, cipher_key(s, policies::direction::egress));
        if (!l.receiving_key.empty()) f(l.receiving_key, cipher_key(s, policies::direction::ingress));
        if (!l.final_chaining_key.empty()) f(l.final_chaining_key, s.final_chaining_key.view());
    }
};

template <class Pattern, class Suite, class Framing = length_prefixed, class Profile = default_profile>
class handshake {
    using dh = typename Suite::dh;
    static constexpr pattern_desc desc = Pattern::desc;
    /// Bytes of a public key on the wire (DHLEN for 25519 and 448).
    static constexpr std::size_t pub_len = std::tuple_size_v<typename dh::public_key>;
    static constexpr bool checks_keys = requires(const typename dh::public_key& k) {
        { dh::check_public_key(k) } noexcept -> std::same_as<bool>;
    };
    static constexpr bool prepares_keys = requires(const typename dh::public_key& k) {
        typename dh::prepared_key;
        { dh::prepare(k) } noexcept -> std::same_as<std::optional<typename dh::prepared_key>>;
    };
    static_assert(!(prepares_keys && checks_keys),
                  "noise DH: declares both prepare() and check_public_key(); prepare() is the check, keep one");
    static constexpr bool draws_keys = requires(const transport::random_source& r) {
        { dh::generate_private_key(r) } noexcept -> std::same_as<result<typename dh::private_key>>;
    };
    static_assert(!declares_failure_names<Framing>() || failure_names_ok<Framing>,
                  "noise handshake Framing: declares names_failures, so it needs static std::error_code "
                  "name_failure(std::size_t message, failure_site, std::error_code) noexcept");
    static_assert(declares_failure_names<Framing>() || !requires { &Framing::name_failure; },
                  "noise handshake Framing: defines name_failure but does not declare "
                  "`static constexpr bool names_failures = true;`");

public:
    static constexpr std::string_view name = protocol_name<Pattern, Suite>;
    using pattern = Pattern;
    using suite = Suite;
    using framing = Framing;
    using profile = Profile;
    using private_key = typename dh::private_key;
    using public_key = typename dh::public_key;
    /// A received key as the DH uses it: decoded once (prepares_keys), else
    /// the key itself.
    using peer_key = std::conditional_t<prepares_keys, detail::prepared_key_t<dh>, public_key>;
    static constexpr bool one_way = desc.one_way();
    static constexpr std::size_t message_count = desc.count;

    struct options {
        /// Mixed into h before the first message; both sides must agree.
        bytes prologue = bytes(Profile::prologue.begin(), Profile::prologue.end());
        /// Our static key, if the pattern has one for our side.
        std::optional<private_key> static_key;
        /// Its public key, if the caller has it (a node makes its options
        /// once); empty: derived from static_key at every handshake (one
        /// scalar multiplication). It must be static_key's, or the peer's DH
        /// does not match and the handshake fails.
        std::optional<public_key> static_public_key;
        /// The peer's static key: required if a pre-message holds it (NK, XK,
        /// IK...); if the peer sends it in a message instead, the key it
        /// sends must equal this one (errc::wrong_remote_static).
        std::optional<public_key> remote_static;
        /// One 32-byte pre-shared key per psk token, in the pattern's order.
        std::vector<secret<32>> psks;
        /// The payload of each handshake message, by index (0: the
        /// initiator's first); those of the peer's messages are ignored,
        /// missing ones are empty.
        std::vector<bytes> payloads;
        /// Told each received payload (valid during the call only), with its
        /// message index, once the message has been authenticated.
        std::function<void(std::size_t message, byte_view payload)> on_payload;
        /// Asked about each received payload (valid during the call only),
        /// with its message index and the peer's static key as known then
        /// (empty if not yet received), once the message has been
        /// authenticated and before it is taken: an error refuses the
        /// message and fails the handshake with that error.
        std::function<std::error_code(std::size_t message, byte_view payload, byte_view remote_static)>
            check_payload;
        /// Where ephemeral keys come from (empty: the session's random
        /// source, else crypto::random_bytes).
        transport::random_source random;
        /// Told the transport keys once they exist (empty: nobody).
        transport::key_log key_log;
    };
    using secrets = basic_secrets<Profile, Suite::hash::hash_len>;

    handshake(policies::handshake_role role, const options& opts) : role_(role), opts_(opts) {}
    /// The session passes its random source: used when options.random is empty.
    handshake(policies::handshake_role role, const options& opts, const transport::key_agreement_context& context)
        : role_(role), opts_(opts) {
        if (!opts_.random) opts_.random = context.random;
    }

    std::error_code start(bytes& out) noexcept {
        if (state_ != state::initial) return transport::errc::session_closed;
        if (auto ec = begin()) return fail(ec);
        state_ = state::running;
        if (initiator()) {
            if (auto ec = write_message(out)) return fail(ec);
        }
        return {};
    }

    result<policies::handshake_step> consume(byte_view in, bytes& out) noexcept {
        if (state_ == state::done) return policies::handshake_step{0, true};
        if (state_ != state::running) return transport::errc::session_closed;
        constexpr std::size_t hdr = Framing::header_size;
        if (in.size() < hdr) return policies::handshake_step{};
        auto len = Framing::body_size(in.first(hdr), minimum_size(next_));
        if (!len) return fail(named(failure_site::header, len.error()));
        if (in.size() - hdr < len.value()) return policies::handshake_step{};
        if (auto ec = read_message(in.subspan(hdr, len.value()))) return fail(ec);
        if (state_ == state::running && my_turn()) {
            if (auto ec = write_message(out)) return fail(ec);
        }
        return policies::handshake_step{hdr + len.value(), state_ == state::done};
    }

    secrets take_secrets() noexcept {
        secrets s = std::move(secrets_);
        secrets_ = {};
        state_ = state::taken;
        wipe();
        return s;
    }

    /// The keys this handshake holds now, under the profile's labels (the
    /// session's key log).
    template <class F>
    friend void dump_secrets(const handshake& h, F& f) {
        constexpr const key_labels& l = Profile::labels;
        if (h.opts_.static_key && !l.static_private_key.empty()) f(l.static_private_key, h.opts_.static_key->view());
        if (!l.ephemeral_private_key.empty()) f(l.ephemeral_private_key, h.e_.view());
        if (!l.chaining_key.empty()) f(l.chaining_key, h.sym_.chaining_key());
        if (!l.handshake_key.empty()) f(l.handshake_key, h.sym_.cipher_key());
    }

private:
    enum class state { initial, running, done, taken, failed };

    bool initiator() const noexcept { return role_ == policies::handshake_role::initiator; }
    bool my_turn() const noexcept { return (next_ % 2 == 0) == initiator(); }

    std::error_code fail(std::error_code ec) noexcept {
        state_ = state::failed;
        wipe();
        return ec;
    }

    void wipe() noexcept {
        sym_ = {};
        e_ = {};
        s_ = {};
        opts_.static_key.reset();
    }

    /// A failure of the message being read, as the framing names it.
    std::error_code named(failure_site site, std::error_code ec) const noexcept {
        if constexpr (declares_failure_names<Framing>()) return Framing::name_failure(next_, site, ec);
        else return ec;
    }

    /// A received key checked and made ready for the DH; empty if the DH
    /// refuses it.
    static std::optional<peer_key> prepare(const public_key& k) noexcept {
        if constexpr (prepares_keys) return dh::prepare(k);
        else if constexpr (checks_keys) return dh::check_public_key(k) ? std::optional<peer_key>(k) : std::nullopt;
        else return k;
    }

    /// Message i's size with an empty payload.
    static constexpr std::size_t minimum_size(std::size_t i) noexcept {
        bool keyed = false;
        for (std::size_t j = 0; j < i && j < desc.count; ++j) {
            for (std::size_t t = 0; t < desc.messages[j].count; ++t) {
                const token k = desc.messages[j].tokens[t];
                keyed |= k != token::s && (k != token::e || desc.has_psk());
            }
        }
        std::size_t n = 0;
        const message_desc& m = desc.messages[i < desc.count ? i : 0];
        for (std::size_t t = 0; t < m.count; ++t) {
            const token k = m.tokens[t];
            if (k == token::e) {
                n += pub_len;
                keyed |= desc.has_psk();
            } else if (k == token::s) {
                n += pub_len + (keyed ? tag_len : 0);
            } else {
                keyed = true;
            }
        }
        return n + (keyed ? tag_len : 0);
    }

    // Which keys a side needs: its static key if a pre-message or a message
    // of its own has `s`; the peer's if the peer's pre-message has it.
    static constexpr bool side_sends_s(bool initiator_side) noexcept {
        if ((initiator_side ? desc.pre_initiator : desc.pre_responder).has(token::s)) return true;
        for (std::size_t i = initiator_side ? 0 : 1; i < desc.count; i += 2)
            if (desc.messages[i].has(token::s)) return true;
        return false;
    }

    std::error_code begin() {
        if (side_sends_s(initiator())) {
            if (!opts_.static_key) return errc::missing_static_key;
            s_ = *opts_.static_key;
            if (opts_.static_public_key) {
                s_pub_ = *opts_.static_public_key;
            } else {
                auto pub = dh::public_key_of(s_);
                if (!pub) return pub.error();
                s_pub_ = pub.value();
            }
        }
        if (opts_.psks.size() < desc.psk_count()) return errc::missing_psk;
        if (auto ec = sym_.initialize(name)) return ec;
        if (auto ec = sym_.mix_hash(opts_.prologue)) return ec;
        // Pre-messages, the initiator's first (§7.1): MixHash of each key.
        for (int side = 0; side < 2; ++side) {
            const bool initiator_side = side == 0;
            const message_desc& m = initiator_side ? desc.pre_initiator : desc.pre_responder;
            const bool mine = initiator_side == initiator();
            for (std::size_t i = 0; i < m.count; ++i) {
                if (m.tokens[i] == token::s) {
                    if (!mine) {
                        if (!opts_.remote_static) return errc::missing_remote_static;
                        auto k = prepare(*opts_.remote_static);
                        if (!k) return transport::errc::bad_key;
                        rs_ = *opts_.remote_static;
                        rs_key_ = *k;
                        has_rs_ = true;
                    }
                    if (auto ec = sym_.mix_hash(mine ? byte_view(s_pub_) : byte_view(rs_))) return ec;
                } else {
                    // A pre-message ephemeral (fallback patterns): ours is
                    // made now; the peer's is not supported as an option.
                    if (!mine) return errc::missing_remote_static;
                    if (auto ec = new_ephemeral()) return ec;
                    if (auto ec = sym_.mix_hash(e_pub_)) return ec;
                }
            }
        }
        return {};
    }

    std::error_code new_ephemeral() {
        if constexpr (draws_keys) {
            auto k = dh::generate_private_key(opts_.random);
            if (!k) return k.error();
            e_ = k.value();
        } else if (opts_.random) {
            if (auto ec = opts_.random(e_.mutable_view())) return ec;
        } else if (auto ec = crypto::random_bytes(e_.mutable_view())) {
            return ec;
        }
        auto pub = dh::public_key_of(e_);
        if (!pub) return pub.error();
        e_pub_ = pub.value();
        return {};
    }

    // The DH of a token from this side's point of view.
    template <class Sym>
    std::error_code mix_dh(Sym& sym, token t, const peer_key& re, const peer_key& rs) const {
        const bool i = initiator();
        const bool local_e = t == token::ee || (t == token::es && i) || (t == token::se && !i);
        const bool remote_e = t == token::ee || (t == token::es && !i) || (t == token::se && i);
        auto k = dh::dh(local_e ? e_ : s_, remote_e ? re : rs);
        if (!k) return k.error();
        return sym.mix_key(k.value().view());
    }

    /// Appends our next message to `out`; on an error, nothing.
    std::error_code write_message(bytes& out) {
        const std::size_t at = out.size();
        auto ec = compose_message(out, at);
        if (ec) out.resize(at);
        return ec;
    }

    std::error_code compose_message(bytes& out, std::size_t at) {
        const message_desc& m = desc.messages[next_];
        constexpr std::size_t hdr = Framing::header_size;
        out.resize(at + hdr);
        for (std::size_t i = 0; i < m.count; ++i) {
            switch (m.tokens[i]) {
                case token::e:
                    if (auto ec = new_ephemeral()) return ec;
                    out.insert(out.end(), e_pub_.begin(), e_pub_.end());
                    if (auto ec = sym_.mix_hash(e_pub_)) return ec;
                    if constexpr (desc.has_psk()) {
                        if (auto ec = sym_.mix_key(e_pub_)) return ec;
                    }
                    break;
                case token::s:
                    if (auto ec = sym_.encrypt_and_hash(s_pub_, out)) return ec;
                    break;
                case token::psk:
                    if (auto ec = sym_.mix_key_and_hash(opts_.psks[psk_next_++].view())) return ec;
                    break;
                default:
                    if (auto ec = mix_dh(sym_, m.tokens[i], re_key_, rs_key_)) return ec;
                    break;
            }
        }
        const byte_view payload = next_ < opts_.payloads.size() ? byte_view(opts_.payloads[next_]) : byte_view{};
        if (auto ec = sym_.encrypt_and_hash(payload, out)) return ec;
        const std::size_t len = out.size() - at - hdr;
        if (len > max_message_len) return errc::message_too_large;
        Framing::write_header(len, mutable_byte_view(out.data() + at, hdr));
        return advance();
    }

    std::error_code read_message(byte_view msg) {
        const message_desc& m = desc.messages[next_];
        // Work on copies: nothing changes unless the whole message checks out.
        symmetric_state<Suite> sym = sym_;
        public_key re = re_, rs = rs_;
        peer_key re_key = re_key_, rs_key = rs_key_;
        bool has_rs = has_rs_, got_s = false;
        std::size_t psk_next = psk_next_;
        std::size_t at = 0;
        for (std::size_t i = 0; i < m.count; ++i) {
            switch (m.tokens[i]) {
                case token::e:
                    if (msg.size() - at < pub_len) return errc::message_truncated;
                    std::copy_n(msg.begin() + static_cast<std::ptrdiff_t>(at), pub_len, re.begin());
                    at += pub_len;
                    if (auto k = prepare(re)) re_key = *k;
                    else return named(failure_site::ephemeral_key, errc::invalid_public_key);
                    if (auto ec = sym.mix_hash(re)) return ec;
                    if constexpr (desc.has_psk()) {
                        if (auto ec = sym.mix_key(re)) return ec;
                    }
                    break;
                case token::s: {
                    const std::size_t n = pub_len + (sym.has_key() ? tag_len : 0);
                    if (msg.size() - at < n) return errc::message_truncated;
                    if (auto ec = sym.decrypt_and_hash(msg.subspan(at, n), scratch_))
                        return ec == errc::decrypt_failed ? named(failure_site::static_key_ciphertext, ec) : ec;
                    std::copy_n(scratch_.begin(), pub_len, rs.begin());
                    if (auto k = prepare(rs)) rs_key = *k;
                    else return named(failure_site::static_key, errc::invalid_public_key);
                    has_rs = got_s = true;
                    at += n;
                    break;
                }
                case token::psk:
                    if (auto ec = sym.mix_key_and_hash(opts_.psks[psk_next++].view())) return ec;
                    break;
                default:
                    if (auto ec = mix_dh(sym, m.tokens[i], re_key, rs_key)) return ec;
                    break;
            }
        }
        if (auto ec = sym.decrypt_and_hash(msg.subspan(at), scratch_))
            return ec == errc::decrypt_failed ? named(failure_site::payload, ec) : ec;
        if (got_s && opts_.remote_static && !constant_time_equal(*opts_.remote_static, rs))
            return named(failure_site::remote_static, errc::wrong_remote_static);
        if (opts_.check_payload) {
            if (auto ec = opts_.check_payload(next_, scratch_, has_rs ? byte_view(rs) : byte_view{})) return ec;
        }
        peer_payload_.assign(scratch_.begin(), scratch_.end());
        sym_ = sym;
        re_ = re;
        rs_ = rs;
        re_key_ = re_key;
        rs_key_ = rs_key;
        has_rs_ = has_rs;
        psk_next_ = psk_next;
        if (opts_.on_payload) opts_.on_payload(next_, scratch_);
        return advance();
    }

    std::error_code advance() {
        ++next_;
        if (next_ < desc.count) return {};
        if (auto ec = sym_.split(secrets_.initiator_key, secrets_.responder_key)) return ec;
        secrets_.final_chaining_key.assign(sym_.chaining_key());
        secrets_.role = role_;
        secrets_.one_way = one_way;
        const byte_view rs = has_rs_ ? byte_view(rs_) : byte_view{};
        if constexpr (requires { Profile::make_remote_id(rs, rs, rs); }) {
            secrets_.remote_id = Profile::make_remote_id(rs, sym_.handshake_hash(), peer_payload_);
        } else {
            secrets_.remote_id = Profile::make_remote_id(rs, sym_.handshake_hash());
        }
        peer_payload_ = {};
        if (opts_.key_log) {
            opts_.key_log("NOISE_INITIATOR_KEY", secrets_.initiator_key.view());
            if (!one_way) opts_.key_log("NOISE_RESPONDER_KEY", secrets_.responder_key.view());
        }
        state_ = state::done;
        wipe();
        return {};
    }

    policies::handshake_role role_;
    options opts_;
    state state_ = state::initial;
    std::size_t next_ = 0;      // the next message's index
    std::size_t psk_next_ = 0;  // the next psk token's key
    symmetric_state<Suite> sym_;
    private_key s_, e_;
    public_key s_pub_{}, e_pub_{}, re_{}, rs_{};
    peer_key re_key_{}, rs_key_{};  // re_ and rs_ as the DH uses them
    bool has_rs_ = false;
    secure_bytes scratch_;
    bytes peer_payload_;  // the payload of the peer's last message
    secrets secrets_;
};

}  // namespace polywire::noise
