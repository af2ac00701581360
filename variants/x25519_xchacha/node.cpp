#include "variants/x25519_xchacha/node.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <string_view>

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
    o.random = cfg.random;
    o.key_log = cfg.key_log;
    return o;
}

udp_session::options make_udp_options(const node_config& cfg, std::optional<identity_public_key> remote) {
    session::options s = make_options(cfg, remote);
    udp_session::options o;
    o.handshake = s.handshake;
    o.protocol = s.protocol;
    o.timeouts = s.timeouts;
    o.limits = s.limits;
    o.random = s.random;
    o.key_log = s.key_log;
    o.probing = cfg.probing;
    if (const char* v = std::getenv("POLYWIRE_DATAGRAM_PROBES"); v && std::string_view(v) == "0") o.probing.enabled = false;
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

result<udp_listener> udp_listener::open(node_config cfg, const std::string& host, std::uint16_t port,
                                       udp_listen_options opts) {
    auto s = adapters::udp_bind(host, port, true);
    if (!s) return s.error();
    udp_listener l;
    l.cfg_ = std::move(cfg);
    l.opts_ = opts;
    l.host_ = host;
    l.port_ = adapters::local_port(s.value());
    l.socket_ = std::move(s.value());
    l.cookies_ = cookie_guard(opts.cookies);
    return l;
}

// Reads the datagrams waiting on the listening socket: those of a pending
// peer go to its session (they arrived before its own socket existed); a
// new peer's first one goes through the cap and the cookie guard, and if it
// passes the peer gets a connected socket on our port and a session.
void udp_listener::read_new_peers(const std::optional<identity_public_key>& expected_remote) {
    thread_local std::array<std::uint8_t, adapters::max_udp_datagram> buf;
    bytes reply;
    for (int i = 0; i < 64; ++i) {
        adapters::udp_peer from;
        auto n = adapters::receive_from(socket_, buf, from);
        if (!n) {
            if (n.error() == std::errc::resource_unavailable_try_again) return;
            continue;  // refused, truncated: nothing to do with it
        }
        const byte_view d(buf.data(), n.value());
        bytes source = from.key();
        auto known = std::find_if(pending_.begin(), pending_.end(), [&](const pending& p) { return p.source == source; });
        if (known != pending_.end()) {
            (void)known->conn->session().receive_datagram(d, transport::clock::now());
            continue;
        }
        const auto now = transport::clock::now();
        const bool loaded = pending_.size() >= opts_.cookie_threshold;
        switch (cookies_.check(d, source, now, loaded, reply)) {
            case cookie_guard::verdict::drop: continue;
            case cookie_guard::verdict::answer: (void)adapters::send_to(socket_, reply, from); continue;
            case cookie_guard::verdict::accept: break;
        }
        if (pending_.size() >= opts_.max_pending_handshakes) continue;  // it will retransmit
        auto fd = adapters::udp_bind(host_, port_, true);
        if (!fd || adapters::udp_connect(fd.value(), from)) continue;
        auto c = std::make_unique<udp_connection>(
            std::move(fd.value()), udp_session(policies::handshake_role::recipient, make_udp_options(cfg_, expected_remote)),
            cfg_.log, bytes(d.begin(), d.end()));
        c->drive(false);  // starts the session with its first datagram: the REPLY goes out
        pending_.push_back(pending{std::move(source), std::move(c)});
    }
}

result<std::unique_ptr<udp_connection>> udp_listener::accept(transport::time_point deadline,
                                                             std::optional<identity_public_key> expected_remote) {
    std::vector<adapters::wait_item> items;
    for (;;) {
        // The first pending handshake that ended.
        for (auto it = pending_.begin(); it != pending_.end(); ++it) {
            udp_connection& c = *it->conn;
            const auto st = c.session().state();
            if (st != transport::session_state::established && st != transport::session_state::closed &&
                st != transport::session_state::closing)
                continue;
            std::unique_ptr<udp_connection> done = std::move(it->conn);
            pending_.erase(it);
            if (st != transport::session_state::established) {
                const std::error_code ec = udp_handshake(*done);
                return ec ? ec : make_error_code(transport::errc::session_closed);
            }
            // As after handshake(): the events up to handshake_complete are taken.
            while (auto e = done->next_event())
                if (e->kind == transport::event_kind::handshake_complete) break;
            return done;
        }
        const auto now = transport::clock::now();
        if (now >= deadline) return make_error_code(transport::errc::handshake_timeout);
        transport::time_point until = deadline;
        items.clear();
        items.push_back({.fd = &socket_});
        for (const pending& p : pending_) {
            items.push_back({.fd = &p.conn->socket(), .want_write = p.conn->wants_write()});
            if (auto d = p.conn->session().next_deadline()) until = std::min(until, *d);
        }
        auto ready = adapters::wait_any(items, until);
        if (!ready) return ready.error();
        // Pending peers first (a datagram read below may add one).
        for (std::size_t k = 0; k < pending_.size(); ++k)
            pending_[k].conn->drive((items[k + 1].ready & static_cast<int>(transport::adapters::io_ready::readable)) != 0);
        if (items[0].ready != 0) read_new_peers(expected_remote);
    }
}

}  // namespace polywire::variants::x25519_xchacha
