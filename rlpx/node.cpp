#include "rlpx/node.hpp"

namespace polywire::rlpx {

namespace k1 = crypto::secp256k1;

result<session::options> make_options(const node_config& cfg, std::optional<k1::public_key> remote) {
    auto id = k1::derive_public_key(cfg.key);
    if (!id) return id.error();
    session::options o;
    o.handshake.static_key = cfg.key;
    o.handshake.remote_id = remote;
    o.handshake.static_public_key = id.value();
    o.protocol.client_id = cfg.client_id;
    o.protocol.capabilities = cfg.capabilities;
    o.protocol.listen_port = cfg.listen_port;
    o.protocol.protocol_version = cfg.protocol_version;
    o.protocol.node_id = id.value();
    o.protocol.hello_node_id_for_testing_only = cfg.hello_node_id_for_testing_only;
    o.timeouts = cfg.timeouts;
    o.limits = cfg.limits;
    o.random = cfg.random;
    o.key_log = cfg.key_log;
    return o;
}

std::error_code connection::send(std::string_view capability, std::uint64_t code, byte_view payload) {
    const auto* cap = p2p::find_by_name(session().peer().shared, capability);
    if (cap == nullptr) return make_error_code(errc::no_shared_capability);
    if (code >= cap->length) return make_error_code(transport::errc::invalid_argument);
    return blocking_socket::send(cap->offset + code, payload);
}

std::optional<std::pair<const p2p::shared_capability*, std::uint64_t>> connection::resolve(std::uint64_t wire_code) {
    const auto* cap = p2p::find_by_code(session().peer().shared, wire_code);
    if (cap == nullptr) return std::nullopt;
    return std::make_pair(cap, wire_code - cap->offset);
}

namespace {
// Runs the handshake and Hello exchange of a new connection.
result<std::unique_ptr<connection>> establish(transport::adapters::socket_fd fd, session s, transport::log_hook log) {
    auto c = std::make_unique<connection>(std::move(fd), std::move(s), std::move(log));
    if (auto ec = c->handshake()) return ec;
    return c;
}
}  // namespace

result<std::unique_ptr<connection>> dial(const node_config& cfg, const enode& remote) {
    auto fd = transport::adapters::tcp_connect(remote.host, remote.port, transport::clock::now() + cfg.timeouts.handshake);
    if (!fd) return fd.error();
    auto opts = make_options(cfg, remote.id);
    if (!opts) return opts.error();
    return establish(std::move(fd.value()), session(policies::handshake_role::initiator, std::move(opts.value())), cfg.log);
}

result<listener> listener::open(node_config cfg, const std::string& host, std::uint16_t port) {
    auto opts = make_options(cfg, std::nullopt);
    if (!opts) return opts.error();
    auto s = transport::adapters::tcp_listener::listen(host, port);
    if (!s) return s.error();
    listener l;
    l.log_ = std::move(cfg.log);
    l.options_ = std::move(opts.value());
    l.socket_ = std::move(s.value());
    return l;
}

result<std::unique_ptr<connection>> listener::accept(transport::time_point deadline) {
    auto fd = socket_.accept(deadline);
    if (!fd) return fd.error();
    return establish(std::move(fd.value()), session(policies::handshake_role::recipient, options_), log_);
}

std::string listener::enode_url() const {
    enode e;
    e.id = options_.protocol.node_id;
    e.host = socket_.host().empty() ? "0.0.0.0" : socket_.host();
    e.port = socket_.port();
    return to_string(e);
}

}  // namespace polywire::rlpx
