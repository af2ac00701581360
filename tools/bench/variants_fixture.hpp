// In-memory session pairs for benchmarks: every variant of the one list
// (variants/all.hpp) as shipped, its peers made by its descriptor; and,
// beside them, configurations with the cipher's backend swapped
// (transport::with_policy), which a descriptor does not know of, with
// their peers made by the same descriptor.
#pragma once

#include "crypto/backend.hpp"
#include "tools/bench/rlpx_fixture.hpp"
#include "crypto/random.hpp"
#include "variants/noise/config.hpp"
#include "variants/noise_xk/config.hpp"
#include "variants/sha256_per_side/config.hpp"
#include "variants/all.hpp"
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

/// Peers of variant V (variants/all.hpp) for sessions of type `Session`:
/// V's own session, or one of V's configuration with a policy swapped
/// (above), whose options have the same members. The options are the
/// descriptor's (V::make_options over fresh keys; the initiator expects
/// the recipient), so a variant added to the list is benchmarked as it is
/// used, with no code here.
template <class V>
struct descriptor_peers {
    template <class Session>
    struct of {
        /// The session code an application message travels with.
        static std::uint64_t message_code() {
            bytes scratch;
            return V::encode(V::first_application_code, {}, scratch).first;
        }
        static inline const std::uint64_t code = message_code();

        static typename V::node_config config(const typename V::private_key& key) {
            auto c = V::make_config(key, transport::timeouts::suggested());
            if constexpr (requires { V::set_application(c, {}, std::string(), true); })
                V::set_application(c, {{"bench", 1, 4}}, "polywire-bench", true);
            return c;
        }
        static typename Session::options convert(typename V::session::options o) {
            if constexpr (std::is_same_v<typename Session::options, typename V::session::options>) {
                return o;
            } else {
                typename Session::options s;
                s.handshake = std::move(o.handshake);
                s.protocol = std::move(o.protocol);
                s.timeouts = o.timeouts;
                s.limits = o.limits;
                s.random = std::move(o.random);
                s.key_log = std::move(o.key_log);
                return s;
            }
        }
        static std::pair<typename Session::options, typename Session::options> make() {
            const auto a = V::generate_key().value(), b = V::generate_key().value();
            return {convert(V::make_options(config(a), V::node_id(b).value()).value()),
                    convert(V::make_options(config(b), std::nullopt).value())};
        }
    };
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

/// A pair of sessions of `Config` whose peers' options come from `Peers`
/// (descriptor_peers<V>::of, or noise_peers).
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
