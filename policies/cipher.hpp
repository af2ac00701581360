// Cipher: encrypts one direction's frames in place.
//
// What it provides: built from the handshake's `secrets` and a direction,
// it is stateful (its keystream or nonce advances), so the session owns one
// per direction. `tag_size` is 0 for a pure stream cipher (RLPx's
// AES-256-CTR, whose integrity comes from the MacState) and 16 for an AEAD,
// whose tag travels right after each sealed part.
//   * `seal(inout, tag_out)` encrypts in place and writes `tag_size` bytes.
//   * `open(inout, tag_in)` verifies the tag (if any) before it releases
//     plaintext; on failure it returns the protocol's error code and
//     `inout` must not be used.
// Who calls it: transport::session, only in state `established` or while
// the base protocol's greeting is exchanged, header first, then body.
//
// Optional hook. A Cipher that cannot seal in some direction (the responder
// of a one-way Noise pattern has no key to send with) declares
//   static constexpr bool checks_sealing = true;
// and provides `sealable() const noexcept -> std::error_code`: {} when
// seal() would seal, else the error session::send returns before anything
// is written (the session stays open). As with the base protocol's hooks,
// transport::check_config checks the declared hook's signature and refuses
// a sealable() defined without the declaration.
//
// Optional overload. `seal(in, out, tag_out) noexcept` encrypts `in` into
// `out` (as long, apart), the same as copying `in` to `out` and sealing
// there, but reading the plaintext once: the session seals a message
// straight from the caller's payload into its output when the Cipher has
// it (seals_out_of_place below; transport/frame_codec.hpp).
#pragma once

#include <concepts>
#include <cstddef>
#include <string_view>
#include <system_error>

#include "policies/key_agreement.hpp"
#include "transport/bytes.hpp"

namespace polywire::policies {

template <class C>
concept Cipher = requires(C c, mutable_byte_view inout, mutable_byte_view tag_out, byte_view tag_in) {
    { C::name } -> std::convertible_to<std::string_view>;
    { C::tag_size } -> std::convertible_to<std::size_t>;
    { c.seal(inout, tag_out) } noexcept;
    { c.open(inout, tag_in) } noexcept -> std::same_as<std::error_code>;
};

/// Whether C declares `checks_sealing` (true).
template <class C>
constexpr bool declares_sealing_check() noexcept {
    if constexpr (requires { { C::checks_sealing } -> std::convertible_to<bool>; }) return C::checks_sealing;
    else return false;
}
/// The sealing check's exact signature.
template <class C>
constexpr bool sealing_check_ok = requires(const C& c) {
    { c.sealable() } noexcept -> std::same_as<std::error_code>;
};
/// A sealable() under any signature (refused unless declared).
template <class C>
constexpr bool defines_sealing_check = requires { &C::sealable; };
/// Whether the session asks C before sealing (declared and well-formed).
template <class C>
constexpr bool has_sealing_check = declares_sealing_check<C>() && sealing_check_ok<C>;

/// Whether C also seals out of place (see the top).
template <class C>
concept seals_out_of_place = requires(C c, byte_view in, mutable_byte_view out, mutable_byte_view tag_out) {
    { c.seal(in, out, tag_out) } noexcept;
};

/// A Cipher must also be constructible from its configuration's secrets.
template <class C, class Secrets>
concept CipherFor = Cipher<C> && std::constructible_from<C, const Secrets&, direction>;

}  // namespace polywire::policies
