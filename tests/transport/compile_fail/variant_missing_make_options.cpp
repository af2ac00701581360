// expect: variant descriptor: no `static result<session::options> make_options(const node_config&, std::optional<remote_id>)`
// A variant descriptor that forgot how to make its session options.
#include "tests/transport/compile_fail/toy_variant.hpp"

namespace polywire::transport::compile_fail {
struct no_options {
    static toy_key make_config(const toy_key& k, const timeouts&) { return k; }
};
struct descriptor : toy_help, toy_types, toy_keys, toy_urls, no_options, toy_codes, toy_reasons, toy_limits {
    static constexpr std::string_view name = "no make_options";
};
static_assert(check_variant<descriptor>());
}  // namespace polywire::transport::compile_fail
