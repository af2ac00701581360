// What the two Boost.Asio adapters share: asio_session (stream
// configurations over TCP, asio_session.hpp) and asio_datagram (datagram
// configurations over a connected UDP socket, asio_datagram.hpp). Their
// contracts are at the top of their own headers; this file holds the parts
// that do not depend on how bytes cross the socket:
//   - asio_options and session_metrics, the settings and counters of both;
//   - detail::peer_text() and detail::endpoints_of(), for the addresses
//     and the connects of both;
//   - detail::asio_core<Derived, Socket, Session>, the state each adapter
//     keeps per connection and all its logic but the socket I/O: the strand
//     and on_strand(), the public operations as they run on the strand
//     (handshake, receive, send, flush, ping, close, cancel), settle(), the
//     receive window, the one timer following the session's next_deadline()
//     (and the write timeout and the goodbye's limit), the counters, and the
//     reader, writer and ticker coroutines.
//
// Each adapter's state derives from asio_core (CRTP) and supplies:
//   write_now()         writes what the socket takes now, without waiting;
//                       where the socket refuses, calls wait_writable(), on
//                       an error write_error() (stream: write_some of the
//                       session's output; datagram: one send per datagram,
//                       refused ones kept in the adapter's own queue);
//   read_available()    reads what the socket holds into the session
//                       (stream: read_some into receive(), eof at the end;
//                       datagram: one receive per receive_datagram());
//   ended(st)           static: the session states in which the connection
//                       is over, the socket closing once the output left
//                       (stream: closed; datagram: closing or closed);
//   unsent()            whether output still waits to be written;
//   send_queue_bytes()  what send() holds against send_queue_limit;
//   io_error(ec)        static: a socket error as the session's error;
//   release_socket()    closes the socket (and drops what it held);
//   closed_in_handshake static constexpr errc: handshake()'s error when the
//                       session closed without saying why;
// and may replace these, which do nothing here:
//   after_session_start()  right after session.start() (datagram: hands
//                          over the datagram that arrived first);
//   settle_open(st)        at the end of settle() while not ended(st)
//                          (stream: shuts the write side once the goodbye
//                          left, then lingers reading).
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
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

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
template <class T>
using awaitable = asio::awaitable<T>;

/// Settings of the Asio adapters (the session's own timeouts and limits are
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

/// Completion handler of the adapters' internal coroutines: they do not
/// throw; anything else (an allocation failure) terminates, as elsewhere.
struct terminate_on_exception {
    void operator()(std::exception_ptr e) const noexcept {
        if (e) std::terminate();
    }
};

/// "host:port" ("[v6]:port" for IPv6; an IPv4-mapped address as IPv4).
std::string endpoint_text(asio::ip::address address, std::uint16_t port);

/// The connected socket's peer as endpoint_text(), or "" if unknown.
template <class Socket>
std::string peer_text(const Socket& s) {
    boost::system::error_code ec;
    const auto ep = s.remote_endpoint(ec);
    return ec ? std::string() : endpoint_text(ep.address(), ep.port());
}

/// The endpoints of host:port for connecting: the address itself, else what
/// `resolver` finds for the name (none, and `ec` set, if it finds nothing).
template <class Resolver>
awaitable<std::vector<typename Resolver::endpoint_type>> endpoints_of(Resolver& resolver, const std::string& host,
                                                                      std::uint16_t port,
                                                                      boost::system::error_code& ec) {
    std::vector<typename Resolver::endpoint_type> out;
    const auto address = asio::ip::make_address(host, ec);
    if (!ec) {
        out.emplace_back(address, port);
        co_return out;
    }
    auto found =
        co_await resolver.async_resolve(host, std::to_string(port), asio::redirect_error(asio::use_awaitable, ec));
    if (!ec)
        for (const auto& r : found) out.push_back(r.endpoint());
    co_return out;
}

/// The per-connection state and logic of both adapters (what Derived
/// supplies: see the top of this file). Touched only on `strand`, but for
/// the atomics and `peer`.
template <class Derived, class Socket, class Session>
struct asio_core : std::enable_shared_from_this<Derived> {
    using executor_type = asio::strand<asio::any_io_executor>;
    using pointer = std::shared_ptr<Derived>;

    // `sock` is only bound here, so the caller may compute `peer_address`
    // from it in the same call.
    asio_core(executor_type st, Socket&& sock, std::string peer_address, Session s, asio_options o, log_hook l)
        : strand(std::move(st)),
          any_strand(strand),
          socket(std::move(sock)),
          session(std::move(s)),
          opts(o),
          log(std::move(l)),
          peer(std::move(peer_address)),
          timer(strand),
          app(strand),
          writer(strand),
          reader(strand) {
        boost::system::error_code ec;
        socket.non_blocking(true, ec);
    }

    executor_type strand;
    asio::any_io_executor any_strand;  // the same, as coroutines see their executor
    Socket socket;
    Session session;
    asio_options opts;
    log_hook log;
    const std::string peer;
    asio::steady_timer timer;  // the session's deadlines, the write timeout, the goodbye flush
    wakeup app;                // receive/send/flush/close/handshake waiters
    wakeup writer;             // the writer, when the socket refused output
    wakeup reader;             // the reader, when it paused
    bytes message;             // the payload last handed out by receive()
    static constexpr std::size_t max_kept_copy = 64 * 1024;

    bool started = false;
    bool handshaken = false;  // handshake_complete was taken
    bool cancelled = false;
    bool socket_closed = false;
    bool eof = false;  // the peer ended its stream (never set for datagrams)
    bool write_failed = false;
    bool write_blocked = false;  // the socket refused output: the writer waits until writable
    bool writing = false;        // output pending since write_progress
    bool reader_paused = false;
    int receivers_waiting = 0;
    int loops = 0;
    time_point write_progress{};
    std::optional<time_point> goodbye_until;

    std::atomic<std::uint64_t> bytes_in{0}, bytes_out{0}, messages_in{0}, messages_out{0};
    std::atomic<bool> finished{false};

    Derived& self() noexcept { return static_cast<Derived&>(*this); }
    const Derived& self() const noexcept { return static_cast<const Derived&>(*this); }

    session_metrics snapshot() const noexcept {
        return {bytes_in.load(std::memory_order_relaxed), bytes_out.load(std::memory_order_relaxed),
                messages_in.load(std::memory_order_relaxed), messages_out.load(std::memory_order_relaxed)};
    }

    void say(log_level level, const std::string& what) {
        if (log) log(level, what, peer);
    }

    // Runs `op` on the session's strand: directly when the calling coroutine
    // runs on it, else through co_spawn (and back to the caller's executor).
    // (Not strand.running_in_this_thread(): a coroutine of another executor
    // may be resumed inline inside the strand and would later resume off it.)
    template <class T>
    static awaitable<T> on_strand(pointer s, awaitable<T> op) {
        const asio::any_io_executor caller = co_await asio::this_coro::executor;
        if (caller == s->any_strand) co_return co_await std::move(op);
        co_return co_await asio::co_spawn(s->strand, std::move(op), asio::use_awaitable);
    }

    // The connection is over: receive() returns std::nullopt once the
    // events are taken.
    bool over() const noexcept { return socket_closed || Derived::ended(session.state()); }

    // ---- the public operations (on the strand) -------------------------

    static awaitable<std::error_code> do_handshake(pointer s) {
        if (s->handshaken) co_return std::error_code{};  // called again, or receive() saw it
        if (auto ec = s->start()) co_return ec;
        while (s->session.state() == session_state::handshaking && !s->socket_closed) co_await s->app.wait();
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
                                             : make_error_code(Derived::closed_in_handshake);
        if (why != std::errc::operation_canceled) s->say(log_level::warning, "handshake failed: " + why.message());
        co_return why;
    }

    static awaitable<std::optional<event>> do_receive(pointer s) {
        if (!s->started) (void)s->start();
        for (;;) {
            if (auto e = s->session.next_event()) {
                s->deliver(*e);
                s->poke_reader();
                co_return e;
            }
            if (s->over()) co_return std::nullopt;
            ++s->receivers_waiting;
            s->poke_reader();
            co_await s->app.wait();
            --s->receivers_waiting;
        }
    }

    static awaitable<void> wait_for_room(const pointer& s) {
        while (s->session.state() == session_state::established && !s->socket_closed &&
               s->send_queue_bytes() >= s->opts.send_queue_limit)
            co_await s->app.wait();
    }

    static awaitable<std::error_code> do_send(pointer s, std::uint64_t code, byte_view payload) {
        co_await wait_for_room(s);
        if (auto ec = s->session.send(code, payload, clock::now())) co_return ec;
        s->messages_out.fetch_add(1, std::memory_order_relaxed);
        s->settle();
        co_return std::error_code{};
    }

    static awaitable<std::error_code> do_flush(pointer s) {
        while (!s->socket_closed && s->unsent()) co_await s->app.wait();
        if (s->session.state() == session_state::closed && s->session.error()) co_return s->session.error();
        co_return std::error_code{};
    }

    static awaitable<std::error_code> do_ping(pointer s) {
        if (auto ec = s->session.ping(clock::now())) co_return ec;
        s->settle();
        co_return std::error_code{};
    }

    static awaitable<std::error_code> do_close(pointer s, std::uint8_t reason) {
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
            self().after_session_start();
        } else if (session.state() == session_state::closed) {
            return cancelled ? std::make_error_code(std::errc::operation_canceled) : make_error_code(errc::session_closed);
        }
        started = true;
        auto me = this->shared_from_this();
        loops = 3;
        asio::co_spawn(strand, run_reader(me), terminate_on_exception{});
        asio::co_spawn(strand, run_writer(me), terminate_on_exception{});
        asio::co_spawn(strand, run_ticker(me), terminate_on_exception{});
        settle();
        return {};
    }

    void after_session_start() {}
    void settle_open(session_state) {}

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

    // Whether to feed the session now: not before it started nor once the
    // connection is over, and once established only below the receive
    // window (or while receive() waits).
    bool may_read() const noexcept {
        if (socket_closed || eof) return false;
        const auto st = session.state();
        if (st == session_state::initial || Derived::ended(st)) return false;
        const std::size_t cap = session.input_capacity();
        if (cap == 0) return false;
        if (st != session_state::established) return true;
        const std::size_t limit = session.settings().limits.max_input_buffer;
        const std::size_t held = limit - std::min(cap, limit);
        return held < opts.receive_window || receivers_waiting > 0;
    }

    void poke_reader() {
        if (reader_paused && may_read()) reader.notify();
    }

    // For write_now(): the socket refused output. The write timeout runs
    // from the last progress; the writer waits until the socket is writable.
    void wait_writable() {
        if (!writing) {
            writing = true;
            write_progress = clock::now();
        }
        if (!write_blocked) {
            write_blocked = true;
            writer.notify();
        }
    }

    // A write failed: the session ends with the socket's error (its goodbye
    // is not waited for).
    void write_error(const boost::system::error_code& ec) {
        write_failed = true;
        session.abort(Derived::io_error(ec));
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

    // After anything that may have changed the session: write what it
    // queued, close the socket once the connection is over and its output
    // left (or at the goodbye's limit), wake whoever waits.
    void settle() {
        self().write_now();
        if (!socket_closed) {
            const auto st = session.state();
            if (Derived::ended(st)) {
                if (!self().unsent() || write_failed || !started) {
                    close_socket();
                } else if (!goodbye_until) {
                    goodbye_until = clock::now() + opts.goodbye_flush;  // the goodbye after a failure
                }
            } else {
                self().settle_open(st);
            }
        }
        retime();
        app.notify();
        poke_reader();
    }

    void close_socket() {
        if (socket_closed) return;
        socket_closed = true;
        self().release_socket();
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

    static awaitable<void> run_reader(pointer s) {
        while (!s->socket_closed && !s->eof) {
            if (!s->may_read()) {
                s->reader_paused = true;
                co_await s->reader.wait();
                s->reader_paused = false;
                continue;
            }
            boost::system::error_code ec;
            co_await s->socket.async_wait(asio::socket_base::wait_read, asio::redirect_error(asio::use_awaitable, ec));
            if (s->socket_closed) break;
            if (ec) {
                s->session.abort(Derived::io_error(ec));
            } else {
                s->read_available();
            }
            s->settle();
        }
        s->loop_done();
    }

    static awaitable<void> run_writer(pointer s) {
        while (!s->socket_closed) {
            if (!s->write_blocked) {
                co_await s->writer.wait();
                continue;
            }
            boost::system::error_code ec;
            co_await s->socket.async_wait(asio::socket_base::wait_write, asio::redirect_error(asio::use_awaitable, ec));
            if (s->socket_closed) break;
            s->write_blocked = false;
            if (ec) s->write_error(ec);
            s->settle();
        }
        s->loop_done();
    }

    static awaitable<void> run_ticker(pointer s) {
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

}  // namespace detail

}  // namespace polywire::transport::adapters
