// The variant descriptor: everything about a variant that is not its wire
// configuration, in one struct, so that the tool, the benchmark, the demo
// and the test suites are written once for every variant and read them all
// from one list (variants/all.hpp).
//
// A descriptor describes one configuration on one kind of transport: a
// protocol that runs over a byte stream and over datagrams has one
// descriptor for each (x25519_xchacha::variant and ::udp_variant), usually
// sharing a base struct. Its members are all static:
//
//   name                 the --variant name ("rlpx", "noise-xk", ...)
//   summary, key_help, id_help, messages_help
//                        pieces of help text (polywire --help is made of them)
//   session, connection  the session type and its blocking socket driver
//   node_config          what make_options reads: the key and whatever else
//                        the variant needs (RLPx: capabilities, client id)
//   private_key, remote_id
//                        the identity key and what names a peer
//   generate_key()       -> result<private_key>
//   key_bytes(key)       -> byte_view, what keygen prints
//   load_key(text, path, why) -> optional<private_key>: a key from what
//                        keygen printed (or, with a path, a key file)
//   node_id(key)         -> result<remote_id>
//   scheme, parse_url(text, why) -> optional<node_address<remote_id>>,
//   format_url(id, host, port)   the node URL, e.g. enode://<id>@host:port
//   make_config(key, timeouts)   -> node_config
//   make_options(node_config, optional<remote_id>) -> result<session::options>
//                        (remote: the id the peer must have)
//   has_capabilities, first_application_code, encode(code, payload, scratch),
//   decode(code, message)
//                        how an application's (code, payload) maps onto the
//                        session's messages: RLPx has capabilities and wire
//                        codes; the others number codes as RLPx does (the
//                        first capability's codes start at 0x10) and carry
//                        them in the first byte or as a channel
//   has_ping, has_goodbye, default_reason, quit_reason, too_many_peers_reason,
//   reason_help, parse_reason(text), describe_reason(r)
//                        the close reasons
//   max_payload          the largest application payload (the session may
//                        still refuse less, e.g. one datagram's worth)
//   echo_window          (optional) bytes a sender keeps unechoed (default 4 MiB)
//   id_text(id), url_form (optional) how a node id is written (default: hex)
//                        and the URL's shape in help text (default:
//                        "<scheme>://<id>@<host>:<port>"): libp2p-noise's
//                        peer ids are base58btc, its URLs multiaddrs
//
// check_variant<V>() static_asserts each of them with one sentence naming
// the member; variants/all.hpp checks every listed descriptor with it.
#pragma once

#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>

#include "transport/bytes.hpp"
#include "transport/options.hpp"
#include "transport/result.hpp"

namespace polywire::transport {

/// A node's address as a variant's URL names it.
template <class Id>
struct node_address {
    Id id{};
    std::string host;
    std::uint16_t port = 0;
};

/// One requirement of a descriptor each; a requirement that needs types
/// another one declares holds vacuously without them, so that a missing
/// member is reported once, by its own check.
namespace variant_checks {

template <class V>
concept text_like = std::convertible_to<V, std::string_view>;

template <class V>
concept has_name = requires {
    { V::name } -> text_like;
};
template <class V>
concept has_help = requires {
    { V::summary } -> text_like;
    { V::key_help } -> text_like;
    { V::id_help } -> text_like;
    { V::messages_help } -> text_like;
};
template <class V>
concept has_session = requires {
    typename V::session;
    typename V::session::options;
};
template <class V>
concept has_connection = requires { typename V::connection; };
template <class V>
concept has_key_types = requires {
    typename V::private_key;
    typename V::remote_id;
};
template <class V>
concept has_node_config = requires { typename V::node_config; };

template <class V>
concept generates_keys = !has_key_types<V> || requires {
    { V::generate_key() } -> std::same_as<result<typename V::private_key>>;
};
template <class V>
concept prints_keys = !has_key_types<V> || requires(const typename V::private_key& k) {
    { V::key_bytes(k) } -> std::convertible_to<byte_view>;
};
template <class V>
concept loads_keys = !has_key_types<V> ||
                     requires(std::string_view text, const std::optional<std::string>& path, std::string& why) {
                         { V::load_key(text, path, why) } -> std::same_as<std::optional<typename V::private_key>>;
                     };
template <class V>
concept derives_ids = !has_key_types<V> || requires(const typename V::private_key& k) {
    { V::node_id(k) } -> std::same_as<result<typename V::remote_id>>;
};
template <class V>
concept parses_urls = !has_key_types<V> || requires(std::string_view text, std::string& why) {
    { V::scheme } -> text_like;
    { V::parse_url(text, why) } -> std::same_as<std::optional<node_address<typename V::remote_id>>>;
};
template <class V>
concept formats_urls = !has_key_types<V> || requires(const typename V::remote_id& id, const std::string& host) {
    { V::format_url(id, host, std::uint16_t{}) } -> std::same_as<std::string>;
};
template <class V>
concept makes_configs = !(has_key_types<V> && has_node_config<V>) ||
                        requires(const typename V::private_key& k, const timeouts& t) {
                            { V::make_config(k, t) } -> std::same_as<typename V::node_config>;
                        };
template <class V>
concept makes_options = !(has_key_types<V> && has_node_config<V> && has_session<V>) ||
                        requires(const typename V::node_config& c, std::optional<typename V::remote_id> remote) {
                            { V::make_options(c, remote) } -> std::same_as<result<typename V::session::options>>;
                        };
template <class V>
concept numbers_codes = requires {
    { V::has_capabilities } -> std::convertible_to<bool>;
    { V::first_application_code } -> std::convertible_to<std::uint64_t>;
};
template <class V>
concept maps_codes = requires(std::uint64_t code, byte_view payload, bytes& scratch) {
    { V::encode(code, payload, scratch) } -> std::same_as<std::pair<std::uint64_t, byte_view>>;
    { V::decode(code, payload) } -> std::same_as<std::optional<std::pair<std::uint64_t, byte_view>>>;
};
template <class V>
concept has_reasons = requires {
    { V::has_ping } -> std::convertible_to<bool>;
    { V::has_goodbye } -> std::convertible_to<bool>;
    { V::default_reason } -> std::convertible_to<std::uint8_t>;
    { V::quit_reason } -> std::convertible_to<std::uint8_t>;
    { V::too_many_peers_reason } -> std::convertible_to<std::uint8_t>;
    { V::reason_help } -> text_like;
};
template <class V>
concept parses_reasons = requires(std::string_view t, std::uint8_t r) {
    { V::parse_reason(t) } -> std::same_as<std::optional<std::uint8_t>>;
    { V::describe_reason(r) } -> std::same_as<std::string>;
};
template <class V>
concept has_limits = requires {
    { V::max_payload } -> std::convertible_to<std::uint64_t>;
};

}  // namespace variant_checks

/// Every requirement at once (as a constraint; check_variant says which fails).
template <class V>
concept variant_descriptor =
    variant_checks::has_name<V> && variant_checks::has_help<V> && variant_checks::has_session<V> &&
    variant_checks::has_connection<V> && variant_checks::has_key_types<V> && variant_checks::has_node_config<V> &&
    variant_checks::generates_keys<V> && variant_checks::prints_keys<V> && variant_checks::loads_keys<V> &&
    variant_checks::derives_ids<V> && variant_checks::parses_urls<V> && variant_checks::formats_urls<V> &&
    variant_checks::makes_configs<V> && variant_checks::makes_options<V> && variant_checks::numbers_codes<V> &&
    variant_checks::maps_codes<V> && variant_checks::has_reasons<V> && variant_checks::parses_reasons<V> &&
    variant_checks::has_limits<V>;

/// One static_assert per requirement, each a sentence naming the member;
/// true when V is a complete descriptor. Use: static_assert(check_variant<V>()).
template <class V>
consteval bool check_variant() {
    using namespace variant_checks;
    static_assert(has_name<V>, "variant descriptor: no `static constexpr std::string_view name`");
    static_assert(has_help<V>,
                  "variant descriptor: help text missing (summary, key_help, id_help, messages_help: string views)");
    static_assert(has_session<V>, "variant descriptor: no `session` type (with its `options`)");
    static_assert(has_connection<V>, "variant descriptor: no `connection` type (its blocking socket driver)");
    static_assert(has_key_types<V>, "variant descriptor: no `private_key` and `remote_id` types");
    static_assert(has_node_config<V>, "variant descriptor: no `node_config` type (what make_options reads)");
    static_assert(generates_keys<V>, "variant descriptor: no `static result<private_key> generate_key()`");
    static_assert(prints_keys<V>, "variant descriptor: no `static byte_view key_bytes(const private_key&)`");
    static_assert(loads_keys<V>,
                  "variant descriptor: no `static std::optional<private_key> load_key(std::string_view text, const "
                  "std::optional<std::string>& path, std::string& why)`");
    static_assert(derives_ids<V>, "variant descriptor: no `static result<remote_id> node_id(const private_key&)`");
    static_assert(parses_urls<V>,
                  "variant descriptor: no `scheme` and `static std::optional<node_address<remote_id>> "
                  "parse_url(std::string_view, std::string& why)`");
    static_assert(formats_urls<V>,
                  "variant descriptor: no `static std::string format_url(const remote_id&, const std::string& host, "
                  "std::uint16_t port)`");
    static_assert(makes_configs<V>,
                  "variant descriptor: no `static node_config make_config(const private_key&, const timeouts&)`");
    static_assert(makes_options<V>,
                  "variant descriptor: no `static result<session::options> make_options(const node_config&, "
                  "std::optional<remote_id>)`");
    static_assert(numbers_codes<V>, "variant descriptor: no `has_capabilities` and `first_application_code`");
    static_assert(maps_codes<V>,
                  "variant descriptor: no `encode(code, payload, scratch)` and `decode(code, message)` mapping "
                  "application codes onto messages");
    static_assert(has_reasons<V>,
                  "variant descriptor: close reasons missing (has_ping, has_goodbye, default_reason, quit_reason, "
                  "too_many_peers_reason, reason_help)");
    static_assert(parses_reasons<V>,
                  "variant descriptor: no `static std::optional<std::uint8_t> parse_reason(std::string_view)` and "
                  "`static std::string describe_reason(std::uint8_t)`");
    static_assert(has_limits<V>, "variant descriptor: no `max_payload` (the largest application payload)");
    return true;
}

/// Coverage of a list of variants by a test suite. A suite that keeps
/// per-variant traits declares the traits template without a primary
/// definition and specializes it for each variant:
///
///   template <class V> struct conformance;            // no definition
///   template <> struct conformance<rlpx::variant> { ... };
///   static_assert(transport::check_coverage<conformance, variants::all>());
///
/// A listed variant the suite forgot leaves its specialization undefined,
/// and check_coverage fails with one static_assert, whose instantiation
/// context ("In instantiation of ... [with Traits = ...; V = ...]") names
/// the traits template and the variant.
template <template <class> class Traits, class V>
consteval bool covers() {
    static_assert(requires { sizeof(Traits<V>); },
                  "a test suite does not cover a listed variant: the traits named above have no specialization "
                  "for the variant named above");
    return true;
}

namespace detail {
template <template <class> class Traits, class... V>
consteval bool covers_all(std::tuple<V...>*) {
    return (covers<Traits, V>() && ...);
}
}  // namespace detail

/// True when Traits<V> is defined for every V of `List` (a std::tuple of
/// descriptors); one failed static_assert per variant left out otherwise.
template <template <class> class Traits, class List>
consteval bool check_coverage() {
    return detail::covers_all<Traits>(static_cast<List*>(nullptr));
}

/// Bytes a sender keeps ahead of their echoes: V::echo_window, or 4 MiB.
template <class V>
constexpr std::size_t echo_window() {
    if constexpr (requires { V::echo_window; })
        return V::echo_window;
    else
        return std::size_t{4} << 20;
}

/// A node id as the tool writes it: V::id_text(id), or hex.
template <class V>
std::string id_text(const typename V::remote_id& id) {
    if constexpr (requires { V::id_text(id); })
        return V::id_text(id);
    else
        return to_hex(id);
}

/// The shape of V's node URL, for help text: V::url_form, or "<scheme>://<id>@<host>:<port>".
template <class V>
std::string url_form() {
    if constexpr (requires { V::url_form; })
        return std::string(V::url_form);
    else
        return std::string(V::scheme) + "://<id>@<host>:<port>";
}

}  // namespace polywire::transport
