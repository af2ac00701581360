// expect: configuration has no role::compressor entry
// A configuration that forgot its compressor.
#include "policies/models/aes_ctr.hpp"
#include "tests/transport/compile_fail/toy.hpp"

namespace polywire::transport::compile_fail {
struct toy_secrets {
    secret<32> key;
};
inline byte_view cipher_key(const toy_secrets& s, policies::direction) { return s.key.view(); }
inline byte_view cipher_iv(const toy_secrets& s, policies::direction) { return s.key.view().first(16); }

struct config {
    static constexpr std::string_view name = "no compressor";
    static constexpr auto policies = hana::make_map(
        hana::make_pair(hana::type_c<role::key_agreement>, hana::type_c<test::preset_key_agreement<toy_secrets>>),
        hana::make_pair(hana::type_c<role::cipher>, hana::type_c<polywire::policies::aes_ctr<32>>),
        hana::make_pair(hana::type_c<role::mac_state>, hana::type_c<polywire::policies::no_mac>),
        hana::make_pair(hana::type_c<role::frame_layout>, hana::type_c<toy_layout>));
};
static_assert(check_config<config>());
}  // namespace polywire::transport::compile_fail
