#include "rlpx/server.hpp"

namespace polywire::rlpx {

namespace k1 = crypto::secp256k1;
namespace adapters = transport::adapters;
using reason = p2p::disconnect_reason;

result<server> server::open(const boost::asio::any_io_executor& ex, node_config cfg, const std::string& host,
                            std::uint16_t port, peer_handler handler, server_options opts) {
    auto id = k1::derive_public_key(cfg.key);
    if (!id) return id.error();
    // Checked once here, so the factory below cannot fail on the key.
    if (auto o = make_options(cfg, std::nullopt); !o) return o.error();
    adapters::server_options so;
    so.max_peers = opts.max_peers;
    so.session = opts.session;
    so.on_handshake_failure = std::move(opts.on_handshake_failure);
    so.max_pending_handshakes = opts.max_pending_handshakes;
    so.max_handshakes_per_source_per_second = opts.max_handshakes_per_source_per_second;
    so.source_key = std::move(opts.source_key);
    so.session.cancel_reason = static_cast<std::uint8_t>(reason::client_quitting);
    so.too_many_peers_reason = static_cast<std::uint8_t>(reason::too_many_peers);
    so.shutdown_reason = static_cast<std::uint8_t>(reason::client_quitting);
    so.handler_done_reason = static_cast<std::uint8_t>(reason::requested);
    auto log = cfg.log;
    auto factory = [cfg = std::move(cfg)]() -> result<session> {
        auto o = make_options(cfg, std::nullopt);
        if (!o) return o.error();
        return session(policies::handshake_role::recipient, std::move(o.value()));
    };
    auto srv = impl::listen(ex, host, port, std::move(factory), std::move(handler), so, std::move(log));
    if (!srv) return srv.error();
    return server(std::move(srv.value()), id.value());
}

std::string server::enode_url() const {
    enode e;
    e.id = id_;
    e.host = impl_->host().empty() ? "0.0.0.0" : impl_->host();
    e.port = impl_->port();
    return to_string(e);
}

adapters::awaitable<result<async_connection>> async_dial(node_config cfg, enode remote) {
    auto opts = make_options(cfg, remote.id);
    if (!opts) co_return opts.error();
    auto sock = co_await adapters::async_tcp_connect(remote.host, remote.port,
                                                     transport::clock::now() + cfg.timeouts.handshake);
    if (!sock) co_return sock.error();
    adapters::asio_options ao;
    ao.cancel_reason = static_cast<std::uint8_t>(reason::client_quitting);
    async_connection conn(std::move(sock.value()), session(policies::handshake_role::initiator, std::move(opts.value())),
                          ao, cfg.log);
    if (auto ec = co_await conn.handshake()) co_return ec;
    co_return std::move(conn);
}

adapters::awaitable<std::error_code> send(async_connection& conn, std::string_view capability, std::uint64_t code,
                                          byte_view payload) {
    // The shared capabilities are fixed once the connection is established.
    const auto* cap = p2p::find_by_name(conn.session().peer().shared, capability);
    if (cap == nullptr) co_return make_error_code(errc::no_shared_capability);
    if (code >= cap->length) co_return make_error_code(transport::errc::invalid_argument);
    co_return co_await conn.send(cap->offset + code, payload);
}

}  // namespace polywire::rlpx
