// Sessions for the sha256-per-side fuzz targets: the keys of the derived
// vectors (tests/vectors/clightning-v3-derived-vectors.json), so the seeds
// (the vectors' session keys and packets) follow the success path. Node A
// is the initiator, node B the recipient; every reader here is B unless a
// target picks A.
#pragma once

#include "policies/base_protocol.hpp"
#include "tests/support/hex.hpp"
#include "tests/support/preset_key_agreement.hpp"
#include "variants/sha256_per_side/config.hpp"

namespace polywire::fuzz::sha256 {

namespace sps = variants::sha256_per_side;
namespace k1 = crypto::secp256k1;
namespace role = transport::role;

// vectors.inputs
inline constexpr const char* a_node_priv = "1111111111111111111111111111111111111111111111111111111111111111";
inline constexpr const char* a_node_id = "034f355bdcb7cc0af728ef3cceb9615d90684bb5b2ca5f859ab0f0b704075871aa";
inline constexpr const char* b_node_priv = "2121212121212121212121212121212121212121212121212121212121212121";
inline constexpr const char* b_node_id = "028d7500dd4c12685d1f568b4c2b5048e8534b873319f3a8daa612b469132ec7f7";
inline constexpr const char* a_session_priv = "4141414141414141414141414141414141414141414141414141414141414141";
inline constexpr const char* a_session_pub = "02eec7245d6b7d2ccb30380bfbe2a3648cd7a942653f5aa340edcea1f283686619";
inline constexpr const char* b_session_priv = "4242424242424242424242424242424242424242424242424242424242424242";
inline constexpr const char* b_session_pub = "0324653eac434488002cc06bbfb7f10fe18991e35f9fe4302dbea6d2353dc0ab1c";

inline sps::compressed_key compressed(const char* hex) {
    sps::compressed_key k{};
    const bytes b = test::h(hex);
    std::copy(b.begin(), b.end(), k.begin());
    return k;
}

/// vectors.a_to_b_keys and vectors.b_to_a_keys.
inline sps::direction_keys a_to_b() {
    return {secret<16>(test::h("cd497a6717054ee2081b34ecd8b269cc")),
            secret<32>(test::h("49b18d932d99c41daebf6ce71d32f99d67d65f7d4775750537c4ab8d68d0974d")),
            secret<16>(test::h("6e5e6089e10870361e5b47e66b639e6c"))};
}
inline sps::direction_keys b_to_a() {
    return {secret<16>(test::h("495b9dc882b76e1a053e7489991d932a")),
            secret<32>(test::h("2c3f4801f8d571ef71a9851d36a2e3be90ffa19cfcbdb7f1facf0279094a8874")),
            secret<16>(test::h("cc81dff6975b572e598628d911a0b3d5"))};
}

/// B after the session-key exchange: the real Authenticate greeting and
/// packet reader, with the vectors' secrets handed over directly.
using reader_config = transport::with_policy<sps::config, role::key_agreement, test::preset_key_agreement<sps::secrets>>;
/// A after the session-key exchange, with no greeting: seals any packet at
/// all (what a hostile peer can do once the session keys are exchanged).
using writer_config = transport::with_policy<reader_config, role::base_protocol, policies::no_base_protocol>;

inline sps::secrets secrets_of(bool a) {
    sps::secrets s;
    s.egress = a ? a_to_b() : b_to_a();
    s.ingress = a ? b_to_a() : a_to_b();
    s.local_session_key = compressed(a ? a_session_pub : b_session_pub);
    s.remote_session_key = compressed(a ? b_session_pub : a_session_pub);
    return s;
}

template <class Config>
transport::session<Config> make_session() {
    typename transport::session<Config>::options o;
    constexpr bool writer = std::is_same_v<Config, writer_config>;
    o.handshake.secrets_for_testing_only = secrets_of(writer);
    if constexpr (!writer) {
        o.protocol.node_key = k1::parse_private_key(test::h(b_node_priv)).value();
        o.protocol.expected_remote_id = compressed(a_node_id);
    }
    o.limits.max_input_buffer = 1 << 20;
    transport::session<Config> s(writer ? policies::handshake_role::initiator : policies::handshake_role::recipient,
                                 std::move(o));
    (void)s.start(transport::time_point{});
    while (s.next_event()) {
    }
    s.consume_output(s.pending_output().size());
    return s;
}

template <class Session>
void drain(Session& s) {
    while (auto e = s.next_event()) {
        volatile std::size_t sink = e->payload.size();
        (void)sink;
    }
}

}  // namespace polywire::fuzz::sha256
