// sha256-per-side — c-lightning's 2016 "inter-node crypto version 3"
// (commit 74f294e3) on one screen: the configuration and its session type.
//
//   key agreement  33-byte secp256k1 session keys in clear, ECDH-SHA256  handshake.hpp, key_schedule.hpp
//   cipher         AES-128-CTR, key/IV per sender, one keystream/side  policies/models/aes_ctr.hpp
//   MAC state      HMAC-SHA256 over le64 totlen | ciphertext            policies/models/hmac_sha256.hpp
//   frame layout   hmac | le64 totlen | data padded to 16 (leading MAC)  framing.hpp
//   compressor     none                                                  policies/compressor.hpp
//   base protocol  Authenticate first each way, then opaque messages    authenticate.hpp
//
// The session keys are not authenticated by anything: see docs/variants.md.
#pragma once

#include <boost/hana/map.hpp>
#include <boost/hana/pair.hpp>
#include <boost/hana/type.hpp>

#include "policies/compressor.hpp"
#include "policies/models/aes_ctr.hpp"
#include "policies/models/hmac_sha256.hpp"
#include "transport/session.hpp"
#include "variants/sha256_per_side/authenticate.hpp"
#include "variants/sha256_per_side/error.hpp"
#include "variants/sha256_per_side/framing.hpp"
#include "variants/sha256_per_side/handshake.hpp"

namespace polywire::variants::sha256_per_side {

namespace hana = boost::hana;
namespace role = transport::role;

struct config {
    static constexpr std::string_view name =
        "sha256-per-side (c-lightning 2016 v3): secp256k1 session keys, AES-128-CTR, HMAC-SHA256, "
        "le64 totlen, Authenticate";
    static constexpr auto policies = hana::make_map(
        hana::make_pair(hana::type_c<role::key_agreement>, hana::type_c<handshake>),
        hana::make_pair(hana::type_c<role::cipher>, hana::type_c<polywire::policies::aes_ctr<16>>),
        hana::make_pair(hana::type_c<role::mac_state>, hana::type_c<polywire::policies::hmac_sha256<errc::bad_mac>>),
        hana::make_pair(hana::type_c<role::frame_layout>, hana::type_c<totlen_framing>),
        hana::make_pair(hana::type_c<role::compressor>, hana::type_c<polywire::policies::no_compression>),
        hana::make_pair(hana::type_c<role::base_protocol>, hana::type_c<authenticate_protocol>));
};

using session = transport::session<config>;

}  // namespace polywire::variants::sha256_per_side
