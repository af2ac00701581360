// What the libp2p-noise fuzz targets share: fixed identities and the Noise
// keys each role draws (static key, then ephemeral key), so that the seeds
// follow the success path.
#pragma once

#include "tests/support/replay_random.hpp"
#include "variants/libp2p_noise/handshake.hpp"

namespace polywire::fuzz {

/// The handshake of `initiator` (or the responder) with fixed keys.
inline variants::libp2p_noise::handshake libp2p_handshake(bool initiator) {
    namespace lp = variants::libp2p_noise;
    static const auto id_i = lp::private_key::from_ed25519_seed(bytes(32, 0x01)).value();
    static const auto id_r = lp::private_key::from_secp256k1(bytes(32, 0x02)).value();
    static const bytes draws_i = [] {
        bytes b(32, 0x11);
        b.insert(b.end(), 32, 0x12);
        return b;
    }();
    static const bytes draws_r = [] {
        bytes b(32, 0x21);
        b.insert(b.end(), 32, 0x22);
        return b;
    }();
    lp::handshake::options o;
    o.identity = initiator ? id_i : id_r;
    o.stream_muxers = {"/yamux/1.0.0"};
    if (initiator) o.expected_peer = lp::peer_id::from_public_key(id_r.public_key()).value();
    return lp::handshake(initiator ? policies::handshake_role::initiator : policies::handshake_role::recipient, o,
                         {.random = test::replay(initiator ? draws_i : draws_r)});
}

}  // namespace polywire::fuzz
