// Pieces shared by the compile-fail snippets: a minimal frame layout and a
// helper that checks a configuration the way session<Config> does.
#pragma once

#include <cstdint>
#include <string_view>

#include <boost/hana/map.hpp>
#include <boost/hana/pair.hpp>
#include <boost/hana/type.hpp>

#include "policies/base_protocol.hpp"
#include "policies/compressor.hpp"
#include "policies/mac_state.hpp"
#include "policies/models/aes_ctr.hpp"
#include "tests/support/preset_key_agreement.hpp"
#include "transport/config.hpp"
#include "transport/error.hpp"

namespace polywire::transport::compile_fail {
namespace hana = boost::hana;

// be16 size; one code byte; no padding; at most 1000-byte frames.
struct toy_layout {
    static constexpr std::string_view name = "toy";
    static constexpr std::size_t header_size = 2;
    static constexpr std::size_t max_frame_size = 1000;
    static std::size_t padded_size(std::size_t n) noexcept { return n; }
    static void encode_header(std::size_t n, mutable_byte_view h) noexcept {
        h[0] = static_cast<std::uint8_t>(n >> 8);
        h[1] = static_cast<std::uint8_t>(n);
    }
    static result<std::size_t> decode_header(byte_view h) noexcept {
        std::size_t n = std::size_t{h[0]} << 8 | h[1];
        if (n == 0 || n > max_frame_size) return make_error_code(errc::message_too_large);
        return n;
    }
    static void encode_code(std::uint64_t code, bytes& out) { out.push_back(static_cast<std::uint8_t>(code)); }
    static result<policies::decoded_code> decode_code(byte_view b) noexcept { return policies::decoded_code{b[0], 1}; }
};

// Secrets a toy AES-CTR configuration can be built from.
struct hook_secrets {
    secret<32> key;
    int remote_id = 0;
};
inline byte_view cipher_key(const hook_secrets& s, policies::direction) { return s.key.view(); }
inline byte_view cipher_iv(const hook_secrets& s, policies::direction) { return s.key.view().first(16); }

/// A complete configuration but for the policies a snippet breaks.
template <class BaseProtocol = policies::no_base_protocol, class Layout = toy_layout,
          class KeyAgreement = test::preset_key_agreement<hook_secrets>>
struct toy_config {
    static constexpr std::string_view name = "toy";
    static constexpr auto policies = hana::make_map(
        hana::make_pair(hana::type_c<role::key_agreement>, hana::type_c<KeyAgreement>),
        hana::make_pair(hana::type_c<role::cipher>, hana::type_c<polywire::policies::aes_ctr<32>>),
        hana::make_pair(hana::type_c<role::mac_state>, hana::type_c<polywire::policies::no_mac>),
        hana::make_pair(hana::type_c<role::frame_layout>, hana::type_c<Layout>),
        hana::make_pair(hana::type_c<role::compressor>, hana::type_c<polywire::policies::no_compression>),
        hana::make_pair(hana::type_c<role::base_protocol>, hana::type_c<BaseProtocol>));
};

/// A base protocol to add (or misspell) optional hooks on.
struct toy_protocol : policies::no_base_protocol {
    using no_base_protocol::no_base_protocol;
};

}  // namespace polywire::transport::compile_fail
