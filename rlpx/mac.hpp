// §MAC: keccak_mac_chain, RLPx's MacState model.
//
// Each direction keeps a running Keccak-256 state (seeded by the handshake:
// see rlpx/handshake.hpp) and an AES-256 block cipher keyed with mac-secret:
//   header-mac = keccak.update(aes(mac-secret, keccak.digest()[:16]) ^ header-ct).digest()[:16]
//   frame-mac  = keccak.update(frame-ct);
//                seed = keccak.digest();
//                keccak.update(aes(mac-secret, seed[:16]) ^ seed[:16]).digest()[:16]
// Four Keccak-256 digests per frame: the header's seed and tag, the body's
// seed (read once, used both as the AES input and as the XOR mask, as
// go-ethereum's hashMAC does) and tag.
// Ingress checks compare in constant time, before the session decrypts.
#pragma once

#include <algorithm>
#include <array>
#include <string_view>

#include "crypto/aes.hpp"
#include "crypto/hash.hpp"
#include "policies/key_agreement.hpp"
#include "rlpx/error.hpp"
#include "rlpx/secrets.hpp"

namespace polywire::rlpx {

/// `Hash` is crypto::keccak256 (a wrapper with its interface lets the tests
/// count digests).
template <class Hash>
class basic_keccak_mac_chain {
public:
    static constexpr std::string_view name = "Keccak-256 MAC chain";
    static constexpr std::size_t tag_size = 16;

    basic_keccak_mac_chain(const secrets& s, policies::direction d)
        : hash_(d == policies::direction::egress ? s.egress_mac : s.ingress_mac), aes_(s.mac_secret.view()) {}

    void header_tag(byte_view header_ct, mutable_byte_view tag_out) noexcept {
        update_with_seed(hash_.digest(), header_ct.first(16));
        write_tag(tag_out);
    }
    void body_tag(byte_view body_ct, mutable_byte_view tag_out) noexcept {
        hash_.update(body_ct);
        const auto seed = hash_.digest();
        update_with_seed(seed, byte_view(seed.data(), 16));
        write_tag(tag_out);
    }
    std::error_code check_header(byte_view header_ct, byte_view tag) noexcept {
        std::array<std::uint8_t, 16> want;
        header_tag(header_ct, want);
        return constant_time_equal(want, tag) ? std::error_code{} : make_error_code(errc::bad_header_mac);
    }
    std::error_code check_body(byte_view body_ct, byte_view tag) noexcept {
        std::array<std::uint8_t, 16> want;
        body_tag(body_ct, want);
        return constant_time_equal(want, tag) ? std::error_code{} : make_error_code(errc::bad_frame_mac);
    }

private:
    // keccak.update(aes(mac-secret, seed[:16]) ^ x), seed = keccak.digest()
    void update_with_seed(crypto::digest32 d, byte_view x16) noexcept {
        aes_.encrypt(d.data());
        for (std::size_t i = 0; i < 16; ++i) d[i] ^= x16[i];
        hash_.update(byte_view(d.data(), 16));
    }
    void write_tag(mutable_byte_view out) noexcept {
        auto d = hash_.digest();
        std::copy_n(d.begin(), 16, out.begin());
    }

    Hash hash_;
    crypto::aes256_block aes_;
};

using keccak_mac_chain = basic_keccak_mac_chain<crypto::keccak256>;

}  // namespace polywire::rlpx
