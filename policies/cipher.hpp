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

/// A Cipher must also be constructible from its configuration's secrets.
template <class C, class Secrets>
concept CipherFor = Cipher<C> && std::constructible_from<C, const Secrets&, direction>;

}  // namespace polywire::policies
