// polywire::testing — the key-dump hook (tests only): see the contract at
// the top of transport/session.hpp, "Test-only". The session calls it from
// session<Config>::dump_keys_for_testing_only (transport/impl/session_start.hpp).
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <span>
#include <string_view>

#include "transport/bytes.hpp"

// ---- test-only: the key-dump hook ---------------------------------------
namespace polywire::testing {

/// One secret handed to the key-dump hook: what it is ("aes_secret",
/// "static_private_key"...) and its bytes, valid during the call only.
struct dumped_secret {
    std::string_view label;
    byte_view bytes;
};

/// TEST ONLY. Called on the session's thread with the configuration's name
/// and the secrets: after start() and after each handshake step with what
/// the key agreement holds then (its static and ephemeral private keys,
/// nonces, chaining keys — whatever it still has), and once when the
/// handshake's secrets are handed to the session (every derived key of the
/// secrets struct, and the static keys of the options). All-zero values
/// (wiped keys) are left out. Must not throw.
using key_dump_hook = void (*)(std::string_view configuration, std::span<const dumped_secret> secrets);

namespace detail {
inline std::atomic<key_dump_hook> key_dump_hook_{nullptr};

/// Collects what the `dump_secrets(const T&, collector&)` free functions
/// (found by argument-dependent lookup next to a key agreement, its options
/// or its secrets struct) report; no heap, views only.
struct secret_collector {
    static constexpr std::size_t capacity = 24;
    std::array<dumped_secret, capacity> items{};
    std::size_t count = 0;
    void operator()(std::string_view label, byte_view b) noexcept {
        if (count == capacity || std::all_of(b.begin(), b.end(), [](std::uint8_t x) { return x == 0; })) return;
        items[count++] = {label, b};
    }
};
}  // namespace detail

/// TEST ONLY: installs (or, with nullptr, removes) the process-wide
/// key-dump hook. Production code never calls this; nothing in polywire
/// outside tests does.
inline void set_key_dump_hook_for_testing_only(key_dump_hook hook) noexcept {
    detail::key_dump_hook_.store(hook, std::memory_order_release);
}

}  // namespace polywire::testing
