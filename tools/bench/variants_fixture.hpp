// In-memory session pairs of every configuration, on every primitive
// backend, for benchmarks: the configurations as shipped with the cipher's
// backend swapped (transport::with_policy), and the options of two peers.
#pragma once

#include "crypto/backend.hpp"
#include "tools/bench/rlpx_fixture.hpp"
#include "crypto/random.hpp"
#include "variants/noise/config.hpp"
#include "variants/noise_xk/config.hpp"
#include "variants/sha256_per_side/config.hpp"
#include "variants/x25519_xchacha/config.hpp"

namespace polywire::bench {
namespace role = transport::role;
namespace k1 = crypto::secp256k1;

// ---- configurations, backend swapped --------------------------------------

template <class Backend>
using rlpx_config = transport::with_policy<rlpx::config, role::cipher, policies::aes_ctr<32, Backend>>;
template <class Backend>
using rlpx_nosnappy_config = transport::with_policy<rlpx_config<Backend>, role::compressor, policies::no_compression>;
template <class Backend>
using noise_xk_config = transport::with_policy<variants::noise_xk::config, role::cipher, variants::noise_xk::cipher_on<Backend>>;
template <class Backend>
using sha256_per_side_config =
    transport::with_policy<variants::sha256_per_side::config, role::cipher, policies::aes_ctr<16, Backend>>;
template <class Backend>
using x25519_xchacha_config = transport::with_policy<variants::x25519_xchacha::config, role::cipher,
                                                     policies::basic_xchacha20_poly1305<Backend>>;
template <class Backend>
using x25519_xchacha_udp_config = transport::with_policy<variants::x25519_xchacha::config_udp, role::cipher,
                                                         policies::basic_xchacha20_poly1305<Backend>>;

// ---- options of two peers ------------------------------------------------

template <class Session>
struct rlpx_peers {
    static constexpr std::uint64_t code = 0x10;
    static std::pair<typename Session::options, typename Session::options> make() {
        const auto a = k1::generate_private_key().value(), b = k1::generate_private_key().value();
        return {rlpx_options<Session>(a, k1::derive_public_key(b).value()), rlpx_options<Session>(b, std::nullopt)};
    }
};

template <class Session>
struct noise_xk_peers {
    static constexpr std::uint64_t code = 0;
    static std::pair<typename Session::options, typename Session::options> make() {
        typename Session::options a, b;
        a.handshake.static_key = k1::generate_private_key().value();
        b.handshake.static_key = k1::generate_private_key().value();
        a.handshake.static_public_key = k1::derive_compressed_public_key(*a.handshake.static_key).value();
        b.handshake.static_public_key = k1::derive_compressed_public_key(*b.handshake.static_key).value();
        a.handshake.remote_static = b.handshake.static_public_key;
        return {std::move(a), std::move(b)};
    }
};

template <class Session>
struct sha256_per_side_peers {
    static constexpr std::uint64_t code = 0;
    static std::pair<typename Session::options, typename Session::options> make() {
        typename Session::options a, b;
        a.protocol.node_key = k1::generate_private_key().value();
        b.protocol.node_key = k1::generate_private_key().value();
        a.protocol.node_id = k1::derive_compressed_public_key(a.protocol.node_key).value();
        b.protocol.node_id = k1::derive_compressed_public_key(b.protocol.node_key).value();
        a.protocol.expected_remote_id = b.protocol.node_id;
        return {std::move(a), std::move(b)};
    }
};

template <class Session>
struct x25519_xchacha_peers {
    static constexpr std::uint64_t code = 1;  // an application channel
    static std::pair<typename Session::options, typename Session::options> make() {
        typename Session::options a, b;
        a.handshake.identity = crypto::ed25519::private_key::generate().value();
        b.handshake.identity = crypto::ed25519::private_key::generate().value();
        a.handshake.expected_remote = b.handshake.identity.public_key();
        return {std::move(a), std::move(b)};
    }
};

/// Noise configurations (policies/noise): both static keys fresh, the
/// responder's static key given to the initiator when the pattern's
/// pre-message holds it (XK, IK).
template <class Session>
struct noise_peers {
    static constexpr std::uint64_t code = 0;  // no code on the wire
    static std::pair<typename Session::options, typename Session::options> make() {
        using ka = typename Session::key_agreement;
        using dh = typename ka::suite::dh;
        typename Session::options a, b;
        typename ka::private_key ka_key, kb_key;
        (void)crypto::random_bytes(ka_key.mutable_view());
        (void)crypto::random_bytes(kb_key.mutable_view());
        a.handshake.static_key = ka_key;
        b.handshake.static_key = kb_key;
        a.handshake.static_public_key = dh::public_key_of(ka_key).value();
        b.handshake.static_public_key = dh::public_key_of(kb_key).value();
        if constexpr (ka::pattern::desc.pre_responder.has(noise::token::s))
            a.handshake.remote_static = b.handshake.static_public_key;
        return {std::move(a), std::move(b)};
    }
};

/// A pair of sessions of `Config` whose peers' options come from `Peers`.
template <class Config, template <class> class Peers>
struct config_pair : pair_of<transport::session<Config>> {
    using session = transport::session<Config>;
    using peers = Peers<session>;
    config_pair() : config_pair(peers::make()) {}
    /// A pair of peers with these options (a copy of each).
    explicit config_pair(std::pair<typename session::options, typename session::options> o)
        : pair_of<session>(std::move(o.first), std::move(o.second)) {}
};

}  // namespace polywire::bench
