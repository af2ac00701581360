// Noise: any handshake pattern and suite of the Noise Protocol Framework
// (noiseprotocol.org, revision 34) as a configuration, on one screen.
//
//   noise::config<noise::pattern::XX, noise::suite<noise::dh25519, noise::chachapoly, noise::sha256>>
//   is Noise_XX_25519_ChaChaPoly_SHA256:
//
//   key agreement  HandshakeState over the pattern's tokens          policies/noise/handshake.hpp
//   cipher         the transport CipherState: AEAD, nonce n, no AD   policies/noise/transport.hpp
//   MAC state      none (the AEAD tags authenticate)                 policies/mac_state.hpp
//   frame layout   be16 length | ciphertext, at most 65535 bytes     policies/noise/transport.hpp
//   compressor     none                                              policies/compressor.hpp
//   base protocol  none                                              policies/base_protocol.hpp
//
// Handshake messages travel behind the same 2-byte length. docs/noise.md
// says how a pattern is written and which library computes each primitive.
#pragma once

#include <boost/hana/map.hpp>
#include <boost/hana/pair.hpp>
#include <boost/hana/type.hpp>

#include "policies/compressor.hpp"
#include "policies/mac_state.hpp"
#include "policies/noise/handshake.hpp"
#include "policies/noise/transport.hpp"
#include "transport/session.hpp"

namespace polywire::noise {

namespace hana = boost::hana;
namespace role = transport::role;

template <class Pattern, class Suite>
struct config {
    static constexpr std::string_view name = protocol_name<Pattern, Suite>;
    static constexpr auto policies = hana::make_map(
        hana::make_pair(hana::type_c<role::key_agreement>, hana::type_c<handshake<Pattern, Suite>>),
        hana::make_pair(hana::type_c<role::cipher>, hana::type_c<transport_cipher<typename Suite::cipher>>),
        hana::make_pair(hana::type_c<role::mac_state>, hana::type_c<polywire::policies::no_mac>),
        hana::make_pair(hana::type_c<role::frame_layout>, hana::type_c<frame_layout>),
        hana::make_pair(hana::type_c<role::compressor>, hana::type_c<polywire::policies::no_compression>));
};

template <class Pattern, class Suite>
using session = transport::session<config<Pattern, Suite>>;

}  // namespace polywire::noise
