// expect: Cipher policy: must be constructible from (const KeyAgreement::secrets&, direction); the models in policies/models/ need key accessors found next to the secrets type: cipher_key, and cipher_iv (aes_ctr), nonce_prefix (xchacha20_poly1305) or chaining_key (a rekeying chacha20_poly1305)
// A rekeying ChaCha20-Poly1305 (BOLT 8) over secrets with a key but no
// chaining_key(secrets, direction) to rekey from.
#include "policies/models/chacha20_poly1305.hpp"
#include "tests/transport/compile_fail/toy.hpp"

namespace polywire::transport::compile_fail {
struct key_only_secrets {
    secret<32> key;
};
inline byte_view cipher_key(const key_only_secrets& s, policies::direction) { return s.key.view(); }

struct config {
    static constexpr std::string_view name = "no chaining key";
    static constexpr auto policies = hana::make_map(
        hana::make_pair(hana::type_c<role::key_agreement>, hana::type_c<test::preset_key_agreement<key_only_secrets>>),
        hana::make_pair(hana::type_c<role::cipher>, hana::type_c<polywire::policies::chacha20_poly1305<1000>>),
        hana::make_pair(hana::type_c<role::mac_state>, hana::type_c<polywire::policies::no_mac>),
        hana::make_pair(hana::type_c<role::frame_layout>, hana::type_c<toy_layout>),
        hana::make_pair(hana::type_c<role::compressor>, hana::type_c<polywire::policies::no_compression>));
};
static_assert(check_config<config>());
}  // namespace polywire::transport::compile_fail
