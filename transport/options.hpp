// Timeouts and limits of a session. `suggested()` gives the values Ethereum
// clients use (go-ethereum: handshake 5 s, idle read 30 s, frame write 20 s,
// ping every 15 s; linger about 2 s after a Disconnect, as the RLPx spec
// suggests).
#pragma once

#include <chrono>
#include <cstddef>

namespace polywire::transport {

using clock = std::chrono::steady_clock;
using time_point = clock::time_point;
using duration = std::chrono::milliseconds;

struct timeouts {
    duration handshake{5000};      ///< key agreement plus the base protocol's greeting
    duration read{30000};          ///< idle limit: reset by every frame received
    duration write{20000};         ///< applied by adapters to each write
    duration ping_interval{15000}; ///< a ping after this long without traffic
    duration pong{20000};          ///< a ping unanswered this long closes the session
    duration linger{2000};         ///< after sending a disconnect, before closing
    duration retransmit{1000};     ///< datagram layouts: resend an unanswered handshake flight

    static timeouts suggested() noexcept { return {}; }
};

struct limits {
    /// Bytes of received data the session buffers before the application
    /// takes its messages; must hold at least one maximal frame.
    std::size_t max_input_buffer = 32u << 20;
    /// Bytes of output the session queues before refusing to send more.
    std::size_t max_output_buffer = 64u << 20;
    /// Capacity each buffer may keep once drained. A buffer that grew beyond
    /// it (for a large message) is released once the session has gone
    /// `release_after` without receiving or sending while it was that large,
    /// and the buffer is empty: an idle session returns to a small footprint,
    /// while a steady stream of large messages keeps its buffers (no heap
    /// allocation per message). The release happens in on_tick(), at a
    /// deadline next_deadline() includes.
    std::size_t retained_buffer = 256u << 10;
    duration release_after{1000};
};

}  // namespace polywire::transport
