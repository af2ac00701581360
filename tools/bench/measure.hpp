// Throughput and handshake measurements shared by the benchmark suite and
// `polywire bench`: in memory (one thread, both sessions) and over loopback
// TCP (sender and receiver on separate threads, through the real adapter).
#pragma once

#include <cstdint>
#include <string>
#include <system_error>

namespace polywire::bench {

struct throughput {
    std::uint64_t messages = 0;
    double seconds = 0;
    double msgs_per_s = 0;
    double mb_per_s = 0;  ///< payload megabytes (10^6) per second
    std::error_code error{};
};

/// Seal+open of `count` messages of `size` bytes between two RLPx sessions
/// in one thread.
throughput rlpx_memory(std::size_t size, std::uint64_t count, bool snappy);
/// `count` messages of `size` bytes from a sender thread to a receiver thread
/// over 127.0.0.1 (writes coalesced; frames stay separate on the wire).
throughput rlpx_tcp(std::size_t size, std::uint64_t count, bool snappy);
/// The raw loopback TCP throughput of this machine (no protocol), MB/s.
double raw_tcp_mb_per_s(std::size_t total_bytes);

/// Complete RLPx handshakes (ECIES + Hello), in memory or over loopback TCP.
double rlpx_memory_handshakes_per_s(std::uint64_t count);
double rlpx_tcp_handshakes_per_s(std::uint64_t count);

}  // namespace polywire::bench
