// The variants the polywire tool speaks: one cli_variant<D> per descriptor
// D of variants/all.hpp (transport/variant.hpp says what a descriptor
// holds), and the table `--variant NAME` is looked up in. listen, dial,
// keygen and bench are written once, generic over cli_variant; everything
// protocol-specific comes from the descriptor, and the protocol itself stays
// in the library.
//
// cli_variant<D> adds to D what the commands need:
//   connection, acceptor         the socket driver; where listen takes connections
//                                from: open(settings, host, port) -> result<acceptor>,
//                                port(), accept() -> connect_outcome<V>
//   load_key(args)               --key/--key-file/POLYWIRE_KEY through D::load_key
//                                (nullopt if none given; a usage error if malformed)
//   keygen_key(args)             keygen's key: D::generate_key(), or libp2p-noise's
//                                of the --identity type
//   url(id, host, port), parse_url(text, why)   D's format_url and parse_url
//   dial(settings, address) -> connect_outcome<V>
//   accept(fd, settings) -> connect_outcome<V>
//   session_options(settings, remote) -> result<session::options>
//                                (bench makes sessions in memory from them)
//   recipient_session(settings) -> result<session>   (listen --serve, per peer)
//   hello_event(conn)            {"event":"hello",...}
//   first_code(conn, caps, why)  the code dial sends on
//
// The defaults suit a variant over TCP whose peers are named by a key: a
// new such variant needs nothing here. RLPx (Hello, capabilities) and
// x25519-xchacha over UDP (its own listener) specialize a few members.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include "tools/cli/common.hpp"
#include "transport/adapters/blocking_socket.hpp"
#include "transport/adapters/datagram_socket.hpp"
#include "variants/all.hpp"

namespace polywire::cli {

/// The command line's part of a node: its key, its --cap list and timeouts.
template <class V>
struct node_settings {
    typename V::private_key key{};
    std::vector<rlpx::p2p::local_capability> caps;
    transport::timeouts timeouts = transport::timeouts::suggested();
    bool snappy = true;  ///< with capabilities (RLPx): offer snappy; false: devp2p version 4 (bench --snappy off)
    /// The sessions' key log: cli::tool_key_log(), empty unless the tool is
    /// a test build that asked for one (tests/security/key_dump_polywire).
    transport::key_log key_log = tool_key_log();
};

/// A remote node as its URL names it (V: a descriptor or a cli_variant).
template <class V>
using address = transport::node_address<typename V::remote_id>;

/// A connection with its handshake done, or a sentence saying why not.
template <class V>
struct connect_outcome {
    std::unique_ptr<typename V::connection> conn;
    std::error_code error;
    std::optional<std::uint8_t> remote_reason;  ///< the remote's goodbye during the handshake
    std::string peer;                           ///< "host:port", once connected
    std::string failure;                        ///< why, when !conn
};

/// Runs the handshake (and greeting) of a fresh connection on `fd`.
template <class V>
connect_outcome<V> establish_session(transport::adapters::socket_fd fd, policies::handshake_role role,
                                     result<typename V::session::options> opts) {
    connect_outcome<V> out;
    if (!opts) {
        out.error = opts.error();
        return out;
    }
    auto c = std::make_unique<typename V::connection>(std::move(fd),
                                                      typename V::session(role, std::move(opts.value())));
    out.peer = c->peer();
    if (auto ec = c->handshake()) {
        out.error = ec;
        out.remote_reason = c->session().peer_disconnect_reason();
        return out;
    }
    out.conn = std::move(c);
    return out;
}

/// Closes `conn` with `reason` (ignored by variants without a goodbye),
/// whatever close() overloads the connection class adds.
template <class Conn>
std::error_code close_with(Conn& conn, std::uint8_t reason) {
    using session_type = std::remove_reference_t<decltype(conn.session())>;
    if constexpr (std::is_base_of_v<transport::adapters::blocking_socket<session_type>, Conn>) {
        transport::adapters::blocking_socket<session_type>& base = conn;
        return base.close(reason);
    } else {
        transport::adapters::datagram_socket<session_type>& base = conn;
        return base.close(reason);
    }
}

/// Connections whose session negotiates its datagram size (x25519-xchacha
/// over UDP: transport/session.hpp, "Datagram sizes").
template <class Conn>
constexpr bool negotiates_datagram_size = std::remove_cvref_t<decltype(std::declval<Conn&>().session())>::probes_datagram_size;

/// Emits {"event":"datagram_size","datagram_size":D,"max_frame":F} when the
/// size `conn`'s session sends changed since `shown` (the last reported;
/// nothing for other connections).
template <class Conn>
void report_datagram_size(Conn& conn, std::size_t& shown) {
    if constexpr (negotiates_datagram_size<Conn>) {
        const auto s = conn.session().datagram_sizes();
        if (s.datagram_size == shown) return;
        if (shown != 0 || s.changes != 0)
            emit(json{{"event", "datagram_size"}, {"datagram_size", s.datagram_size}, {"max_frame", s.max_frame_size}});
        shown = s.datagram_size;
    } else {
        (void)conn;
        (void)shown;
    }
}

/// Over a connection that negotiates its datagram size: waits (at most
/// `limit`) until its session sends a message of `size` bytes in one
/// datagram, while its probes find what the path carries. Elsewhere
/// returns at once.
template <class Conn>
void await_message_size(Conn& conn, std::size_t size, std::chrono::milliseconds limit) {
    if constexpr (negotiates_datagram_size<Conn>) {
        using layout = typename std::remove_cvref_t<decltype(conn.session())>::frame_layout;
        const std::size_t frame = size + (layout::max_frame_size - layout::max_payload);
        const auto until = transport::clock::now() + limit;
        while (conn.session().max_frame_size() < frame && frame <= layout::max_frame_size &&
               transport::clock::now() < until && conn.session().state() == transport::session_state::established)
            conn.poll(until);
    } else {
        (void)conn;
        (void)size;
        (void)limit;
    }
}

/// Bytes dial --expect-echo sends ahead of their echoes, so the peers'
/// buffers stay bounded whatever --send and --size are (the descriptor's
/// echo_window, or 4 MiB: TCP's flow control does the rest).
template <class V>
constexpr std::size_t echo_window() {
    return transport::echo_window<V>();
}

/// TCP connect to `url`, then the handshake with `opts`.
template <class V>
connect_outcome<V> dial_session(const node_settings<V>& s, const address<V>& url,
                                result<typename V::session::options> opts) {
    const std::string where = url.host + ":" + std::to_string(url.port);
    auto fd = transport::adapters::tcp_connect(url.host, url.port, transport::clock::now() + s.timeouts.handshake);
    if (!fd) {
        connect_outcome<V> out;
        out.error = fd.error();
        out.failure = fd.error() == transport::errc::handshake_timeout
                          ? "could not connect to " + where + ": no answer within " +
                                std::to_string(s.timeouts.handshake.count()) + " ms"
                          : "could not connect to " + where + ": " + fd.error().message();  // the system's
        return out;
    }
    auto out = establish_session<V>(std::move(fd.value()), policies::handshake_role::initiator, std::move(opts));
    if (!out.conn) out.failure = describe_handshake_failure(where, out.error, s.timeouts.handshake);
    return out;
}

/// listen's source of connections for a TCP variant: a TCP port whose
/// connections are handshaken by V::accept(fd, settings).
template <class V>
class tcp_acceptor {
public:
    static result<tcp_acceptor> open(const node_settings<V>& s, const std::string& host, std::uint16_t port) {
        auto l = transport::adapters::tcp_listener::listen(host, port);
        if (!l) return l.error();
        tcp_acceptor a;
        a.socket_ = std::move(l.value());
        a.settings_ = s;
        return a;
    }
    std::uint16_t port() const noexcept { return socket_.port(); }
    /// The next connection with its handshake done; on failure `peer` is
    /// empty if no connection was accepted at all. No connection accepted
    /// by `deadline` is errc::handshake_timeout.
    connect_outcome<V> accept(transport::time_point deadline = transport::time_point::max()) {
        auto fd = socket_.accept(deadline);
        if (!fd) {
            connect_outcome<V> out;
            out.error = fd.error();
            out.failure = "accepting a connection failed: " + fd.error().message();
            return out;
        }
        return V::accept(std::move(fd.value()), settings_);
    }

private:
    transport::adapters::tcp_listener socket_;
    node_settings<V> settings_;
};

/// {"event":"hello","remote_id":..} for variants whose peers are only a key.
template <class Conn>
json remote_id_hello(Conn& conn) {
    json j;
    j["event"] = "hello";
    j["remote_id"] = to_hex(conn.session().remote_id());
    return j;
}

/// What every command needs of variant D, with the defaults of a variant
/// over TCP (V: the cli_variant, for the types that name it).
template <class D, class V>
struct cli_defaults : D {
    using descriptor = D;
    using acceptor = tcp_acceptor<V>;

    static std::optional<typename D::private_key> load_key(const args& a) {
        const auto in = read_key_input(a);
        if (!in) return std::nullopt;
        std::string why;
        auto k = D::load_key(in->text, in->path, why);
        if (!k) throw usage_error("invalid private key from " + in->source + ": " + why);
        return k;
    }
    /// keygen's fresh key: the descriptor's; --identity is a usage error
    /// (only libp2p-noise has a choice of identity key type).
    static result<typename D::private_key> keygen_key(const args& a) {
        if (a.has("identity"))
            throw usage_error("--identity is for --variant libp2p-noise only (" + std::string(D::name) +
                              " has one key type)");
        return D::generate_key();
    }
    static std::string url(const typename D::remote_id& id, const std::string& host, std::uint16_t port) {
        return D::format_url(id, host, port);
    }
    /// The descriptor's node configuration for the command line's settings
    /// (with capabilities: the --cap list, our client id and snappy).
    static typename D::node_config config(const node_settings<V>& s) {
        auto c = D::make_config(s.key, s.timeouts);
        c.key_log = s.key_log;
        if constexpr (D::has_capabilities) D::set_application(c, s.caps, "polywire/" + std::string(version), s.snappy);
        return c;
    }
    static result<typename D::session::options> session_options(const node_settings<V>& s,
                                                                std::optional<typename D::remote_id> remote) {
        return D::make_options(config(s), remote);
    }
    static result<typename D::session> recipient_session(const node_settings<V>& s) {
        auto o = session_options(s, std::nullopt);
        if (!o) return o.error();
        return typename D::session(policies::handshake_role::recipient, std::move(o.value()));
    }
    static connect_outcome<V> dial(const node_settings<V>& s, const address<D>& url) {
        return dial_session<V>(s, url, session_options(s, url.id));
    }
    static connect_outcome<V> accept(transport::adapters::socket_fd fd, const node_settings<V>& s) {
        return establish_session<V>(std::move(fd), policies::handshake_role::recipient,
                                    session_options(s, std::nullopt));
    }
    template <class Conn>
    static json hello_event(Conn& conn) {
        return remote_id_hello(conn);
    }
    template <class Conn>
    static std::optional<std::uint64_t> first_code(Conn&, const std::vector<rlpx::p2p::local_capability>&,
                                                   std::string&) {
        return D::first_application_code;
    }
};

/// The tool's view of descriptor D: the defaults above.
template <class D>
struct cli_variant : cli_defaults<D, cli_variant<D>> {};

/// RLPx: the Hello's failures and contents, and the first --cap's code.
template <>
struct cli_variant<rlpx::variant> : cli_defaults<rlpx::variant, cli_variant<rlpx::variant>> {
    using V = cli_variant<rlpx::variant>;
    static connect_outcome<V> dial(const node_settings<V>& s, const address<rlpx::variant>& url);
    static connect_outcome<V> accept(transport::adapters::socket_fd fd, const node_settings<V>& s);
    template <class Conn>
    static json hello_event(Conn& conn) {
        return cli::hello_event(conn.session());
    }
    static std::optional<std::uint64_t> first_code(connection& conn, const std::vector<rlpx::p2p::local_capability>& caps,
                                                   std::string& why);
};

/// libp2p-noise: the peer id in base58btc and the stream muxers the peer offered.
template <>
struct cli_variant<variants::libp2p_noise::variant>
    : cli_defaults<variants::libp2p_noise::variant, cli_variant<variants::libp2p_noise::variant>> {
    /// keygen --identity ed25519 (the default) or secp256k1.
    static result<private_key> keygen_key(const args& a) {
        using variants::libp2p_noise::key_type;
        const std::string t = a.value("identity").value_or("ed25519");
        if (t == "ed25519") return private_key::generate(key_type::ed25519);
        if (t == "secp256k1") return private_key::generate(key_type::secp256k1);
        throw usage_error("unknown --identity '" + t + "': expected ed25519 or secp256k1");
    }
    template <class Conn>
    static json hello_event(Conn& conn) {
        const auto& peer = conn.session().remote_id();
        json j;
        j["event"] = "hello";
        j["remote_id"] = peer.id.to_string();
        j["stream_muxers"] = peer.stream_muxers;
        return j;
    }
};

/// listen's source of connections over UDP: xx::udp_listener (one socket
/// loop drives every pending handshake; accept() returns the first to end).
template <class V>
class udp_acceptor {
public:
    static result<udp_acceptor> open(const node_settings<V>& s, const std::string& host, std::uint16_t port) {
        auto l = variants::x25519_xchacha::udp_listener::open(V::config(s), host, port);
        if (!l) return l.error();
        udp_acceptor a;
        a.listener_.emplace(std::move(l.value()));
        a.handshake_timeout_ = s.timeouts.handshake;
        return a;
    }
    std::uint16_t port() const noexcept { return listener_->port(); }
    /// The next peer with its handshake done (the peer's address stays with
    /// its socket: events name it "a UDP peer"). No handshake done by
    /// `deadline` is errc::handshake_timeout.
    connect_outcome<V> accept(transport::time_point deadline = transport::time_point::max()) {
        connect_outcome<V> out;
        out.peer = "a UDP peer";
        auto c = listener_->accept(deadline);
        if (!c) {
            out.error = c.error();
            if (out.error == transport::errc::handshake_timeout)
                out.failure = "no complete handshake within " + std::to_string(handshake_timeout_.count()) + " ms";
            return out;
        }
        out.conn = std::move(c.value());
        return out;
    }

private:
    std::optional<variants::x25519_xchacha::udp_listener> listener_;
    std::chrono::milliseconds handshake_timeout_{};
};

/// x25519-xchacha over UDP: its own dial and listener.
template <>
struct cli_variant<variants::x25519_xchacha::udp_variant>
    : cli_defaults<variants::x25519_xchacha::udp_variant, cli_variant<variants::x25519_xchacha::udp_variant>> {
    using V = cli_variant<variants::x25519_xchacha::udp_variant>;
    using acceptor = udp_acceptor<V>;
    static connect_outcome<V> dial(const node_settings<V>& s, const address<variants::x25519_xchacha::udp_variant>& url) {
        connect_outcome<V> out;
        out.peer = url.host + ":" + std::to_string(url.port);
        auto c = variants::x25519_xchacha::dial_udp(config(s), url.host, url.port, url.id);
        if (!c) {
            out.error = c.error();
            out.failure = describe_handshake_failure(out.peer, out.error, s.timeouts.handshake);
            return out;
        }
        out.conn = std::move(c.value());
        return out;
    }
};

namespace detail {
template <class List>
struct cli_table;
template <class... D>
struct cli_table<std::tuple<D...>> {
    using type = std::tuple<cli_variant<D>...>;
};
}  // namespace detail

/// Every variant --variant accepts (variants::all); the first is the default.
using variant_table = typename detail::cli_table<variants::all>::type;

/// "rlpx, noise-xk, sha256-per-side"
std::string variant_names();

/// The --variant paragraph of the help text, made from the descriptors.
std::string variant_help();

/// Calls f(V{}) for the variant named `name` (a usage error if none is).
template <class F>
int with_variant(std::string_view name, F&& f) {
    int status = -1;
    bool found = false;
    std::apply(
        [&](auto... v) {
            ((!found && decltype(v)::name == name ? (found = true, status = f(v), 0) : 0), ...);
        },
        variant_table{});
    if (!found) throw usage_error("unknown --variant '" + std::string(name) + "': expected one of " + variant_names());
    return status;
}

/// The --variant of a command line (the default if none is given).
inline std::string variant_name(const args& a) {
    return a.value("variant").value_or(std::string(std::tuple_element_t<0, variant_table>::name));
}

}  // namespace polywire::cli
