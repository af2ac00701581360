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

// Boost 1.74's boost/asio/awaitable.hpp uses std::exchange without including
// <utility>; include it first.
#include <utility>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <system_error>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "policies/frame_layout.hpp"
#include "transport/error.hpp"
#include "transport/events.hpp"
#include "transport/log.hpp"
#include "transport/options.hpp"
#include "transport/result.hpp"

// g++ 12 at -O1 and -O2 reports every coroutine using Asio's awaitable as
// deleting its frame with a mismatched operator delete, where it inlines
// Asio's frame allocator (a class operator new/delete pair over ::operator
// new): a false positive that -Werror turns into an error in the including
// translation unit, so it is silenced for that unit.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace polywire::transport::adapters {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
template <class T>
using awaitable = asio::awaitable<T>;

/// Settings of the Asio adapter (the session's own timeouts and limits are
/// in its options).
struct asio_options {
    /// send() waits while the session holds this many bytes of unwritten
    /// output (one message may go above it).
    std::size_t send_queue_limit = 256 * 1024;
    /// Reading pauses while the session holds this many bytes of received,
    /// undelivered data and no receive() is waiting.
    std::size_t receive_window = 256 * 1024;
    /// After a failure, how long the session's goodbye may take to leave.
    std::chrono::milliseconds goodbye_flush{1000};
    /// The goodbye reason of cancel() when a handle is destroyed while open.
    std::uint8_t cancel_reason = 0;
};

/// Counters of one session; no key material, no payloads.
struct session_metrics {
    std::uint64_t bytes_in = 0;      ///< bytes read from the socket
    std::uint64_t bytes_out = 0;     ///< bytes written to the socket
    std::uint64_t messages_in = 0;   ///< application messages handed out by receive()
    std::uint64_t messages_out = 0;  ///< application messages accepted by send()
};

/// A TCP connection to host:port (an address or a name) made before
/// `deadline`. Errors: errc::handshake_timeout when the deadline passes
/// (as tcp_connect), errc::connection_failed otherwise.
awaitable<result<tcp::socket>> async_tcp_connect(std::string host, std::uint16_t port, time_point deadline);

/// A listening TCP socket. accept() is awaited by one coroutine at a time;
/// close() must run on the executor that coroutine runs on.
class asio_acceptor {
public:
    /// Binds and listens; port 0 lets the system choose.
    static result<asio_acceptor> listen(const asio::any_io_executor& ex, const std::string& host, std::uint16_t port);
    /// The next connection (TCP_NODELAY set); an error once closed.
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
/// "protocol_violation", "limit_exceeded", "peer_closed",
/// "peer_disconnected", "cancelled", "misuse", "system_failure" or "other".
std::string_view failure_kind(std::error_code ec) noexcept;

namespace detail {

/// A condition variable for coroutines on one strand: wait() suspends until
/// the next notify() (waiters re-check their condition: wake-ups may be
/// spurious). A timer that never expires; notify() cancels its waits.
class wakeup {
public:
    explicit wakeup(const asio::any_io_executor& ex) : timer_(ex) { timer_.expires_at(asio::steady_timer::time_point::max()); }
    awaitable<void> wait() {
        ++waiters_;
        boost::system::error_code ec;
        co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        --waiters_;
    }
    void notify() {
        if (waiters_ > 0) timer_.cancel();
    }

private:
    asio::steady_timer timer_;
    int waiters_ = 0;
};

/// Completion handler of the adapter's internal coroutines: they do not
/// throw; anything else (an allocation failure) terminates, as elsewhere.
struct terminate_on_exception {
    void operator()(std::exception_ptr e) const noexcept {
        if (e) std::terminate();
    }
};

}  // namespace detail

template <class Session>
class asio_session {
    static_assert(!policies::is_datagram<typename Session::frame_layout>(),
                  "asio_session carries a byte stream (TCP); a datagram layout needs a datagram driver");
    struct state;

public:
    using session_type = Session;
    using executor_type = asio::strand<asio::any_io_executor>;

    /// Takes a connected socket and a session in its initial state; the
    /// session runs on a new strand of the socket's executor.
    asio_session(tcp::socket socket, Session s, asio_options o = {}, log_hook log = {})
        : asio_session(asio::make_strand(socket.get_executor()), std::move(socket), std::move(s), o, std::move(log)) {}
    /// The same on a given strand (e.g. the one a server spawned the
    /// session's coroutine on).
    asio_session(executor_type strand, tcp::socket socket, Session s, asio_options o = {}, log_hook log = {})
        : st_(std::make_shared<state>(std::move(strand), std::move(socket), std::move(s), o, std::move(log))) {}

    asio_session(asio_session&&) noexcept = default;
    asio_session& operator=(asio_session&&) = delete;
    asio_session(const asio_session&) = delete;
    asio_session& operator=(const asio_session&) = delete;
    ~asio_session() {
        if (st_ && !st_->finished.load()) cancel(st_->opts.cancel_reason);
    }

    executor_type get_executor() const noexcept { return st_->strand; }

    /// Starts the session and runs its handshake (and the base protocol's
    /// greeting): {} once established, else the error that closed it
    /// (errc::peer_disconnected after the peer's goodbye, whose reason is
    /// session().peer_disconnect_reason(); std::errc::operation_canceled
    /// after cancel()). Takes the handshake_complete event; what followed
    /// the greeting (messages, a goodbye) stays queued for receive().
    awaitable<std::error_code> handshake() { return on_strand(st_, state::do_handshake(st_)); }

    /// The next event, waiting for the network as needed; std::nullopt once
    /// the session is closed and every event was taken. A message's payload
    /// is a copy owned by this object, valid until the next receive().
    /// Starts the session if handshake() was not called.
    awaitable<std::optional<event>> receive() { return on_strand(st_, state::do_receive(st_)); }

    /// Queues an application message, first waiting while the send queue
    /// holds asio_options::send_queue_limit bytes. `payload` must stay valid
    /// until this completes. The session's errors (errc::not_established,
    /// errc::session_closed, errc::message_too_large...).
    awaitable<std::error_code> send(std::uint64_t code, byte_view payload) {
        return on_strand(st_, state::do_send(st_, code, payload));
    }

    /// Waits until every queued byte was written: {} or the session's error.
    awaitable<std::error_code> flush() { return on_strand(st_, state::do_flush(st_)); }

    /// Sends the base protocol's ping (the pong arrives as an event).
    awaitable<std::error_code> ping() { return on_strand(st_, state::do_ping(st_)); }

    /// Says goodbye with `reason` (if keys exist), lingers until the peer
    /// closes or the session's linger deadline, closes the socket and waits
    /// for the internal coroutines to end. errc::session_closed if the
    /// session had already closed (the socket is closed all the same).
    /// Events still queued can be taken with receive() afterwards.
    awaitable<std::error_code> close(std::uint8_t reason) { return on_strand(st_, state::do_close(st_, reason)); }

    /// From any thread: closes the session cleanly — a goodbye with `reason`
    /// once keys exist, then as close() — without waiting. Every pending and
    /// later call completes: receive() returns the remaining events then
    /// std::nullopt, handshake() std::errc::operation_canceled, send()
    /// errc::session_closed.
    void cancel(std::uint8_t reason) {
        asio::post(st_->strand, [s = st_, reason] { s->do_cancel(reason); });
    }

    /// From any thread: the counters so far.
    session_metrics metrics() const noexcept { return st_->snapshot(); }
    /// From any thread: the socket is closed and the internal coroutines ended.
    bool finished() const noexcept { return st_->finished.load(); }
    /// The peer's "host:port" (fixed at construction; any thread).
    const std::string& peer() const noexcept { return st_->peer; }

    /// The session state machine: on the strand only.
    Session& session() noexcept { return st_->session; }
    const Session& session() const noexcept { return st_->session; }
    /// Bytes this connection holds in its own objects and buffers (the
    /// adapter's state, the session's buffers, the last payload's copy),
    /// not counting the kernel's socket buffers: on the strand only.
    std::size_t peer_memory() const noexcept {
        return sizeof(state) + st_->session.buffered_bytes() + st_->message.capacity();
    }

private:
    // Runs `op` on the session's strand: directly when the calling coroutine
    // runs on it, else through co_spawn (and back to the caller's executor).
    // (Not strand.running_in_this_thread(): a coroutine of another executor
    // may be resumed inline inside the strand and would later resume off it.)
    template <class T>
    static awaitable<T> on_strand(std::shared_ptr<state> s, awaitable<T> op) {
        const asio::any_io_executor caller = co_await asio::this_coro::executor;
        if (caller == s->any_strand) co_return co_await std::move(op);
        co_return co_await asio::co_spawn(s->strand, std::move(op), asio::use_awaitable);
    }

    std::shared_ptr<state> st_;
};

// ---- implementation --------------------------------------------------------

template <class Session>
struct asio_session<Session>::state : std::enable_shared_from_this<state> {
    state(executor_type st, tcp::socket sock, Session s, asio_options o, log_hook l)
        : strand(std::move(st)),
          any_strand(strand),
          socket(std::move(sock)),
          session(std::move(s)),
          opts(o),
          log(std::move(l)),
          peer(remote_address(socket)),
          timer(strand),
          app(strand),
          writer(strand),
          reader(strand) {
        boost::system::error_code ec;
        socket.non_blocking(true, ec);
        socket.set_option(tcp::no_delay(true), ec);
    }

    executor_type strand;
    asio::any_io_executor any_strand;  // the same, as coroutines see their executor
    tcp::socket socket;
    Session session;
    asio_options opts;
    log_hook log;
    const std::string peer;
    asio::steady_timer timer;  // the session's deadlines, the write timeout, the goodbye flush
    detail::wakeup app;        // receive/send/flush/close/handshake waiters
    detail::wakeup writer;     // the writer, when a write would block
    detail::wakeup reader;     // the reader, when it paused
    bytes message;             // the payload last handed out by receive()
    static constexpr std::size_t max_kept_copy = 64 * 1024;

    bool started = false;
    bool handshaken = false;  // handshake_complete was taken
    bool cancelled = false;
    bool socket_closed = false;
    bool eof = false;
    bool write_failed = false;
    bool write_blocked = false;  // the socket refused output: the writer waits until writable
    bool writing = false;        // output pending since write_progress
    bool reader_paused = false;
    bool shut_down_write = false;
    int receivers_waiting = 0;
    int loops = 0;
    time_point write_progress{};
    std::optional<time_point> goodbye_until;

    std::atomic<std::uint64_t> bytes_in{0}, bytes_out{0}, messages_in{0}, messages_out{0};
    std::atomic<bool> finished{false};

    session_metrics snapshot() const noexcept {
        return {bytes_in.load(std::memory_order_relaxed), bytes_out.load(std::memory_order_relaxed),
                messages_in.load(std::memory_order_relaxed), messages_out.load(std::memory_order_relaxed)};
    }

    void say(log_level level, const std::string& what) {
        if (log) log(level, what, peer);
    }

    // ---- the public operations (on the strand) -------------------------

    static awaitable<std::error_code> do_handshake(std::shared_ptr<state> s) {
        if (s->handshaken) co_return std::error_code{};  // called again, or receive() saw it
        if (auto ec = s->start()) co_return ec;
        while (s->session.state() == session_state::handshaking) co_await s->app.wait();
        // Up to handshake_complete: then the handshake succeeded, even if the
        // session closed right after (the peer's goodbye stays queued for
        // receive()). Otherwise the events say why it failed.
        std::error_code why;
        while (auto e = s->session.next_event()) {
            if (e->kind == event_kind::handshake_complete) {
                s->handshaken = true;
                s->say(log_level::info, "handshake complete");
                s->poke_reader();
                co_return std::error_code{};
            }
            if (e->kind == event_kind::error) why = e->error;
            if (e->kind == event_kind::disconnected && !why) {
                s->say(log_level::info, "disconnect received: reason " + std::to_string(e->reason));
                why = make_error_code(errc::peer_disconnected);
            }
        }
        if (!why) why = s->cancelled ? std::make_error_code(std::errc::operation_canceled)
                        : s->session.error() ? s->session.error()
                                             : make_error_code(errc::peer_closed);
        if (why != std::errc::operation_canceled) s->say(log_level::warning, "handshake failed: " + why.message());
        co_return why;
    }

    static awaitable<std::optional<event>> do_receive(std::shared_ptr<state> s) {
        if (!s->started) (void)s->start();
        for (;;) {
            if (auto e = s->session.next_event()) {
                s->deliver(*e);
                s->poke_reader();
                co_return e;
            }
            if (s->session.state() == session_state::closed) co_return std::nullopt;
            ++s->receivers_waiting;
            s->poke_reader();
            co_await s->app.wait();
            --s->receivers_waiting;
        }
    }

    static awaitable<std::error_code> do_send(std::shared_ptr<state> s, std::uint64_t code, byte_view payload) {
        while (s->session.state() == session_state::established &&
               s->session.pending_output().size() >= s->opts.send_queue_limit)
            co_await s->app.wait();
        if (auto ec = s->session.send(code, payload, clock::now())) co_return ec;
        s->messages_out.fetch_add(1, std::memory_order_relaxed);
        s->settle();
        co_return std::error_code{};
    }

    static awaitable<std::error_code> do_flush(std::shared_ptr<state> s) {
        while (!s->socket_closed && !s->session.pending_output().empty()) co_await s->app.wait();
        if (s->session.state() == session_state::closed && s->session.error()) co_return s->session.error();
        co_return std::error_code{};
    }

    static awaitable<std::error_code> do_ping(std::shared_ptr<state> s) {
        if (auto ec = s->session.ping(clock::now())) co_return ec;
        s->settle();
        co_return std::error_code{};
    }

    static awaitable<std::error_code> do_close(std::shared_ptr<state> s, std::uint8_t reason) {
        const auto ec = s->begin_close(reason);
        while (!s->finished.load()) co_await s->app.wait();
        co_return ec;
    }

    void do_cancel(std::uint8_t reason) {
        if (socket_closed) return;
        cancelled = true;
        (void)begin_close(reason);
    }

    std::error_code begin_close(std::uint8_t reason) {
        const auto ec = session.close(reason, clock::now());
        if (!ec && session.state() == session_state::closing)
            say(log_level::info, "disconnect sent: reason " + std::to_string(reason));
        settle();
        return ec;
    }

    // ---- internals -----------------------------------------------------

    std::error_code start() {
        if (started) return {};
        if (session.state() == session_state::initial) {
            if (auto ec = session.start(clock::now())) {
                settle();
                return ec;
            }
        } else if (session.state() == session_state::closed) {
            return cancelled ? std::make_error_code(std::errc::operation_canceled) : make_error_code(errc::session_closed);
        }
        started = true;
        auto self = this->shared_from_this();
        loops = 3;
        asio::co_spawn(strand, run_reader(self), detail::terminate_on_exception{});
        asio::co_spawn(strand, run_writer(self), detail::terminate_on_exception{});
        asio::co_spawn(strand, run_ticker(self), detail::terminate_on_exception{});
        settle();
        return {};
    }

    // Hands an event out: a message's payload is copied into `message`.
    void deliver(event& e) {
        switch (e.kind) {
            case event_kind::message:
                // The previous payload's copy is dead now. A large buffer is
                // not kept for the next message: an idle connection should not
                // hold its largest message forever.
                if (message.capacity() > max_kept_copy) bytes().swap(message);
                message.assign(e.payload.begin(), e.payload.end());
                e.payload = message;
                messages_in.fetch_add(1, std::memory_order_relaxed);
                break;
            case event_kind::handshake_complete:
                handshaken = true;
                say(log_level::info, "handshake complete");
                break;
            case event_kind::disconnected: say(log_level::info, "disconnect received: reason " + std::to_string(e.reason)); break;
            case event_kind::error: say(log_level::warning, "session closed: " + e.error.message()); break;
            default: break;
        }
    }

    bool may_read() const noexcept {
        if (socket_closed || eof) return false;
        const auto st = session.state();
        if (st == session_state::closed || st == session_state::initial) return false;
        const std::size_t cap = session.input_capacity();
        if (cap == 0) return false;
        if (st != session_state::established) return true;
        const std::size_t held = session.settings().limits.max_input_buffer - std::min(cap, session.settings().limits.max_input_buffer);
        return held < opts.receive_window || receivers_waiting > 0;
    }

    void poke_reader() {
        if (reader_paused && may_read()) reader.notify();
    }

    time_point next_wakeup() const noexcept {
        time_point w = time_point::max();
        if (auto d = session.next_deadline()) w = std::min(w, *d);
        if (writing) w = std::min(w, write_progress + session.settings().timeouts.write);
        if (goodbye_until) w = std::min(w, *goodbye_until);
        return w;
    }

    void retime() {
        if (!socket_closed && started && next_wakeup() < timer.expiry()) timer.cancel();
    }

    // Writes what the socket accepts now.
    void write_now() {
        while (!socket_closed && !write_failed && !session.pending_output().empty()) {
            const byte_view out = session.pending_output();
            boost::system::error_code ec;
            const std::size_t n = socket.write_some(asio::buffer(out.data(), out.size()), ec);
            if (ec == asio::error::would_block || ec == asio::error::try_again) {
                if (!writing) {
                    writing = true;
                    write_progress = clock::now();
                }
                if (!write_blocked) {
                    write_blocked = true;
                    writer.notify();
                }
                return;
            }
            if (ec == asio::error::interrupted) continue;
            if (ec) {
                write_failed = true;
                session.abort(io_error(ec));
                return;
            }
            bytes_out.fetch_add(n, std::memory_order_relaxed);
            session.consume_output(n);
            write_progress = clock::now();
            writing = true;
        }
        if (session.pending_output().empty()) writing = false;
    }

    // After anything that may have changed the session: write what it
    // queued, finish once it closed, wake whoever waits.
    void settle() {
        write_now();
        if (!socket_closed) {
            const auto st = session.state();
            if (st == session_state::closed) {
                if (session.pending_output().empty() || write_failed || !started) {
                    close_socket();
                } else if (!goodbye_until) {
                    goodbye_until = clock::now() + opts.goodbye_flush;  // the goodbye after a failure
                }
            } else if (st == session_state::closing && session.pending_output().empty() && !shut_down_write) {
                shut_down_write = true;
                boost::system::error_code ec;
                socket.shutdown(tcp::socket::shutdown_send, ec);
            }
        }
        retime();
        app.notify();
        poke_reader();
    }

    void close_socket() {
        if (socket_closed) return;
        socket_closed = true;
        boost::system::error_code ec;
        socket.shutdown(tcp::socket::shutdown_both, ec);
        socket.close(ec);
        timer.cancel();
        writer.notify();
        reader.notify();
        app.notify();
        if (loops == 0) finished.store(true);
    }

    void loop_done() {
        if (--loops == 0 && socket_closed) {
            finished.store(true);
            app.notify();
        }
    }

    static std::error_code io_error(const boost::system::error_code& ec) noexcept {
        if (ec == asio::error::connection_reset || ec == asio::error::broken_pipe) return make_error_code(errc::peer_closed);
        return make_error_code(errc::connection_failed);
    }

    // Reads what the socket holds (a bounded amount, so one busy peer does
    // not starve the others on the same thread) into the session.
    void read_available() {
        // One buffer per thread: the read and session.receive() happen
        // without suspending, so no other coroutine can use it meanwhile.
        thread_local std::array<std::uint8_t, 64 * 1024> buf;
        for (int round = 0; round < 4 && may_read(); ++round) {
            const std::size_t cap = std::min(buf.size(), session.input_capacity());
            boost::system::error_code ec;
            const std::size_t n = socket.read_some(asio::buffer(buf.data(), cap), ec);
            if (ec == asio::error::would_block || ec == asio::error::try_again) return;
            if (ec == asio::error::interrupted) continue;
            const time_point now = clock::now();
            if (ec == asio::error::eof) {
                eof = true;
                (void)session.receive_eof(now);
                return;
            }
            if (ec) {
                session.abort(io_error(ec));
                return;
            }
            bytes_in.fetch_add(n, std::memory_order_relaxed);
            (void)session.receive(byte_view(buf.data(), n), now);
            if (n < cap) return;  // drained, most likely
        }
    }

    void on_timer() {
        const time_point now = clock::now();
        if (goodbye_until && now >= *goodbye_until) {
            close_socket();
            return;
        }
        if (writing && now >= write_progress + session.settings().timeouts.write) {
            say(log_level::warning, "write timed out");
            write_failed = true;
            session.abort(make_error_code(errc::write_timeout));
            settle();
            return;
        }
        if (auto d = session.next_deadline(); d && now >= *d) {
            (void)session.on_tick(now);
            settle();
        }
    }

    static awaitable<void> run_reader(std::shared_ptr<state> s) {
        while (!s->socket_closed && !s->eof) {
            if (!s->may_read()) {
                s->reader_paused = true;
                co_await s->reader.wait();
                s->reader_paused = false;
                continue;
            }
            boost::system::error_code ec;
            co_await s->socket.async_wait(tcp::socket::wait_read, asio::redirect_error(asio::use_awaitable, ec));
            if (s->socket_closed) break;
            if (ec) {
                s->session.abort(io_error(ec));
            } else {
                s->read_available();
            }
            s->settle();
        }
        s->loop_done();
    }

    static awaitable<void> run_writer(std::shared_ptr<state> s) {
        while (!s->socket_closed) {
            if (!s->write_blocked) {
                co_await s->writer.wait();
                continue;
            }
            boost::system::error_code ec;
            co_await s->socket.async_wait(tcp::socket::wait_write, asio::redirect_error(asio::use_awaitable, ec));
            if (s->socket_closed) break;
            s->write_blocked = false;
            if (ec) {
                s->write_failed = true;
                s->session.abort(io_error(ec));
            }
            s->settle();
        }
        s->loop_done();
    }

    static awaitable<void> run_ticker(std::shared_ptr<state> s) {
        while (!s->socket_closed) {
            s->timer.expires_at(s->next_wakeup());
            boost::system::error_code ec;
            co_await s->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            if (s->socket_closed) break;
            if (!ec) s->on_timer();  // else: retimed, compute the next wake-up again
        }
        s->loop_done();
    }
};

}  // namespace polywire::transport::adapters
