#include "rlpx/variant.hpp"

namespace polywire::rlpx {

namespace k1 = crypto::secp256k1;

result<session::options> make_options(const node_config& cfg, std::optional<k1::public_key> remote) {
    auto id = k1::derive_public_key(cfg.key);
    if (!id) return id.error();
    session::options o;
    o.handshake.static_key = cfg.key;
    o.handshake.remote_id = remote;
    o.handshake.static_public_key = id.value();
    o.protocol.client_id = cfg.client_id;
    o.protocol.capabilities = cfg.capabilities;
    o.protocol.listen_port = cfg.listen_port;
    o.protocol.protocol_version = cfg.protocol_version;
    o.protocol.node_id = id.value();
    o.protocol.hello_node_id_for_testing_only = cfg.hello_node_id_for_testing_only;
    o.timeouts = cfg.timeouts;
    o.limits = cfg.limits;
    o.random = cfg.random;
    o.key_log = cfg.key_log;
    return o;
}

std::error_code connection::send(std::string_view capability, std::uint64_t code, byte_view payload) {
    const auto* cap = p2p::find_by_name(session().peer().shared, capability);
    if (cap == nullptr) return make_error_code(errc::no_shared_capability);
    if (code >= cap->length) return make_error_code(transport::errc::invalid_argument);
    return blocking_socket::send(cap->offset + code, payload);
}

std::optional<std::pair<const p2p::shared_capability*, std::uint64_t>> connection::resolve(std::uint64_t wire_code) {
    const auto* cap = p2p::find_by_code(session().peer().shared, wire_code);
    if (cap == nullptr) return std::nullopt;
    return std::make_pair(cap, wire_code - cap->offset);
}

}  // namespace polywire::rlpx
