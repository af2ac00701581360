// expect: Cipher policy: must be constructible from (const KeyAgreement::secrets&, direction); the models in policies/models/ need key accessors found next to the secrets type: cipher_key, and cipher_iv (aes_ctr), nonce_prefix (xchacha20_poly1305) or chaining_key (a rekeying chacha20_poly1305)
// A session of a configuration whose secrets give AES-CTR its key but no
// cipher_iv(secrets, direction).
#include "policies/models/aes_ctr.hpp"
#include "tests/transport/compile_fail/toy.hpp"
#include "transport/session.hpp"

namespace polywire::transport::compile_fail {
struct key_only_secrets {
    secret<32> key;
    int remote_id = 0;
};
inline byte_view cipher_key(const key_only_secrets& s, policies::direction) { return s.key.view(); }

struct config {
    static constexpr std::string_view name = "no IV";
    static constexpr auto policies = hana::make_map(
        hana::make_pair(hana::type_c<role::key_agreement>, hana::type_c<test::preset_key_agreement<key_only_secrets>>),
        hana::make_pair(hana::type_c<role::cipher>, hana::type_c<polywire::policies::aes_ctr<32>>),
        hana::make_pair(hana::type_c<role::mac_state>, hana::type_c<polywire::policies::no_mac>),
        hana::make_pair(hana::type_c<role::frame_layout>, hana::type_c<toy_layout>),
        hana::make_pair(hana::type_c<role::compressor>, hana::type_c<polywire::policies::no_compression>));
};
// What a user writes: a session of that configuration.
inline void open_one() {
    session<config> s(policies::handshake_role::initiator, session<config>::options{});
    (void)s.start({});
}
}  // namespace polywire::transport::compile_fail
