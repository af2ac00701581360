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
//     reader, writer and ticker coroutines;
//   - detail::asio_handle<State>, the public operations of both adapters'
//     handles (asio_session and asio_datagram derive from it).
//
// Each adapter's state derives from asio_core (CRTP) and supplies its socket
// I/O and a few answers: the concept detail::asio_adapter_state below says
// which, and detail::asio_handle, the public handle both adapters are,
// checks it with a static_assert.
#pragma once

// Boost 1.74's boost/asio/awaitable.hpp uses std::exchange without including
// <utility>; include it first.
#include <utility>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <concepts>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <type_traits>
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
    /// The largest datagram the session sends now, where its layout
    /// negotiates datagram sizes (x25519-xchacha over UDP: the floor, then
    /// what its probes found; session::datagram_sizes()); 0 elsewhere.
    std::uint64_t datagram_size = 0;
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

/// What an adapter's state supplies to asio_core, its CRTP base (checked
/// by asio_handle with a static_assert naming this concept):
///   write_now()          writes what the socket takes now, without waiting;
///                        where the socket refuses, calls wait_writable(), on
///                        an error write_error() (stream: write_some of the
///                        session's output; datagram: one send per datagram,
///                        refused ones kept in the adapter's own queue);
///   read_available()     reads what the socket holds into the session
///                        (stream: read_some into receive(), end_of_stream()
///                        at the end; datagram: one receive per
///                        receive_datagram());
///   ended(st)            static: the session states in which the connection
///                        is over, the socket closing once the output left
///                        (stream: closed; datagram: closing or closed);
///   unsent()             whether output still waits to be written;
///   send_queue_bytes()   what send() holds against send_queue_limit;
///   queued_capacity()    bytes the adapter's own buffers hold (peer_memory());
///   io_error(ec)         static: a socket error as the session's error;
///   release_socket()     closes the socket (and drops what it held);
///   closed_in_handshake  static constexpr errc: handshake()'s error when the
///                        session closed without saying why;
/// and, where asio_core's do-nothing defaults do not fit:
///   after_session_start()  right after session.start() (datagram: hands
///                          over the datagram that arrived first);
///   settle_open(st)        at the end of settle() while not ended(st)
///                          (stream: shuts the write side once the goodbye
///                          left, then lingers reading).
template <class State>
concept asio_adapter_state =
    requires(State& s, const State& cs, session_state st, const boost::system::error_code& ec) {
        { s.write_now() } -> std::same_as<void>;
        { s.read_available() } -> std::same_as<void>;
        { State::ended(st) } -> std::same_as<bool>;
        { cs.unsent() } -> std::same_as<bool>;
        { cs.send_queue_bytes() } -> std::same_as<std::size_t>;
        { cs.queued_capacity() } -> std::same_as<std::size_t>;
        { State::io_error(ec) } -> std::same_as<std::error_code>;
        { s.release_socket() } -> std::same_as<void>;
        { s.after_session_start() } -> std::same_as<void>;
        { s.settle_open(st) } -> std::same_as<void>;
        requires std::same_as<std::remove_cv_t<decltype(State::closed_in_handshake)>, errc>;
    };

template <class State>
class asio_handle;

/// The per-connection state and logic of both adapters (what Derived
/// supplies: asio_adapter_state above). Touched only on the strand, but for
/// the atomics and peer(). The public handle (asio_handle) reaches its
/// private parts; Derived's socket I/O reaches the protected ones.
template <class Derived, class Socket, class Session>
class asio_core : public std::enable_shared_from_this<Derived> {
public:
    using executor_type = asio::strand<asio::any_io_executor>;
    using pointer = std::shared_ptr<Derived>;
    using session_type = Session;

    // `sock` is only bound here, so the caller may compute `peer_address`
    // from it in the same call.
    asio_core(executor_type st, Socket&& sock, std::string peer_address, Session s, asio_options o, log_hook l)
        : socket(std::move(sock)),
          session(std::move(s)),
          strand_(std::move(st)),
          any_strand_(strand_),
          opts_(o),
          log_(std::move(l)),
          peer_(std::move(peer_address)),
          timer_(strand_),
          wake_(strand_) {
        boost::system::error_code ec;
        socket.non_blocking(true, ec);
    }

    // The hooks Derived may replace (asio_adapter_state).
    void after_session_start() {}
    void settle_open(session_state) {}

protected:
    // ---- for Derived's socket I/O --------------------------------------

    Socket socket;
    Session session;
    std::atomic<std::uint64_t> bytes_in{0}, bytes_out{0}, messages_in{0}, messages_out{0};
    std::atomic<std::uint64_t> datagram_size{0};  // settle() copies it from the session
    bool socket_closed = false;  // close_socket() ran: every loop ends
    // The writer, as write_now() keeps it: output pending since
    // write_progress (the write timeout runs from there), or a write failed.
    bool writing = false;
    bool write_failed = false;
    time_point write_progress{};

    // Whether to feed the session now: not before it started nor once the
    // connection is over, and once established only below the receive
    // window (or while receive() waits).
    bool may_read() const noexcept {
        if (socket_closed || reading_.eof) return false;
        const auto st = session.state();
        if (st == session_state::initial || Derived::ended(st)) return false;
        const std::size_t cap = session.input_capacity();
        if (cap == 0) return false;
        if (st != session_state::established) return true;
        const std::size_t limit = session.settings().limits.max_input_buffer;
        const std::size_t held = limit - std::min(cap, limit);
        return held < opts_.receive_window || reading_.receivers_waiting > 0;
    }

    // The peer ended its byte stream (read_available() of a stream).
    void end_of_stream() noexcept { reading_.eof = true; }

    // For write_now(): the socket refused output. The write timeout runs
    // from the last progress; the writer waits until the socket is writable.
    void wait_writable() {
        if (!writing) {
            writing = true;
            write_progress = clock::now();
        }
        if (!write_blocked_) {
            write_blocked_ = true;
            wake_.writer.notify();
        }
    }

    // A write failed: the session ends with the socket's error (its goodbye
    // is not waited for).
    void write_error(const boost::system::error_code& ec) {
        write_failed = true;
        session.abort(Derived::io_error(ec));
    }

    Derived& self() noexcept { return static_cast<Derived&>(*this); }
    const Derived& self() const noexcept { return static_cast<const Derived&>(*this); }

    // ---- the public operations (on the strand) -------------------------

    // Runs `op` on the session's strand: directly when the calling coroutine
    // runs on it, else through co_spawn (and back to the caller's executor).
    // (Not strand.running_in_this_thread(): a coroutine of another executor
    // may be resumed inline inside the strand and would later resume off it.)
    template <class T>
    static awaitable<T> on_strand(pointer s, awaitable<T> op) {
        const asio::any_io_executor caller = co_await asio::this_coro::executor;
        if (caller == s->any_strand_) co_return co_await std::move(op);
        co_return co_await asio::co_spawn(s->strand_, std::move(op), asio::use_awaitable);
    }

    static awaitable<std::error_code> do_handshake(pointer s) {
        if (s->life_.handshaken) co_return std::error_code{};  // called again, or receive() saw it
        if (auto ec = s->start()) co_return ec;
        while (s->session.state() == session_state::handshaking && !s->socket_closed) co_await s->wake_.app.wait();
        // Up to handshake_complete: then the handshake succeeded, even if the
        // session closed right after (the peer's goodbye stays queued for
        // receive()). Otherwise the events say why it failed.
        std::error_code why;
        while (auto e = s->session.next_event()) {
            if (e->kind == event_kind::handshake_complete) {
                s->life_.handshaken = true;
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
        if (!why) why = s->life_.cancelled ? std::make_error_code(std::errc::operation_canceled)
                        : s->session.error() ? s->session.error()
                                             : make_error_code(Derived::closed_in_handshake);
        if (why != std::errc::operation_canceled) s->say(log_level::warning, "handshake failed: " + why.message());
        co_return why;
    }

    static awaitable<std::optional<event>> do_receive(pointer s) {
        if (!s->life_.started) (void)s->start();
        for (;;) {
            if (auto e = s->session.next_event()) {
                s->deliver(*e);
                s->poke_reader();
                co_return e;
            }
            if (s->over()) co_return std::nullopt;
            ++s->reading_.receivers_waiting;
            s->poke_reader();
            co_await s->wake_.app.wait();
            --s->reading_.receivers_waiting;
        }
    }

    static awaitable<void> wait_for_room(const pointer& s) {
        while (s->session.state() == session_state::established && !s->socket_closed &&
               s->self().send_queue_bytes() >= s->opts_.send_queue_limit)
            co_await s->wake_.app.wait();
    }

    static awaitable<std::error_code> do_send(pointer s, std::uint64_t code, byte_view payload) {
        co_await wait_for_room(s);
        if (auto ec = s->session.send(code, payload, clock::now())) co_return ec;
        s->messages_out.fetch_add(1, std::memory_order_relaxed);
        s->settle();
        co_return std::error_code{};
    }

    static awaitable<std::error_code> do_flush(pointer s) {
        while (!s->socket_closed && s->self().unsent()) co_await s->wake_.app.wait();
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
        while (!s->finished_.load()) co_await s->wake_.app.wait();
        co_return ec;
    }

    void do_cancel(std::uint8_t reason) {
        if (socket_closed) return;
        life_.cancelled = true;
        (void)begin_close(reason);
    }

    // After anything that may have changed the session: write what it
    // queued, close the socket once the connection is over and its output
    // left (or at the goodbye's limit), wake whoever waits.
    void settle() {
        if constexpr (requires { Session::probes_datagram_size; }) {
            if constexpr (Session::probes_datagram_size)
                datagram_size.store(session.max_wire_size(), std::memory_order_relaxed);
        }
        self().write_now();
        if (!socket_closed) {
            const auto st = session.state();
            if (Derived::ended(st)) {
                if (!self().unsent() || write_failed || !life_.started) {
                    close_socket();
                } else if (!life_.goodbye_until) {
                    life_.goodbye_until = clock::now() + opts_.goodbye_flush;  // the goodbye after a failure
                }
            } else {
                self().settle_open(st);
            }
        }
        retime();
        wake_.app.notify();
        poke_reader();
    }

private:
    template <class>
    friend class asio_handle;

    // ---- what the handle reads ------------------------------------------

    session_metrics snapshot() const noexcept {
        return {bytes_in.load(std::memory_order_relaxed), bytes_out.load(std::memory_order_relaxed),
                messages_in.load(std::memory_order_relaxed), messages_out.load(std::memory_order_relaxed),
                datagram_size.load(std::memory_order_relaxed)};
    }

    // Bytes this connection holds in its own objects and buffers.
    std::size_t memory() const noexcept {
        return sizeof(Derived) + session.buffered_bytes() + message_.capacity() + self().queued_capacity();
    }

    // ---- internals -----------------------------------------------------

    void say(log_level level, const std::string& what) {
        if (log_) log_(level, what, peer_);
    }

    // The connection is over: receive() returns std::nullopt once the
    // events are taken.
    bool over() const noexcept { return socket_closed || Derived::ended(session.state()); }

    std::error_code begin_close(std::uint8_t reason) {
        const auto ec = session.close(reason, clock::now());
        if (!ec && session.state() == session_state::closing)
            say(log_level::info, "disconnect sent: reason " + std::to_string(reason));
        settle();
        return ec;
    }

    std::error_code start() {
        if (life_.started) return {};
        if (session.state() == session_state::initial) {
            if (auto ec = session.start(clock::now())) {
                settle();
                return ec;
            }
            self().after_session_start();
        } else if (session.state() == session_state::closed) {
            return life_.cancelled ? std::make_error_code(std::errc::operation_canceled)
                                   : make_error_code(errc::session_closed);
        }
        life_.started = true;
        auto me = this->shared_from_this();
        life_.loops = 3;
        asio::co_spawn(strand_, run_reader(me), terminate_on_exception{});
        asio::co_spawn(strand_, run_writer(me), terminate_on_exception{});
        asio::co_spawn(strand_, run_ticker(me), terminate_on_exception{});
        settle();
        return {};
    }

    // Hands an event out: a message's payload is copied into `message_`.
    void deliver(event& e) {
        switch (e.kind) {
            case event_kind::message:
                // The previous payload's copy is dead now. A large buffer is
                // not kept for the next message: an idle connection should not
                // hold its largest message forever.
                if (message_.capacity() > max_kept_copy) bytes().swap(message_);
                message_.assign(e.payload.begin(), e.payload.end());
                e.payload = message_;
                messages_in.fetch_add(1, std::memory_order_relaxed);
                break;
            case event_kind::handshake_complete:
                life_.handshaken = true;
                say(log_level::info, "handshake complete");
                break;
            case event_kind::disconnected: say(log_level::info, "disconnect received: reason " + std::to_string(e.reason)); break;
            case event_kind::error: say(log_level::warning, "session closed: " + e.error.message()); break;
            default: break;
        }
    }

    void poke_reader() {
        if (reading_.paused && may_read()) wake_.reader.notify();
    }

    time_point next_wakeup() const noexcept {
        time_point w = time_point::max();
        if (auto d = session.next_deadline()) w = std::min(w, *d);
        if (writing) w = std::min(w, write_progress + session.settings().timeouts.write);
        if (life_.goodbye_until) w = std::min(w, *life_.goodbye_until);
        return w;
    }

    void retime() {
        if (!socket_closed && life_.started && next_wakeup() < timer_.expiry()) timer_.cancel();
    }

    void close_socket() {
        if (socket_closed) return;
        socket_closed = true;
        self().release_socket();
        timer_.cancel();
        wake_.writer.notify();
        wake_.reader.notify();
        wake_.app.notify();
        if (life_.loops == 0) finished_.store(true);
    }

    void loop_done() {
        if (--life_.loops == 0 && socket_closed) {
            finished_.store(true);
            wake_.app.notify();
        }
    }

    void on_timer() {
        const time_point now = clock::now();
        if (life_.goodbye_until && now >= *life_.goodbye_until) {
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
        while (!s->socket_closed && !s->reading_.eof) {
            if (!s->may_read()) {
                s->reading_.paused = true;
                co_await s->wake_.reader.wait();
                s->reading_.paused = false;
                continue;
            }
            boost::system::error_code ec;
            co_await s->socket.async_wait(asio::socket_base::wait_read, asio::redirect_error(asio::use_awaitable, ec));
            if (s->socket_closed) break;
            if (ec) {
                s->session.abort(Derived::io_error(ec));
            } else {
                s->self().read_available();
            }
            s->settle();
        }
        s->loop_done();
    }

    static awaitable<void> run_writer(pointer s) {
        while (!s->socket_closed) {
            if (!s->write_blocked_) {
                co_await s->wake_.writer.wait();
                continue;
            }
            boost::system::error_code ec;
            co_await s->socket.async_wait(asio::socket_base::wait_write, asio::redirect_error(asio::use_awaitable, ec));
            if (s->socket_closed) break;
            s->write_blocked_ = false;
            if (ec) s->write_error(ec);
            s->settle();
        }
        s->loop_done();
    }

    static awaitable<void> run_ticker(pointer s) {
        while (!s->socket_closed) {
            s->timer_.expires_at(s->next_wakeup());
            boost::system::error_code ec;
            co_await s->timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            if (s->socket_closed) break;
            if (!ec) s->on_timer();  // else: retimed, compute the next wake-up again
        }
        s->loop_done();
    }

    // The coroutines' wake-ups.
    struct wakeups {
        explicit wakeups(const asio::any_io_executor& ex) : app(ex), writer(ex), reader(ex) {}
        wakeup app;     // receive/send/flush/close/handshake waiters
        wakeup writer;  // the writer, when the socket refused output
        wakeup reader;  // the reader, when it paused
    };
    // Where the connection is in its life.
    struct lifecycle {
        bool started = false;     // start() ran: the reader, writer and ticker run
        bool handshaken = false;  // handshake_complete was taken
        bool cancelled = false;   // cancel() closed it
        int loops = 0;            // of those three, how many still run
        std::optional<time_point> goodbye_until;  // the socket closes then at the latest
    };
    // The reader's side.
    struct reader_state {
        bool eof = false;            // the peer ended its stream (never set for datagrams)
        bool paused = false;         // the reader waits until may_read()
        int receivers_waiting = 0;   // receive() calls waiting for an event
    };
    static constexpr std::size_t max_kept_copy = 64 * 1024;

    executor_type strand_;
    asio::any_io_executor any_strand_;  // the same, as coroutines see their executor
    asio_options opts_;
    log_hook log_;
    const std::string peer_;
    asio::steady_timer timer_;  // the session's deadlines, the write timeout, the goodbye flush
    wakeups wake_;
    bytes message_;             // the payload last handed out by receive()
    lifecycle life_;
    reader_state reading_;
    bool write_blocked_ = false;  // the socket refused output: the writer waits until writable
    std::atomic<bool> finished_{false};  // the socket is closed and the three coroutines ended
};

/// The public handle of both adapters: a move-only owner of the shared
/// per-connection State (an asio_core), whose operations hop to its strand.
/// asio_session and asio_datagram derive from it; their headers say what
/// differs (the contract of each operation is below).
template <class State>
class asio_handle {
    static_assert(asio_adapter_state<State>,
                  "an Asio adapter's state must supply write_now(), read_available(), ended(), unsent(), "
                  "send_queue_bytes(), queued_capacity(), io_error(), release_socket() and closed_in_handshake "
                  "(see asio_adapter_state in transport/adapters/asio_core.hpp)");

public:
    using session_type = typename State::session_type;
    using executor_type = asio::strand<asio::any_io_executor>;

    asio_handle(asio_handle&&) noexcept = default;
    asio_handle& operator=(asio_handle&&) = delete;
    asio_handle(const asio_handle&) = delete;
    asio_handle& operator=(const asio_handle&) = delete;
    /// Destroying an open handle cancels it (asio_options::cancel_reason).
    ~asio_handle() {
        if (st_ && !st_->finished_.load()) cancel(st_->opts_.cancel_reason);
    }

    executor_type get_executor() const noexcept { return st_->strand_; }

    /// Starts the session and runs its handshake (and the base protocol's
    /// greeting; a datagram session resends lost flights): {} once
    /// established, else the error that closed it (errc::peer_disconnected
    /// after the peer's goodbye, whose reason is
    /// session().peer_disconnect_reason(); errc::handshake_timeout when the
    /// peer never answered in time; std::errc::operation_canceled after
    /// cancel()). Takes the handshake_complete event; what followed the
    /// greeting (messages, a goodbye) stays queued for receive().
    awaitable<std::error_code> handshake() { return State::on_strand(st_, State::do_handshake(st_)); }

    /// The next event, waiting for the network as needed; std::nullopt once
    /// the connection is over (see the adapter's header) and every event was
    /// taken. A message's payload is a copy owned by this object, valid
    /// until the next receive(). Starts the session if handshake() was not
    /// called.
    awaitable<std::optional<event>> receive() { return State::on_strand(st_, State::do_receive(st_)); }

    /// Queues an application message, first waiting while the send queue
    /// holds asio_options::send_queue_limit bytes. `payload` must stay valid
    /// until this completes. The session's errors (errc::not_established,
    /// errc::session_closed, errc::message_too_large...).
    awaitable<std::error_code> send(std::uint64_t code, byte_view payload) {
        return State::on_strand(st_, State::do_send(st_, code, payload));
    }

    /// Waits until every queued byte was written: {} or the session's error.
    awaitable<std::error_code> flush() { return State::on_strand(st_, State::do_flush(st_)); }

    /// Sends the base protocol's ping (the pong arrives as an event).
    awaitable<std::error_code> ping() { return State::on_strand(st_, State::do_ping(st_)); }

    /// Says goodbye with `reason` (if keys exist), sends it (a stream also
    /// lingers until the peer closes or the session's linger deadline),
    /// closes the socket and waits for the internal coroutines to end.
    /// errc::session_closed if the session had already closed (the socket
    /// is closed all the same). Events still queued can be taken with
    /// receive() afterwards.
    awaitable<std::error_code> close(std::uint8_t reason) { return State::on_strand(st_, State::do_close(st_, reason)); }

    /// From any thread: closes the session cleanly — a goodbye with `reason`
    /// once keys exist, then as close() — without waiting. Every pending and
    /// later call completes: receive() returns the remaining events then
    /// std::nullopt, handshake() std::errc::operation_canceled, send()
    /// errc::session_closed.
    void cancel(std::uint8_t reason) {
        asio::post(st_->strand_, [s = st_, reason] { s->do_cancel(reason); });
    }

    /// From any thread: the counters so far (for datagrams, bytes are
    /// datagram payloads).
    session_metrics metrics() const noexcept { return st_->snapshot(); }
    /// From any thread: the socket is closed and the internal coroutines ended.
    bool finished() const noexcept { return st_->finished_.load(); }
    /// The peer's "host:port" (fixed at construction; any thread).
    const std::string& peer() const noexcept { return st_->peer_; }

    /// The session state machine: on the strand only. Once handshake() has
    /// returned, what the greeting established (session().peer(),
    /// remote_id()) no longer changes and may be read by the coroutine that
    /// awaited it, wherever it runs.
    session_type& session() noexcept { return st_->session; }
    const session_type& session() const noexcept { return st_->session; }
    /// Bytes this connection holds in its own objects and buffers (the
    /// adapter's state and queue, the session's buffers, the last payload's
    /// copy), not counting the kernel's socket buffers: on the strand only.
    std::size_t peer_memory() const noexcept { return st_->memory(); }

protected:
    template <class... Args>
    explicit asio_handle(Args&&... args) : st_(std::make_shared<State>(std::forward<Args>(args)...)) {}

    /// Runs an operation of State's on its strand (for an adapter's own
    /// operations, such as asio_datagram::send_batch()).
    template <class T>
    awaitable<T> on_strand(awaitable<T> op) {
        return State::on_strand(st_, std::move(op));
    }

    std::shared_ptr<State> st_;
};

}  // namespace detail

}  // namespace polywire::transport::adapters
