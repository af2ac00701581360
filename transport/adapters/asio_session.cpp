// The non-template parts of the Asio adapters: TCP connect with a deadline,
// the acceptor, addresses and failure names.
#include "transport/adapters/asio_session.hpp"

#include <functional>

namespace polywire::transport::adapters {

namespace {

using strand_type = asio::strand<asio::any_io_executor>;

// Runs `on_expiry` on `strand` at `deadline` unless destroyed first. The
// timer's handler shares only `shared` with the guard, so it is harmless
// when it runs after the guard (and what on_expiry refers to) is gone.
class deadline_guard {
public:
    deadline_guard(const strand_type& strand, time_point deadline, std::function<void()> on_expiry)
        : st_(std::make_shared<shared>()), timer_(strand) {
        st_->on_expiry = std::move(on_expiry);
        timer_.expires_at(deadline);
        timer_.async_wait([st = st_](const boost::system::error_code& ec) {
            if (ec || !st->on_expiry) return;
            st->fired = true;
            st->on_expiry();
        });
    }
    ~deadline_guard() {
        st_->on_expiry = nullptr;
        timer_.cancel();
    }
    deadline_guard(const deadline_guard&) = delete;
    deadline_guard& operator=(const deadline_guard&) = delete;
    bool fired() const noexcept { return st_->fired; }

private:
    struct shared {
        std::function<void()> on_expiry;
        bool fired = false;
    };
    std::shared_ptr<shared> st_;
    asio::steady_timer timer_;
};

struct connect_outcome {
    std::error_code error;
    std::optional<tcp::socket> socket;
};

// Resolves and connects on `strand`, where the deadline guard also runs.
awaitable<connect_outcome> connect_on_strand(asio::any_io_executor ex, strand_type strand, std::string host,
                                             std::uint16_t port, time_point deadline) {
    connect_outcome out;
    tcp::resolver resolver(strand);
    tcp::socket socket(ex);
    deadline_guard guard(strand, deadline, [&] {
        resolver.cancel();
        boost::system::error_code ignored;
        socket.close(ignored);
    });
    boost::system::error_code ec;
    const auto endpoints = co_await detail::endpoints_of(resolver, host, port, ec);
    std::error_code last = make_error_code(errc::connection_failed);
    for (const auto& ep : endpoints) {
        if (guard.fired()) break;
        socket.close(ec);
        socket.open(ep.protocol(), ec);
        if (ec) {
            last = os_error_of(ec);
            continue;
        }
        co_await socket.async_connect(ep, asio::redirect_error(asio::use_awaitable, ec));
        if (!ec && !guard.fired()) {
            socket.set_option(tcp::no_delay(true), ec);
            out.socket.emplace(std::move(socket));
            co_return out;
        }
        if (ec) last = os_error_of(ec);  // connection refused...
    }
    out.error = guard.fired() ? make_error_code(errc::handshake_timeout) : last;
    co_return out;
}

}  // namespace

awaitable<result<tcp::socket>> async_tcp_connect(std::string host, std::uint16_t port, time_point deadline) {
    auto ex = co_await asio::this_coro::executor;
    auto strand = asio::make_strand(ex);
    auto out = co_await asio::co_spawn(strand, connect_on_strand(ex, strand, std::move(host), port, deadline),
                                       asio::use_awaitable);
    if (!out.socket) co_return out.error;
    co_return std::move(*out.socket);
}

result<asio_acceptor> asio_acceptor::listen(const asio::any_io_executor& ex, const std::string& host, std::uint16_t port) {
    boost::system::error_code ec;
    tcp::resolver resolver(ex);
    const auto found = resolver.resolve(host.empty() ? std::string("0.0.0.0") : host, std::to_string(port),
                                        tcp::resolver::passive | tcp::resolver::numeric_service, ec);
    if (ec) return make_error_code(errc::connection_failed);
    std::error_code last = make_error_code(errc::connection_failed);
    for (const auto& r : found) {
        tcp::acceptor a(ex);
        a.open(r.endpoint().protocol(), ec);
        if (!ec) a.set_option(tcp::acceptor::reuse_address(true), ec);
        if (!ec) a.bind(r.endpoint(), ec);  // address in use...
        if (!ec) a.listen(backlog, ec);
        const auto local = ec ? tcp::endpoint{} : a.local_endpoint(ec);
        if (ec) {
            last = os_error_of(ec);
            continue;
        }
        asio_acceptor out(std::move(a));
        out.port_ = local.port();
        out.host_ = host;
        return out;
    }
    return last;
}

awaitable<result<tcp::socket>> asio_acceptor::accept() {
    boost::system::error_code ec;
    tcp::socket s = co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return os_error_of(ec);
    s.set_option(tcp::no_delay(true), ec);
    co_return std::move(s);
}

std::optional<tcp::socket> asio_acceptor::try_accept() {
    boost::system::error_code ec;
    acceptor_.non_blocking(true, ec);
    if (ec) return std::nullopt;
    tcp::socket s(acceptor_.get_executor());
    acceptor_.accept(s, ec);
    if (ec) return std::nullopt;  // would block, or an error the next accept() reports
    s.set_option(tcp::no_delay(true), ec);
    return s;
}

void asio_acceptor::close() noexcept {
    boost::system::error_code ec;
    acceptor_.close(ec);
}

std::string remote_address(const tcp::socket& s) { return detail::peer_text(s); }

std::error_code os_error_of(const boost::system::error_code& ec) noexcept {
    if (!ec) return {};
    if (ec.category() == boost::system::system_category()) return os_error(ec.value());
    if (ec.category() == boost::system::generic_category()) return {ec.value(), std::generic_category()};
    return make_error_code(errc::connection_failed);
}

std::string detail::endpoint_text(asio::ip::address address, std::uint16_t port) {
    if (address.is_v6() && address.to_v6().is_v4_mapped())
        address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
    std::string out;
    if (address.is_v6()) {
        out = "[";
        out += address.to_string();
        out += "]";
    } else {
        out = address.to_string();
    }
    out += ":";
    out += std::to_string(port);
    return out;
}

std::string_view failure_kind(std::error_code ec) noexcept {
    if (!ec) return "none";
    if (ec == std::errc::operation_canceled) return "cancelled";
    if (ec == errc::peer_closed) return "peer_closed";
    if (ec == std::errc::connection_reset) return "peer_reset";
    if (ec == condition::timed_out) return "timed_out";
    if (ec == condition::authentication_failed) return "authentication_failed";
    if (ec == condition::handshake_failed) return "handshake_failed";
    if (ec == condition::protocol_violation) return "protocol_violation";
    if (ec == condition::limit_exceeded) return "limit_exceeded";
    if (ec == condition::peer_disconnected) return "peer_disconnected";
    if (ec == condition::misuse) return "misuse";
    if (ec == condition::system_failure) return "system_failure";
    return "other";
}

}  // namespace polywire::transport::adapters
