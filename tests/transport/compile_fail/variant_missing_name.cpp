// expect: variant descriptor: no `static constexpr std::string_view name`
// A variant descriptor without its --variant name.
#include "tests/transport/compile_fail/toy_variant.hpp"

namespace polywire::transport::compile_fail {
struct descriptor : toy_help, toy_types, toy_keys, toy_urls, toy_options, toy_codes, toy_reasons, toy_limits {};
static_assert(check_variant<descriptor>());
}  // namespace polywire::transport::compile_fail
