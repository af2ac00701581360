// What the hostile-peer suite needs to know about each configuration: how
// to make two peers, the code of an application message, its framing
// promises (as tests/conformance describes them), and — the part specific
// to this suite — what a tampered byte at each position of each handshake
// message and of an established-session message must be rejected with,
// and where each message carries a length in clear.
//
// Handshake messages are numbered in the order an honest exchange produces
// them (exchange() in hostile_session_test.cpp: the initiator's pending
// output goes to the recipient, then the recipient's back, ...; over a
// stream one message is everything one side had pending, over datagrams
// one datagram). A "flip" XORs one byte with 0xff. Over datagrams a flipped
// handshake message is refused with the error listed (discarded, not
// fatal) and the genuine one still completes the handshake.
#pragma once

#include <limits>
#include <optional>
#include <system_error>
#include <vector>

#include "crypto/chacha20_poly1305.hpp"
#include "rlpx/config.hpp"
#include "variants/libp2p_noise/error.hpp"
#include "variants/libp2p_noise/variant.hpp"
#include "variants/noise_xk/config.hpp"
#include "variants/sha256_per_side/config.hpp"
#include "variants/x25519_xchacha/config.hpp"
#include "tests/support/variants.hpp"

namespace polywire::hostile {
namespace k1 = crypto::secp256k1;
namespace ed = crypto::ed25519;

/// What a session must do with a message tampered at one position: fail
/// with one of `errors` (on whichever side detects it), or — only where
/// `may_wait` — wait for bytes that never come (then time out).
struct expectation {
    std::vector<std::error_code> errors;
    bool may_wait = false;
};

/// A length carried in clear: offset and width in its message, byte order,
/// and what each hostile value must give.
struct length_case {
    const char* what;
    std::uint64_t value;
    expectation expect;
};
struct length_field {
    const char* name;
    std::size_t offset;
    std::size_t width;
    bool little_endian;
    std::vector<length_case> cases;
};

inline void write_length(bytes& m, const length_field& f, std::uint64_t v) {
    for (std::size_t i = 0; i < f.width; ++i) {
        const std::size_t at = f.little_endian ? f.offset + i : f.offset + f.width - 1 - i;
        m[at] = static_cast<std::uint8_t>(v >> (8 * i));
    }
}

/// The suite's traits of each variant; a variant of variants/all.hpp without
/// one does not compile (test::suite_types, tests/support/variants.hpp).
template <class V>
struct hostile_traits;  // no primary definition: every variant of variants/all.hpp has its own

struct stream_traits {
    static constexpr bool datagrams = false;
    static constexpr bool reorder_tolerated = false;
};

// ---- RLPx ------------------------------------------------------------------
// Messages: 0 auth (EIP-8: be16 size | ECIES), 1 ack + the recipient's Hello
// frame, 2 the initiator's Hello frame.
template <>
struct hostile_traits<rlpx::variant> : stream_traits {
    using session = rlpx::session;
    static constexpr std::string_view name = "rlpx";
    static constexpr std::uint64_t app_code = 0x10;
    static constexpr std::size_t handshake_messages = 3;
    k1::private_key a = k1::generate_private_key().value(), b = k1::generate_private_key().value();
    session::options make(const k1::private_key& self, std::optional<k1::private_key> expected) const {
        session::options o;
        o.handshake.static_key = self;
        if (expected) o.handshake.remote_id = k1::derive_public_key(*expected).value();
        o.handshake.padding_for_testing_only = 150;  // every auth and ack the same size
        o.protocol.capabilities = {{"hostile", 1, 4}};
        o.protocol.node_id = k1::derive_public_key(self).value();
        return o;
    }
    session::options initiator() const { return make(a, b); }
    session::options recipient() const { return make(b, std::nullopt); }

    static expectation ecies(std::size_t pos) {
        using rlpx::errc;
        // The size prefix (authenticated data of the ECIES tag) decides how
        // much is read: larger may wait, smaller or zero is too short.
        return {{errc::handshake_too_large, errc::handshake_too_short, errc::bad_auth_mac, errc::invalid_curve_point},
                pos < 2};
    }
    static expectation frame() { return {{rlpx::errc::bad_header_mac, rlpx::errc::bad_frame_mac}}; }
    static expectation handshake_flip(std::size_t msg, std::size_t pos, byte_view m) {
        if (msg == 0) return ecies(pos);
        if (msg == 1) return pos < 2 + (std::size_t{m[0]} << 8 | m[1]) ? ecies(pos) : frame();
        return frame();
    }
    static expectation message_flip(std::size_t, byte_view) { return frame(); }
    static std::vector<length_field> handshake_lengths(std::size_t msg, byte_view) {
        if (msg > 1) return {};  // frame sizes are encrypted and MACed
        using rlpx::errc;
        return {{"EIP-8 size prefix", 0, 2, false,
                 {{"zero", 0, {{errc::handshake_too_short}}},
                  {"the maximum (2048)", 2048, {{}, true}},
                  {"one beyond the maximum", 2049, {{errc::handshake_too_large}}},
                  {"0xffff", 0xffff, {{errc::handshake_too_large}}}}}};
    }
    static std::vector<length_field> message_lengths(byte_view) { return {}; }
    static std::error_code garbage_before() { return rlpx::errc::handshake_too_large; }  // 0xabab as a size prefix
    static expectation garbage_after() { return {{rlpx::errc::bad_header_mac}}; }
    static std::error_code replayed() { return rlpx::errc::bad_header_mac; }
    static std::error_code reordered() { return rlpx::errc::bad_header_mac; }
    static constexpr std::size_t max_message = 1 << 20;  // the suite's cap (RLPx allows 16 MiB - 2)
};
using rlpx_traits = hostile_traits<rlpx::variant>;

// ---- noise-xk (BOLT 8) -------------------------------------------------------
// Messages: 0 act one (50 B), 1 act two (50 B), 2 act three (66 B).
template <>
struct hostile_traits<variants::noise_xk::variant> : stream_traits {
    using session = variants::noise_xk::session;
    static constexpr std::string_view name = "noise-xk";
    static constexpr std::uint64_t app_code = 0;
    static constexpr std::size_t handshake_messages = 3;
    k1::private_key a = k1::generate_private_key().value(), b = k1::generate_private_key().value();
    session::options make(const k1::private_key& self, std::optional<k1::private_key> expected) const {
        session::options o;
        o.handshake.static_key = self;
        if (expected) o.handshake.remote_static = k1::derive_compressed_public_key(*expected).value();
        return o;
    }
    session::options initiator() const { return make(a, b); }
    session::options recipient() const { return make(b, std::nullopt); }

    static expectation handshake_flip(std::size_t msg, std::size_t pos, byte_view) {
        using variants::noise_xk::errc;
        if (msg < 2) {  // version | e (33) | tag (16)
            const bool one = msg == 0;
            if (pos == 0) return {{one ? errc::act1_bad_version : errc::act2_bad_version}};
            if (pos < 34)  // a flipped key may still be a point: then the tag fails
                return {{one ? errc::act1_bad_pubkey : errc::act2_bad_pubkey, one ? errc::act1_bad_tag : errc::act2_bad_tag}};
            return {{one ? errc::act1_bad_tag : errc::act2_bad_tag}};
        }
        // act three: version | encrypted static key (33 + 16) | tag (16)
        if (pos == 0) return {{errc::act3_bad_version}};
        if (pos < 50) return {{errc::act3_bad_ciphertext}};
        return {{errc::act3_bad_tag}};
    }
    // encrypted length (2) + its tag (16) | encrypted body | tag: every
    // byte is under a Poly1305 tag, the length's checked before the body's.
    static expectation message_flip(std::size_t, byte_view) { return {{crypto::aead_errc::tag_mismatch}}; }
    static std::vector<length_field> handshake_lengths(std::size_t, byte_view) { return {}; }  // fixed sizes
    static std::vector<length_field> message_lengths(byte_view) { return {}; }  // the length is encrypted
    static std::error_code garbage_before() { return variants::noise_xk::errc::act1_bad_version; }
    static expectation garbage_after() { return {{crypto::aead_errc::tag_mismatch}}; }
    static std::error_code replayed() { return crypto::aead_errc::tag_mismatch; }
    static std::error_code reordered() { return crypto::aead_errc::tag_mismatch; }
    static constexpr std::size_t max_message = 65535;
};
using noise_xk_traits = hostile_traits<variants::noise_xk::variant>;

// ---- sha256-per-side (c-lightning 2016) --------------------------------------
// Messages: 0 the initiator's session key (33 B), 1 the recipient's session
// key + its Authenticate packet, 2 the initiator's Authenticate packet.
// A packet: hmac (32) | le64 totlen | AES-128-CTR(data padded to 16).
template <>
struct hostile_traits<variants::sha256_per_side::variant> : stream_traits {
    using session = variants::sha256_per_side::session;
    static constexpr std::string_view name = "sha256-per-side";
    static constexpr std::uint64_t app_code = 0;
    static constexpr std::size_t handshake_messages = 3;
    k1::private_key a = k1::generate_private_key().value(), b = k1::generate_private_key().value();
    session::options make(const k1::private_key& self, std::optional<k1::private_key> expected) const {
        session::options o;
        o.protocol.node_key = self;
        if (expected) o.protocol.expected_remote_id = k1::derive_compressed_public_key(*expected).value();
        return o;
    }
    session::options initiator() const { return make(a, b); }
    session::options recipient() const { return make(b, std::nullopt); }

    static expectation packet(std::size_t pos) {
        using variants::sha256_per_side::errc;
        // totlen is read before the HMAC (the size must be known first): a
        // larger one waits or is too large; any other change fails the HMAC.
        if (pos >= 32 && pos < 40) return {{errc::bad_mac, errc::packet_too_large, errc::packet_went_backwards}, true};
        return {{errc::bad_mac}};
    }
    static expectation session_key(std::size_t pos) {
        using variants::sha256_per_side::errc;
        // Not a point: rejected at once. Another point: the two sides derive
        // different keys, and the first packet's HMAC fails.
        if (pos == 0) return {{errc::bad_session_key}};
        return {{errc::bad_session_key, errc::bad_mac}};
    }
    static expectation handshake_flip(std::size_t msg, std::size_t pos, byte_view) {
        if (msg == 0) return session_key(pos);
        if (msg == 1) return pos < 33 ? session_key(pos) : packet(pos - 33);
        return packet(pos);
    }
    static expectation message_flip(std::size_t pos, byte_view) { return packet(pos); }

    static std::vector<length_field> totlen(std::size_t offset, std::uint64_t previous) {
        using variants::sha256_per_side::errc;
        constexpr std::uint64_t max = variants::sha256_per_side::max_packet_length;
        return {{"le64 totlen", offset, 8, true,
                 {{"zero (below the previous totlen)", 0, previous ? expectation{{errc::packet_went_backwards}} : expectation{{errc::bad_mac}}},
                  {"no growth (an empty packet)", previous, {{errc::bad_mac}}},
                  {"the maximum growth (1 MiB)", previous + max, {{}, true}},
                  {"one beyond the maximum", previous + max + 1, {{errc::packet_too_large}}},
                  {"2^64 - 1", std::numeric_limits<std::uint64_t>::max(), {{errc::packet_too_large}}}}}};
    }
    static std::vector<length_field> handshake_lengths(std::size_t msg, byte_view) {
        if (msg == 0) return {};
        return totlen(msg == 1 ? 33 + 32 : 32, 0);
    }
    // The established message follows the Authenticate packet (totlen 114).
    static std::vector<length_field> message_lengths(byte_view) { return totlen(32, 114); }
    static std::error_code garbage_before() { return variants::sha256_per_side::errc::bad_session_key; }
    static expectation garbage_after() { return {{variants::sha256_per_side::errc::packet_too_large}}; }
    // A replayed packet repeats the current totlen: an empty packet, whose
    // HMAC (over that totlen and no data) fails.
    static std::error_code replayed() { return variants::sha256_per_side::errc::bad_mac; }
    static std::error_code reordered() { return variants::sha256_per_side::errc::bad_mac; }
    static constexpr std::size_t max_message = variants::sha256_per_side::max_packet_length;
};
using sha256_per_side_traits = hostile_traits<variants::sha256_per_side::variant>;

// ---- x25519-xchacha ----------------------------------------------------------
// Messages: 0 HELLO (81 B), 1 REPLY (177 B), 2 PROOF (97 B), 3 FINISHED
// (33 B); over UDP one datagram each. A packet: kind | epoch | length (le32
// stream, le16 datagram) | le64 id | sealed body | tag (16).
/// Over a stream every packet id must be the next one: a gap is a packet
/// removed or held back on the way.
inline std::error_code out_of_sequence() { return variants::x25519_xchacha::errc::packet_out_of_sequence; }

template <class Session, class Wire>
struct x25519_xchacha_base {
    using session = Session;
    static constexpr std::uint64_t app_code = 7;  // a channel
    static constexpr std::size_t handshake_messages = 4;
    ed::private_key a = ed::private_key::generate().value(), b = ed::private_key::generate().value();
    typename Session::options make(const ed::private_key& self, std::optional<ed::private_key> expected) const {
        typename Session::options o;
        o.handshake.identity = self;
        if (expected) o.handshake.expected_remote = expected->public_key();
        return o;
    }
    typename Session::options initiator() const { return make(a, b); }
    typename Session::options recipient() const { return make(b, std::nullopt); }

    // Over UDP the same errors, as the reason of a discard.
    static expectation handshake_flip(std::size_t msg, std::size_t pos, byte_view) {
        using variants::x25519_xchacha::errc;
        if (pos == 0) return {{errc::malformed_handshake}};  // the kind byte
        switch (msg) {
            case 0:  // sid | e | id: the recipient expects no one, so the
                     // initiator finds the REPLY signed over another transcript
                return {{errc::bad_signature, errc::low_order_key}};
            case 1:  // sid | e | id | sig | confirm
                if (pos >= 49 && pos < 81) return {{errc::wrong_remote_identity}};
                if (pos < 145) return {{errc::bad_signature}};
                return {{errc::key_confirmation_failed}};
            case 2: return pos < 65 ? expectation{{errc::bad_signature}} : expectation{{errc::key_confirmation_failed}};
            default: return {{errc::key_confirmation_failed}};
        }
    }
    static constexpr std::size_t length_offset = 2;
    static constexpr std::size_t id_offset = 2 + Wire::length_size;
    static constexpr std::size_t header_size = id_offset + 8;
    static expectation message_flip(std::size_t pos, byte_view) {
        using variants::x25519_xchacha::errc;
        // Over datagrams a first byte other than the data kind makes the
        // datagram a handshake message, which comes too late.
        if (pos == 0) return {{Wire::datagram ? std::error_code(transport::errc::unexpected_datagram) : errc::bad_packet_kind}};
        if (pos == 1) return {{errc::unknown_key_epoch}};
        if (pos < id_offset)  // the length: a larger one waits (stream) or is too large
            return {{transport::errc::message_too_large, crypto::aead_errc::tag_mismatch, transport::errc::truncated_datagram},
                    !Wire::datagram};
        if (pos < header_size && !Wire::datagram) return {{out_of_sequence()}};  // checked before the tag
        return {{crypto::aead_errc::tag_mismatch}};  // id (in the nonce and AD), body, tag
    }
    static std::vector<length_field> handshake_lengths(std::size_t, byte_view) { return {}; }  // fixed sizes
    static std::vector<length_field> message_lengths(byte_view) {
        constexpr std::uint64_t max = Wire::max_payload + variants::x25519_xchacha::message_header_size;
        const std::uint64_t all_ones = Wire::length_size == 4 ? 0xffffffffu : 0xffffu;
        const std::error_code too_large = transport::errc::message_too_large;
        return {{"packet length", length_offset, Wire::length_size, true,
                 {{"zero", 0, {{crypto::aead_errc::tag_mismatch, transport::errc::truncated_datagram}}},
                  {"the maximum", max, {{transport::errc::truncated_datagram}, !Wire::datagram}},
                  {"one beyond the maximum", max + 1, {{too_large}}},
                  {"all ones", all_ones, {{too_large}}}}}};
    }
    /// Over UDP the garbage is a datagram of its own: discarded for this.
    static std::error_code garbage_before() { return variants::x25519_xchacha::errc::malformed_handshake; }
    static expectation garbage_after() { return {{variants::x25519_xchacha::errc::bad_packet_kind}}; }
    static constexpr std::size_t max_message = Wire::base_payload;
};

template <>
struct hostile_traits<variants::x25519_xchacha::variant> : stream_traits,
                               x25519_xchacha_base<variants::x25519_xchacha::session, variants::x25519_xchacha::stream_wire> {
    static constexpr std::string_view name = "x25519-xchacha";
    static std::error_code replayed() { return variants::x25519_xchacha::errc::packet_replayed; }
    static std::error_code reordered() { return out_of_sequence(); }
};
using x25519_xchacha_traits = hostile_traits<variants::x25519_xchacha::variant>;

template <>
struct hostile_traits<variants::x25519_xchacha::udp_variant>
    : x25519_xchacha_base<variants::x25519_xchacha::udp_session, variants::x25519_xchacha::datagram_wire> {
    static constexpr std::string_view name = "x25519-xchacha-udp";
    static constexpr bool datagrams = true;
    static constexpr bool reorder_tolerated = true;
    static constexpr std::uint64_t replay_window = variants::x25519_xchacha::datagram_wire::replay_bits;
    static std::error_code replayed() { return variants::x25519_xchacha::errc::packet_replayed; }
    static std::error_code too_old() { return variants::x25519_xchacha::errc::packet_too_old; }
};
using x25519_xchacha_udp_traits = hostile_traits<variants::x25519_xchacha::udp_variant>;

// ---- libp2p-noise (Noise XX with libp2p's payload) -------------------------
// Messages, each behind a be16 length: 0 e (32 B), 1 e | enc s (48) |
// enc payload, 2 enc s (48) | enc payload. Transport: be16 length | AEAD.
template <>
struct hostile_traits<variants::libp2p_noise::variant> : stream_traits, test::peers<variants::libp2p_noise::variant> {
    static constexpr std::string_view name = "libp2p-noise";
    static constexpr std::uint64_t app_code = 0;
    static constexpr std::size_t handshake_messages = 3;
    session::options initiator() const { return make(a, b); }
    session::options recipient() const { return make(b, std::nullopt); }

    static std::error_code too_long() { return variants::libp2p_noise::errc::handshake_message_too_large; }
    static expectation handshake_flip(std::size_t, std::size_t pos, byte_view) {
        const std::error_code truncated = noise::errc::message_truncated, decrypt = noise::errc::decrypt_failed;
        // The length: the high byte makes it too long; the low byte longer
        // (the reader waits) or shorter (what is read fails to decrypt).
        if (pos == 0) return {{too_long()}};
        if (pos == 1) return {{truncated, decrypt}, true};
        // Message 1 is in clear: another e is another DH (or a low-order
        // point); the peer's next ciphertext fails. Any other byte is under a tag.
        return {{decrypt, crypto::errc::invalid_point}};
    }
    static expectation message_flip(std::size_t pos, byte_view) {
        if (pos < 2) return {{crypto::aead_errc::tag_mismatch, noise::errc::short_frame}, true};
        return {{crypto::aead_errc::tag_mismatch}};
    }
    static std::vector<length_field> handshake_lengths(std::size_t, byte_view) {
        return {{"be16 length", 0, 2, false,
                 {{"zero", 0, {{noise::errc::message_truncated}}},
                  {"the maximum read (8192)", variants::libp2p_noise::max_handshake_message, {{}, true}},
                  {"one beyond it", variants::libp2p_noise::max_handshake_message + 1, {{too_long()}}},
                  {"0xffff", 0xffff, {{too_long()}}}}}};
    }
    static std::vector<length_field> message_lengths(byte_view) {
        return {{"be16 length", 0, 2, false,
                 {{"zero", 0, {{noise::errc::short_frame}}},
                  {"below the tag", 15, {{noise::errc::short_frame}}},
                  {"0xffff", 0xffff, {{}, true}}}}};
    }
    static std::error_code garbage_before() { return too_long(); }  // 0xabab as a length
    /// 0xabab as the next frame's length: a frame of 43,947 bytes may come.
    static expectation garbage_after() { return {{}, true}; }
    static std::error_code replayed() { return crypto::aead_errc::tag_mismatch; }
    static std::error_code reordered() { return crypto::aead_errc::tag_mismatch; }
    static constexpr std::size_t max_message = 65519;
};
using libp2p_noise_traits = hostile_traits<variants::libp2p_noise::variant>;

}  // namespace polywire::hostile
