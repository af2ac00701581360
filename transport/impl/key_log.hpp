// How a session tells its key log (options.key_log, transport/random.hpp)
// the secrets it holds: see the contract at the top of transport/session.hpp,
// "Randomness and secrets". The session calls it from
// session<Config>::log_keys (transport/impl/session_start.hpp).
#pragma once

#include <algorithm>
#include <cstdint>
#include <string_view>

#include "transport/bytes.hpp"
#include "transport/random.hpp"

namespace polywire::transport::detail {

/// Hands what the `dump_secrets(const T&, F&)` free functions (found by
/// argument-dependent lookup next to a key agreement, its options or its
/// secrets struct) report to a session's key log, leaving out all-zero
/// (wiped) values.
struct key_log_forwarder {
    const key_log& log;
    void operator()(std::string_view label, byte_view b) const {
        if (std::all_of(b.begin(), b.end(), [](std::uint8_t x) { return x == 0; })) return;
        log(label, b);
    }
};

}  // namespace polywire::transport::detail
