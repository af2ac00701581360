// libp2p's Noise secure channel (libp2p specs, noise/README.md) as a
// configuration of the generic Noise key agreement, on one screen:
//
//   Noise_XX_25519_ChaChaPoly_SHA256, empty prologue:
//
//   key agreement  noise::handshake<XX, 25519/ChaChaPoly/SHA256> with libp2p's
//                  payload in messages 2 and 3 (identity key, signature
//                  over the static key, stream muxers)          handshake.hpp
//   cipher         the transport CipherState: AEAD, nonce n, no AD   policies/noise/transport.hpp
//   MAC state      none (the AEAD tags authenticate)                 policies/mac_state.hpp
//   frame layout   be16 length | ciphertext, at most 65535 bytes
//                  (65,519 B of plaintext)                           policies/noise/transport.hpp
//   compressor     none                                              policies/compressor.hpp
//
// Handshake messages travel behind the same 2-byte big-endian length
// (libp2p_noise::framing: noise::length_prefixed, refusing a handshake
// message over 8,192 bytes at its length). The payload protobuf is protobuf.hpp, keys and
// peer ids identity.hpp, the descriptor (keys, multiaddrs) variant.hpp.
#pragma once

#include <boost/hana/map.hpp>
#include <boost/hana/pair.hpp>
#include <boost/hana/type.hpp>

#include "policies/compressor.hpp"
#include "policies/mac_state.hpp"
#include "policies/noise/transport.hpp"
#include "transport/session.hpp"
#include "variants/libp2p_noise/handshake.hpp"

namespace polywire::variants::libp2p_noise {

namespace hana = boost::hana;
namespace role = transport::role;

struct config {
    static constexpr std::string_view name = noise_handshake::name;  // "Noise_XX_25519_ChaChaPoly_SHA256"
    static constexpr auto policies = hana::make_map(
        hana::make_pair(hana::type_c<role::key_agreement>, hana::type_c<handshake>),
        hana::make_pair(hana::type_c<role::cipher>, hana::type_c<noise::transport_cipher<suite::cipher>>),
        hana::make_pair(hana::type_c<role::mac_state>, hana::type_c<polywire::policies::no_mac>),
        hana::make_pair(hana::type_c<role::frame_layout>, hana::type_c<noise::frame_layout>),
        hana::make_pair(hana::type_c<role::compressor>, hana::type_c<polywire::policies::no_compression>));
};

using session = transport::session<config>;

}  // namespace polywire::variants::libp2p_noise
