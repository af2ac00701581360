#include "variants/noise_xk/variant.hpp"

namespace polywire::variants::noise_xk {

namespace k1 = crypto::secp256k1;

session::options make_options(const node_config& cfg, std::optional<k1::compressed_public_key> remote) {
    session::options o;
    o.handshake.static_key = cfg.key;
    if (auto id = k1::derive_compressed_public_key(cfg.key)) o.handshake.static_public_key = id.value();
    o.handshake.remote_static = remote;
    o.timeouts = cfg.timeouts;
    o.limits = cfg.limits;
    o.random = cfg.random;
    o.key_log = cfg.key_log;
    return o;
}

}  // namespace polywire::variants::noise_xk
