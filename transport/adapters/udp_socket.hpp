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
// connects the socket to whoever sent the first datagram.
#pragma once

#include <cstdint>
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
/// Receives one datagram into `out`: its size. Errors:
/// std::errc::resource_unavailable_try_again when none is waiting,
/// std::errc::connection_refused (see above), errc::truncated_datagram when
/// it was larger than `out` (and is lost), errc::connection_failed.
result<std::size_t> receive_datagram(const socket_fd& s, mutable_byte_view out) noexcept;
/// Waits until `deadline` for a datagram from anyone, receives it into
/// `out` and connects `s` to its sender. errc::handshake_timeout when none came.
result<std::size_t> receive_first(const socket_fd& s, mutable_byte_view out, time_point deadline) noexcept;

}  // namespace polywire::transport::adapters
