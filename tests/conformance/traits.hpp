// What the conformance suite needs to know about each configuration: how to
// make the options of two peers (and of a peer expecting the wrong
// identity), the code of an application message, and the largest message.
// One small struct per configuration; everything else is generic.
#pragma once

#include <optional>

#include "rlpx/config.hpp"
#include "variants/noise_xk/config.hpp"
#include "variants/sha256_per_side/config.hpp"

namespace polywire::conformance {
namespace k1 = crypto::secp256k1;

struct rlpx_traits {
    using session = rlpx::session;
    static constexpr std::string_view name = "rlpx";
    static constexpr std::uint64_t app_code = 0x10;
    static constexpr std::size_t max_message = 1 << 20;  // the suite's cap (RLPx allows 16 MiB - 2)
    k1::private_key a = k1::generate_private_key().value(), b = k1::generate_private_key().value();
    session::options make(const k1::private_key& self, std::optional<k1::private_key> expected) {
        session::options o;
        o.handshake.static_key = self;
        if (expected) o.handshake.remote_id = k1::derive_public_key(*expected).value();
        o.protocol.capabilities = {{"conformance", 1, 4}};
        o.protocol.node_id = k1::derive_public_key(self).value();
        return o;
    }
    session::options initiator() { return make(a, b); }
    session::options recipient() { return make(b, std::nullopt); }
    session::options initiator_expecting_someone_else() { return make(a, k1::generate_private_key().value()); }
};

struct noise_xk_traits {
    using session = variants::noise_xk::session;
    static constexpr std::string_view name = "noise-xk";
    static constexpr std::uint64_t app_code = 0;
    static constexpr std::size_t max_message = 65535;
    k1::private_key a = k1::generate_private_key().value(), b = k1::generate_private_key().value();
    session::options make(const k1::private_key& self, std::optional<k1::private_key> expected) {
        session::options o;
        o.handshake.static_key = self;
        if (expected) o.handshake.remote_static_key = k1::derive_compressed_public_key(*expected).value();
        return o;
    }
    session::options initiator() { return make(a, b); }
    session::options recipient() { return make(b, std::nullopt); }
    session::options initiator_expecting_someone_else() { return make(a, k1::generate_private_key().value()); }
};

struct sha256_per_side_traits {
    using session = variants::sha256_per_side::session;
    static constexpr std::string_view name = "sha256-per-side";
    static constexpr std::uint64_t app_code = 0;
    static constexpr std::size_t max_message = 1 << 20;
    k1::private_key a = k1::generate_private_key().value(), b = k1::generate_private_key().value();
    session::options make(const k1::private_key& self, std::optional<k1::private_key> expected) {
        session::options o;
        o.protocol.node_key = self;
        if (expected) o.protocol.expected_remote_id = k1::derive_compressed_public_key(*expected).value();
        return o;
    }
    session::options initiator() { return make(a, b); }
    session::options recipient() { return make(b, std::nullopt); }
    session::options initiator_expecting_someone_else() { return make(a, k1::generate_private_key().value()); }
};

}  // namespace polywire::conformance
