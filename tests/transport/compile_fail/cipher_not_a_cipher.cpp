// expect: Cipher policy: needs name, tag_size, noexcept seal(mutable_byte_view, mutable_byte_view) and noexcept open(mutable_byte_view, byte_view) -> error_code
// A cipher whose seal may throw (not noexcept) fails the Cipher concept.
#include "tests/transport/compile_fail/toy.hpp"

namespace polywire::transport::compile_fail {
struct toy_secrets {};

struct throwing_cipher {
    static constexpr std::string_view name = "throwing";
    static constexpr std::size_t tag_size = 0;
    throwing_cipher(const toy_secrets&, policies::direction) {}
    void seal(mutable_byte_view, mutable_byte_view) {}
    std::error_code open(mutable_byte_view, byte_view) noexcept { return {}; }
};

struct config {
    static constexpr std::string_view name = "throwing cipher";
    static constexpr auto policies = hana::make_map(
        hana::make_pair(hana::type_c<role::key_agreement>, hana::type_c<test::preset_key_agreement<toy_secrets>>),
        hana::make_pair(hana::type_c<role::cipher>, hana::type_c<throwing_cipher>),
        hana::make_pair(hana::type_c<role::mac_state>, hana::type_c<polywire::policies::no_mac>),
        hana::make_pair(hana::type_c<role::frame_layout>, hana::type_c<toy_layout>),
        hana::make_pair(hana::type_c<role::compressor>, hana::type_c<polywire::policies::no_compression>));
};
static_assert(check_config<config>());
}  // namespace polywire::transport::compile_fail
