// The variants the polywire tool speaks, as small traits structs, and the
// table `--variant NAME` is looked up in. listen, dial and keygen are
// written once, generic over these traits; everything protocol-specific a
// command needs is here, and the protocol itself stays in the library.
//
// A traits struct V provides:
//   name, scheme                 --variant NAME and the URL scheme (NAME://<id>@host:port)
//   session, connection          the session type and its socket driver (blocking_socket
//                                over TCP, datagram_socket over UDP)
//   private_key, remote_id       key types; generate_key(), node_id(key) -> remote_id,
//                                key_bytes(key) (what keygen prints), load_key(args)
//                                (nullopt if none given)
//   parse_url(text, why), url(id, host, port)
//   has_capabilities, has_ping, has_goodbye
//   dial(settings, url) -> connect_outcome<V>
//   session_options(settings, remote) -> result<session::options>
//                                a session's options (remote: the id the peer must have);
//                                bench makes sessions in memory from them
//   recipient_session(settings) -> result<session>
//                                a listener's session (listen --serve makes one per peer)
//   acceptor                     where listen takes connections from: open(settings, host,
//                                port) -> result<acceptor>, port(), accept() -> connect_outcome<V>
//                                (tcp_acceptor<V> over V::accept(fd, settings) for TCP variants)
//   parse_reason(text), describe_reason(r), reason_help, default_reason, quit_reason,
//   too_many_peers_reason        the goodbye's reasons (--disconnect, events, listen --count
//                                and --serve)
//   hello_event(conn)            {"event":"hello",...}
//   first_code(conn, caps, why)  the code dial sends on (the first --cap's first code)
//   encode(code, payload, scratch) / decode(code, payload)
//                                an application (code, payload) <-> the session's message
//   max_payload                  the largest --size dial accepts (the session may refuse a
//                                message below it with errc::message_too_large)
//   echo_window (optional)       bytes dial sends ahead of their echoes (default 4 MiB)
//
// Adding a variant: write its traits struct (reuse the building blocks
// below where they fit) and append it to `variant_table`.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include "rlpx/node.hpp"
#include "tools/cli/common.hpp"
#include "tools/cli/node_url.hpp"
#include "transport/adapters/blocking_socket.hpp"
#include "transport/adapters/datagram_socket.hpp"
#include "variants/noise_xk/node.hpp"
#include "variants/sha256_per_side/config.hpp"
#include "variants/x25519_xchacha/node.hpp"

namespace polywire::cli {

namespace k1 = crypto::secp256k1;
namespace xx = variants::x25519_xchacha;

/// The command line's part of a node: its key, its --cap list and timeouts.
template <class V>
struct node_settings {
    typename V::private_key key{};
    std::vector<rlpx::p2p::local_capability> caps;
    transport::timeouts timeouts = transport::timeouts::suggested();
    bool snappy = true;  ///< RLPx: offer snappy (devp2p version 5); false: version 4 (bench --snappy off)
    /// The sessions' key log: cli::tool_key_log(), empty unless the tool is
    /// a test build that asked for one (tests/security/key_dump_polywire).
    transport::key_log key_log = tool_key_log();
};

/// A connection with its handshake done, or a sentence saying why not.
template <class V>
struct connect_outcome {
    std::unique_ptr<typename V::connection> conn;
    std::error_code error;
    std::optional<std::uint8_t> remote_reason;  ///< the remote's goodbye during the handshake
    std::string peer;                           ///< "host:port", once connected
    std::string failure;                        ///< why, when !conn
};

// ---- building blocks -------------------------------------------------------

/// Keys of the secp256k1 variants (--key/--key-file/POLYWIRE_KEY, 64 hex).
struct secp256k1_key {
    using private_key = k1::private_key;
    static std::optional<private_key> load_key(const args& a) { return cli::load_key(a); }
    static result<private_key> generate_key() { return k1::generate_private_key(); }
    static byte_view key_bytes(const private_key& k) { return k.view(); }
};

/// Goodbye reasons of the secp256k1 variants: devp2p's Disconnect reasons
/// (only RLPx sends them; the others have no goodbye).
struct devp2p_reasons {
    static constexpr std::uint8_t default_reason = static_cast<std::uint8_t>(rlpx::p2p::disconnect_reason::requested);
    static constexpr std::uint8_t quit_reason = static_cast<std::uint8_t>(rlpx::p2p::disconnect_reason::client_quitting);
    static constexpr std::uint8_t too_many_peers_reason =
        static_cast<std::uint8_t>(rlpx::p2p::disconnect_reason::too_many_peers);
    // As rlpx::p2p::parse_reason accepts: the reasons devp2p defines.
    static constexpr std::string_view reason_help =
        "a reason number (0-11 or 16, i.e. 0x00-0x0b or 0x10) or name such as client_quitting";
    static std::optional<std::uint8_t> parse_reason(std::string_view text);
    static std::string describe_reason(std::uint8_t r) { return cli::describe_reason(r); }
};

/// Variants whose messages carry no code (noise-xk, sha256-per-side): the
/// code travels as the first byte of the message, and codes are numbered
/// as RLPx numbers them when both sides offer the same capabilities (the
/// first --cap's codes start at 0x10, after the base protocol's 16), so the
/// events read the same whatever the variant.
struct code_in_first_byte {
    static constexpr bool has_capabilities = false;
    static constexpr bool has_ping = false;
    static constexpr bool has_goodbye = false;
    static constexpr std::uint64_t first_capability_code = 0x10;

    template <class Conn>
    static std::optional<std::uint64_t> first_code(Conn&, const std::vector<rlpx::p2p::local_capability>&,
                                                   std::string&) {
        return first_capability_code;
    }
    static std::pair<std::uint64_t, byte_view> encode(std::uint64_t code, byte_view payload, bytes& scratch) {
        scratch.resize(payload.size() + 1);
        scratch[0] = static_cast<std::uint8_t>(code);
        std::copy(payload.begin(), payload.end(), scratch.begin() + 1);
        return {0, scratch};
    }
    /// nullopt for an empty message (no code byte).
    static std::optional<std::pair<std::uint64_t, byte_view>> decode(std::uint64_t, byte_view message) {
        if (message.empty()) return std::nullopt;
        return std::pair<std::uint64_t, byte_view>{message[0], message.subspan(1)};
    }
};

/// Runs the handshake (and greeting) of a fresh connection on `fd`.
template <class V>
connect_outcome<V> establish_session(transport::adapters::socket_fd fd, policies::handshake_role role,
                                     typename V::session::options opts) {
    connect_outcome<V> out;
    auto c = std::make_unique<typename V::connection>(std::move(fd), typename V::session(role, std::move(opts)));
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

/// Bytes dial --expect-echo sends ahead of their echoes, so the peers'
/// buffers stay bounded whatever --send and --size are: V::echo_window, or
/// 4 MiB (TCP's flow control does the rest; a datagram variant sets a window
/// its socket buffers hold, as nothing retransmits a dropped datagram).
template <class V>
constexpr std::size_t echo_window() {
    if constexpr (requires { V::echo_window; })
        return V::echo_window;
    else
        return std::size_t{4} << 20;
}

/// dial() of the variants built from the pieces above: TCP connect, then the handshake.
template <class V>
connect_outcome<V> dial_session(const node_settings<V>& s, const node_url& url, typename V::session::options opts) {
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
    /// empty if no connection was accepted at all.
    connect_outcome<V> accept() {
        auto fd = socket_.accept(transport::time_point::max());
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

/// A 33-byte compressed secp256k1 key from a URL's id, checked to be on the curve.
std::optional<k1::compressed_public_key> compressed_key_from(const bytes& id);

/// URL helpers of the variants named by a 33-byte compressed key.
template <const char* Scheme>
struct compressed_key_url {
    using remote_id = k1::compressed_public_key;
    static constexpr std::string_view scheme = Scheme;
    static result<remote_id> node_id(const k1::private_key& k) { return k1::derive_compressed_public_key(k); }
    static std::optional<node_url> parse_url(std::string_view text, std::string& why) {
        auto u = parse_node_url(text, scheme, 33, &why);
        if (u && !compressed_key_from(u->id)) {
            why = "the node id is not a compressed secp256k1 public key";
            return std::nullopt;
        }
        return u;
    }
    static std::string url(const remote_id& id, const std::string& host, std::uint16_t port) {
        return to_string(node_url{std::string(scheme), bytes(id.begin(), id.end()), host, port});
    }
    template <class Conn>
    static json hello_event(Conn& conn) {
        return remote_id_hello(conn);
    }
};

// ---- the variants ----------------------------------------------------------

/// RLPx (devp2p): capabilities, Hello, Ping/Pong and Disconnect reasons.
struct rlpx_variant : secp256k1_key, devp2p_reasons {
    static constexpr std::string_view name = "rlpx";
    static constexpr std::string_view scheme = "enode";
    using session = rlpx::session;
    using connection = rlpx::connection;
    using acceptor = tcp_acceptor<rlpx_variant>;
    using remote_id = k1::public_key;
    static constexpr bool has_capabilities = true;
    static constexpr bool has_ping = true;
    static constexpr bool has_goodbye = true;
    static constexpr std::uint64_t max_payload = 0xFFFFFF;

    static result<remote_id> node_id(const k1::private_key& k) { return k1::derive_public_key(k); }
    static std::optional<node_url> parse_url(std::string_view text, std::string& why);
    static std::string url(const remote_id& id, const std::string& host, std::uint16_t port);
    static connect_outcome<rlpx_variant> dial(const node_settings<rlpx_variant>& s, const node_url& url);
    static connect_outcome<rlpx_variant> accept(transport::adapters::socket_fd fd, const node_settings<rlpx_variant>& s);
    static result<session::options> session_options(const node_settings<rlpx_variant>& s,
                                                    std::optional<remote_id> remote);
    static result<session> recipient_session(const node_settings<rlpx_variant>& s);
    template <class Conn>
    static json hello_event(Conn& conn) {
        return cli::hello_event(conn.session());
    }
    static std::optional<std::uint64_t> first_code(connection& conn, const std::vector<rlpx::p2p::local_capability>& caps,
                                                   std::string& why);
    static std::pair<std::uint64_t, byte_view> encode(std::uint64_t code, byte_view payload, bytes&) {
        return {code, payload};
    }
    static std::optional<std::pair<std::uint64_t, byte_view>> decode(std::uint64_t code, byte_view payload) {
        return std::pair<std::uint64_t, byte_view>{code, payload};
    }
};

inline constexpr char noise_xk_scheme[] = "noise-xk";
inline constexpr char sha256_per_side_scheme[] = "sha256-per-side";

/// noise-xk (BOLT 8): the responder's static key is its identity.
struct noise_xk_variant : secp256k1_key, devp2p_reasons, code_in_first_byte, compressed_key_url<noise_xk_scheme> {
    static constexpr std::string_view name = "noise-xk";
    using session = variants::noise_xk::session;
    using connection = transport::adapters::blocking_socket<session>;
    using acceptor = tcp_acceptor<noise_xk_variant>;
    static constexpr std::uint64_t max_payload = session::frame_layout::max_frame_size - 1;

    static session::options options(const node_settings<noise_xk_variant>& s, std::optional<remote_id> remote) {
        return variants::noise_xk::make_options({.key = s.key, .timeouts = s.timeouts, .key_log = s.key_log}, remote);
    }
    static result<session::options> session_options(const node_settings<noise_xk_variant>& s,
                                                    std::optional<remote_id> remote) {
        return options(s, remote);
    }
    static connect_outcome<noise_xk_variant> dial(const node_settings<noise_xk_variant>& s, const node_url& url) {
        return dial_session<noise_xk_variant>(s, url, options(s, compressed_key_from(url.id)));
    }
    static connect_outcome<noise_xk_variant> accept(transport::adapters::socket_fd fd,
                                                    const node_settings<noise_xk_variant>& s) {
        return establish_session<noise_xk_variant>(std::move(fd), policies::handshake_role::recipient,
                                                   options(s, std::nullopt));
    }
    static result<session> recipient_session(const node_settings<noise_xk_variant>& s) {
        return session(policies::handshake_role::recipient, options(s, std::nullopt));
    }
};

/// sha256-per-side (c-lightning 2016): the node id is authenticated by the
/// Authenticate packet each side sends first.
struct sha256_per_side_variant : secp256k1_key,
                                 devp2p_reasons,
                                 code_in_first_byte,
                                 compressed_key_url<sha256_per_side_scheme> {
    static constexpr std::string_view name = "sha256-per-side";
    using session = variants::sha256_per_side::session;
    using connection = transport::adapters::blocking_socket<session>;
    using acceptor = tcp_acceptor<sha256_per_side_variant>;
    static constexpr std::uint64_t max_payload = session::frame_layout::max_frame_size - 1;

    static session::options options(const node_settings<sha256_per_side_variant>& s, std::optional<remote_id> remote) {
        session::options o;
        o.protocol.node_key = s.key;
        if (auto id = k1::derive_compressed_public_key(s.key)) o.protocol.node_id = id.value();
        o.protocol.expected_remote_id = remote;
        o.timeouts = s.timeouts;
        o.key_log = s.key_log;
        return o;
    }
    static result<session::options> session_options(const node_settings<sha256_per_side_variant>& s,
                                                    std::optional<remote_id> remote) {
        return options(s, remote);
    }
    static connect_outcome<sha256_per_side_variant> dial(const node_settings<sha256_per_side_variant>& s,
                                                         const node_url& url) {
        return dial_session<sha256_per_side_variant>(s, url, options(s, compressed_key_from(url.id)));
    }
    static connect_outcome<sha256_per_side_variant> accept(transport::adapters::socket_fd fd,
                                                           const node_settings<sha256_per_side_variant>& s) {
        return establish_session<sha256_per_side_variant>(std::move(fd), policies::handshake_role::recipient,
                                                          options(s, std::nullopt));
    }
    static result<session> recipient_session(const node_settings<sha256_per_side_variant>& s) {
        return session(policies::handshake_role::recipient, options(s, std::nullopt));
    }
};

// ---- x25519-xchacha ---------------------------------------------------------

/// Ed25519 identities: keygen prints the 32-byte seed and the public key;
/// --key and POLYWIRE_KEY take the seed as 64 hex digits, --key-file also
/// an OpenSSH id_ed25519 (unencrypted) or a raw key file (the library's
/// load_private_key).
struct ed25519_key {
    using private_key = xx::identity_key;
    using remote_id = crypto::ed25519::public_key;
    static std::optional<private_key> load_key(const args& a);
    static result<private_key> generate_key() { return private_key::generate(); }
    static result<remote_id> node_id(const private_key& k) { return k.public_key(); }
    static byte_view key_bytes(const private_key& k) { return k.seed(); }
};

/// x25519-xchacha's close reasons (xx::reason).
struct x25519_reasons {
    static constexpr std::uint8_t default_reason = xx::reason::requested;
    static constexpr std::uint8_t quit_reason = xx::reason::requested;
    static constexpr std::uint8_t too_many_peers_reason = xx::reason::requested;  ///< the protocol has no such reason
    static constexpr std::string_view reason_help =
        "a reason number (0-255) or name: requested, protocol_error, authentication_failure, timeout";
    static std::optional<std::uint8_t> parse_reason(std::string_view text);
    static std::string describe_reason(std::uint8_t r);
};

/// Messages tagged with a channel (x25519-xchacha): the code is the channel,
/// numbered as RLPx numbers codes (the first --cap's codes start at 0x10),
/// so the events read the same whatever the variant. The control protocol
/// has ping/pong and a close with a reason.
struct code_is_channel {
    static constexpr bool has_capabilities = false;
    static constexpr bool has_ping = true;
    static constexpr bool has_goodbye = true;
    static constexpr std::uint64_t first_capability_code = 0x10;

    template <class Conn>
    static std::optional<std::uint64_t> first_code(Conn&, const std::vector<rlpx::p2p::local_capability>&,
                                                   std::string&) {
        return first_capability_code;
    }
    static std::pair<std::uint64_t, byte_view> encode(std::uint64_t code, byte_view payload, bytes&) {
        return {code, payload};
    }
    static std::optional<std::pair<std::uint64_t, byte_view>> decode(std::uint64_t code, byte_view payload) {
        return std::pair<std::uint64_t, byte_view>{code, payload};
    }
};

/// URL helpers of the variants named by a 32-byte Ed25519 public key.
template <const char* Scheme>
struct ed25519_url {
    static constexpr std::string_view scheme = Scheme;
    static std::optional<node_url> parse_url(std::string_view text, std::string& why) {
        return parse_node_url(text, scheme, crypto::ed25519::public_key_size, &why);
    }
    static std::string url(const crypto::ed25519::public_key& id, const std::string& host, std::uint16_t port) {
        return to_string(node_url{std::string(scheme), bytes(id.begin(), id.end()), host, port});
    }
    template <class Conn>
    static json hello_event(Conn& conn) {
        return remote_id_hello(conn);
    }
};

/// The library's node configuration for the command line's settings.
template <class V>
xx::node_config x25519_config(const node_settings<V>& s) {
    xx::node_config cfg;
    cfg.identity = s.key;
    cfg.timeouts = s.timeouts;
    cfg.key_log = s.key_log;
    return cfg;
}

/// The Ed25519 key a URL names.
inline xx::identity_public_key ed25519_key_from(const node_url& url) {
    xx::identity_public_key k{};
    std::copy(url.id.begin(), url.id.end(), k.begin());
    return k;
}

/// listen's source of connections over UDP: xx::udp_listener (one socket
/// loop drives every pending handshake; accept() returns the first to end).
template <class V>
class udp_acceptor {
public:
    static result<udp_acceptor> open(const node_settings<V>& s, const std::string& host, std::uint16_t port) {
        auto l = xx::udp_listener::open(x25519_config(s), host, port);
        if (!l) return l.error();
        udp_acceptor a;
        a.listener_.emplace(std::move(l.value()));
        a.handshake_timeout_ = s.timeouts.handshake;
        return a;
    }
    std::uint16_t port() const noexcept { return listener_->port(); }
    /// The next peer with its handshake done (the peer's address stays with
    /// its socket: events name it "a UDP peer").
    connect_outcome<V> accept() {
        connect_outcome<V> out;
        out.peer = "a UDP peer";
        auto c = listener_->accept();
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
    std::optional<xx::udp_listener> listener_;
    std::chrono::milliseconds handshake_timeout_{};
};

inline constexpr char x25519_xchacha_scheme[] = "x25519-xchacha";
inline constexpr char x25519_xchacha_udp_scheme[] = "x25519-xchacha-udp";

/// x25519-xchacha over TCP: Ed25519 identities, channels, ping and close.
struct x25519_xchacha_variant : ed25519_key, x25519_reasons, code_is_channel, ed25519_url<x25519_xchacha_scheme> {
    static constexpr std::string_view name = "x25519-xchacha";
    using session = xx::session;
    using connection = xx::connection;
    using acceptor = tcp_acceptor<x25519_xchacha_variant>;
    static constexpr std::uint64_t max_payload = session::frame_layout::max_payload;

    static connect_outcome<x25519_xchacha_variant> dial(const node_settings<x25519_xchacha_variant>& s,
                                                        const node_url& url) {
        return dial_session<x25519_xchacha_variant>(s, url, xx::make_options(x25519_config(s), ed25519_key_from(url)));
    }
    static connect_outcome<x25519_xchacha_variant> accept(transport::adapters::socket_fd fd,
                                                          const node_settings<x25519_xchacha_variant>& s) {
        return establish_session<x25519_xchacha_variant>(std::move(fd), policies::handshake_role::recipient,
                                                         xx::make_options(x25519_config(s), std::nullopt));
    }
    static result<session::options> session_options(const node_settings<x25519_xchacha_variant>& s,
                                                    std::optional<remote_id> remote) {
        return xx::make_options(x25519_config(s), remote);
    }
    static result<session> recipient_session(const node_settings<x25519_xchacha_variant>& s) {
        return session(policies::handshake_role::recipient, xx::make_options(x25519_config(s), std::nullopt));
    }
};

/// x25519-xchacha over UDP: one message-carrying packet per datagram, so a
/// payload is at most udp_session::frame_layout::max_payload (1392 B).
/// --size is bounded by the stream's limit instead, so that a message too
/// large for a datagram reaches the session, which refuses it with
/// errc::message_too_large. Nothing retransmits a lost datagram: dial keeps
/// at most echo_window bytes in flight, well inside a socket buffer.
struct x25519_xchacha_udp_variant : ed25519_key,
                                    x25519_reasons,
                                    code_is_channel,
                                    ed25519_url<x25519_xchacha_udp_scheme> {
    static constexpr std::string_view name = "x25519-xchacha-udp";
    using session = xx::udp_session;
    using connection = xx::udp_connection;
    using acceptor = udp_acceptor<x25519_xchacha_udp_variant>;
    static constexpr std::uint64_t max_payload = xx::session::frame_layout::max_payload;
    static constexpr std::size_t echo_window = 16 * 1024;

    static result<session::options> session_options(const node_settings<x25519_xchacha_udp_variant>& s,
                                                    std::optional<remote_id> remote) {
        return xx::make_udp_options(x25519_config(s), remote);
    }

    static connect_outcome<x25519_xchacha_udp_variant> dial(const node_settings<x25519_xchacha_udp_variant>& s,
                                                            const node_url& url) {
        connect_outcome<x25519_xchacha_udp_variant> out;
        out.peer = url.host + ":" + std::to_string(url.port);
        auto c = xx::dial_udp(x25519_config(s), url.host, url.port, ed25519_key_from(url));
        if (!c) {
            out.error = c.error();
            out.failure = describe_handshake_failure(out.peer, out.error, s.timeouts.handshake);
            return out;
        }
        out.conn = std::move(c.value());
        return out;
    }
};

/// Every variant --variant accepts; the first is the default.
using variant_table = std::tuple<rlpx_variant, noise_xk_variant, sha256_per_side_variant, x25519_xchacha_variant,
                                 x25519_xchacha_udp_variant>;

/// "rlpx, noise-xk, sha256-per-side"
std::string variant_names();

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
