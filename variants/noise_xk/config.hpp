// noise-xk: Lightning's BOLT 8 transport, Noise_XK_secp256k1_ChaChaPoly_SHA256:
// the generic Noise handshake and transport cipher with BOLT 8's parts as
// their policies, on one screen.
//
//   key agreement  noise::handshake over pattern::XK                  policies/noise/handshake.hpp
//     DH           secp256k1, 33-byte compressed keys,
//                  DH = SHA-256 of the compressed shared point        variants/noise_xk/dh.hpp
//     cipher, hash ChaChaPoly, SHA256                                 policies/noise/suite.hpp
//     framing      acts 50/50/66 B behind version byte 0, BOLT 8's
//                  errors by act (version, then key, then tag)        variants/noise_xk/acts.hpp
//     profile      prologue "lightning", remote id = the peer's
//                  33-byte static key, NOISE_XK_* key log labels      variants/noise_xk/acts.hpp
//   cipher         ChaCha20-Poly1305, nonce 0^32 || LE64(n); each
//                  direction rotates when n reaches 1000:
//                  ck', k' = HKDF(ck, k), from the final ck, HMAC
//                  from libsodium (no allocation)                    policies/noise/transport.hpp
//   MAC state      none (the AEAD tags authenticate)                 policies/mac_state.hpp
//   frame layout   enc(be16 len) | enc(payload), len <= 65535        variants/noise_xk/framing.hpp
//   compressor     none                                              policies/compressor.hpp
//   base protocol  none (BOLT 1 messages ride inside the payload)    policies/base_protocol.hpp
#pragma once

#include <boost/hana/map.hpp>
#include <boost/hana/pair.hpp>
#include <boost/hana/type.hpp>

#include "crypto/backend.hpp"
#include "policies/compressor.hpp"
#include "policies/mac_state.hpp"
#include "policies/noise/handshake.hpp"
#include "policies/noise/transport.hpp"
#include "transport/session.hpp"
#include "variants/noise_xk/acts.hpp"
#include "variants/noise_xk/dh.hpp"
#include "variants/noise_xk/error.hpp"
#include "variants/noise_xk/framing.hpp"

namespace polywire::variants::noise_xk {

namespace hana = boost::hana;
namespace role = transport::role;

using suite = noise::suite<secp256k1_dh, noise::chachapoly, noise::sha256>;
using handshake = noise::handshake<noise::pattern::XK, suite, act_framing, profile>;
using secrets = handshake::secrets;

/// BOLT 8: each key rotates when its nonce reaches 1000.
inline constexpr std::uint64_t rekey_interval = 1000;
/// The transport cipher with the AEAD of `Backend` (crypto/backend.hpp).
/// Its rotation's HKDF is SHA256's from libsodium (sha256_on_stack), which
/// never allocates; OpenSSL's, which the handshake uses, would at every
/// rotation.
template <class Backend>
using cipher_on = noise::transport_cipher<noise::chachapoly_on<Backend>,
                                          noise::hkdf_rotation<noise::sha256_on_stack, rekey_interval>>;

struct config {
    static constexpr std::string_view name = "noise-xk (BOLT 8): Noise_XK_secp256k1_ChaChaPoly_SHA256";
    static constexpr auto policies = hana::make_map(
        hana::make_pair(hana::type_c<role::key_agreement>, hana::type_c<handshake>),
        hana::make_pair(hana::type_c<role::cipher>, hana::type_c<cipher_on<crypto::default_chacha20_poly1305_backend>>),
        hana::make_pair(hana::type_c<role::mac_state>, hana::type_c<polywire::policies::no_mac>),
        hana::make_pair(hana::type_c<role::frame_layout>, hana::type_c<frame_layout>),
        hana::make_pair(hana::type_c<role::compressor>, hana::type_c<polywire::policies::no_compression>));
};

using session = transport::session<config>;

}  // namespace polywire::variants::noise_xk
