// What the conformance suite needs to know about each variant of
// variants/all.hpp, beyond what its descriptor says (the peers' keys and
// session options come from the descriptor, through test::peers): the code
// of an application message, the largest message the suite sends, and what
// its frame layout promises about the network:
//   datagrams           the input is whole datagrams (receive_datagram), and
//                       what fails before authentication is discarded and
//                       counted instead of closing the session;
//   reorder_tolerated   packets may arrive in any order within a replay
//                       window of `replay_window` ids, each delivered once;
//                       a repeat is discarded as replayed(), an id the
//                       window has passed as too_old().
// One small specialization per variant; a variant of the list without one
// does not compile (test::suite_types).
#pragma once

#include <optional>
#include <system_error>

#include "tests/support/variants.hpp"

namespace polywire::conformance {

/// The suite's traits of each variant.
template <class V>
struct conformance;  // no primary definition: every variant of variants/all.hpp has its own

/// A byte-stream configuration: ordered, reliable input; any failure closes.
template <class V>
struct stream_layout_traits : test::peers<V> {
    static constexpr bool datagrams = false;
    static constexpr bool reorder_tolerated = false;
    static constexpr std::string_view name = V::name;
};

template <>
struct conformance<rlpx::variant> : stream_layout_traits<rlpx::variant> {
    static constexpr std::uint64_t app_code = 0x10;
    static constexpr std::size_t max_message = 1 << 20;  // the suite's cap (RLPx allows 16 MiB - 2)
};

template <>
struct conformance<variants::noise_xk::variant> : stream_layout_traits<variants::noise_xk::variant> {
    static constexpr std::uint64_t app_code = 0;
    static constexpr std::size_t max_message = 65535;
};

template <>
struct conformance<variants::sha256_per_side::variant> : stream_layout_traits<variants::sha256_per_side::variant> {
    static constexpr std::uint64_t app_code = 0;
    static constexpr std::size_t max_message = 1 << 20;
};

/// libp2p's Noise: a Noise transport message holds 65,519 bytes.
template <>
struct conformance<variants::libp2p_noise::variant> : stream_layout_traits<variants::libp2p_noise::variant> {
    static constexpr std::uint64_t app_code = 0;
    static constexpr std::size_t max_message = 65519;
};

/// Over a byte stream (TCP): length-prefixed packets whose ids follow each other.
template <>
struct conformance<variants::x25519_xchacha::variant> : stream_layout_traits<variants::x25519_xchacha::variant> {
    static constexpr std::uint64_t app_code = 7;  // a channel
    static constexpr std::size_t max_message = variants::x25519_xchacha::stream_wire::max_payload;  // 1 MiB
};

/// Over datagrams (UDP): one packet per datagram, a 256-id replay window.
template <>
struct conformance<variants::x25519_xchacha::udp_variant> : test::peers<variants::x25519_xchacha::udp_variant> {
    static constexpr std::string_view name = "x25519-xchacha-udp";
    static constexpr std::uint64_t app_code = 7;
    static constexpr std::size_t max_message = variants::x25519_xchacha::datagram_wire::base_payload;  // 1392 B (before any probe)
    static constexpr bool datagrams = true;
    static constexpr bool reorder_tolerated = true;
    static constexpr std::uint64_t replay_window = variants::x25519_xchacha::datagram_wire::replay_bits;
    static std::error_code replayed() { return variants::x25519_xchacha::errc::packet_replayed; }
    static std::error_code too_old() { return variants::x25519_xchacha::errc::packet_too_old; }
};
using x25519_xchacha_udp_traits = conformance<variants::x25519_xchacha::udp_variant>;

}  // namespace polywire::conformance
