// x25519-xchacha packets: one FrameLayout model in two wire forms, each
// naming its own FrameCodec (policies/frame_layout.hpp).
//
//   packet  = header | XChaCha20-Poly1305(body) | tag (16)
//   header  = kind 0x10 | key epoch (1) | length (LE, 4 stream / 2 datagram)
//             | packet id (LE64)                          authenticated as AD
//   body    = message*, message = channel (LE32) | length (LE32) | payload
//   nonce   = sender's session id (16) || LE64(packet id)
//
// Several messages share a packet (session::send_batch) and are split again
// on receipt, each delivered with its channel as the session's message code
// (application channels 0..2^31, secureio's MessageTypeChannel range; the
// control protocol's channels are 0xffffff00 and up).
//
//   stream_wire    length-prefixed packets over a byte stream (TCP): each
//                  packet id must be the one after the last (0, 1, 2, ...);
//                  bodies up to 1 MiB + 8.
//   datagram_wire  one packet per datagram (UDP): payloads up to 1392 bytes
//                  (the floor), or what the path carries once probes
//                  found it (datagram size negotiation: up to 65,471-byte
//                  payloads in 65,507-byte datagrams); larger messages fail
//                  with message_too_large; loss, duplication and reordering
//                  tolerated within a 256-id replay window; the session
//                  discards what fails.
//
// Datagram size probes (docs/variants.md, "x25519-xchacha"), ordinary
// messages on reserved channels, so sealed and replay-protected like any:
//   probe      0xffffff20  id (LE32) | zeros, as long as the size probed
//   probe_ack  0xffffff21  id (LE32) | the probe's payload length (LE32)
//
// The codec keeps the direction's key epochs: egress seals under the
// current one; ingress holds the current and the next (installed by the
// control protocol's rekey, control.hpp) and retires the older key once the
// peer has switched and no packet under it can pass the replay window.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <type_traits>

#include "policies/base_protocol.hpp"
#include "policies/frame_layout.hpp"
#include "policies/models/xchacha20_poly1305.hpp"
#include "transport/bytes.hpp"
#include "transport/error.hpp"
#include "transport/result.hpp"
#include "variants/x25519_xchacha/error.hpp"
#include "variants/x25519_xchacha/handshake.hpp"
#include "variants/x25519_xchacha/replay_window.hpp"

namespace polywire::variants::x25519_xchacha {

/// Application channels: 0..2^31 (secureio's MessageTypeChannel range).
inline constexpr std::uint64_t max_channel = std::uint64_t{1} << 31;
/// channel (LE32) | length (LE32) in front of each message's payload.
inline constexpr std::size_t message_header_size = 8;
/// Datagram size negotiation's channels (reserved: control channels).
inline constexpr std::uint64_t probe_channel = 0xffffff20;
inline constexpr std::uint64_t probe_ack_channel = 0xffffff21;

/// One key epoch's packet key: what a key update carries to the codec.
struct epoch_key {
    std::uint32_t epoch = 0;
    secret<32> key;
};
using key_update = policies::key_update<epoch_key>;

struct stream_wire {
    static constexpr std::string_view name = "x25519-xchacha stream: kind | epoch | le32 length | le64 id | sealed body";
    static constexpr std::size_t length_size = 4;
    static constexpr std::size_t max_payload = std::size_t{1} << 20;
    static constexpr std::size_t base_payload = max_payload;
    static constexpr std::size_t replay_bits = 0;  ///< ids in sequence (the codec checks there is no gap)
    static constexpr bool datagram = false;
};

struct datagram_wire {
    static constexpr std::string_view name = "x25519-xchacha datagram: kind | epoch | le16 length | le64 id | sealed body";
    static constexpr std::size_t length_size = 2;
    /// The largest payload: a packet in the largest UDP datagram over IPv4
    /// (65,507 bytes, less the 12-byte header, the tag and a message header).
    static constexpr std::size_t max_payload = 65507 - 12 - 16 - message_header_size;
    /// The floor, sent before (or without) datagram size negotiation:
    /// secureio's lossy PayloadSizeLimit, (1500 - 48 - 44 - 9) & ~15.
    static constexpr std::size_t base_payload = 1392;
    static constexpr std::size_t replay_bits = 256;
    static constexpr bool datagram = true;
};

template <class Cipher, class Mac, class Layout>
class packet_codec;

template <class Wire>
class packet_layout {
public:
    static constexpr std::string_view name = Wire::name;
    static constexpr std::size_t length_offset = 2;
    static constexpr std::size_t id_offset = length_offset + Wire::length_size;
    static constexpr std::size_t header_size = id_offset + 8;
    static constexpr std::size_t max_payload = Wire::max_payload;
    static constexpr std::size_t max_frame_size = max_payload + message_header_size;
    /// Datagram size negotiation (policies/frame_layout.hpp; only the
    /// datagram wire negotiates): the floor, and the probes' channels.
    static constexpr std::size_t base_payload = Wire::base_payload;
    static constexpr std::size_t base_frame_size = base_payload + message_header_size;
    static constexpr std::uint64_t probe_code = probe_channel;
    static constexpr std::uint64_t probe_ack_code = probe_ack_channel;
    static constexpr std::uint64_t max_code = max_channel;
    static constexpr bool datagram = Wire::datagram;
    static constexpr std::size_t replay_bits = Wire::replay_bits;

    struct header {
        std::uint8_t epoch = 0;
        std::size_t length = 0;
        std::uint64_t packet_id = 0;
    };

    static std::size_t padded_size(std::size_t n) noexcept { return n; }

    static void write_header(mutable_byte_view h, const header& v) noexcept {
        h[0] = kind::data;
        h[1] = v.epoch;
        for (std::size_t i = 0; i < Wire::length_size; ++i)
            h[length_offset + i] = static_cast<std::uint8_t>(v.length >> (8 * i));
        for (std::size_t i = 0; i < 8; ++i) h[id_offset + i] = static_cast<std::uint8_t>(v.packet_id >> (8 * i));
    }

    static result<header> read_header(byte_view h) noexcept {
        if (h[0] != kind::data) return make_error_code(errc::bad_packet_kind);
        header v;
        v.epoch = h[1];
        for (std::size_t i = 0; i < Wire::length_size; ++i) v.length |= std::size_t{h[length_offset + i]} << (8 * i);
        for (std::size_t i = 0; i < 8; ++i) v.packet_id |= std::uint64_t{h[id_offset + i]} << (8 * i);
        if (v.length > max_frame_size) return make_error_code(transport::errc::message_too_large);
        return v;
    }

    // The FrameLayout interface (the codec below uses write/read_header).
    static void encode_header(std::size_t n, mutable_byte_view h) noexcept { write_header(h, {.length = n}); }
    static result<std::size_t> decode_header(byte_view h) noexcept {
        auto v = read_header(h);
        if (!v) return v.error();
        return v.value().length;
    }

    /// Whether a datagram is a packet (else a handshake message).
    static bool carries_frame(byte_view datagram) noexcept { return !datagram.empty() && datagram[0] == kind::data; }

    /// Several messages per frame (policies/frame_layout.hpp).
    static constexpr bool packs_messages = true;
    /// channel (LE32) | payload length (LE32).
    static void encode_code(std::uint64_t channel, std::size_t n, bytes& out) {
        for (std::size_t i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(channel >> (8 * i)));
        for (std::size_t i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(n >> (8 * i)));
    }

    static result<policies::decoded_code> decode_code(byte_view body) noexcept {
        if (body.size() < message_header_size) return make_error_code(errc::malformed_message);
        std::uint64_t channel = 0;
        std::size_t n = 0;
        for (std::size_t i = 0; i < 4; ++i) channel |= std::uint64_t{body[i]} << (8 * i);
        for (std::size_t i = 0; i < 4; ++i) n |= std::size_t{body[4 + i]} << (8 * i);
        if (n > body.size() - message_header_size) return make_error_code(errc::malformed_message);
        return policies::decoded_code{.code = channel, .prefix_size = message_header_size, .payload_size = n};
    }

    template <class Cipher, class Mac>
    using codec = packet_codec<Cipher, Mac, packet_layout>;
};

using stream_layout = packet_layout<stream_wire>;
using datagram_layout = packet_layout<datagram_wire>;

/// One direction of packets: sealing under the current epoch (egress), or
/// opening under the epoch a packet names with replay protection (ingress).
template <class Cipher, class Mac, class Layout>
class packet_codec {
    static_assert(policies::PacketCipher<Cipher>, "the packet codec needs a PacketCipher (nonce from the packet id)");
    static_assert(std::is_constructible_v<Cipher, byte_view, byte_view>,
                  "the packet codec builds each epoch's Cipher from (key, nonce prefix)");
    static_assert(Mac::tag_size == 0, "the AEAD authenticates: the MacState must be policies::no_mac");

public:
    static constexpr std::size_t prefix_size = Layout::header_size;
    static constexpr std::size_t body_offset = prefix_size;
    static std::size_t wire_size(std::size_t n) noexcept { return prefix_size + n + Cipher::tag_size; }

    template <class Secrets>
    packet_codec(const Secrets& s, policies::direction d) : dir_(d) {
        const byte_view p = nonce_prefix(s, d);
        std::copy(p.begin(), p.begin() + static_cast<std::ptrdiff_t>(prefix_.size()), prefix_.begin());
        slots_[0].emplace(slot{.epoch = 0, .cipher = Cipher(s, d)});
    }

    /// Seals under the next packet id; once the ids run out (2^64 - 1
    /// packets), refuses with errc::packet_ids_exhausted rather than reuse a
    /// nonce, and wipes the plaintext (the session drops the frame and closes).
    std::error_code seal(mutable_byte_view frame, std::size_t n) noexcept {
        mutable_byte_view h = frame.first(prefix_size);
        mutable_byte_view body = frame.subspan(body_offset, n);
        mutable_byte_view tag = frame.subspan(body_offset + n, Cipher::tag_size);
        if (next_id_ == std::numeric_limits<std::uint64_t>::max() || !slots_[0]) {
            detail::wipe(frame.data(), frame.size());
            return slots_[0] ? make_error_code(errc::packet_ids_exhausted) : make_error_code(transport::errc::session_closed);
        }
        Layout::write_header(h, {.epoch = static_cast<std::uint8_t>(slots_[0]->epoch), .length = n, .packet_id = next_id_});
        slots_[0]->cipher.seal_packet(next_id_, h, body, tag);
        ++next_id_;
        return {};
    }

    result<std::size_t> open_prefix(mutable_byte_view prefix) noexcept {
        auto h = Layout::read_header(prefix);
        if (!h) return h.error();
        if (auto ec = check_id(h.value().packet_id)) return ec;  // a cheap refusal first
        return h.value().length;
    }

    std::error_code open(mutable_byte_view frame, std::size_t n) noexcept {
        auto h = Layout::read_header(frame.first(prefix_size));
        if (!h) return h.error();
        const std::uint64_t id = h.value().packet_id;
        if (auto ec = check_id(id)) return ec;
        std::optional<slot>* s = find(h.value().epoch);
        if (!s) return errc::unknown_key_epoch;
        if (auto ec = (*s)->cipher.open_packet(id, frame.first(prefix_size), frame.subspan(body_offset, n),
                                               frame.subspan(body_offset + n, Cipher::tag_size)))
            return ec;
        window_.mark(id);  // only now: a forged packet cannot move the window
        if (!(*s)->lowest_id || id < *(*s)->lowest_id) (*s)->lowest_id = id;
        retire();
        return {};
    }

    /// A key update (control.hpp): egress seals under the new epoch from the
    /// next packet on; ingress holds it next to the current one.
    void update_keys(const key_update& u) noexcept {
        if (dir_ == policies::direction::egress) {
            if (slots_[0] && !slots_[0]->cipher.set_key(u.keys.key)) slots_[0]->epoch = u.keys.epoch;
            return;
        }
        std::optional<slot>* target = nullptr;
        for (auto& s : slots_)
            if (s && s->epoch == u.keys.epoch) target = &s;
        if (!target) {
            for (auto& s : slots_)
                if (!s && !target) target = &s;
        }
        if (!target) target = slots_[0]->epoch < slots_[1]->epoch ? &slots_[0] : &slots_[1];  // evict the older
        target->emplace(slot{.epoch = u.keys.epoch, .cipher = Cipher(u.keys.key, prefix_)});
    }

    // ---- diagnostics (tests) --------------------------------------------
    /// Egress: the epoch packets are sealed under. Ingress: the newest held.
    std::uint32_t epoch() const noexcept {
        std::uint32_t e = 0;
        for (const auto& s : slots_)
            if (s && s->epoch > e) e = s->epoch;
        return e;
    }
    /// Ingress: how many epochs' keys are held (1, or 2 while switching).
    std::size_t keys_held() const noexcept { return (slots_[0] ? 1u : 0u) + (slots_[1] ? 1u : 0u); }
    /// Egress: the id of the next packet.
    std::uint64_t next_packet_id() const noexcept { return next_id_; }
    /// Egress: continues from packet id `id` (tests reach the end of the id
    /// space this way; ids only ever grow, so a smaller `id` is ignored).
    void skip_to_packet_id(std::uint64_t id) noexcept { next_id_ = std::max(next_id_, id); }
    const replay_window<Layout::replay_bits>& window() const noexcept { return window_; }

private:
    struct slot {
        std::uint32_t epoch = 0;
        Cipher cipher;
        std::optional<std::uint64_t> lowest_id{};  ///< lowest packet id authenticated under this epoch
    };

    // The replay window's verdict; over a stream, also nothing but the next
    // id: a gap is a packet removed (or held back) on the way, which an
    // ordered, reliable stream never does by itself.
    std::error_code check_id(std::uint64_t id) const noexcept {
        if (auto ec = window_.check(id)) return ec;
        if constexpr (Layout::replay_bits == 0) {
            if (id != (window_.empty() ? 0 : window_.highest() + 1)) return errc::packet_out_of_sequence;
        }
        return {};
    }

    std::optional<slot>* find(std::uint8_t epoch_byte) noexcept {
        for (auto& s : slots_)
            if (s && static_cast<std::uint8_t>(s->epoch) == epoch_byte) return &s;
        return nullptr;
    }

    // An older epoch's key goes once a packet under a newer epoch has
    // authenticated (the peer switched) and the window has moved past it,
    // so no packet under the older key could still be accepted.
    void retire() noexcept {
        for (auto& n : slots_) {
            if (!n || !n->lowest_id) continue;
            for (auto& o : slots_) {
                if (!o || o->epoch >= n->epoch) continue;
                if (Layout::replay_bits == 0 || window_.highest() - *n->lowest_id >= Layout::replay_bits) o.reset();
            }
        }
    }

    policies::direction dir_;
    std::array<std::uint8_t, Cipher::prefix_size> prefix_{};
    std::array<std::optional<slot>, 2> slots_{};
    std::uint64_t next_id_ = 0;
    replay_window<Layout::replay_bits> window_;
};

}  // namespace polywire::variants::x25519_xchacha
