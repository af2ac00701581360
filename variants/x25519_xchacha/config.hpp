// x25519-xchacha: a secureio-style transport (X25519 + Ed25519 +
// XChaCha20-Poly1305, channels, rekeying, replay window), on one screen.
// Not wire-compatible with secureio: see docs/variants.md.
//
//   key agreement  HELLO/REPLY/PROOF/FINISHED: X25519 ephemerals, session ids,
//                  Ed25519 over the transcript, HKDF-SHA256 (+ PSK),
//                  key confirmation                                     handshake.hpp
//   cipher         XChaCha20-Poly1305, nonce = sender sid || LE64(packet id),
//                  header as associated data                            policies/models/xchacha20_poly1305.hpp
//   MAC state      none (the AEAD authenticates)                        policies/mac_state.hpp
//   frame layout   config:     length-prefixed packets, ids increasing  framing.hpp (stream_layout)
//                  config_udp: one packet per datagram, 1392 B payloads
//                              or what probes find the path carries,
//                              256-id replay window                    framing.hpp (datagram_layout)
//                  both: messages tagged with a channel, several a packet
//   compressor     none                                                 policies/compressor.hpp
//   base protocol  ping/pong, close, X25519 rekey every minute          control.hpp
#pragma once

#include <boost/hana/map.hpp>
#include <boost/hana/pair.hpp>
#include <boost/hana/type.hpp>

#include "policies/compressor.hpp"
#include "policies/mac_state.hpp"
#include "policies/models/xchacha20_poly1305.hpp"
#include "transport/session.hpp"
#include "variants/x25519_xchacha/control.hpp"
#include "variants/x25519_xchacha/error.hpp"
#include "variants/x25519_xchacha/framing.hpp"
#include "variants/x25519_xchacha/handshake.hpp"

namespace polywire::variants::x25519_xchacha {

namespace hana = boost::hana;
namespace role = transport::role;

/// Over a byte stream (TCP).
struct config {
    static constexpr std::string_view name =
        "x25519-xchacha: X25519, Ed25519 transcript signatures, XChaCha20-Poly1305 packets, channels, rekeying";
    static constexpr auto policies = hana::make_map(
        hana::make_pair(hana::type_c<role::key_agreement>, hana::type_c<handshake>),
        hana::make_pair(hana::type_c<role::cipher>, hana::type_c<polywire::policies::xchacha20_poly1305>),
        hana::make_pair(hana::type_c<role::mac_state>, hana::type_c<polywire::policies::no_mac>),
        hana::make_pair(hana::type_c<role::frame_layout>, hana::type_c<stream_layout>),
        hana::make_pair(hana::type_c<role::compressor>, hana::type_c<polywire::policies::no_compression>),
        hana::make_pair(hana::type_c<role::base_protocol>, hana::type_c<control_protocol>));
};

/// Over datagrams (UDP): the same policies with the datagram layout.
using config_udp = transport::with_policy<
    config, role::frame_layout, datagram_layout,
    "x25519-xchacha over UDP: X25519, Ed25519 transcript signatures, XChaCha20-Poly1305 packets, one per datagram, "
    "channels, rekeying">;

using session = transport::session<config>;
using udp_session = transport::session<config_udp>;

}  // namespace polywire::variants::x25519_xchacha
