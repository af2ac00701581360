// What the conformance suite needs to know about each configuration: how to
// make the options of two peers (and of a peer expecting the wrong
// identity), the code of an application message, the largest message, and
// what its frame layout promises about the network:
//   datagrams           the input is whole datagrams (receive_datagram), and
//                       what fails before authentication is discarded and
//                       counted instead of closing the session;
//   reorder_tolerated   packets may arrive in any order within a replay
//                       window of `replay_window` ids, each delivered once;
//                       a repeat is discarded as replayed(), an id the
//                       window has passed as too_old().
// One small struct per configuration; everything else is generic.
#pragma once

#include <optional>
#include <system_error>

#include "rlpx/config.hpp"
#include "variants/noise_xk/config.hpp"
#include "variants/sha256_per_side/config.hpp"
#include "variants/x25519_xchacha/config.hpp"

namespace polywire::conformance {
namespace k1 = crypto::secp256k1;
namespace ed = crypto::ed25519;

/// A byte-stream configuration: ordered, reliable input; any failure closes.
struct stream_layout_traits {
    static constexpr bool datagrams = false;
    static constexpr bool reorder_tolerated = false;
};

struct rlpx_traits : stream_layout_traits {
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

struct noise_xk_traits : stream_layout_traits {
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

struct sha256_per_side_traits : stream_layout_traits {
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

// x25519-xchacha: one identity type and options shape for both layouts.
template <class Session>
struct x25519_xchacha_options {
    ed::private_key a = ed::private_key::generate().value(), b = ed::private_key::generate().value();
    typename Session::options make(const ed::private_key& self, std::optional<ed::private_key> expected) {
        typename Session::options o;
        o.handshake.identity = self;
        if (expected) o.handshake.expected_remote = expected->public_key();
        return o;
    }
    typename Session::options initiator() { return make(a, b); }
    typename Session::options recipient() { return make(b, std::nullopt); }
    typename Session::options initiator_expecting_someone_else() { return make(a, ed::private_key::generate().value()); }
};

/// Over a byte stream (TCP): length-prefixed packets whose ids follow each other.
struct x25519_xchacha_traits : stream_layout_traits, x25519_xchacha_options<variants::x25519_xchacha::session> {
    using session = variants::x25519_xchacha::session;
    static constexpr std::string_view name = "x25519-xchacha";
    static constexpr std::uint64_t app_code = 7;  // a channel
    static constexpr std::size_t max_message = variants::x25519_xchacha::stream_wire::max_payload;  // 1 MiB
};

/// Over datagrams (UDP): one packet per datagram, a 256-id replay window.
struct x25519_xchacha_udp_traits : x25519_xchacha_options<variants::x25519_xchacha::udp_session> {
    using session = variants::x25519_xchacha::udp_session;
    static constexpr std::string_view name = "x25519-xchacha-udp";
    static constexpr std::uint64_t app_code = 7;
    static constexpr std::size_t max_message = variants::x25519_xchacha::datagram_wire::max_payload;  // 1392 B
    static constexpr bool datagrams = true;
    static constexpr bool reorder_tolerated = true;
    static constexpr std::uint64_t replay_window = variants::x25519_xchacha::datagram_wire::replay_bits;
    static std::error_code replayed() { return variants::x25519_xchacha::errc::packet_replayed; }
    static std::error_code too_old() { return variants::x25519_xchacha::errc::packet_too_old; }
};

}  // namespace polywire::conformance
