// expect: MacState policy: must be constructible from (const KeyAgreement::secrets&, direction); hmac_sha256 needs mac_key(const secrets&, direction) found next to the secrets type
// HMAC-SHA256 over secrets that have cipher keys but no mac_key(secrets, direction).
#include "policies/models/aes_ctr.hpp"
#include "policies/models/hmac_sha256.hpp"
#include "tests/transport/compile_fail/toy.hpp"

namespace polywire::transport::compile_fail {
struct no_mac_key_secrets {
    secret<32> key;
};
inline byte_view cipher_key(const no_mac_key_secrets& s, policies::direction) { return s.key.view(); }
inline byte_view cipher_iv(const no_mac_key_secrets& s, policies::direction) { return s.key.view().first(16); }

struct config {
    static constexpr std::string_view name = "no MAC key";
    static constexpr auto policies = hana::make_map(
        hana::make_pair(hana::type_c<role::key_agreement>, hana::type_c<test::preset_key_agreement<no_mac_key_secrets>>),
        hana::make_pair(hana::type_c<role::cipher>, hana::type_c<polywire::policies::aes_ctr<32>>),
        hana::make_pair(hana::type_c<role::mac_state>, hana::type_c<polywire::policies::hmac_sha256<errc::malformed_frame>>),
        hana::make_pair(hana::type_c<role::frame_layout>, hana::type_c<toy_layout>),
        hana::make_pair(hana::type_c<role::compressor>, hana::type_c<polywire::policies::no_compression>));
};
static_assert(check_config<config>());
}  // namespace polywire::transport::compile_fail
