// The non-template parts of the async datagram adapter: connected UDP
// sockets, the one-socket-per-peer listener, addresses.
#include "transport/adapters/asio_datagram.hpp"

#include <sys/socket.h>

#include "transport/adapters/udp_socket.hpp"  // max_udp_datagram

namespace polywire::transport::adapters {

namespace {

std::error_code failed() noexcept { return make_error_code(errc::connection_failed); }

// SO_REUSEPORT as an Asio socket option.
struct reuse_port {
    int value = 1;
    template <class Protocol>
    int level(const Protocol&) const noexcept { return SOL_SOCKET; }
    template <class Protocol>
    int name(const Protocol&) const noexcept { return SO_REUSEPORT; }
    template <class Protocol>
    const int* data(const Protocol&) const noexcept { return &value; }
    template <class Protocol>
    std::size_t size(const Protocol&) const noexcept { return sizeof value; }
};

// The sender's address bytes, then its port big-endian (as udp_peer::key).
bytes source_key(const udp::endpoint& e) {
    bytes k;
    if (e.address().is_v6()) {
        const auto a = e.address().to_v6().to_bytes();
        k.assign(a.begin(), a.end());
    } else {
        const auto a = e.address().to_v4().to_bytes();
        k.assign(a.begin(), a.end());
    }
    k.push_back(static_cast<std::uint8_t>(e.port() >> 8));
    k.push_back(static_cast<std::uint8_t>(e.port() & 0xff));
    return k;
}

}  // namespace

awaitable<result<udp::socket>> async_udp_connect(std::string host, std::uint16_t port) {
    auto ex = co_await asio::this_coro::executor;
    udp::resolver resolver(ex);
    boost::system::error_code ec;
    const auto endpoints = co_await detail::endpoints_of(resolver, host, port, ec);
    if (ec) co_return failed();
    std::error_code last = failed();
    for (const auto& ep : endpoints) {
        udp::socket s(ex);
        s.open(ep.protocol(), ec);
        if (ec) {
            last = os_error_of(ec);
            continue;
        }
        s.connect(ep, ec);  // UDP: only fixes the peer's address, sends nothing
        if (ec) {
            last = os_error_of(ec);
            continue;
        }
        co_return std::move(s);
    }
    co_return last;
}

std::string remote_address(const udp::socket& s) { return detail::peer_text(s); }

result<udp::socket> asio_udp_listener::bind(const asio::any_io_executor& ex, const udp::endpoint& at) {
    boost::system::error_code ec;
    udp::socket s(ex);
    s.open(at.protocol(), ec);
    if (ec) return os_error_of(ec);
    s.set_option(udp::socket::reuse_address(true), ec);
    s.set_option(reuse_port{}, ec);
    s.bind(at, ec);
    if (ec) return os_error_of(ec);
    return s;
}

result<asio_udp_listener> asio_udp_listener::listen(const asio::any_io_executor& ex, const std::string& host,
                                                    std::uint16_t port, udp_listener_options o) {
    boost::system::error_code ec;
    udp::resolver resolver(ex);
    const auto found = resolver.resolve(host.empty() ? std::string("0.0.0.0") : host, std::to_string(port),
                                        udp::resolver::passive | udp::resolver::numeric_service, ec);
    if (ec) return failed();
    std::error_code last = failed();
    for (const auto& r : found) {
        auto s = bind(ex, r.endpoint());
        if (!s) {
            last = s.error();
            continue;
        }
        const auto local = s.value().local_endpoint(ec);
        if (ec) {
            last = os_error_of(ec);
            continue;
        }
        return asio_udp_listener(std::move(s.value()), local, std::move(o));
    }
    return last;
}

awaitable<result<udp_arrival>> asio_udp_listener::accept() {
    bytes first(max_udp_datagram + 1);  // one more: a larger datagram is seen as such
    bytes reply;
    for (;;) {
        udp::endpoint from;
        boost::system::error_code ec;
        const std::size_t n =
            co_await socket_.async_receive_from(asio::buffer(first), from, asio::redirect_error(asio::use_awaitable, ec));
        if (ec == asio::error::connection_refused || ec == asio::error::interrupted) continue;
        if (ec) co_return os_error_of(ec);
        if (n > max_udp_datagram) continue;  // not one of ours
        const std::size_t pending = pending_->load();
        if (opts_.gate) {
            const byte_view d(first.data(), n);
            if (!opts_.gate(d, source_key(from), clock::now(), pending >= opts_.cookie_threshold, reply)) {
                if (!reply.empty()) (void)socket_.send_to(asio::buffer(reply), from, 0, ec);  // best effort
                continue;
            }
        }
        if (pending >= opts_.max_pending_handshakes) continue;  // it will retransmit
        socket_.connect(from, ec);
        if (ec) co_return os_error_of(ec);
        first.resize(n);
        // The connected socket goes to the peer; a fresh one listens on.
        udp::socket peer = std::move(socket_);
        auto next = bind(peer.get_executor(), local_);
        socket_ = next ? std::move(next.value()) : udp::socket(peer.get_executor());
        co_return udp_arrival{std::move(peer), std::move(first), handshake_slot(pending_)};
    }
}

void asio_udp_listener::close() noexcept {
    boost::system::error_code ec;
    socket_.close(ec);
}

}  // namespace polywire::transport::adapters
