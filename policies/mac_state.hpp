// MacState: the running authentication state of one direction.
//
// What it provides: built from the handshake's `secrets` and a direction.
// Which calls it answers depends on the FrameLayout's shape
// (policies/frame_layout.hpp):
//   * per part (`after_each_part`): for egress the session calls
//     `header_tag(header_ct, tag_out)` and `body_tag(body_ct, tag_out)`
//     after encrypting each part; for ingress `check_header` / `check_body`
//     on the ciphertext *before* decrypting it;
//   * whole frame (`leading`): `frame_tag(covered, tag_out)` over every
//     byte of the frame after the tag, as sent; `check_frame(covered,
//     tag_in)` before anything of the frame is decrypted.
// Checks update the state, compare in constant time, and return the
// protocol's error code (which MAC failed, nothing more) on a mismatch.
// `tag_size` is 0 for configurations whose Cipher is an AEAD (see `no_mac`).
// Who calls it: transport::session, once the key agreement is done.
#pragma once

#include <concepts>
#include <cstddef>
#include <string_view>
#include <system_error>

#include "policies/key_agreement.hpp"
#include "transport/bytes.hpp"

namespace polywire::policies {

/// Tags each part of a frame (header, body) separately.
template <class M>
concept PerPartMac = requires(M m, byte_view ct, mutable_byte_view tag_out, byte_view tag_in) {
    { m.header_tag(ct, tag_out) } noexcept;
    { m.body_tag(ct, tag_out) } noexcept;
    { m.check_header(ct, tag_in) } noexcept -> std::same_as<std::error_code>;
    { m.check_body(ct, tag_in) } noexcept -> std::same_as<std::error_code>;
};

/// Tags a whole frame at once.
template <class M>
concept WholeFrameMac = requires(M m, byte_view covered, mutable_byte_view tag_out, byte_view tag_in) {
    { m.frame_tag(covered, tag_out) } noexcept;
    { m.check_frame(covered, tag_in) } noexcept -> std::same_as<std::error_code>;
};

template <class M>
concept MacState = requires {
    { M::name } -> std::convertible_to<std::string_view>;
    { M::tag_size } -> std::convertible_to<std::size_t>;
} && (PerPartMac<M> || WholeFrameMac<M>);

template <class M, class Secrets>
concept MacStateFor = MacState<M> && std::constructible_from<M, const Secrets&, direction>;

/// The null MacState, for AEAD ciphers whose tags already authenticate.
struct no_mac {
    static constexpr std::string_view name = "none";
    static constexpr std::size_t tag_size = 0;
    no_mac() = default;
    template <class Secrets>
    no_mac(const Secrets&, direction) noexcept {}
    void header_tag(byte_view, mutable_byte_view) noexcept {}
    void body_tag(byte_view, mutable_byte_view) noexcept {}
    std::error_code check_header(byte_view, byte_view) noexcept { return {}; }
    std::error_code check_body(byte_view, byte_view) noexcept { return {}; }
    void frame_tag(byte_view, mutable_byte_view) noexcept {}
    std::error_code check_frame(byte_view, byte_view) noexcept { return {}; }
};

}  // namespace polywire::policies
