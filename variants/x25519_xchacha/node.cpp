#include "variants/x25519_xchacha/node.hpp"

namespace polywire::variants::x25519_xchacha {

namespace adapters = transport::adapters;

session::options make_options(const node_config& cfg, std::optional<identity_public_key> remote) {
    session::options o;
    o.handshake.identity = cfg.identity;
    o.handshake.expected_remote = remote;
    o.handshake.psk = cfg.psk;
    o.protocol = cfg.protocol;
    o.timeouts = cfg.timeouts;
    o.limits = cfg.limits;
    return o;
}

udp_session::options make_udp_options(const node_config& cfg, std::optional<identity_public_key> remote) {
    session::options s = make_options(cfg, remote);
    udp_session::options o;
    o.handshake = s.handshake;
    o.protocol = s.protocol;
    o.timeouts = s.timeouts;
    o.limits = s.limits;
    return o;
}

namespace {
// A UDP handshake that ran out of time after the key agreement refused a
// datagram (a wrong identity, a pre-shared key that differs...): that
// refusal says more than the timeout.
std::error_code udp_handshake(udp_connection& c) {
    const std::error_code ec = c.handshake();
    const std::error_code refused = c.session().last_discard();
    if (ec == transport::errc::handshake_timeout && refused == transport::condition::handshake_failed) return refused;
    return ec;
}
}  // namespace

result<std::unique_ptr<connection>> dial(const node_config& cfg, const std::string& host, std::uint16_t port,
                                         std::optional<identity_public_key> remote) {
    auto fd = adapters::tcp_connect(host, port, transport::clock::now() + cfg.timeouts.handshake);
    if (!fd) return fd.error();
    auto c = std::make_unique<connection>(std::move(fd.value()),
                                          session(policies::handshake_role::initiator, make_options(cfg, remote)), cfg.log);
    if (auto ec = c->handshake()) return ec;
    return c;
}

result<std::unique_ptr<udp_connection>> dial_udp(const node_config& cfg, const std::string& host, std::uint16_t port,
                                                 std::optional<identity_public_key> remote) {
    auto fd = adapters::udp_bind(host.find(':') != std::string::npos ? "::" : "0.0.0.0", 0);
    if (!fd) return fd.error();
    if (auto ec = adapters::udp_connect(fd.value(), host, port)) return ec;
    auto c = std::make_unique<udp_connection>(
        std::move(fd.value()), udp_session(policies::handshake_role::initiator, make_udp_options(cfg, remote)), cfg.log);
    if (auto ec = udp_handshake(*c)) return ec;
    return c;
}

result<listener> listener::open(node_config cfg, const std::string& host, std::uint16_t port) {
    auto s = adapters::tcp_listener::listen(host, port);
    if (!s) return s.error();
    listener l;
    l.cfg_ = std::move(cfg);
    l.socket_ = std::move(s.value());
    return l;
}

result<std::unique_ptr<connection>> listener::accept(transport::time_point deadline,
                                                     std::optional<identity_public_key> expected_remote) {
    auto fd = socket_.accept(deadline);
    if (!fd) return fd.error();
    auto c = std::make_unique<connection>(
        std::move(fd.value()), session(policies::handshake_role::recipient, make_options(cfg_, expected_remote)), cfg_.log);
    if (auto ec = c->handshake()) return ec;
    return c;
}

result<udp_listener> udp_listener::open(node_config cfg, const std::string& host, std::uint16_t port) {
    auto s = adapters::udp_bind(host, port, true);
    if (!s) return s.error();
    udp_listener l;
    l.cfg_ = std::move(cfg);
    l.host_ = host;
    l.port_ = adapters::local_port(s.value());
    l.socket_ = std::move(s.value());
    return l;
}

result<std::unique_ptr<udp_connection>> udp_listener::accept(transport::time_point deadline,
                                                             std::optional<identity_public_key> expected_remote) {
    bytes first(adapters::max_udp_datagram);
    auto n = adapters::receive_first(socket_, first, deadline);
    if (!n) return n.error();
    first.resize(n.value());
    // The connected socket goes to the connection; a fresh one listens on.
    adapters::socket_fd peer = std::move(socket_);
    auto next = adapters::udp_bind(host_, port_, true);
    if (next) socket_ = std::move(next.value());
    auto c = std::make_unique<udp_connection>(
        std::move(peer), udp_session(policies::handshake_role::recipient, make_udp_options(cfg_, expected_remote)), cfg_.log,
        std::move(first));
    if (auto ec = udp_handshake(*c)) return ec;
    return c;
}

}  // namespace polywire::variants::x25519_xchacha
