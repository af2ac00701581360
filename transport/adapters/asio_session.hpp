// asio_session<Session>: drives any stream configuration's transport::session
// over a Boost.Asio TCP socket with C++20 coroutines (co_await). (Datagram
// layouts need a datagram driver: datagram_socket.)
//
//   auto sock = co_await async_tcp_connect(host, port, clock::now() + 5s);
//   asio_session<rlpx::session> conn(std::move(sock.value()), rlpx::session(role, opts));
//   if (auto ec = co_await conn.handshake()) { ... }
//   co_await conn.send(code, payload);                 // waits while the send queue is full
//   while (auto e = co_await conn.receive()) { ... }   // messages, pings, goodbye, error
//   co_await conn.close(reason);                       // goodbye, linger, socket closed
//
// Like blocking_socket it has no protocol logic: it moves bytes between the
// socket and the session, ticks the session at its next_deadline() and hands
// out its events. Every protocol decision (greeting, pings, goodbyes,
// reasons) stays in the session and its policies.
//
// What it shares with asio_datagram (the strand, the public operations, the
// timer, the receive window, the reader, writer and ticker coroutines) is
// detail::asio_core in asio_core.hpp, and its public operations are
// detail::asio_handle's there; this file holds what is TCP's: writes
// and reads of the byte stream (the session's pending output is the send
// queue), the end of stream, and the linger after a goodbye (the write side
// shut, reading on until the session closes).
//
// TIMEOUTS (all from the session's options, enforced with one timer):
//   handshake deadline, idle read, keepalive ping and pong deadline, linger
//   after a goodbye: the session's next_deadline()/on_tick(); each write must
//   progress within timeouts.write (write_timeout); after a failure the
//   session's goodbye gets at most asio_options::goodbye_flush to leave.
//
// BACKPRESSURE: send() waits while the session holds send_queue_limit bytes
// of unwritten output, so a peer that reads slowly slows its writer down
// instead of growing memory. On the input side the session is fed only
// while it holds less than receive_window bytes of undelivered data (or
// while receive() is waiting): an application that does not call receive()
// leaves the data in the kernel and TCP slows the peer down.
//
// THREADING MODEL: one strand per session. The session state machine, the
// socket and the timers are touched only on that strand, by three internal
// coroutines (reader, writer, ticker) and by the public coroutines below.
//   - handshake(), receive(), send(), flush(), ping(), close() may be
//     co_awaited from any coroutine: from a coroutine whose executor is the
//     session's strand (co_spawned on get_executor(), as asio_server does)
//     they run directly; from elsewhere they hop to the strand and back (a
//     co_spawn per call).
//     At most one receive() at a time; concurrent send()s are each atomic.
//   - cancel(), metrics(), finished() and peer(): any thread, any time.
//   - session() and peer_memory(): on the strand. Once handshake() has
//     returned, what the greeting established (session().peer(),
//     remote_id()) no longer changes and may be read by the coroutine that
//     awaited it, wherever it runs.
//   - a received payload is this object's copy: valid until the next
//     receive(), for the coroutine that awaited it.
// The io_context may be run by any number of threads.
//
// LIFETIME: asio_session is a move-only handle; its internal coroutines keep
// the state alive until the socket is closed. Destroying an open handle
// cancels it (a goodbye with asio_options::cancel_reason).
//
// Errors are std::error_code values; no exception leaves this API (Asio's
// operations are awaited with redirect_error).
#pragma once

#include "transport/adapters/asio_core.hpp"  // first: <utility> before Asio (see there)

#include <boost/asio/ip/tcp.hpp>

#include "policies/frame_layout.hpp"

namespace polywire::transport::adapters {

using tcp = asio::ip::tcp;

/// The operating system's code in an Asio error, kept (os_error(): its
/// message is the system's); errc::connection_failed for an error of
/// another kind (a name that does not resolve).
std::error_code os_error_of(const boost::system::error_code& ec) noexcept;

/// A TCP connection to host:port (an address or a name) made before
/// `deadline`. Errors: errc::handshake_timeout when the deadline passes
/// (as tcp_connect), else the system's (std::errc::connection_refused...),
/// errc::connection_failed if the name does not resolve.
awaitable<result<tcp::socket>> async_tcp_connect(std::string host, std::uint16_t port, time_point deadline);

/// A listening TCP socket. accept() is awaited by one coroutine at a time;
/// close() must run on the executor that coroutine runs on.
class asio_acceptor {
public:
    /// The listen backlog asked for: as large as the system allows (Linux
    /// caps it at net.core.somaxconn, 4096 by default), so that connections
    /// a server does not accept yet (asio_server at max_pending_handshakes)
    /// wait in the kernel instead of being dropped.
    static constexpr int backlog = 65535;
    /// Binds and listens; port 0 lets the system choose. Errors: the
    /// system's (std::errc::address_in_use...), errc::connection_failed if
    /// the host does not resolve.
    static result<asio_acceptor> listen(const asio::any_io_executor& ex, const std::string& host, std::uint16_t port);
    /// The next connection (TCP_NODELAY set); the system's error (EMFILE...)
    /// or, once closed, std::errc::operation_canceled / bad descriptor.
    awaitable<result<tcp::socket>> accept();
    /// A connection already waiting, without waiting: a busy server drains
    /// its backlog with these after each accept(), instead of waiting a turn
    /// of the event loop per connection.
    std::optional<tcp::socket> try_accept();
    void close() noexcept;
    std::uint16_t port() const noexcept { return port_; }
    const std::string& host() const noexcept { return host_; }

private:
    explicit asio_acceptor(tcp::acceptor a) : acceptor_(std::move(a)) {}
    tcp::acceptor acceptor_;
    std::uint16_t port_ = 0;
    std::string host_;
};

/// "host:port" of the socket's peer ("[v6]:port" for IPv6), or "" if unknown.
std::string remote_address(const tcp::socket& s);

/// A short, stable name for why a session failed, for metrics:
/// "timed_out", "authentication_failed", "handshake_failed",
/// "protocol_violation", "limit_exceeded", "peer_closed", "peer_reset",
/// "peer_disconnected", "cancelled", "misuse", "system_failure" or "other".
std::string_view failure_kind(std::error_code ec) noexcept;

// ---- implementation --------------------------------------------------------

namespace detail::stream_adapter {

// The byte stream's part of the state (the rest is detail::asio_core): the
// socket is read and written with read_some/write_some; the session's
// pending_output() is the send queue; after the goodbye the write side is
// shut and the connection lingers, reading, until the session closes.
template <class Session>
struct state : asio_core<state<Session>, tcp::socket, Session> {
    using core = asio_core<state<Session>, tcp::socket, Session>;
    using core::session, core::socket;  // the rest of core's is reached as this->

    state(typename core::executor_type st, tcp::socket sock, Session s, asio_options o, log_hook l)
        : core(std::move(st), std::move(sock), remote_address(sock), std::move(s), o, std::move(l)) {
        boost::system::error_code ec;
        socket.set_option(tcp::no_delay(true), ec);
    }

    bool shut_down_write = false;

    // The connection lasts until the session closes (a goodbye sent or
    // received leaves it `closing`, lingering until the peer closes).
    static bool ended(session_state st) noexcept { return st == session_state::closed; }
    static constexpr errc closed_in_handshake = errc::peer_closed;

    bool unsent() const noexcept { return !session.pending_output().empty(); }
    std::size_t send_queue_bytes() const noexcept { return session.pending_output().size(); }
    std::size_t queued_capacity() const noexcept { return 0; }  // the session's buffer is the queue

    // A reset keeps its own code ("Connection reset by peer"); writing to
    // a stream the peer has closed is the peer's close.
    static std::error_code io_error(const boost::system::error_code& ec) noexcept {
        if (ec == asio::error::broken_pipe) return make_error_code(errc::peer_closed);
        return os_error_of(ec);
    }

    // Writes what the socket accepts now.
    void write_now() {
        while (!this->socket_closed && !this->write_failed && !session.pending_output().empty()) {
            const byte_view out = session.pending_output();
            boost::system::error_code ec;
            const std::size_t n = socket.write_some(asio::buffer(out.data(), out.size()), ec);
            if (ec == asio::error::would_block || ec == asio::error::try_again) {
                this->wait_writable();
                return;
            }
            if (ec == asio::error::interrupted) continue;
            if (ec) {
                this->write_error(ec);
                return;
            }
            this->bytes_out.fetch_add(n, std::memory_order_relaxed);
            session.consume_output(n);
            this->write_progress = clock::now();
            this->writing = true;
        }
        if (session.pending_output().empty()) this->writing = false;
    }

    // Once the goodbye has left, the write side is shut (TCP's FIN).
    void settle_open(session_state st) {
        if (st == session_state::closing && session.pending_output().empty() && !shut_down_write) {
            shut_down_write = true;
            boost::system::error_code ec;
            socket.shutdown(tcp::socket::shutdown_send, ec);
        }
    }

    void release_socket() {
        boost::system::error_code ec;
        socket.shutdown(tcp::socket::shutdown_both, ec);
        socket.close(ec);
    }

    // Reads what the socket holds (a bounded amount, so one busy peer does
    // not starve the others on the same thread) into the session.
    void read_available() {
        // One buffer per thread: the read and session.receive() happen
        // without suspending, so no other coroutine can use it meanwhile.
        thread_local std::array<std::uint8_t, 64 * 1024> buf;
        for (int round = 0; round < 4 && this->may_read(); ++round) {
            const std::size_t cap = std::min(buf.size(), session.input_capacity());
            boost::system::error_code ec;
            const std::size_t n = socket.read_some(asio::buffer(buf.data(), cap), ec);
            if (ec == asio::error::would_block || ec == asio::error::try_again) return;
            if (ec == asio::error::interrupted) continue;
            const time_point now = clock::now();
            if (ec == asio::error::eof) {
                this->end_of_stream();
                (void)session.receive_eof(now);
                return;
            }
            if (ec) {
                session.abort(io_error(ec));
                return;
            }
            this->bytes_in.fetch_add(n, std::memory_order_relaxed);
            (void)session.receive(byte_view(buf.data(), n), now);
            if (n < cap) return;  // drained, most likely
        }
    }
};

}  // namespace detail::stream_adapter

/// The stream adapter: see the top of this file; its operations are
/// detail::asio_handle's (asio_core.hpp).
template <class Session>
class asio_session : public detail::asio_handle<detail::stream_adapter::state<Session>> {
    static_assert(!policies::is_datagram<typename Session::frame_layout>(),
                  "asio_session carries a byte stream (TCP); a datagram layout needs a datagram driver");
    using handle = detail::asio_handle<detail::stream_adapter::state<Session>>;

public:
    using typename handle::executor_type;

    /// Takes a connected socket and a session in its initial state; the
    /// session runs on a new strand of the socket's executor.
    asio_session(tcp::socket socket, Session s, asio_options o = {}, log_hook log = {})
        : asio_session(asio::make_strand(socket.get_executor()), std::move(socket), std::move(s), o, std::move(log)) {}
    /// The same on a given strand (e.g. the one a server spawned the
    /// session's coroutine on).
    asio_session(executor_type strand, tcp::socket socket, Session s, asio_options o = {}, log_hook log = {})
        : handle(std::move(strand), std::move(socket), std::move(s), o, std::move(log)) {}
};

}  // namespace polywire::transport::adapters
