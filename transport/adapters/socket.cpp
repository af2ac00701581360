#include "transport/adapters/socket.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include "transport/error.hpp"

namespace polywire::transport::adapters {
namespace {

int poll_timeout_ms(time_point deadline) noexcept {
    if (deadline == time_point::max()) return -1;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
    if (left <= 0) return 0;
    return static_cast<int>(std::min<long long>(left + 1, 1 << 30));
}

bool set_nonblocking(int fd) noexcept {
    int flags = ::fcntl(fd, F_GETFL, 0);
    return flags >= 0 && ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0;
}

void set_nodelay(int fd) noexcept {
    int one = 1;
    (void)::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

// A failure the OS did not name (a name that does not resolve).
std::error_code failed() noexcept { return make_error_code(errc::connection_failed); }
// A failure with the OS's own code, kept (its message is the system's).
std::error_code os_failure(int e) noexcept { return e != 0 ? os_error(e) : failed(); }

}  // namespace

socket_fd& socket_fd::operator=(socket_fd&& o) noexcept {
    if (this != &o) {
        reset();
        fd_ = o.release();
    }
    return *this;
}

void socket_fd::reset() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

result<socket_fd> tcp_connect(const std::string& host, std::uint16_t port, time_point deadline) noexcept {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    const std::string service = std::to_string(port);
    if (::getaddrinfo(host.c_str(), service.c_str(), &hints, &res) != 0 || res == nullptr) return failed();
    std::unique_ptr<addrinfo, void (*)(addrinfo*)> guard(res, ::freeaddrinfo);
    std::error_code last = failed();
    for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
        socket_fd s(::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol));
        if (!s || !set_nonblocking(s.get())) {
            last = os_failure(errno);
            continue;
        }
        if (::connect(s.get(), ai->ai_addr, ai->ai_addrlen) != 0) {
            if (errno != EINPROGRESS) {
                last = os_failure(errno);
                continue;
            }
            pollfd p{s.get(), POLLOUT, 0};
            int r;
            do {
                r = ::poll(&p, 1, poll_timeout_ms(deadline));
            } while (r < 0 && errno == EINTR);
            if (r == 0) {
                last = make_error_code(errc::handshake_timeout);
                continue;
            }
            if (r < 0) {
                last = os_failure(errno);
                continue;
            }
            int err = 0;
            socklen_t len = sizeof err;
            if (::getsockopt(s.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
            if (err != 0) {
                last = os_failure(err);  // ECONNREFUSED, ENETUNREACH...
                continue;
            }
        }
        set_nodelay(s.get());
        return s;
    }
    return last;
}

result<tcp_listener> tcp_listener::listen(const std::string& host, std::uint16_t port) noexcept {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    addrinfo* res = nullptr;
    const std::string service = std::to_string(port);
    if (::getaddrinfo(host.empty() ? nullptr : host.c_str(), service.c_str(), &hints, &res) != 0 || res == nullptr)
        return failed();
    std::unique_ptr<addrinfo, void (*)(addrinfo*)> guard(res, ::freeaddrinfo);
    std::error_code last = failed();
    for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
        socket_fd s(::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol));
        if (!s) {
            last = os_failure(errno);
            continue;
        }
        int one = 1;
        (void)::setsockopt(s.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_storage ss{};
        socklen_t len = sizeof ss;
        if (::bind(s.get(), ai->ai_addr, ai->ai_addrlen) != 0 || ::listen(s.get(), backlog) != 0 ||
            !set_nonblocking(s.get()) || ::getsockname(s.get(), reinterpret_cast<sockaddr*>(&ss), &len) != 0) {
            last = os_failure(errno);  // EADDRINUSE, EACCES...
            continue;
        }
        tcp_listener l;
        l.port_ = ntohs(ss.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port
                                                  : reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
        l.host_ = host;
        l.fd_ = std::move(s);
        return l;
    }
    return last;
}

result<socket_fd> tcp_listener::accept(time_point deadline) noexcept {
    for (;;) {
        int fd = ::accept4(fd_.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd >= 0) {
            set_nodelay(fd);
            return socket_fd(fd);
        }
        if (errno == EINTR || errno == ECONNABORTED) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) return os_failure(errno);  // EMFILE...
        pollfd p{fd_.get(), POLLIN, 0};
        int r = ::poll(&p, 1, poll_timeout_ms(deadline));
        if (r < 0 && errno != EINTR) return os_failure(errno);
        if (r == 0) return make_error_code(errc::handshake_timeout);
    }
}

result<int> wait(const socket_fd& s, bool want_read, bool want_write, time_point deadline) noexcept {
    pollfd p{s.get(), static_cast<short>((want_read ? POLLIN : 0) | (want_write ? POLLOUT : 0)), 0};
    int r;
    do {
        r = ::poll(&p, 1, poll_timeout_ms(deadline));
    } while (r < 0 && errno == EINTR);
    if (r < 0) return os_failure(errno);
    int ready = 0;
    if (p.revents & (POLLIN | POLLHUP | POLLERR)) ready |= static_cast<int>(io_ready::readable);
    if (p.revents & (POLLOUT | POLLERR)) ready |= static_cast<int>(io_ready::writable);
    return ready;
}

result<std::size_t> read_some(const socket_fd& s, mutable_byte_view out) noexcept {
    for (;;) {
        ssize_t n = ::read(s.get(), out.data(), out.size());
        if (n >= 0) return static_cast<std::size_t>(n);
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return make_error_code(std::errc::resource_unavailable_try_again);
        return os_failure(errno);  // ECONNRESET: "Connection reset by peer"
    }
}

result<std::size_t> write_some(const socket_fd& s, byte_view in) noexcept {
    for (;;) {
        ssize_t n = ::send(s.get(), in.data(), in.size(), MSG_NOSIGNAL);
        if (n >= 0) return static_cast<std::size_t>(n);
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return std::size_t{0};
        if (errno == EPIPE) return make_error_code(errc::peer_closed);  // our side of a closed stream
        return os_failure(errno);                                      // ECONNRESET: "Connection reset by peer"
    }
}

void shutdown_write(const socket_fd& s) noexcept { (void)::shutdown(s.get(), SHUT_WR); }

std::string peer_address(const socket_fd& s) {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    if (::getpeername(s.get(), reinterpret_cast<sockaddr*>(&ss), &len) != 0) return "?";
    char host[INET6_ADDRSTRLEN] = {};
    if (ss.ss_family == AF_INET6) {
        auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
        ::inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof host);
        // Appended piecewise: g++ 12 -O2 warns (-Wrestrict) on a + chain here.
        std::string out = "[";
        out += host;
        out += "]:";
        out += std::to_string(ntohs(a->sin6_port));
        return out;
    }
    auto* a = reinterpret_cast<sockaddr_in*>(&ss);
    ::inet_ntop(AF_INET, &a->sin_addr, host, sizeof host);
    std::string out = host;
    out += ":";
    out += std::to_string(ntohs(a->sin_port));
    return out;
}

}  // namespace polywire::transport::adapters
