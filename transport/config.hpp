// Configurations: a compile-time set of policy choices.
//
// A configuration is a struct with a `name` and a `policies` member that is
// a boost::hana::map from role tag to policy type:
//
//   struct my_config {
//       static constexpr std::string_view name = "...";
//       static constexpr auto policies = hana::make_map(
//           hana::make_pair(hana::type_c<role::key_agreement>, hana::type_c<my_handshake>), ...);
//   };
//
// `policy_t<Config, Role>` reads a role's policy; `with_policy<Config, Role,
// Policy, "name">` derives a configuration with one role swapped (a variant is
// a one-line alias) and names it (without a name it keeps the base's);
// `named<Config, "name">` renames one. `check_config<Config>()` asserts, one requirement per
// line, that each role is present and satisfies its concept, so a bad policy
// makes the compiler print exactly what is missing; and that each optional
// hook a policy declares (policies/base_protocol.hpp, frame_layout.hpp) has
// its exact signature, and that no hook is defined without its declaration.
#pragma once

#include <cstddef>
#include <string_view>
#include <type_traits>

#include <boost/hana/at_key.hpp>
#include <boost/hana/contains.hpp>
#include <boost/hana/erase_key.hpp>
#include <boost/hana/insert.hpp>
#include <boost/hana/map.hpp>
#include <boost/hana/pair.hpp>
#include <boost/hana/type.hpp>

#include "policies/base_protocol.hpp"
#include "policies/cipher.hpp"
#include "policies/compressor.hpp"
#include "policies/frame_layout.hpp"
#include "policies/key_agreement.hpp"
#include "policies/mac_state.hpp"
#include "transport/options.hpp"

namespace polywire::transport {

namespace hana = boost::hana;

/// Role tags: the keys of a configuration's policy map.
namespace role {
struct key_agreement {};
struct cipher {};
struct mac_state {};
struct frame_layout {};
struct compressor {};
struct base_protocol {};  ///< optional; defaults to policies::no_base_protocol
}  // namespace role

namespace detail {
template <class Config, class Role>
constexpr bool has_role = decltype(hana::contains(Config::policies, hana::type_c<Role>))::value;

template <class Config, class Role, class Default>
struct policy_or {
    using type = Default;
};
template <class Config, class Role, class Default>
    requires has_role<Config, Role>
struct policy_or<Config, Role, Default> {
    using type = typename decltype(+hana::at_key(Config::policies, hana::type_c<Role>))::type;
};
}  // namespace detail

/// The policy a configuration chose for a role.
template <class Config, class Role>
using policy_t = typename decltype(+hana::at_key(Config::policies, hana::type_c<Role>))::type;

namespace detail {
/// Whether a FrameLayout names its own FrameCodec (a shape of its own).
template <class L, class C, class M>
constexpr bool has_own_codec = requires { typename L::template codec<C, M>; };
}  // namespace detail

/// The base protocol (optional role).
template <class Config>
using base_protocol_t = typename detail::policy_or<Config, role::base_protocol, policies::no_base_protocol>::type;

/// A string literal as a template argument: `with_policy<..., "name">`.
template <std::size_t N>
struct fixed_string {
    char chars[N]{};
    constexpr fixed_string(const char (&s)[N]) noexcept {
        for (std::size_t i = 0; i < N; ++i) chars[i] = s[i];
    }
    constexpr std::string_view view() const noexcept { return {chars, N - 1}; }
};

namespace detail {
template <class Base, class Role, class Policy, fixed_string Name>
struct with_policy_config {
    static constexpr std::string_view name = Name.view().empty() ? std::string_view(Base::name) : Name.view();
    static constexpr auto policies =
        hana::insert(hana::erase_key(Base::policies, hana::type_c<Role>), hana::make_pair(hana::type_c<Role>, hana::type_c<Policy>));
};

template <class Base, fixed_string Name>
struct named_config {
    static_assert(!Name.view().empty(), "named<Config, name>: the name must not be empty");
    static constexpr std::string_view name = Name.view();
    static constexpr auto policies = Base::policies;
};
}  // namespace detail

/// `Base` with `Role`'s policy replaced by `Policy`, named `Name` — a
/// configuration that is a protocol of its own (x25519-xchacha over UDP)
/// names itself. Without a name (a test double, a backend swapped for a
/// benchmark) it keeps the base's.
template <class Base, class Role, class Policy, fixed_string Name = "">
using with_policy = detail::with_policy_config<Base, Role, Policy, Name>;

/// `Base` under another name, its policies unchanged.
template <class Base, fixed_string Name>
using named = detail::named_config<Base, Name>;

/// The optional hooks of a BaseProtocol P over secrets S: each declared one
/// has its exact signature, and none is defined undeclared (a declaration
/// misspelt, or forgotten, would switch the hook off without a word).
template <class P, class S>
constexpr void check_base_protocol_hooks() {
    static_assert(!policies::declares_timers<P>() || policies::timers_hook_ok<P, time_point>,
                  "BaseProtocol policy: declares uses_timers, so it needs next_deadline() const noexcept -> "
                  "std::optional<time_point> and on_tick(time_point, frame_writer&) -> std::error_code");
    static_assert(policies::declares_timers<P>() || !policies::defines_timers<P>,
                  "BaseProtocol policy: defines next_deadline or on_tick but does not declare "
                  "`static constexpr bool uses_timers = true;`");
    static_assert(!policies::declares_key_updates<P>() || policies::key_updates_hook_ok<P>,
                  "BaseProtocol policy: declares updates_keys, so it needs take_key_update() noexcept -> "
                  "std::optional<key_update<K>>");
    static_assert(policies::declares_key_updates<P>() || !policies::defines_key_updates<P>,
                  "BaseProtocol policy: defines take_key_update but does not declare "
                  "`static constexpr bool updates_keys = true;`");
    static_assert(!policies::declares_wipe_keys<P>() || policies::wipe_keys_hook_ok<P>,
                  "BaseProtocol policy: declares wipes_keys, so it needs void wipe_keys() noexcept");
    static_assert(policies::declares_wipe_keys<P>() || !policies::defines_wipe_keys<P>,
                  "BaseProtocol policy: defines wipe_keys but does not declare `static constexpr bool wipes_keys = true;`");
    if constexpr (policies::declares_remote_id<P>()) {
        static_assert(policies::remote_id_hook_ok<P, std::remove_cvref_t<decltype(std::declval<const S&>().remote_id)>>,
                      "BaseProtocol policy: declares identifies_peer, so it needs remote_id() const noexcept, "
                      "convertible to the secrets' remote_id");
    }
    static_assert(policies::declares_remote_id<P>() || !policies::defines_remote_id<P>,
                  "BaseProtocol policy: defines remote_id but does not declare `static constexpr bool identifies_peer = true;`");
}

/// Asserts, one requirement per line, that a configuration is complete and
/// each policy satisfies its concept. Called from session<Config>'s body.
template <class Config>
constexpr bool check_config() {
    static_assert(detail::has_role<Config, role::key_agreement>, "configuration has no role::key_agreement entry");
    static_assert(detail::has_role<Config, role::cipher>, "configuration has no role::cipher entry");
    static_assert(detail::has_role<Config, role::mac_state>, "configuration has no role::mac_state entry");
    static_assert(detail::has_role<Config, role::frame_layout>, "configuration has no role::frame_layout entry");
    static_assert(detail::has_role<Config, role::compressor>, "configuration has no role::compressor entry");
    if constexpr (detail::has_role<Config, role::key_agreement> && detail::has_role<Config, role::cipher> &&
                  detail::has_role<Config, role::mac_state> && detail::has_role<Config, role::frame_layout> &&
                  detail::has_role<Config, role::compressor>) {
        using K = policy_t<Config, role::key_agreement>;
        using C = policy_t<Config, role::cipher>;
        using M = policy_t<Config, role::mac_state>;
        using L = policy_t<Config, role::frame_layout>;
        using Z = policy_t<Config, role::compressor>;
        using P = base_protocol_t<Config>;
        static_assert(policies::KeyAgreement<K>,
                      "KeyAgreement policy: needs options, secrets, name, a (handshake_role, const options&) "
                      "constructor, noexcept start(bytes&) -> error_code, consume(byte_view, bytes&) -> "
                      "result<handshake_step>, take_secrets() -> secrets");
        static_assert(std::is_move_assignable_v<K>,
                      "KeyAgreement policy: must be move-assignable: the session resets it as it closes, so that a "
                      "handshake cut short leaves no key behind");
        if constexpr (policies::KeyAgreement<K>) {
            using S = typename K::secrets;
            static_assert(policies::Cipher<C>,
                          "Cipher policy: needs name, tag_size, noexcept seal(mutable_byte_view, mutable_byte_view) "
                          "and noexcept open(mutable_byte_view, byte_view) -> error_code");
            static_assert(!policies::declares_sealing_check<C>() || policies::sealing_check_ok<C>,
                          "Cipher policy: declares checks_sealing, so it needs sealable() const noexcept -> "
                          "std::error_code");
            static_assert(policies::declares_sealing_check<C>() || !policies::defines_sealing_check<C>,
                          "Cipher policy: defines sealable but does not declare `static constexpr bool "
                          "checks_sealing = true;`");
            static_assert(std::is_constructible_v<C, const S&, policies::direction>,
                          "Cipher policy: must be constructible from (const KeyAgreement::secrets&, direction); the models "
                          "in policies/models/ need key accessors found next to the secrets type: cipher_key, and "
                          "cipher_iv (aes_ctr), nonce_prefix (xchacha20_poly1305) or chaining_key (a rekeying "
                          "chacha20_poly1305)");
            static_assert(policies::MacState<M>,
                          "MacState policy: needs name, tag_size, and either noexcept header_tag/body_tag(byte_view, "
                          "mutable_byte_view) and check_header/check_body(byte_view, byte_view) -> error_code, or "
                          "frame_tag(byte_view, mutable_byte_view) and check_frame(byte_view, byte_view) -> error_code");
            static_assert(std::is_constructible_v<M, const S&, policies::direction>,
                          "MacState policy: must be constructible from (const KeyAgreement::secrets&, direction); "
                          "hmac_sha256 needs mac_key(const secrets&, direction) found next to the secrets type");
            if constexpr (policies::FrameLayout<L> && !detail::has_own_codec<L, C, M>) {
                constexpr auto shape = policies::shape_of<L>();
                static_assert(shape.tags != policies::tag_placement::after_each_part || policies::PerPartMac<M>,
                              "MacState policy: the layout's tags follow each part, so the MacState needs "
                              "header_tag/body_tag and check_header/check_body");
                static_assert(shape.tags != policies::tag_placement::leading || policies::WholeFrameMac<M>,
                              "MacState policy: the layout's tag leads the frame, so the MacState needs "
                              "frame_tag and check_frame");
                static_assert(std::is_default_constructible_v<L> || std::is_constructible_v<L, const S&, policies::direction>,
                              "FrameLayout policy: must be default-constructible or constructible from "
                              "(const KeyAgreement::secrets&, direction)");
            }
            if constexpr (policies::FrameLayout<L> && detail::has_own_codec<L, C, M>) {
                static_assert(policies::FrameCodec<typename L::template codec<C, M>, S>,
                              "FrameLayout policy: its codec<Cipher, Mac> must be a FrameCodec: constructible from "
                              "(const secrets&, direction), prefix_size, body_offset, wire_size(n), seal(frame, n), "
                              "open_prefix(prefix) -> result<size_t>, open(frame, n) -> error_code");
            }
            static_assert(policies::BaseProtocol<P, S>,
                          "BaseProtocol policy: see the requirements listed in policies/base_protocol.hpp");
            if constexpr (policies::BaseProtocol<P, S>) check_base_protocol_hooks<P, S>();
        }
        static_assert(policies::FrameLayout<L>,
                      "FrameLayout policy: needs name, header_size, max_frame_size, static padded_size, "
                      "encode_header, decode_header -> result<size_t> (static or members), static encode_code, "
                      "decode_code -> result<decoded_code>");
        if constexpr (policies::FrameLayout<L>) {
            static_assert(!policies::declares_packing<L>() || policies::packing_encode_code_ok<L>,
                          "FrameLayout policy: declares packs_messages, so it needs static void "
                          "encode_code(uint64_t code, size_t payload_size, bytes& out)");
            static_assert(policies::declares_packing<L>() || policies::single_encode_code_ok<L>,
                          "FrameLayout policy: needs static void encode_code(uint64_t code, bytes& out); a layout "
                          "that packs messages declares packs_messages and takes the payload's size too");
        }
        static_assert(policies::Compressor<Z>,
                      "Compressor policy: needs name, max_decompressed_size, max_compressed_size, compress, "
                      "declared_size -> result<size_t>, decompress -> error_code");
    }
    return true;
}

}  // namespace polywire::transport
