// RLPx (devp2p) on one screen: the configuration and its session type.
//
//   key agreement  secp256k1 ECIES handshake, EIP-8 and legacy   rlpx/handshake.hpp
//   cipher         AES-256-CTR, zero IV, aes-secret              policies/models/aes_ctr.hpp
//   MAC state      Keccak-256 MAC chain seeded by the handshake  rlpx/mac.hpp
//   frame layout   be24 size | header-data | 16-byte padding     rlpx/framing.hpp
//   compressor     snappy block format, 16 MiB - 1 limit         policies/models/snappy.hpp
//   base protocol  p2p/5: Hello, Disconnect, Ping/Pong, caps     rlpx/p2p/protocol.hpp
#pragma once

#include <boost/hana/map.hpp>
#include <boost/hana/pair.hpp>
#include <boost/hana/type.hpp>

#include "policies/models/aes_ctr.hpp"
#include "policies/models/snappy.hpp"
#include "rlpx/framing.hpp"
#include "rlpx/handshake.hpp"
#include "rlpx/mac.hpp"
#include "rlpx/p2p/protocol.hpp"
#include "transport/session.hpp"

namespace polywire::rlpx {

namespace hana = boost::hana;
namespace role = transport::role;

struct config {
    static constexpr std::string_view name =
        "rlpx/5: secp256k1-ECIES, AES-256-CTR, Keccak-MAC, rlpx-frame, snappy, p2p/5";
    static constexpr auto policies = hana::make_map(
        hana::make_pair(hana::type_c<role::key_agreement>, hana::type_c<handshake>),
        hana::make_pair(hana::type_c<role::cipher>, hana::type_c<polywire::policies::aes_ctr<32>>),
        hana::make_pair(hana::type_c<role::mac_state>, hana::type_c<keccak_mac_chain>),
        hana::make_pair(hana::type_c<role::frame_layout>, hana::type_c<frame_layout>),
        hana::make_pair(hana::type_c<role::compressor>, hana::type_c<polywire::policies::snappy<p2p::max_decompressed_size>>),
        hana::make_pair(hana::type_c<role::base_protocol>, hana::type_c<p2p::p2p_protocol>));
};

using session = transport::session<config>;

}  // namespace polywire::rlpx
