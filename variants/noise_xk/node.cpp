#include "variants/noise_xk/node.hpp"

namespace polywire::variants::noise_xk {

namespace k1 = crypto::secp256k1;

session::options make_options(const node_config& cfg, std::optional<k1::compressed_public_key> remote) {
    session::options o;
    o.handshake.static_key = cfg.key;
    if (auto id = k1::derive_compressed_public_key(cfg.key)) o.handshake.static_public_key = id.value();
    o.handshake.remote_static_key = remote;
    o.timeouts = cfg.timeouts;
    o.limits = cfg.limits;
    o.random = cfg.random;
    o.key_log = cfg.key_log;
    return o;
}

namespace {
result<std::unique_ptr<connection>> handshake(std::unique_ptr<connection> c) {
    if (auto ec = c->handshake()) {
        if (ec == transport::errc::peer_closed) return make_error_code(errc::handshake_truncated);
        return ec;
    }
    return c;
}

result<std::unique_ptr<connection>> establish(transport::adapters::socket_fd fd, policies::handshake_role role,
                                              const node_config& cfg, std::optional<k1::compressed_public_key> remote) {
    return handshake(std::make_unique<connection>(std::move(fd), session(role, make_options(cfg, remote)), cfg.log));
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
    l.log_ = std::move(cfg.log);
    l.options_ = make_options(cfg, std::nullopt);
    l.socket_ = std::move(s.value());
    return l;
}

result<std::unique_ptr<connection>> listener::accept(transport::time_point deadline) {
    auto fd = socket_.accept(deadline);
    if (!fd) return fd.error();
    return handshake(std::make_unique<connection>(std::move(fd.value()),
                                                  session(policies::handshake_role::recipient, options_), log_));
}

}  // namespace polywire::variants::noise_xk
