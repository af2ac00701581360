// POSIX TCP sockets with deadlines: the only code in polywire that calls
// connect/accept/read/write/poll. Sockets are non-blocking; every wait is a
// poll(2) bounded by a deadline. Errors are transport::errc values
// (peer_closed for an end of stream, *_timeout) or, for what the operating
// system refused, its own code as os_error() keeps it (EADDRINUSE,
// ECONNREFUSED, ECONNRESET, EMFILE...: the message is the system's), which
// matches polywire's conditions all the same (condition::system_failure;
// a reset is condition::peer_disconnected). errc::connection_failed is left
// for a failure without an OS code (a name that does not resolve).
#pragma once

#include <cstdint>
#include <string>
#include <system_error>

#include "transport/bytes.hpp"
#include "transport/options.hpp"
#include "transport/result.hpp"

namespace polywire::transport::adapters {

/// An owned socket descriptor, closed on destruction.
class socket_fd {
public:
    socket_fd() noexcept = default;
    explicit socket_fd(int fd) noexcept : fd_(fd) {}
    socket_fd(socket_fd&& o) noexcept : fd_(o.release()) {}
    socket_fd& operator=(socket_fd&& o) noexcept;
    ~socket_fd() { reset(); }
    int get() const noexcept { return fd_; }
    int release() noexcept {
        int f = fd_;
        fd_ = -1;
        return f;
    }
    void reset() noexcept;
    explicit operator bool() const noexcept { return fd_ >= 0; }

private:
    int fd_ = -1;
};

/// Connects to host:port (IPv4, IPv6 or a host name) before `deadline`.
result<socket_fd> tcp_connect(const std::string& host, std::uint16_t port, time_point deadline) noexcept;

class tcp_listener {
public:
    /// The listen backlog asked for: as large as the system allows (Linux
    /// caps it at net.core.somaxconn, 4096 by default), so a burst of
    /// connections waits in the kernel until accepted instead of being
    /// dropped.
    static constexpr int backlog = 65535;
    /// Binds and listens; port 0 lets the system choose.
    static result<tcp_listener> listen(const std::string& host, std::uint16_t port) noexcept;
    /// Waits for a connection until `deadline` (time_point::max(): forever).
    result<socket_fd> accept(time_point deadline) noexcept;
    std::uint16_t port() const noexcept { return port_; }
    const std::string& host() const noexcept { return host_; }

private:
    socket_fd fd_;
    std::uint16_t port_ = 0;
    std::string host_;
};

enum class io_ready { none = 0, readable = 1, writable = 2 };

/// Waits until the socket is readable (and, if `want_write`, writable) or
/// `deadline` passes; returns a bit set of io_ready values (0 on timeout).
result<int> wait(const socket_fd& s, bool want_read, bool want_write, time_point deadline) noexcept;
/// Reads what is available (at most out.size()); 0 means the peer closed.
result<std::size_t> read_some(const socket_fd& s, mutable_byte_view out) noexcept;
/// Writes what the socket accepts now.
result<std::size_t> write_some(const socket_fd& s, byte_view in) noexcept;
/// Shuts down the write side (FIN) so the peer sees end of stream.
void shutdown_write(const socket_fd& s) noexcept;
/// "host:port" of the peer, for logs.
std::string peer_address(const socket_fd& s);

/// The socket operations an adapter uses, as a policy: adapters take an Io
/// parameter (this by default) so tests can inject short counts, EINTR,
/// EAGAIN and resets at any point (tests/transport/adapters/).
/// read_some/write_some may also report std::errc::interrupted or
/// std::errc::resource_unavailable_try_again: the caller tries again later.
struct posix_io {
    result<int> wait(const socket_fd& s, bool want_read, bool want_write, time_point deadline) noexcept {
        return adapters::wait(s, want_read, want_write, deadline);
    }
    result<std::size_t> read_some(const socket_fd& s, mutable_byte_view out) noexcept { return adapters::read_some(s, out); }
    result<std::size_t> write_some(const socket_fd& s, byte_view in) noexcept { return adapters::write_some(s, in); }
    void shutdown_write(const socket_fd& s) noexcept { adapters::shutdown_write(s); }
};

/// True for the errors that mean "nothing happened, try again".
inline bool try_again(std::error_code ec) noexcept {
    return ec == std::errc::interrupted || ec == std::errc::resource_unavailable_try_again;
}

}  // namespace polywire::transport::adapters
