// asio_datagram<Session>: drives a configuration with a datagram layout
// (x25519-xchacha's config_udp) over a connected Boost.Asio UDP socket with
// C++20 coroutines — asio_session's counterpart for datagrams, with the same
// API shape and threading model, and datagram_socket's loop made async.
//
//   auto sock = co_await async_udp_connect(host, port);
//   asio_datagram<udp_session> conn(std::move(sock.value()), udp_session(role, opts));
//   if (auto ec = co_await conn.handshake()) { ... }
//   co_await conn.send(channel, payload);              // waits while the send queue is full
//   while (auto e = co_await conn.receive()) { ... }   // messages, pings, goodbye, error
//   co_await conn.close(reason);                       // goodbye sent, socket closed
//
//   // A server: one connected socket per peer.
//   auto l = asio_udp_listener::listen(ex, "127.0.0.1", 9000, {.gate = ...});
//   auto peer = co_await l.value().accept();           // a new peer's first datagram
//   asio_datagram<udp_session> c(std::move(peer.value().socket), udp_session(recipient, opts),
//                                {}, {}, std::move(peer.value().first));
//   co_await c.handshake();
//   peer.value().slot.release();                       // the handshake no longer counts as pending
//
// No protocol logic here either: each pending_output() of the session is one
// datagram, sent with one send(2); each datagram received goes whole to
// receive_datagram(). What to discard (forged, replayed, late), when to
// resend a handshake flight, keepalive, rekeying and their retransmissions
// are the session's decisions, taken at its next_deadline(), which one
// timer follows.
//
// DIFFERENCES FROM asio_session (UDP is not a stream):
//   - no end of stream and nothing to linger for: close() sends the
//     goodbye datagram and closes the socket; the session then stays in
//     `closing` and receive() returns std::nullopt;
//   - a datagram refused because the peer's port is closed (ICMP, e.g. the
//     peer not up yet) is a lost datagram, not an error: the session's
//     retransmissions and timeouts decide;
//   - SEND QUEUE: the session's datagrams are sent as soon as they are
//     queued; those the socket refuses (its buffer is full) move, in order,
//     to this adapter's queue, and send() waits while it holds
//     asio_options::send_queue_limit bytes (each write must progress within
//     timeouts.write). Nothing paces sends: UDP drops what does not fit the
//     receiver's socket buffer, so an application sending many datagrams
//     must leave the receiver time to read them (the protocol tolerates
//     the loss; it does not recover it).
//   - RECEIVE WINDOW: as asio_session, reading pauses while the session
//     holds receive_window bytes of undelivered messages and no receive()
//     waits; the kernel then drops what does not fit.
//
// Everything else is asio_session's (detail::asio_core in asio_core.hpp,
// which both adapters build on); this file holds what is UDP's: one send(2)
// and one receive(2) per datagram, the send queue, the end at `closing`.
//
// THREADING MODEL, LIFETIME, ERRORS: as asio_session (one strand per
// session; handshake(), receive(), send(), send_batch(), flush(), ping(),
// close() from any coroutine; cancel(), metrics(), finished(), peer() from
// any thread; session() and peer_memory() on the strand; a payload is valid
// until the next receive(); destroying an open handle cancels it; no
// exception leaves the API).
#pragma once

#include "transport/adapters/asio_session.hpp"  // first: <utility> before Asio (see asio_core.hpp)

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include <boost/asio/ip/udp.hpp>

namespace polywire::transport::adapters {

using udp = asio::ip::udp;

/// A UDP socket connected to host:port (an address or a name): what it sends
/// goes there, and only that peer's datagrams are received.
/// errc::connection_failed if the name does not resolve or no socket opens.
awaitable<result<udp::socket>> async_udp_connect(std::string host, std::uint16_t port);

/// "host:port" of a connected UDP socket's peer ("[v6]:port"), or "".
std::string remote_address(const udp::socket& s);

/// A pending handshake's place in its listener's count (asio_udp_listener's
/// max_pending_handshakes): held from accept() until released or destroyed
/// (from any thread), which should be when the handshake ends.
class handshake_slot {
public:
    handshake_slot() noexcept = default;
    explicit handshake_slot(std::shared_ptr<std::atomic<std::size_t>> count) noexcept : count_(std::move(count)) {
        if (count_) count_->fetch_add(1);
    }
    handshake_slot(handshake_slot&& o) noexcept = default;
    handshake_slot& operator=(handshake_slot&& o) noexcept {
        if (this != &o) {
            release();
            count_ = std::move(o.count_);
        }
        return *this;
    }
    handshake_slot(const handshake_slot&) = delete;
    handshake_slot& operator=(const handshake_slot&) = delete;
    ~handshake_slot() { release(); }
    void release() noexcept {
        if (count_) count_->fetch_sub(1);
        count_.reset();
    }

private:
    std::shared_ptr<std::atomic<std::size_t>> count_;
};

/// A new peer: the socket now connected to it, the datagram it sent first
/// (for the session: asio_datagram's `first`), and its handshake's slot.
struct udp_arrival {
    udp::socket socket;
    bytes first;
    handshake_slot slot;
};

/// Checks a new peer's first datagram before any socket or session exists
/// (a stateless cookie round, x25519-xchacha's cookie_guard::admit):
/// `source` is the sender's address bytes (4 or 16) then its port
/// big-endian; `under_load` says cookie_threshold is reached. true: the
/// peer is accepted; false with `reply` filled: `reply` goes back to the
/// sender and nothing is kept; false with `reply` empty: dropped.
using first_datagram_gate =
    std::function<bool(byte_view datagram, byte_view source, time_point now, bool under_load, bytes& reply)>;

struct udp_listener_options {
    /// Arrivals whose handshake_slot is held at once: a new peer's first
    /// datagram beyond it is dropped (the peer retransmits).
    std::size_t max_pending_handshakes = 64;
    /// From this many slots held on, the gate is told it is under load.
    std::size_t cookie_threshold = 16;
    /// Empty: every first datagram is accepted (up to the cap).
    first_datagram_gate gate;
};

/// A UDP port that hands out one connected socket per peer: accept() waits
/// for a datagram from someone new, passes it through the options' cap and
/// gate, connects the socket that received it to the sender, and binds a
/// fresh socket to the same port (SO_REUSEPORT) for the next one (the
/// kernel gives a connected socket its peer's datagrams). accept() is
/// awaited by one coroutine at a time; close() must run on the executor
/// that coroutine runs on.
class asio_udp_listener {
public:
    /// Binds host:port; port 0 lets the system choose.
    static result<asio_udp_listener> listen(const asio::any_io_executor& ex, const std::string& host, std::uint16_t port,
                                            udp_listener_options o = {});
    /// The next new peer; errc::connection_failed once closed.
    awaitable<result<udp_arrival>> accept();
    void close() noexcept;
    std::uint16_t port() const noexcept { return local_.port(); }
    /// Slots held now (any thread).
    std::size_t pending_handshakes() const noexcept { return pending_->load(); }

private:
    asio_udp_listener(udp::socket s, udp::endpoint local, udp_listener_options o)
        : socket_(std::move(s)), local_(local), opts_(std::move(o)) {}
    static result<udp::socket> bind(const asio::any_io_executor& ex, const udp::endpoint& at);
    udp::socket socket_;
    udp::endpoint local_;
    udp_listener_options opts_;
    std::shared_ptr<std::atomic<std::size_t>> pending_ = std::make_shared<std::atomic<std::size_t>>(0);
};

// ---- implementation --------------------------------------------------------

namespace detail::datagram_adapter {

// The datagram's part of the state (the rest is detail::asio_core): one
// send(2) per datagram, refused ones kept in order in the adapter's own
// queue; one receive(2) per datagram; the connection is over once the
// session is closing and its goodbye left.
template <class Session>
struct state : asio_core<state<Session>, udp::socket, Session> {
    using core = asio_core<state<Session>, udp::socket, Session>;
    using typename core::executor_type;
    using core::bytes_in, core::bytes_out, core::may_read, core::session, core::socket, core::socket_closed,
        core::wait_writable, core::write_error, core::write_failed, core::write_progress, core::writing;

    state(executor_type st, udp::socket sock, Session s, asio_options o, log_hook l, bytes f)
        : core(std::move(st), std::move(sock), remote_address(sock), std::move(s), o, std::move(l)),
          first(std::move(f)) {}

    bytes first;  // a datagram received before the session existed

    // The send queue: datagrams the socket refused, in order, and spare
    // buffers for the next ones (a few, so a queue that drained frees most).
    std::deque<bytes> queue;
    std::size_t queued_bytes = 0;
    std::vector<bytes> spare;
    static constexpr std::size_t max_spare = 8;

    // Nothing to linger for: the connection ends with the goodbye.
    static bool ended(session_state st) noexcept {
        return st == session_state::closed || st == session_state::closing;
    }
    static constexpr errc closed_in_handshake = errc::session_closed;

    bool unsent() const noexcept { return !queue.empty() || !session.pending_output().empty(); }
    std::size_t send_queue_bytes() const noexcept { return queued_bytes; }

    std::size_t queued_capacity() const noexcept {
        std::size_t n = 0;
        for (const bytes& b : queue) n += b.capacity();
        for (const bytes& b : spare) n += b.capacity();
        return n;
    }

    static std::error_code io_error(const boost::system::error_code& ec) noexcept { return os_error_of(ec); }

    static awaitable<std::error_code> do_send_batch(std::shared_ptr<state> s, std::span<const outgoing_message> messages) {
        co_await core::wait_for_room(s);
        if (auto ec = s->session.send_batch(messages, clock::now())) co_return ec;
        s->messages_out.fetch_add(messages.size(), std::memory_order_relaxed);
        s->settle();
        co_return std::error_code{};
    }

    void after_session_start() {
        if (first.empty()) return;
        bytes_in.fetch_add(first.size(), std::memory_order_relaxed);
        (void)session.receive_datagram(first, clock::now());
        bytes().swap(first);
    }

    // Moves the session's unsent datagrams to the end of the send queue.
    void enqueue_session_output() {
        for (byte_view d = session.pending_output(); !d.empty(); d = session.pending_output()) {
            bytes b;
            if (!spare.empty()) {
                b = std::move(spare.back());
                spare.pop_back();
            }
            b.assign(d.begin(), d.end());
            queued_bytes += d.size();
            queue.push_back(std::move(b));
            session.consume_output(d.size());
        }
    }

    // Sends what the socket takes now: the queue first, then the session's
    // datagrams straight from its buffer.
    void write_now() {
        while (!socket_closed && !write_failed) {
            const bool from_queue = !queue.empty();
            const byte_view d = from_queue ? byte_view(queue.front()) : session.pending_output();
            if (d.empty()) break;
            boost::system::error_code ec;
            const std::size_t n = socket.send(asio::buffer(d.data(), d.size()), 0, ec);
            if (ec == asio::error::would_block || ec == asio::error::try_again || ec == asio::error::no_buffer_space) {
                enqueue_session_output();  // keeps the order, and the session's buffer small
                wait_writable();
                return;
            }
            if (ec == asio::error::interrupted) continue;
            // An earlier datagram was refused (the peer's port is closed):
            // the error is reported once; this datagram was not sent yet.
            if (ec == asio::error::connection_refused) continue;
            if (ec) {
                write_error(ec);
                return;
            }
            bytes_out.fetch_add(n, std::memory_order_relaxed);
            if (from_queue) {
                queued_bytes -= queue.front().size();
                if (spare.size() < max_spare) spare.push_back(std::move(queue.front()));
                queue.pop_front();
            } else {
                session.consume_output(d.size());
            }
            write_progress = clock::now();
        }
        writing = !queue.empty();
        if (queue.empty() && spare.size() > 1) spare.resize(1);
    }

    void release_socket() {
        boost::system::error_code ec;
        socket.close(ec);
        queue.clear();
        queued_bytes = 0;
        spare.clear();
    }

    // Hands the datagrams waiting in the socket to the session (a bounded
    // number, so one busy peer does not starve others on the same thread).
    void read_available() {
        // One buffer per thread (the read and receive_datagram() happen
        // without suspending). Larger than any UDP payload (65,527 bytes
        // over IPv6), so no datagram is ever truncated.
        thread_local std::array<std::uint8_t, 64 * 1024> buf;
        for (int i = 0; i < 64 && may_read(); ++i) {
            boost::system::error_code ec;
            const std::size_t n = socket.receive(asio::buffer(buf), 0, ec);
            if (ec == asio::error::would_block || ec == asio::error::try_again) return;
            if (ec == asio::error::interrupted || ec == asio::error::connection_refused) continue;
            if (ec) {
                session.abort(io_error(ec));
                return;
            }
            bytes_in.fetch_add(n, std::memory_order_relaxed);
            (void)session.receive_datagram(byte_view(buf.data(), n), clock::now());
        }
    }
};

}  // namespace detail::datagram_adapter

/// The datagram adapter: see the top of this file; its operations are
/// detail::asio_handle's (asio_core.hpp), plus send_batch().
template <class Session>
class asio_datagram : public detail::asio_handle<detail::datagram_adapter::state<Session>> {
    static_assert(policies::is_datagram<typename Session::frame_layout>(),
                  "asio_datagram carries datagrams (UDP); a stream layout needs asio_session");
    using handle = detail::asio_handle<detail::datagram_adapter::state<Session>>;
    using state = detail::datagram_adapter::state<Session>;
    using handle::st_;

public:
    using typename handle::executor_type;

    /// Takes a connected socket and a session in its initial state; the
    /// session runs on a new strand of the socket's executor. `first`: a
    /// datagram already received for this session (udp_arrival::first),
    /// handed to it right after it starts.
    asio_datagram(udp::socket socket, Session s, asio_options o = {}, log_hook log = {}, bytes first = {})
        : asio_datagram(asio::make_strand(socket.get_executor()), std::move(socket), std::move(s), o, std::move(log),
                        std::move(first)) {}
    /// The same on a given strand.
    asio_datagram(executor_type strand, udp::socket socket, Session s, asio_options o = {}, log_hook log = {},
                  bytes first = {})
        : handle(std::move(strand), std::move(socket), std::move(s), o, std::move(log), std::move(first)) {}

    /// Several messages, packed into as few datagrams as fit (all or none).
    /// The messages' payloads must stay valid until this completes.
    awaitable<std::error_code> send_batch(std::span<const outgoing_message> messages) {
        return this->on_strand(state::do_send_batch(st_, messages));
    }
};

}  // namespace polywire::transport::adapters
