// One node for every variant: dial, listen and accept over blocking
// sockets, built on the variant's descriptor (transport/variant.hpp) alone.
//
//   using node = variants::node<variants::noise_xk::variant>;
//   auto conn = node::dial(cfg, "127.0.0.1", 9735, their_id);   // handshake done
//   auto l = node::listener::open(cfg, "127.0.0.1", 0);
//   auto peer = l.value().accept();                               // handshake done
//
// Over TCP (the default) dial connects, makes the session from
// V::make_options and runs the handshake; a listener makes the options once
// and a session per connection. A descriptor whose transport is not a TCP
// stream brings its own: a static `dial(node_config, host, port,
// optional<remote_id>)` and a `listener` type with open(node_config, host,
// port) and accept(deadline, optional<remote_id> expected)
// (x25519_xchacha::udp_variant does). A
// descriptor may also map a handshake's error (`handshake_error(ec)`, e.g.
// noise-xk's end of stream mid-handshake).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "policies/key_agreement.hpp"
#include "transport/adapters/blocking_socket.hpp"
#include "transport/variant.hpp"

namespace polywire::variants {

template <class V>
struct node {
    using variant = V;
    using connection = typename V::connection;
    using config = typename V::node_config;
    using remote_id = typename V::remote_id;
    using session = typename V::session;

    /// Runs the handshake (and greeting) of `c`.
    static result<std::unique_ptr<connection>> handshake(std::unique_ptr<connection> c) {
        if (auto ec = c->handshake()) {
            if constexpr (requires { V::handshake_error(ec); })
                return V::handshake_error(ec);
            else
                return ec;
        }
        return c;
    }

    /// A connection over `fd` with a fresh session, its handshake done.
    static result<std::unique_ptr<connection>> establish(transport::adapters::socket_fd fd, session s,
                                                         const config& cfg) {
        transport::log_hook log;
        if constexpr (requires { cfg.log; }) log = cfg.log;
        return handshake(std::make_unique<connection>(std::move(fd), std::move(s), std::move(log)));
    }

    /// Connects to host:port and runs the handshake (`remote`: the id the
    /// peer must have, if known).
    static result<std::unique_ptr<connection>> dial(const config& cfg, const std::string& host, std::uint16_t port,
                                                    std::optional<remote_id> remote) {
        if constexpr (requires { V::dial(cfg, host, port, remote); }) {
            return V::dial(cfg, host, port, remote);
        } else {
            auto fd = transport::adapters::tcp_connect(host, port, transport::clock::now() + cfg.timeouts.handshake);
            if (!fd) return fd.error();
            auto o = V::make_options(cfg, remote);
            if (!o) return o.error();
            return establish(std::move(fd.value()), session(policies::handshake_role::initiator, std::move(o.value())),
                             cfg);
        }
    }
    /// Closes `c` with `reason` (ignored by variants without a goodbye),
    /// whatever close() overloads the connection class adds.
    template <class Conn>
    static std::error_code close(Conn& c, std::uint8_t reason) {
        using base = std::conditional_t<std::is_base_of_v<transport::adapters::blocking_socket<session>, Conn>,
                                        transport::adapters::blocking_socket<session>, Conn>;
        base& b = c;
        return b.close(reason);
    }

    /// The same to a node URL's address.
    static result<std::unique_ptr<connection>> dial(const config& cfg, const transport::node_address<remote_id>& to) {
        return dial(cfg, to.host, to.port, to.id);
    }

    /// A TCP port whose connections get a session each.
    class tcp_listener {
    public:
        static result<tcp_listener> open(config cfg, const std::string& host, std::uint16_t port) {
            auto o = V::make_options(cfg, std::nullopt);
            if (!o) return o.error();
            auto s = transport::adapters::tcp_listener::listen(host, port);
            if (!s) return s.error();
            tcp_listener l;
            l.cfg_ = std::move(cfg);
            l.options_ = std::move(o.value());
            l.socket_ = std::move(s.value());
            return l;
        }
        /// Accepts one connection and runs its handshake. `expected`: the
        /// id this connection's peer must have (its session's options are
        /// then made for it by V::make_options, as dial's are), if any.
        result<std::unique_ptr<connection>> accept(transport::time_point deadline = transport::time_point::max(),
                                                   std::optional<remote_id> expected = std::nullopt) {
            std::optional<typename session::options> own;
            if (expected) {
                auto o = V::make_options(cfg_, expected);
                if (!o) return o.error();
                own = std::move(o.value());
            }
            auto fd = socket_.accept(deadline);
            if (!fd) return fd.error();
            return establish(std::move(fd.value()),
                             session(policies::handshake_role::recipient, own ? std::move(*own) : options_), cfg_);
        }
        std::uint16_t port() const noexcept { return socket_.port(); }
        const std::string& host() const noexcept { return socket_.host(); }
        /// The options each connection's session starts from.
        const typename session::options& options() const noexcept { return options_; }

    private:
        config cfg_;
        typename session::options options_;  ///< made once (the node id derived once), copied per connection
        transport::adapters::tcp_listener socket_;
    };

private:
    template <class W>
    static auto pick_listener() {
        if constexpr (requires { typename W::listener; })
            return std::type_identity<typename W::listener>{};
        else
            return std::type_identity<tcp_listener>{};
    }

public:
    /// Where connections are accepted: V::listener, or a TCP port.
    using listener = typename decltype(pick_listener<V>())::type;
};

}  // namespace polywire::variants
