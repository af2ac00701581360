// Timeouts and limits of a session. `suggested()` gives the values Ethereum
// clients use (go-ethereum: handshake 5 s, idle read 30 s, frame write 20 s,
// ping every 15 s; linger about 2 s after a Disconnect, as the RLPx spec
// suggests).
#pragma once

#include <chrono>
#include <cstddef>
#include <vector>

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

/// Datagram size negotiation (layouts that declare it, such as
/// x25519-xchacha over UDP; docs/architecture.md, "Datagram sizes"): after
/// the handshake the session sends authenticated probe datagrams of each
/// size in `sizes`, the peer acknowledges each it receives, and the largest
/// acknowledged becomes the largest datagram the session sends. Rounds of
/// probes come at the times `schedule` gives; the layout's base size is the
/// floor (what is sent before any acknowledgement and when every probe is
/// lost). A session always answers its peer's probes, even with `enabled`
/// false.
struct datagram_probing {
    bool enabled = true;
    /// Whole datagrams (UDP payload bytes) to probe: a 9,000-byte jumbo
    /// frame's 8,972 over IPv4, 32 KiB, and the largest UDP datagram over
    /// IPv4 (65,507). Sizes at or below the floor, or above what the layout
    /// carries, are ignored.
    std::vector<std::size_t> sizes{8972, 32768, 65507};
    /// Waits before each round, from the keys on: the first entry before the
    /// first round, each next one before the next; the last repeats.
    std::vector<duration> schedule{duration{0}, duration{10000}, duration{60000}, duration{300000},
                                   duration{600000}};
    /// How long a round waits for acknowledgements. A round in which the
    /// size in use is not acknowledged is repeated at once; after two such
    /// rounds in a row the size falls to the largest the last one confirmed
    /// (or the floor).
    duration round_wait{1000};
    /// Copies of each probe a round sends (a lost copy is not a lost size).
    unsigned copies = 2;
};

}  // namespace polywire::transport
