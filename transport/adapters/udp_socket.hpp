// POSIX UDP sockets with deadlines, next to socket.hpp (whose socket_fd,
// wait() and errors they share): the only code in polywire that calls
// sendto/recv on datagrams. Sockets are non-blocking; a datagram socket is
// usually *connected* to one peer (connect(2) on UDP fixes the address
// send() goes to and filters what recv() returns).
//
//   auto s = udp_bind("127.0.0.1", 0);          // a local port of the system's choice
//   udp_connect(s.value(), "127.0.0.1", 9000);  // the peer
//   send_datagram(s.value(), packet);           // one datagram, or 0 if the buffer is full
//   receive_datagram(s.value(), buffer);        // one datagram
//
// A server with one peer per socket waits with receive_first(), which
// connects the socket to whoever sent the first datagram; or, to keep one
// unconnected socket for new peers and drive several at once, reads it with
// receive_from(), answers with send_to(), gives each new peer a socket of
// its own on the same port (udp_bind with reuse_port, then udp_connect to
// the udp_peer) and waits on them all with wait_any().
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <system_error>

#include "transport/adapters/socket.hpp"
#include "transport/bytes.hpp"
#include "transport/options.hpp"
#include "transport/result.hpp"

namespace polywire::transport::adapters {

/// The largest datagram receive_datagram() takes (an IPv4 UDP payload).
inline constexpr std::size_t max_udp_datagram = 65507;

/// A non-blocking UDP socket bound to host:port (port 0: any free port).
/// `reuse_port` lets several sockets share the port (a server's per-peer
/// connected sockets next to its listening one).
result<socket_fd> udp_bind(const std::string& host, std::uint16_t port, bool reuse_port = false) noexcept;
/// Connects `s` to host:port: send_datagram() goes there, and only its
/// datagrams are received.
std::error_code udp_connect(const socket_fd& s, const std::string& host, std::uint16_t port) noexcept;
/// The port `s` is bound to.
std::uint16_t local_port(const socket_fd& s) noexcept;

/// Sends one datagram on a connected socket: its size, or 0 when the
/// socket's buffer is full (wait until writable). Errors:
/// errc::connection_failed; std::errc::connection_refused when an earlier
/// datagram was refused by the peer's host (no one listening yet: callers
/// may retry).
result<std::size_t> send_datagram(const socket_fd& s, byte_view datagram) noexcept;
/// The most datagrams send_datagrams() takes in one call (one sendmmsg(2)).
inline constexpr std::size_t udp_batch_limit = 64;
/// What the batched calls (send_datagrams, receive_datagrams) did on one
/// socket, for an adapter's metrics: which path ran and how often.
struct udp_io_stats {
    std::uint64_t send_calls = 0;          ///< sendmmsg(2) calls that sent at least one datagram
    std::uint64_t datagrams_sent = 0;
    std::uint64_t gso_messages = 0;        ///< messages of several datagrams the kernel split (UDP_SEGMENT)
    std::uint64_t gso_refused = 0;         ///< times the kernel refused UDP_SEGMENT (and GSO was turned off)
    std::uint64_t receive_calls = 0;       ///< recvmmsg(2) calls that returned at least one message
    std::uint64_t datagrams_received = 0;
    std::uint64_t gro_messages = 0;        ///< messages holding several datagrams the kernel coalesced (UDP_GRO)
    std::uint64_t truncated = 0;           ///< messages larger than their buffer, dropped
};
/// Sends up to udp_batch_limit of `datagrams`, in order, on a connected
/// socket with one sendmmsg(2): how many the socket took (0 when its buffer
/// is full). With `gso` set, each run of equal-size datagrams (its last may
/// be shorter) goes as one message the kernel splits itself (UDP
/// segmentation offload, UDP_SEGMENT); if the kernel refuses that (EINVAL,
/// ENOPROTOOPT, EIO), `gso` is cleared and the datagrams are sent one per
/// message, so the caller keeps the flag per socket. The receiver sees the
/// same datagrams either way. Errors as send_datagram().
/// `stats`, when given, counts what ran.
result<std::size_t> send_datagrams(const socket_fd& s, std::span<const byte_view> datagrams, bool& gso,
                                   udp_io_stats* stats = nullptr) noexcept;

/// Asks the kernel to coalesce datagrams from one sender into one receive
/// (UDP generic receive offload, UDP_GRO, Linux 5.0 and later): true if it
/// accepted. receive_datagrams() splits what it coalesced; receive_datagram()
/// must not be used on such a socket. `on` false turns it back off.
bool udp_set_gro(const socket_fd& s, bool on) noexcept;
/// The socket buffers the adapters ask for (Linux caps them at
/// net.core.rmem_max and wmem_max): room for many batches in flight, so a
/// receiver a moment behind does not lose datagrams.
inline constexpr std::size_t udp_socket_buffer = std::size_t{4} << 20;
/// Asks for `size` bytes of receive and send buffer on `s` (what the
/// system allows of it): the receive buffer then granted, as
/// udp_receive_buffer().
std::size_t udp_set_buffers(const socket_fd& s, std::size_t size) noexcept;
/// The receive buffer `s` has now (SO_RCVBUF as Linux reports it: twice
/// what was asked, the half above being its bookkeeping allowance).
std::size_t udp_receive_buffer(const socket_fd& s) noexcept;
/// false when the environment variable `name` is "0" (POLYWIRE_UDP_GSO,
/// POLYWIRE_UDP_GRO: the adapters' switches for the two offloads).
bool udp_offload_allowed(const char* name) noexcept;
/// The messages one receive_datagrams() call takes at most, and the buffer
/// each gets (a whole coalesced message, or the largest datagram).
inline constexpr std::size_t udp_receive_slots = 8;
inline constexpr std::size_t udp_receive_slot = 65536;
/// One message receive_datagrams() returned: `data` holds consecutive
/// datagrams of `segment` bytes each, the last possibly shorter: several
/// when the kernel coalesced them (UDP_GRO), else one (segment ==
/// data.size(); an empty datagram has segment 0).
struct udp_received {
    byte_view data;
    std::size_t segment = 0;
};
/// Calls `f(byte_view)` for each datagram of `m`, in order.
template <class F>
void for_each_datagram(const udp_received& m, F&& f) {
    if (m.segment == 0 || m.segment >= m.data.size()) return f(m.data);
    for (std::size_t at = 0; at < m.data.size(); at += m.segment)
        f(m.data.subspan(at, std::min(m.segment, m.data.size() - at)));
}
/// Receives what is waiting on a connected socket with one recvmmsg(2),
/// without waiting: up to min(out.size(), udp_receive_slots) messages into
/// `arena` (udp_receive_slots * udp_receive_slot bytes), described in
/// `out`; how many. A message larger than its slot is dropped (counted in
/// `stats`). Errors as receive_datagram() (resource_unavailable_try_again
/// when nothing is waiting).
result<std::size_t> receive_datagrams(const socket_fd& s, std::span<std::uint8_t> arena, std::span<udp_received> out,
                                      udp_io_stats* stats = nullptr) noexcept;
/// Receives one datagram into `out`: its size. Errors:
/// std::errc::resource_unavailable_try_again when none is waiting,
/// std::errc::connection_refused (see above), errc::truncated_datagram when
/// it was larger than `out` (and is lost), errc::connection_failed.
result<std::size_t> receive_datagram(const socket_fd& s, mutable_byte_view out) noexcept;
/// The sender of a datagram (a sockaddr_storage, opaque here).
struct udp_peer {
    std::array<std::uint8_t, 128> storage{};
    std::uint32_t length = 0;
    /// Its address bytes (4 or 16) then its port, big-endian: a fixed
    /// encoding for keying state or cookies by sender.
    bytes key() const;
    /// "host:port" ("[v6]:port"), for logs.
    std::string text() const;
};

/// Receives one datagram from anyone on an unconnected socket, without
/// waiting: its size, and its sender in `from`. Errors as receive_datagram().
result<std::size_t> receive_from(const socket_fd& s, mutable_byte_view out, udp_peer& from) noexcept;
/// Sends one datagram to `to` on an unconnected socket: its size, or 0 when
/// the socket's buffer is full (the datagram is not sent). errc::connection_failed.
result<std::size_t> send_to(const socket_fd& s, byte_view datagram, const udp_peer& to) noexcept;
/// Connects `s` to `to`.
std::error_code udp_connect(const socket_fd& s, const udp_peer& to) noexcept;

/// One socket wait_any() watches: always for reading, for writing if asked.
struct wait_item {
    const socket_fd* fd = nullptr;
    bool want_write = false;
    int ready = 0;  ///< out: a bit set of io_ready values
};
/// Waits until one of `items` is ready or `deadline` passes: how many are
/// ready (0 on timeout), each item's `ready` set.
result<int> wait_any(std::span<wait_item> items, time_point deadline) noexcept;

/// Waits until `deadline` for a datagram from anyone, receives it into
/// `out` and connects `s` to its sender. errc::handshake_timeout when none came.
result<std::size_t> receive_first(const socket_fd& s, mutable_byte_view out, time_point deadline) noexcept;

}  // namespace polywire::transport::adapters
