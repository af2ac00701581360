#include "transport/adapters/udp_socket.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <vector>

#include "transport/error.hpp"

namespace polywire::transport::adapters {
namespace {

std::error_code failed() noexcept { return make_error_code(errc::connection_failed); }
// The OS's own code when there is one ("Address already in use"...).
std::error_code os_failure(int e) noexcept { return e != 0 ? os_error(e) : failed(); }

using addrinfo_ptr = std::unique_ptr<addrinfo, void (*)(addrinfo*)>;

addrinfo_ptr resolve(const std::string& host, std::uint16_t port, bool passive) noexcept {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = passive ? AI_PASSIVE : 0;
    addrinfo* res = nullptr;
    const std::string service = std::to_string(port);
    if (::getaddrinfo(host.empty() ? nullptr : host.c_str(), service.c_str(), &hints, &res) != 0) res = nullptr;
    return addrinfo_ptr(res, ::freeaddrinfo);
}

static_assert(sizeof(udp_peer::storage) >= sizeof(sockaddr_storage));

const sockaddr* address_of(const udp_peer& p) noexcept { return reinterpret_cast<const sockaddr*>(p.storage.data()); }

int timeout_ms(time_point deadline) noexcept {
    if (deadline == time_point::max()) return -1;
    const auto now = clock::now();
    if (deadline <= now) return 0;
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(deadline - now).count();
    return static_cast<int>(std::min<long long>(ms, std::numeric_limits<int>::max()));
}

}  // namespace

bytes udp_peer::key() const {
    bytes k;
    sockaddr_storage ss{};
    std::memcpy(&ss, storage.data(), sizeof ss);
    if (ss.ss_family == AF_INET6) {
        sockaddr_in6 a{};
        std::memcpy(&a, storage.data(), sizeof a);
        k.assign(a.sin6_addr.s6_addr, a.sin6_addr.s6_addr + 16);
        k.push_back(static_cast<std::uint8_t>(ntohs(a.sin6_port) >> 8));
        k.push_back(static_cast<std::uint8_t>(ntohs(a.sin6_port) & 0xff));
    } else if (ss.ss_family == AF_INET) {
        sockaddr_in a{};
        std::memcpy(&a, storage.data(), sizeof a);
        const auto* b = reinterpret_cast<const std::uint8_t*>(&a.sin_addr.s_addr);
        k.assign(b, b + 4);
        k.push_back(static_cast<std::uint8_t>(ntohs(a.sin_port) >> 8));
        k.push_back(static_cast<std::uint8_t>(ntohs(a.sin_port) & 0xff));
    }
    return k;
}

std::string udp_peer::text() const {
    char host[NI_MAXHOST];
    char port[NI_MAXSERV];
    if (::getnameinfo(address_of(*this), length, host, sizeof host, port, sizeof port, NI_NUMERICHOST | NI_NUMERICSERV) != 0)
        return {};
    const bool v6 = std::strchr(host, ':') != nullptr;
    return (v6 ? "[" + std::string(host) + "]" : std::string(host)) + ":" + port;
}

result<std::size_t> receive_from(const socket_fd& s, mutable_byte_view out, udp_peer& from) noexcept {
    for (;;) {
        socklen_t len = sizeof(sockaddr_storage);
        const ssize_t n = ::recvfrom(s.get(), out.data(), out.size(), MSG_TRUNC,
                                     reinterpret_cast<sockaddr*>(from.storage.data()), &len);
        if (n >= 0) {
            from.length = len;
            if (static_cast<std::size_t>(n) > out.size()) return make_error_code(errc::truncated_datagram);
            return static_cast<std::size_t>(n);
        }
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return make_error_code(std::errc::resource_unavailable_try_again);
        if (errno == ECONNREFUSED) return make_error_code(std::errc::connection_refused);
        return os_failure(errno);
    }
}

result<std::size_t> send_to(const socket_fd& s, byte_view datagram, const udp_peer& to) noexcept {
    for (;;) {
        const ssize_t n = ::sendto(s.get(), datagram.data(), datagram.size(), MSG_NOSIGNAL, address_of(to), to.length);
        if (n >= 0) return static_cast<std::size_t>(n);
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) return std::size_t{0};
        return os_failure(errno);
    }
}

std::error_code udp_connect(const socket_fd& s, const udp_peer& to) noexcept {
    if (::connect(s.get(), address_of(to), to.length) != 0) return os_failure(errno);
    return {};
}

result<int> wait_any(std::span<wait_item> items, time_point deadline) noexcept {
    try {
        std::vector<pollfd> p(items.size());
        for (std::size_t i = 0; i < items.size(); ++i)
            p[i] = pollfd{items[i].fd->get(), static_cast<short>(POLLIN | (items[i].want_write ? POLLOUT : 0)), 0};
        int r;
        do {
            r = ::poll(p.data(), p.size(), timeout_ms(deadline));
        } while (r < 0 && errno == EINTR);
        if (r < 0) return os_failure(errno);
        for (std::size_t i = 0; i < items.size(); ++i) {
            int ready = 0;
            if (p[i].revents & (POLLIN | POLLHUP | POLLERR)) ready |= static_cast<int>(io_ready::readable);
            if (p[i].revents & (POLLOUT | POLLERR)) ready |= static_cast<int>(io_ready::writable);
            items[i].ready = ready;
        }
        return r;
    } catch (...) {
        return failed();
    }
}

result<socket_fd> udp_bind(const std::string& host, std::uint16_t port, bool reuse_port) noexcept {
    auto res = resolve(host, port, true);
    int last = 0;
    for (addrinfo* ai = res.get(); ai != nullptr; ai = ai->ai_next) {
        socket_fd s(::socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol));
        if (!s) {
            last = errno;
            continue;
        }
        int one = 1;
        (void)::setsockopt(s.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (reuse_port) (void)::setsockopt(s.get(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
        if (::bind(s.get(), ai->ai_addr, ai->ai_addrlen) != 0) {
            last = errno;
            continue;
        }
        return s;
    }
    return os_failure(last);
}

std::error_code udp_connect(const socket_fd& s, const std::string& host, std::uint16_t port) noexcept {
    auto res = resolve(host, port, false);
    sockaddr_storage own{};
    socklen_t own_len = sizeof own;
    if (::getsockname(s.get(), reinterpret_cast<sockaddr*>(&own), &own_len) != 0) return os_failure(errno);
    int last = 0;
    for (addrinfo* ai = res.get(); ai != nullptr; ai = ai->ai_next) {
        if (ai->ai_family != own.ss_family) continue;
        if (::connect(s.get(), ai->ai_addr, ai->ai_addrlen) == 0) return {};
        last = errno;
    }
    return os_failure(last);
}

std::uint16_t local_port(const socket_fd& s) noexcept {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    if (::getsockname(s.get(), reinterpret_cast<sockaddr*>(&ss), &len) != 0) return 0;
    return ntohs(ss.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port
                                          : reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
}

result<std::size_t> send_datagram(const socket_fd& s, byte_view datagram) noexcept {
    for (;;) {
        const ssize_t n = ::send(s.get(), datagram.data(), datagram.size(), MSG_NOSIGNAL);
        if (n >= 0) return static_cast<std::size_t>(n);
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) return std::size_t{0};
        if (errno == ECONNREFUSED) return make_error_code(std::errc::connection_refused);
        return os_failure(errno);
    }
}

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif

result<std::size_t> send_datagrams(const socket_fd& s, std::span<const byte_view> datagrams, bool& gso,
                                   udp_io_stats* stats) noexcept {
    const std::size_t count = std::min(datagrams.size(), udp_batch_limit);
    if (count == 0) return std::size_t{0};
    // Sized once per call on the stack: no allocation per datagram.
    std::array<iovec, udp_batch_limit> iov{};
    std::array<mmsghdr, udp_batch_limit> msgs{};
    std::array<std::size_t, udp_batch_limit> taken{};  // datagrams in each message
    union control {
        cmsghdr align;
        char bytes[CMSG_SPACE(sizeof(std::uint16_t))];
    };
    std::array<control, udp_batch_limit> controls{};
    for (std::size_t i = 0; i < count; ++i)
        iov[i] = iovec{const_cast<std::uint8_t*>(datagrams[i].data()), datagrams[i].size()};
    for (;;) {
        std::size_t nmsgs = 0;
        for (std::size_t i = 0; i < count;) {
            std::size_t run = 1;
            std::size_t total = datagrams[i].size();
            if (gso && datagrams[i].size() > 0) {
                // Equal sizes after the first; the last may be shorter; the
                // whole run fits one UDP payload.
                while (i + run < count && datagrams[i + run].size() > 0 && datagrams[i + run].size() <= datagrams[i].size() &&
                       total + datagrams[i + run].size() <= max_udp_datagram) {
                    total += datagrams[i + run].size();
                    const bool shorter = datagrams[i + run].size() < datagrams[i].size();
                    ++run;
                    if (shorter) break;
                }
            }
            msghdr& h = msgs[nmsgs].msg_hdr;
            h = msghdr{};
            h.msg_iov = &iov[i];
            h.msg_iovlen = run;
            if (run > 1) {
                h.msg_control = controls[nmsgs].bytes;
                h.msg_controllen = sizeof controls[nmsgs].bytes;
                cmsghdr* c = CMSG_FIRSTHDR(&h);
                c->cmsg_level = SOL_UDP;
                c->cmsg_type = UDP_SEGMENT;
                c->cmsg_len = CMSG_LEN(sizeof(std::uint16_t));
                const auto seg = static_cast<std::uint16_t>(datagrams[i].size());
                std::memcpy(CMSG_DATA(c), &seg, sizeof seg);
            }
            taken[nmsgs++] = run;
            i += run;
        }
        const int n = ::sendmmsg(s.get(), msgs.data(), static_cast<unsigned>(nmsgs), MSG_NOSIGNAL);
        if (n > 0) {
            std::size_t sent = 0;
            std::uint64_t segmented = 0;
            for (int m = 0; m < n; ++m) {
                sent += taken[static_cast<std::size_t>(m)];
                segmented += taken[static_cast<std::size_t>(m)] > 1 ? 1 : 0;
            }
            if (stats) {
                ++stats->send_calls;
                stats->datagrams_sent += sent;
                stats->gso_messages += segmented;
            }
            return sent;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && gso && nmsgs < count && (errno == EINVAL || errno == ENOPROTOOPT || errno == EIO)) {
            gso = false;  // the kernel or the device has no segmentation offload: one datagram per message
            if (stats) ++stats->gso_refused;
            continue;
        }
        if (n == 0 || errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) return std::size_t{0};
        if (errno == ECONNREFUSED) return make_error_code(std::errc::connection_refused);
        return os_failure(errno);
    }
}

result<std::size_t> receive_datagram(const socket_fd& s, mutable_byte_view out) noexcept {
    for (;;) {
        const ssize_t n = ::recv(s.get(), out.data(), out.size(), MSG_TRUNC);
        if (n >= 0) {
            if (static_cast<std::size_t>(n) > out.size()) return make_error_code(errc::truncated_datagram);
            return static_cast<std::size_t>(n);
        }
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return make_error_code(std::errc::resource_unavailable_try_again);
        if (errno == ECONNREFUSED) return make_error_code(std::errc::connection_refused);
        return os_failure(errno);
    }
}

#ifndef UDP_GRO
#define UDP_GRO 104
#endif

std::size_t udp_set_buffers(const socket_fd& s, std::size_t size) noexcept {
    const int v = static_cast<int>(std::min<std::size_t>(size, std::numeric_limits<int>::max() / 2));
    (void)::setsockopt(s.get(), SOL_SOCKET, SO_RCVBUF, &v, sizeof v);
    (void)::setsockopt(s.get(), SOL_SOCKET, SO_SNDBUF, &v, sizeof v);
    return udp_receive_buffer(s);
}

std::size_t udp_receive_buffer(const socket_fd& s) noexcept {
    int v = 0;
    socklen_t len = sizeof v;
    if (::getsockopt(s.get(), SOL_SOCKET, SO_RCVBUF, &v, &len) != 0 || v < 0) return 0;
    return static_cast<std::size_t>(v);
}

bool udp_offload_allowed(const char* name) noexcept {
    const char* v = std::getenv(name);
    return !(v && v[0] == '0');
}

bool udp_set_gro(const socket_fd& s, bool on) noexcept {
    const int v = on ? 1 : 0;
    return ::setsockopt(s.get(), SOL_UDP, UDP_GRO, &v, sizeof v) == 0;
}

result<std::size_t> receive_datagrams(const socket_fd& s, std::span<std::uint8_t> arena, std::span<udp_received> out,
                                      udp_io_stats* stats) noexcept {
    const std::size_t slots = std::min({out.size(), udp_receive_slots, arena.size() / udp_receive_slot});
    if (slots == 0) return std::size_t{0};
    std::array<iovec, udp_receive_slots> iov{};
    std::array<mmsghdr, udp_receive_slots> msgs{};
    union control {
        cmsghdr align;
        char bytes[CMSG_SPACE(sizeof(int))];
    };
    std::array<control, udp_receive_slots> controls{};
    for (;;) {
        for (std::size_t i = 0; i < slots; ++i) {  // again on each try: the kernel writes lengths and flags back
            iov[i] = iovec{arena.data() + i * udp_receive_slot, udp_receive_slot};
            msghdr& h = msgs[i].msg_hdr;
            h = msghdr{};
            h.msg_iov = &iov[i];
            h.msg_iovlen = 1;
            h.msg_control = controls[i].bytes;
            h.msg_controllen = sizeof controls[i].bytes;
        }
        const int n = ::recvmmsg(s.get(), msgs.data(), static_cast<unsigned>(slots), MSG_DONTWAIT, nullptr);
        if (n > 0) {
            std::size_t kept = 0;
            std::uint64_t datagrams = 0, coalesced = 0, truncated = 0;
            for (std::size_t i = 0; i < static_cast<std::size_t>(n); ++i) {
                const msghdr& h = msgs[i].msg_hdr;
                const std::size_t len = msgs[i].msg_len;
                if ((h.msg_flags & MSG_TRUNC) != 0 || len > udp_receive_slot) {
                    ++truncated;
                    continue;
                }
                std::size_t segment = len;
                for (const cmsghdr* c = CMSG_FIRSTHDR(&h); c != nullptr; c = CMSG_NXTHDR(const_cast<msghdr*>(&h), const_cast<cmsghdr*>(c))) {
                    if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO && c->cmsg_len >= CMSG_LEN(sizeof(int))) {
                        int seg = 0;
                        std::memcpy(&seg, CMSG_DATA(c), sizeof seg);
                        if (seg > 0 && static_cast<std::size_t>(seg) < len) segment = static_cast<std::size_t>(seg);
                    }
                }
                out[kept++] = udp_received{byte_view(arena.data() + i * udp_receive_slot, len), segment};
                if (segment != 0 && segment < len) {
                    ++coalesced;
                    datagrams += (len + segment - 1) / segment;
                } else {
                    ++datagrams;
                }
            }
            if (stats) {
                ++stats->receive_calls;
                stats->datagrams_received += datagrams;
                stats->gro_messages += coalesced;
                stats->truncated += truncated;
            }
            if (kept == 0) continue;  // only oversized ones: look again
            return kept;
        }
        if (n == 0) return make_error_code(std::errc::resource_unavailable_try_again);
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return make_error_code(std::errc::resource_unavailable_try_again);
        if (errno == ECONNREFUSED) return make_error_code(std::errc::connection_refused);
        return os_failure(errno);
    }
}

result<std::size_t> receive_first(const socket_fd& s, mutable_byte_view out, time_point deadline) noexcept {
    for (;;) {
        sockaddr_storage from{};
        socklen_t len = sizeof from;
        const ssize_t n = ::recvfrom(s.get(), out.data(), out.size(), MSG_TRUNC, reinterpret_cast<sockaddr*>(&from), &len);
        if (n >= 0) {
            if (static_cast<std::size_t>(n) > out.size()) continue;  // not one of ours
            if (::connect(s.get(), reinterpret_cast<sockaddr*>(&from), len) != 0) return os_failure(errno);
            return static_cast<std::size_t>(n);
        }
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) return os_failure(errno);
        auto ready = wait(s, true, false, deadline);
        if (!ready) return ready.error();
        if (ready.value() == 0) return make_error_code(errc::handshake_timeout);
    }
}

}  // namespace polywire::transport::adapters
