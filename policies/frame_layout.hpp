// FrameLayout: how a message becomes bytes on the wire.
//
// The layout decides the header's content, the body's padding, how a
// message code is carried, and the frame's *shape*: where the tags go,
// what the MAC covers and whether the header is encrypted (see
// docs/architecture.md, "Frame shapes"). Two shapes are built in, chosen
// by an optional `static constexpr frame_shape shape` (default: the first):
//
//   after_each_part   header | htags | body (padded_size(n)) | btags
//                     (RLPx, BOLT 8). "tags" are the Cipher's tag (if an
//                     AEAD) then the MacState's, which covers that part's
//                     ciphertext (`header_tag`/`body_tag`).
//   leading           mac tag | header [| ctag] | body [| ctag]
//                     (c-lightning 2016). One MacState tag in front covers
//                     every byte of the frame after it (`frame_tag`).
//
// and `header_encrypted` says whether the Cipher encrypts the header (if
// not, the header travels in clear, still covered by the MAC).
//
//   * `encode_header(n, header)` writes the plaintext header of a frame
//     whose body holds `n` bytes (code prefix included);
//   * `decode_header(header)` reads `n` back and rejects sizes over
//     `max_frame_size` *before* the session waits for, or allocates, the body;
//   * `encode_code(code, out)` / `decode_code(body)` put the message code in
//     front of the payload (RLPx: rlp(msg-id)); `max_code` (optional)
//     bounds the codes `send` accepts (0 for layouts that carry no code).
//   * Several messages per frame: a layout that declares
//     `static constexpr bool packs_messages = true;` and whose `encode_code`
//     also takes the payload's size, `static void encode_code(uint64_t code,
//     size_t size, bytes& out)`, *packs* messages (check_config checks that
//     signature, and refuses a three-argument encode_code that is not
//     declared): its decode_code reports each message's `payload_size`, the session
//     delivers every message of a frame in order, and
//     session::send_batch() fills each frame with as many messages as fit.
//   * Datagrams: `static constexpr bool datagram = true` and
//     `static bool carries_frame(byte_view datagram) noexcept` (whether a
//     datagram is a frame or a handshake message) make a layout whose
//     frames travel one per datagram, tolerating loss, duplication and
//     reordering: pending_output() then yields one datagram at a time,
//     datagrams that fail before authentication are discarded (not fatal),
//     and handshake flights are retransmitted (docs/architecture.md,
//     "Datagrams").
//
// Per-direction state: the session owns one layout object per direction,
// built from `(const secrets&, direction)` when the layout has such a
// constructor and default-constructed otherwise, and calls
// encode_header/decode_header on it (static members work too). A layout
// with a running counter (c-lightning's totlen) keeps it there. Any error
// closes the session, so decode_header may advance its state before the
// MAC of that frame was checked.
//
// A shape neither built-in shape describes (say, MAC-then-encrypt with tags
// inside the ciphertext) needs no change to the session: the layout names
// its own codec, `template <class Cipher, class Mac> using codec = ...;`,
// a FrameCodec (below) that seals and opens whole frames.
// Who calls it: transport::session, for every frame, once keys exist.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>
#include <system_error>

#include "policies/key_agreement.hpp"
#include "transport/bytes.hpp"
#include "transport/result.hpp"

namespace polywire::policies {

struct decoded_code {
    /// `payload_size` of a layout that carries one message per frame.
    static constexpr std::size_t rest_of_body = std::numeric_limits<std::size_t>::max();
    std::uint64_t code = 0;
    std::size_t prefix_size = 0;                 ///< bytes of the body the code took
    std::size_t payload_size = rest_of_body;     ///< packing layouts: this message's payload bytes
};

/// Where a frame's MAC tags go, and so what each tag covers.
enum class tag_placement {
    after_each_part,  ///< a tag after the header and one after the body, each over that part
    leading,          ///< one tag in front of the frame over everything after it
};

/// A FrameLayout's choice of frame shape (see the comment at the top).
struct frame_shape {
    tag_placement tags = tag_placement::after_each_part;
    bool header_encrypted = true;
};

/// The shape of layout L: L::shape, or the default (RLPx's).
template <class L>
constexpr frame_shape shape_of() noexcept {
    if constexpr (requires { L::shape; }) {
        return L::shape;
    } else {
        return frame_shape{};
    }
}

/// The largest code L's frames carry: L::max_code, or any.
template <class L>
constexpr std::uint64_t max_code_of() noexcept {
    if constexpr (requires { L::max_code; }) {
        return L::max_code;
    } else {
        return std::numeric_limits<std::uint64_t>::max();
    }
}

/// Whether L declares `packs_messages` (true; see the comment at the top).
template <class L>
constexpr bool declares_packing() noexcept {
    if constexpr (requires { { L::packs_messages } -> std::convertible_to<bool>; }) return L::packs_messages;
    else return false;
}
/// L's encode_code as a packing layout needs it, and as any other does.
template <class L>
constexpr bool packing_encode_code_ok = requires(std::uint64_t code, std::size_t n, bytes& out) {
    { L::encode_code(code, n, out) } -> std::same_as<void>;
};
template <class L>
constexpr bool single_encode_code_ok = requires(std::uint64_t code, bytes& out) {
    { L::encode_code(code, out) } -> std::same_as<void>;
};

/// Whether L packs several messages per frame: declared, and with the
/// encode_code that takes the payload's size.
template <class L>
constexpr bool packs_messages = declares_packing<L>() && packing_encode_code_ok<L>;

/// Whether L's frames travel one per datagram (see the comment at the top).
template <class L>
constexpr bool is_datagram() noexcept {
    if constexpr (requires { L::datagram; }) {
        return L::datagram;
    } else {
        return false;
    }
}

/// Whether L's datagrams negotiate their size (docs/architecture.md,
/// "Datagram sizes"): a packing datagram layout that declares
/// `base_frame_size` (the floor: frames it always carries, at most
/// max_frame_size) and the two codes its probes and their acknowledgements
/// travel on, `probe_code` and `probe_ack_code` (codes the base protocol
/// reserves, so that no application message uses them).
template <class L>
constexpr bool probes_datagram_size() noexcept {
    if constexpr (requires {
                      { L::base_frame_size } -> std::convertible_to<std::size_t>;
                      { L::probe_code } -> std::convertible_to<std::uint64_t>;
                      { L::probe_ack_code } -> std::convertible_to<std::uint64_t>;
                  }) {
        static_assert(L::base_frame_size <= L::max_frame_size);
        return is_datagram<L>() && packs_messages<L>;
    } else {
        return false;
    }
}

/// Over a datagram layout: whether a datagram is of the wrong kind for the
/// session's state (a handshake message once the keys exist, or a frame
/// before them). Never over a stream.
template <class L>
bool misplaced_datagram(byte_view datagram, bool keys_ready) noexcept {
    if constexpr (is_datagram<L>()) {
        return L::carries_frame(datagram) != keys_ready;
    } else {
        (void)datagram;
        (void)keys_ready;
        return false;
    }
}

template <class L>
concept FrameLayout = requires(L& l, std::size_t n, mutable_byte_view header, byte_view in, bytes& out,
                               std::uint64_t code) {
    { L::name } -> std::convertible_to<std::string_view>;
    { L::header_size } -> std::convertible_to<std::size_t>;
    { L::max_frame_size } -> std::convertible_to<std::size_t>;
    { L::padded_size(n) } noexcept -> std::same_as<std::size_t>;
    { l.encode_header(n, header) } noexcept;
    { l.decode_header(in) } noexcept -> std::same_as<result<std::size_t>>;
    { L::decode_code(in) } noexcept -> std::same_as<result<decoded_code>>;
} && (!is_datagram<L>() || requires(byte_view datagram) {
    { L::carries_frame(datagram) } noexcept -> std::same_as<bool>;
});

/// FrameCodec: one direction's whole-frame sealing and opening. The session
/// uses transport::standard_frame_codec (the built-in shapes) unless the
/// layout names its own. Built from `(const secrets&, direction)`.
///   * `wire_size(n)`: bytes of a frame whose body holds n bytes;
///     `body_offset`: where the body starts in the frame.
///   * `seal(frame, n) -> error_code`: `frame` is wire_size(n) bytes whose
///     body region holds the plaintext, zero-padded; writes header and tags,
///     encrypts. An error (a codec whose nonces ran out) means the frame must
///     not be sent: the session drops it and closes with that error.
///   * `open_prefix(prefix)`: given the first `prefix_size` bytes, returns n
///     (rejecting sizes over the limit). Authenticates and decrypts what it
///     can of the prefix; the session keeps the bytes in place.
///   * `open(frame, n)`: authenticates the whole frame *then* decrypts; on
///     success the body's plaintext is at body_offset. On failure nothing of
///     the frame may be used.
///   * optional `update_keys(update)`: the base protocol changed this
///     direction's keys (policies/base_protocol.hpp, "Key updates"); takes
///     effect from the next frame sealed or opened.
template <class F, class Secrets>
concept FrameCodec = std::constructible_from<F, const Secrets&, direction> &&
                     requires(F f, std::size_t n, mutable_byte_view frame) {
    { F::prefix_size } -> std::convertible_to<std::size_t>;
    { F::body_offset } -> std::convertible_to<std::size_t>;
    { F::wire_size(n) } noexcept -> std::same_as<std::size_t>;
    { f.seal(frame, n) } noexcept -> std::same_as<std::error_code>;
    { f.open_prefix(frame) } noexcept -> std::same_as<result<std::size_t>>;
    { f.open(frame, n) } noexcept -> std::same_as<std::error_code>;
};

}  // namespace polywire::policies
