// expect: variant descriptor: no `static std::optional<std::uint8_t> parse_reason(std::string_view)` and `static std::string describe_reason(std::uint8_t)`
// A variant descriptor that lists its close reasons but cannot parse or describe them.
#include "tests/transport/compile_fail/toy_variant.hpp"

namespace polywire::transport::compile_fail {
struct reasons_only {
    static constexpr bool has_ping = false;
    static constexpr bool has_goodbye = false;
    static constexpr std::uint8_t default_reason = 0;
    static constexpr std::uint8_t quit_reason = 0;
    static constexpr std::uint8_t too_many_peers_reason = 0;
    static constexpr std::string_view reason_help = "none";
};
struct descriptor : toy_help, toy_types, toy_keys, toy_urls, toy_options, toy_codes, reasons_only, toy_limits {
    static constexpr std::string_view name = "no parse_reason";
};
static_assert(check_variant<descriptor>());
}  // namespace polywire::transport::compile_fail
