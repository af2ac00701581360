// expect: Cipher policy: defines sealable but does not declare `static constexpr bool checks_sealing = true;`
// A cipher with a sealing check but no declaration: the session would never
// ask it, and send() would seal what it cannot.
#include "tests/transport/compile_fail/toy.hpp"

namespace polywire::transport::compile_fail {
struct checking_cipher : polywire::policies::aes_ctr<32> {
    using aes_ctr::aes_ctr;
    std::error_code sealable() const noexcept { return {}; }
};
struct config {
    static constexpr std::string_view name = "sealable undeclared";
    static constexpr auto policies = hana::make_map(
        hana::make_pair(hana::type_c<role::key_agreement>, hana::type_c<test::preset_key_agreement<hook_secrets>>),
        hana::make_pair(hana::type_c<role::cipher>, hana::type_c<checking_cipher>),
        hana::make_pair(hana::type_c<role::mac_state>, hana::type_c<polywire::policies::no_mac>),
        hana::make_pair(hana::type_c<role::frame_layout>, hana::type_c<toy_layout>),
        hana::make_pair(hana::type_c<role::compressor>, hana::type_c<polywire::policies::no_compression>));
};
static_assert(check_config<config>());
}  // namespace polywire::transport::compile_fail
