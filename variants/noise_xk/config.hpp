// noise-xk: Lightning's BOLT 8 transport, Noise_XK_secp256k1_ChaChaPoly_SHA256,
// on one screen.
//
//   key agreement  Noise XK acts 50/50/66 B, secp256k1, "lightning"  variants/noise_xk/handshake.hpp
//   cipher         ChaCha20-Poly1305 IETF, nonce 0^32 || LE64(n),
//                  rekey ck', k' = HKDF(ck, k) every 1000 nonces     policies/models/chacha20_poly1305.hpp
//   MAC state      none (the AEAD tags authenticate)                 policies/mac_state.hpp
//   frame layout   enc(be16 len) | enc(payload), len <= 65535        variants/noise_xk/framing.hpp
//   compressor     none                                              policies/compressor.hpp
//   base protocol  none (BOLT 1 messages ride inside the payload)    policies/base_protocol.hpp
#pragma once

#include <boost/hana/map.hpp>
#include <boost/hana/pair.hpp>
#include <boost/hana/type.hpp>

#include "policies/compressor.hpp"
#include "policies/mac_state.hpp"
#include "policies/models/chacha20_poly1305.hpp"
#include "transport/session.hpp"
#include "variants/noise_xk/error.hpp"
#include "variants/noise_xk/framing.hpp"
#include "variants/noise_xk/handshake.hpp"

namespace polywire::variants::noise_xk {

namespace hana = boost::hana;
namespace role = transport::role;

/// BOLT 8: each key rotates when its nonce reaches 1000.
inline constexpr std::uint64_t rekey_interval = 1000;

struct config {
    static constexpr std::string_view name = "noise-xk (BOLT 8): Noise_XK_secp256k1_ChaChaPoly_SHA256";
    static constexpr auto policies = hana::make_map(
        hana::make_pair(hana::type_c<role::key_agreement>, hana::type_c<handshake>),
        hana::make_pair(hana::type_c<role::cipher>, hana::type_c<polywire::policies::chacha20_poly1305<rekey_interval>>),
        hana::make_pair(hana::type_c<role::mac_state>, hana::type_c<polywire::policies::no_mac>),
        hana::make_pair(hana::type_c<role::frame_layout>, hana::type_c<frame_layout>),
        hana::make_pair(hana::type_c<role::compressor>, hana::type_c<polywire::policies::no_compression>));
};

using session = transport::session<config>;

}  // namespace polywire::variants::noise_xk
