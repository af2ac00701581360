// A toy variant descriptor, in pieces, for the compile-fail snippets: each
// snippet assembles all of them but one (transport/variant.hpp).
#pragma once

#include <array>

#include "transport/variant.hpp"

namespace polywire::transport::compile_fail {

struct toy_session {
    struct options {};
};
using toy_key = std::array<std::uint8_t, 4>;

struct toy_help {
    static constexpr std::string_view summary = "a toy";
    static constexpr std::string_view key_help = "4 bytes";
    static constexpr std::string_view id_help = "4 bytes";
    static constexpr std::string_view messages_help = "none";
};
struct toy_types {
    using session = toy_session;
    using connection = int;
    using node_config = toy_key;
};
struct toy_keys {
    using private_key = toy_key;
    using remote_id = toy_key;
    static result<toy_key> generate_key() { return toy_key{}; }
    static byte_view key_bytes(const toy_key& k) { return k; }
    static std::optional<toy_key> load_key(std::string_view, const std::optional<std::string>&, std::string&) {
        return toy_key{};
    }
    static result<toy_key> node_id(const toy_key& k) { return k; }
};
struct toy_urls {
    static constexpr std::string_view scheme = "toy";
    static std::optional<node_address<toy_key>> parse_url(std::string_view, std::string&) { return std::nullopt; }
    static std::string format_url(const toy_key&, const std::string&, std::uint16_t) { return "toy://"; }
};
struct toy_options {
    static toy_key make_config(const toy_key& k, const timeouts&) { return k; }
    static result<toy_session::options> make_options(const toy_key&, std::optional<toy_key>) { return toy_session::options{}; }
};
struct toy_codes {
    static constexpr bool has_capabilities = false;
    static constexpr std::uint64_t first_application_code = 0x10;
    static std::pair<std::uint64_t, byte_view> encode(std::uint64_t c, byte_view p, bytes&) { return {c, p}; }
    static std::optional<std::pair<std::uint64_t, byte_view>> decode(std::uint64_t c, byte_view p) {
        return std::pair<std::uint64_t, byte_view>{c, p};
    }
};
struct toy_reasons {
    static constexpr bool has_ping = false;
    static constexpr bool has_goodbye = false;
    static constexpr std::uint8_t default_reason = 0;
    static constexpr std::uint8_t quit_reason = 0;
    static constexpr std::uint8_t too_many_peers_reason = 0;
    static constexpr std::string_view reason_help = "none";
    static std::optional<std::uint8_t> parse_reason(std::string_view) { return std::nullopt; }
    static std::string describe_reason(std::uint8_t) { return "reason"; }
};
struct toy_limits {
    static constexpr std::uint64_t max_payload = 100;
};

/// The whole toy: a complete descriptor.
struct toy_variant : toy_help, toy_types, toy_keys, toy_urls, toy_options, toy_codes, toy_reasons, toy_limits {
    static constexpr std::string_view name = "toy";
};
static_assert(check_variant<toy_variant>());

}  // namespace polywire::transport::compile_fail
