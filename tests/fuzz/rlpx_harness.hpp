// Sessions for the RLPx fuzz targets: fixed keys and preset secrets, so a
// fuzz input reaches the frame reader and everything behind it.
#pragma once

#include "rlpx/config.hpp"
#include "tests/support/preset_key_agreement.hpp"

namespace polywire::fuzz {

namespace role = transport::role;

/// RLPx with the handshake replaced by preset secrets: the frame reader,
/// the p2p protocol and snappy are the real ones.
using reader_config = transport::with_policy<rlpx::config, role::key_agreement, test::preset_key_agreement<rlpx::secrets>>;
/// The same secrets with no p2p protocol and no compression: writes any
/// frame at all (what a hostile peer can do once keys are agreed).
using writer_config = transport::with_policy<
    transport::with_policy<reader_config, role::base_protocol, policies::no_base_protocol>, role::compressor,
    policies::no_compression>;

inline const crypto::secp256k1::private_key& peer_key() {
    static const auto k = crypto::secp256k1::parse_private_key(bytes(32, 0x11)).value();
    return k;
}
inline const crypto::secp256k1::private_key& local_key() {
    static const auto k = crypto::secp256k1::parse_private_key(bytes(32, 0x22)).value();
    return k;
}

inline rlpx::secrets fixed_secrets() {
    rlpx::secrets s;
    s.aes_secret = secret<32>(crypto::keccak256::hash(as_bytes("aes")));
    s.mac_secret = secret<32>(crypto::keccak256::hash(as_bytes("mac")));
    s.egress_mac.update(as_bytes("one direction"));
    s.ingress_mac.update(as_bytes("one direction"));  // the writer's egress is the reader's ingress
    s.remote_id = crypto::secp256k1::derive_public_key(peer_key()).value();
    return s;
}

template <class Config>
transport::session<Config> make_session() {
    typename transport::session<Config>::options o;
    o.handshake.secrets_for_testing_only = fixed_secrets();
    if constexpr (std::is_same_v<Config, reader_config>) {
        o.protocol.capabilities = {{"fuzz", 1, 8}};
        o.protocol.node_id = crypto::secp256k1::derive_public_key(local_key()).value();
    }
    o.limits.max_input_buffer = 1 << 20;
    transport::session<Config> s(policies::handshake_role::recipient, std::move(o));
    (void)s.start(transport::time_point{});
    while (s.next_event()) {
    }
    s.consume_output(s.pending_output().size());
    return s;
}

/// A Hello from the peer, as the payload of code 0.
inline bytes peer_hello() {
    rlpx::p2p::hello h;
    h.client_id = "fuzz";
    h.caps = {{"fuzz", 1}};
    h.node_id = crypto::secp256k1::derive_public_key(peer_key()).value();
    return rlpx::p2p::encode(h);
}

template <class Session>
void drain(Session& s) {
    while (auto e = s.next_event()) {
        volatile std::size_t sink = e->payload.size();
        (void)sink;
    }
}

}  // namespace polywire::fuzz
