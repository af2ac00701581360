// hmac_sha256<BadMac>: a MacState model — HMAC-SHA256 under a fixed
// 32-byte key per direction, 32-byte tags, encrypt-then-MAC over the
// ciphertext as sent. It serves both frame shapes: one tag over the whole
// frame (`leading`, the 2016 c-lightning transport) or one per part.
//
// The key comes from the configuration's secrets through a free function
// found by argument-dependent lookup next to the secrets type:
//     byte_view mac_key(const Secrets&, direction);
// `BadMac` is the protocol's error code for a tag mismatch (an enum value
// registered with std::is_error_code_enum). Tags are compared in constant
// time; computing one never allocates (the key schedule is done once).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string_view>
#include <system_error>

#include "policies/key_agreement.hpp"
#include "transport/bytes.hpp"

namespace polywire::policies {

namespace detail {
/// HMAC-SHA256 keyed once (Botan behind a non-template class).
class keyed_hmac_sha256 {
public:
    explicit keyed_hmac_sha256(byte_view key);
    ~keyed_hmac_sha256();
    keyed_hmac_sha256(keyed_hmac_sha256&&) noexcept;
    keyed_hmac_sha256& operator=(keyed_hmac_sha256&&) noexcept;

    /// HMAC(key, data) into out (32 bytes).
    void tag(byte_view data, mutable_byte_view out) noexcept;
    /// Whether HMAC(key, data) equals `tag`, compared in constant time.
    bool check(byte_view data, byte_view tag) noexcept;

private:
    struct impl;
    std::unique_ptr<impl> p_;
};
}  // namespace detail

template <auto BadMac>
class hmac_sha256 {
public:
    static constexpr std::string_view name = "HMAC-SHA256";
    static constexpr std::size_t tag_size = 32;

    template <class Secrets>
        requires has_mac_key<Secrets>
    hmac_sha256(const Secrets& s, direction d) : mac_(mac_key(s, d)) {}

    // Whole frame (leading tag).
    void frame_tag(byte_view covered, mutable_byte_view tag_out) noexcept { mac_.tag(covered, tag_out); }
    std::error_code check_frame(byte_view covered, byte_view tag) noexcept { return check(covered, tag); }

    // Per part.
    void header_tag(byte_view ct, mutable_byte_view tag_out) noexcept { mac_.tag(ct, tag_out); }
    void body_tag(byte_view ct, mutable_byte_view tag_out) noexcept { mac_.tag(ct, tag_out); }
    std::error_code check_header(byte_view ct, byte_view tag) noexcept { return check(ct, tag); }
    std::error_code check_body(byte_view ct, byte_view tag) noexcept { return check(ct, tag); }

private:
    std::error_code check(byte_view data, byte_view tag) noexcept {
        return mac_.check(data, tag) ? std::error_code{} : std::error_code(BadMac);
    }

    detail::keyed_hmac_sha256 mac_;
};

}  // namespace polywire::policies
