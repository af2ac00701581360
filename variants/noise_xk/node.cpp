#include "variants/noise_xk/node.hpp"

namespace polywire::variants::noise_xk {

namespace k1 = crypto::secp256k1;

session::options make_options(const node_config& cfg, std::optional<k1::compressed_public_key> remote) {
    session::options o;
    o.handshake.static_key = cfg.key;
    o.handshake.remote_static_key = remote;
    o.timeouts = cfg.timeouts;
    o.limits = cfg.limits;
    return o;
}

namespace {
result<std::unique_ptr<connection>> establish(transport::adapters::socket_fd fd, policies::handshake_role role,
                                              const node_config& cfg, std::optional<k1::compressed_public_key> remote) {
    auto c = std::make_unique<connection>(std::move(fd), session(role, make_options(cfg, remote)), cfg.log);
    if (auto ec = c->handshake()) {
        if (ec == transport::errc::peer_closed) return make_error_code(errc::handshake_truncated);
        return ec;
    }
    return c;
}
}  // namespace

result<std::unique_ptr<connection>> dial(const node_config& cfg, const std::string& host, std::uint16_t port,
                                         const k1::compressed_public_key& remote) {
    auto fd = transport::adapters::tcp_connect(host, port, transport::clock::now() + cfg.timeouts.handshake);
    if (!fd) return fd.error();
    return establish(std::move(fd.value()), policies::handshake_role::initiator, cfg, remote);
}

result<listener> listener::open(node_config cfg, const std::string& host, std::uint16_t port) {
    auto s = transport::adapters::tcp_listener::listen(host, port);
    if (!s) return s.error();
    listener l;
    l.cfg_ = std::move(cfg);
    l.socket_ = std::move(s.value());
    return l;
}

result<std::unique_ptr<connection>> listener::accept(transport::time_point deadline) {
    auto fd = socket_.accept(deadline);
    if (!fd) return fd.error();
    return establish(std::move(fd.value()), policies::handshake_role::recipient, cfg_, std::nullopt);
}

}  // namespace polywire::variants::noise_xk
