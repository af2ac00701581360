// standard_frame_codec<Cipher, Mac, Layout>: one direction's frames in the
// built-in shapes (policies/frame_layout.hpp, docs/architecture.md "Frame
// shapes"), composed from the configuration's Cipher, MacState and
// FrameLayout. The session owns one per direction and never sees a tag.
//
//   after_each_part   [header | hctag | hmtag] [body | bctag | bmtag]
//   leading           [mtag | header | hctag] [body | bctag]
// (hctag only if the header is encrypted; ctags are the Cipher's, mtags the
// MacState's; brackets mark the prefix and the rest.)
//
// Order on receive, for both: nothing is decrypted before the MAC that
// covers it was checked, except a leading-shape encrypted header, which is
// decrypted from a copy (its MAC covers the whole frame, so the size must be
// read first — an AEAD's header tag still checks it). The size is checked
// by the layout before the session waits for the body.
#pragma once

#include <algorithm>
#include <array>
#include <cstring>
#include <type_traits>

#include "policies/base_protocol.hpp"
#include "policies/cipher.hpp"
#include "policies/frame_layout.hpp"
#include "policies/mac_state.hpp"

namespace polywire::transport {

template <class Cipher, class Mac, class Layout>
class standard_frame_codec {
    static constexpr policies::frame_shape shape = policies::shape_of<Layout>();
    static constexpr bool leading = shape.tags == policies::tag_placement::leading;
    static constexpr std::size_t ctag = Cipher::tag_size;
    static constexpr std::size_t mtag = Mac::tag_size;
    static constexpr std::size_t header_at = leading ? mtag : 0;
    static constexpr std::size_t hctag = shape.header_encrypted ? ctag : 0;
    static constexpr std::size_t part_mtag = leading ? 0 : mtag;  // after each part

public:
    static constexpr std::size_t prefix_size = header_at + Layout::header_size + hctag + part_mtag;
    static constexpr std::size_t body_offset = prefix_size;
    static std::size_t wire_size(std::size_t n) noexcept {
        return prefix_size + Layout::padded_size(n) + ctag + part_mtag;
    }

    template <class Secrets>
    standard_frame_codec(const Secrets& s, policies::direction d)
        : cipher_(s, d), mac_(s, d), layout_(make_layout(s, d)), dir_(d) {}

    /// A base protocol's key update (policies/base_protocol.hpp): rebuilds
    /// this direction's Cipher and MacState from `u.keys` (the layout keeps
    /// its state).
    template <class Keys>
    void update_keys(const policies::key_update<Keys>& u) noexcept {
        cipher_ = Cipher(u.keys, dir_);
        mac_ = Mac(u.keys, dir_);
    }

    /// {} if seal() can seal; else why not (the Cipher's sealing check,
    /// policies/cipher.hpp).
    std::error_code sealable() const noexcept {
        if constexpr (policies::has_sealing_check<Cipher>) return cipher_.sealable();
        else return {};
    }

    /// Seals the frame `frame` (wire_size(n) bytes) whose body, n bytes at
    /// body_offset, is in place (and its padding zeroed).
    std::error_code seal(mutable_byte_view frame, std::size_t n) noexcept {
        return seal_frame(frame, n, [&](mutable_byte_view body, mutable_byte_view tag) { cipher_.seal(body, tag); });
    }

    /// seal() of a body read from `body` (apart from the frame), written
    /// into the frame in one pass by the Cipher's out-of-place seal
    /// (policies::seals_out_of_place). `frame` is wire_size(body.size())
    /// bytes whose content does not matter: every byte is written.
    std::error_code seal_from(mutable_byte_view frame, byte_view body) noexcept
        requires policies::seals_out_of_place<Cipher>
    {
        const std::size_t n = body.size(), padded = Layout::padded_size(n);
        std::fill_n(frame.begin(), body_offset, std::uint8_t{0});
        std::fill(frame.begin() + static_cast<std::ptrdiff_t>(body_offset + n), frame.end(), std::uint8_t{0});
        if (padded != n) {  // padding: sealed in place, after it
            std::copy(body.begin(), body.end(), frame.begin() + static_cast<std::ptrdiff_t>(body_offset));
            return seal(frame, n);
        }
        return seal_frame(frame, n, [&](mutable_byte_view out, mutable_byte_view tag) { cipher_.seal(body, out, tag); });
    }

    result<std::size_t> open_prefix(mutable_byte_view prefix) noexcept {
        mutable_byte_view h = prefix.subspan(header_at, Layout::header_size);
        if constexpr (leading) {
            if constexpr (shape.header_encrypted) {
                // The frame's MAC covers the header as sent: decrypt a copy.
                std::array<std::uint8_t, Layout::header_size> copy;
                std::copy(h.begin(), h.end(), copy.begin());
                if (auto ec = cipher_.open(copy, prefix.subspan(header_at + h.size(), ctag))) return ec;
                return layout_.decode_header(copy);
            } else {
                return layout_.decode_header(h);
            }
        } else {
            if (auto ec = mac_.check_header(h, prefix.subspan(header_at + h.size() + hctag, mtag))) return ec;
            if constexpr (shape.header_encrypted) {
                if (auto ec = cipher_.open(h, prefix.subspan(header_at + h.size(), ctag))) return ec;
            }
            return layout_.decode_header(h);
        }
    }

    std::error_code open(mutable_byte_view frame, std::size_t n) noexcept {
        const std::size_t padded = Layout::padded_size(n);
        mutable_byte_view body = frame.subspan(body_offset, padded);
        if constexpr (leading) {
            if (auto ec = mac_.check_frame(frame.subspan(header_at, wire_size(n) - header_at), frame.first(mtag)))
                return ec;
        } else {
            if (auto ec = mac_.check_body(body, frame.subspan(body_offset + padded + ctag, mtag))) return ec;
        }
        return cipher_.open(body, frame.subspan(body_offset + padded, ctag));
    }

    /// This direction's layout (its counters, for tests and diagnostics).
    const Layout& layout() const noexcept { return layout_; }

private:
    // Header, its tags, then the body by `seal_body(body, tag)`, its tags.
    template <class SealBody>
    std::error_code seal_frame(mutable_byte_view frame, std::size_t n, SealBody seal_body) noexcept {
        const std::size_t padded = Layout::padded_size(n);
        mutable_byte_view h = frame.subspan(header_at, Layout::header_size);
        layout_.encode_header(n, h);
        if constexpr (shape.header_encrypted) cipher_.seal(h, frame.subspan(header_at + h.size(), ctag));
        if constexpr (!leading) mac_.header_tag(h, frame.subspan(header_at + h.size() + hctag, mtag));
        mutable_byte_view body = frame.subspan(body_offset, padded);
        seal_body(body, frame.subspan(body_offset + padded, ctag));
        if constexpr (leading) {
            mac_.frame_tag(frame.subspan(header_at, wire_size(n) - header_at), frame.first(mtag));
        } else {
            mac_.body_tag(body, frame.subspan(body_offset + padded + ctag, mtag));
        }
        return {};
    }

    template <class Secrets>
    static Layout make_layout(const Secrets& s, policies::direction d) {
        if constexpr (std::is_constructible_v<Layout, const Secrets&, policies::direction>) {
            return Layout(s, d);
        } else {
            return Layout{};
        }
    }

    Cipher cipher_;
    Mac mac_;
    Layout layout_;
    policies::direction dir_;
};

namespace detail {
template <class Cipher, class Mac, class Layout>
struct codec_of {
    using type = standard_frame_codec<Cipher, Mac, Layout>;
};
template <class Cipher, class Mac, class Layout>
    requires requires { typename Layout::template codec<Cipher, Mac>; }
struct codec_of<Cipher, Mac, Layout> {
    using type = typename Layout::template codec<Cipher, Mac>;
};
}  // namespace detail

/// The codec a session uses: the layout's own, or the standard one.
template <class Cipher, class Mac, class Layout>
using frame_codec_t = typename detail::codec_of<Cipher, Mac, Layout>::type;

}  // namespace polywire::transport
