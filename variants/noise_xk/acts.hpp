// BOLT 8's acts as the policies of the generic Noise handshake
// (policies/noise/handshake.hpp) over pattern XK:
//
//   -> Act One   (50 B) initiator: 0 || e.pub || tag        (e, es)
//   <- Act Two   (50 B) responder: 0 || e.pub || tag        (e, ee)
//   -> Act Three (66 B) initiator: 0 || enc(s.pub) || tag   (s, se)
//
// act_framing: each act behind its version byte 0 and of the fixed size
// its tokens give (nothing is read until the whole act is there: the
// session's handshake deadline bounds the wait), and every failure of an
// act named as BOLT 8's Appendix A names it, in the spec's order: the
// version, then the key, then the tag (noise_xk::errc).
//
// profile: the prologue "lightning", the peer's 33-byte static key as the
// session's remote id, and the key log's NOISE_XK_* labels (the handshake's
// static and ephemeral keys, its chaining key and current key; derived: the
// sending key sk, the receiving key rk and the final chaining key ck).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <system_error>

#include "crypto/secp256k1.hpp"
#include "policies/noise/error.hpp"
#include "policies/noise/handshake.hpp"
#include "transport/bytes.hpp"
#include "transport/result.hpp"
#include "variants/noise_xk/error.hpp"

namespace polywire::variants::noise_xk {

inline constexpr std::uint8_t handshake_version = 0;
inline constexpr std::size_t act1_size = 50;
inline constexpr std::size_t act2_size = 50;
inline constexpr std::size_t act3_size = 66;

struct act_framing {
    static constexpr std::size_t header_size = 1;  ///< the version byte

    static void write_header(std::size_t, mutable_byte_view h) noexcept { h[0] = handshake_version; }

    /// An act is as long as its tokens with an empty payload.
    static result<std::size_t> body_size(byte_view h, std::size_t minimum) noexcept {
        if (h[0] != handshake_version) return make_error_code(noise::errc::unsupported_version);
        return minimum;
    }

    static constexpr bool names_failures = true;
    /// Act `act + 1`'s failure at `site` as BOLT 8 names it.
    static std::error_code name_failure(std::size_t act, noise::failure_site site, std::error_code ec) noexcept {
        using noise::failure_site;
        if (act > 2) return ec;
        switch (site) {
            case failure_site::header:
                return act == 0 ? errc::act1_bad_version : act == 1 ? errc::act2_bad_version : errc::act3_bad_version;
            case failure_site::ephemeral_key: return act == 0 ? errc::act1_bad_pubkey : errc::act2_bad_pubkey;
            case failure_site::static_key_ciphertext: return errc::act3_bad_ciphertext;
            case failure_site::static_key: return errc::act3_bad_pubkey;
            case failure_site::payload:
                return act == 0 ? errc::act1_bad_tag : act == 1 ? errc::act2_bad_tag : errc::act3_bad_tag;
            case failure_site::remote_static: return errc::wrong_remote_identity;
        }
        return ec;
    }
};

struct profile : noise::default_profile {
    static constexpr std::string_view prologue = "lightning";
    using remote_id = crypto::secp256k1::compressed_public_key;
    static remote_id make_remote_id(byte_view remote_static, byte_view /*handshake_hash*/) noexcept {
        remote_id id{};
        std::copy_n(remote_static.begin(), std::min(remote_static.size(), id.size()), id.begin());
        return id;
    }
    static constexpr noise::key_labels labels{
        .static_private_key = "NOISE_XK_STATIC_PRIVATE_KEY",
        .ephemeral_private_key = "NOISE_XK_EPHEMERAL_PRIVATE_KEY",
        .chaining_key = "NOISE_XK_HANDSHAKE_CK",
        .handshake_key = "NOISE_XK_HANDSHAKE_K",
        .sending_key = "NOISE_XK_SK",
        .receiving_key = "NOISE_XK_RK",
        .final_chaining_key = "NOISE_XK_CK",
    };
};

}  // namespace polywire::variants::noise_xk
