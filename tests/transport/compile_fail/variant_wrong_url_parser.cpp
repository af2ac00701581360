// expect: variant descriptor: no `scheme` and `static std::optional<node_address<remote_id>> parse_url(std::string_view, std::string& why)`
// A variant descriptor whose parse_url returns raw bytes instead of the typed address.
#include "tests/transport/compile_fail/toy_variant.hpp"

namespace polywire::transport::compile_fail {
struct untyped_urls {
    static constexpr std::string_view scheme = "toy";
    static std::optional<bytes> parse_url(std::string_view, std::string&) { return std::nullopt; }
    static std::string format_url(const toy_key&, const std::string&, std::uint16_t) { return "toy://"; }
};
struct descriptor : toy_help, toy_types, toy_keys, untyped_urls, toy_options, toy_codes, toy_reasons, toy_limits {
    static constexpr std::string_view name = "untyped parse_url";
};
static_assert(check_variant<descriptor>());
}  // namespace polywire::transport::compile_fail
