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
// datagram; when the socket is writable they go in batches of up to
// udp_batch_limit with one sendmmsg(2) on the native handle, equal-size runs
// as UDP GSO messages (UDP_SEGMENT) where the kernel takes them; when it is
// readable, one recvmmsg(2) takes up to udp_receive_slots messages, coalesced
// by the kernel (UDP_GRO) where it accepts that, and each datagram, split
// back out, goes whole to receive_datagram(). The socket asks for
// udp_socket_buffer bytes of buffer each way. POLYWIRE_UDP_GSO=0 and
// POLYWIRE_UDP_GRO=0 turn the offloads off, set_offload() per connection;
// io_stats() counts which paths ran (as datagram_socket). What to discard (forged, replayed, late), when to
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
// which both adapters build on); this file holds what is UDP's: the batched
// sends and receives, the send queue, the end at `closing`.
//
// THREADING MODEL, LIFETIME, ERRORS: as asio_session (one strand per
// session; handshake(), receive(), send(), send_batch(), flush(), ping(),
// close() from any coroutine; cancel(), metrics(), finished(), peer() from
// any thread; session() and peer_memory() on the strand; a payload is valid
// until the next receive(); destroying an open handle cancels it; no
// exception leaves the API).
#pragma once

#include "transport/adapters/asio_session.hpp"  // first: <utility> before Asio (see asio_core.hpp)

#include <algorithm>
#include <array>
#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include <boost/asio/ip/udp.hpp>

#include "transport/adapters/udp_socket.hpp"

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

// The datagram's part of the state (the rest is detail::asio_core): batched
// sends through the adapter's own queue (refused ones stay there, in
// order); batched receives; the connection is over once the session is
// closing and its goodbye left.
template <class Session>
struct state : asio_core<state<Session>, udp::socket, Session> {
    using core = asio_core<state<Session>, udp::socket, Session>;
    using typename core::executor_type;
    using core::bytes_in, core::bytes_out, core::may_read, core::session, core::socket, core::socket_closed,
        core::wait_writable, core::write_failed, core::write_progress, core::writing;

    state(executor_type st, udp::socket sock, Session s, asio_options o, log_hook l, bytes f)
        : core(std::move(st), std::move(sock), remote_address(sock), std::move(s), o, std::move(l)),
          first(std::move(f)) {
        enable_offload();
    }

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
        return n + arena.capacity();
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
    // datagrams, each in batches of one sendmmsg(2) (send_batched()).
    void write_now() {
        while (!socket_closed && !write_failed) {
            if (!queue.empty() ? !send_queued_batch() : !send_session_batch()) break;
        }
        writing = !queue.empty();
        if (queue.empty() && spare.size() > 1) spare.resize(1);
    }

    // ---- batched system calls (sendmmsg/recvmmsg on the native handle) ----

    // The native handle as udp_socket.hpp's socket_fd, without owning it.
    struct borrowed_fd {
        socket_fd fd;
        explicit borrowed_fd(int h) noexcept : fd(h) {}
        ~borrowed_fd() { (void)fd.release(); }
    };
    borrowed_fd native() { return borrowed_fd(socket.native_handle()); }

    // What the batched calls did (io_stats()), and whether the kernel still
    // takes UDP_SEGMENT on this socket (cleared at its first refusal).
    udp_io_stats io;
    bool gso = udp_offload_allowed("POLYWIRE_UDP_GSO");
    bool gro = false;
    std::array<byte_view, udp_batch_limit> batch{};

    void enable_offload() {
        auto h = native();
        (void)udp_set_buffers(h.fd, udp_socket_buffer);
        gro = udp_offload_allowed("POLYWIRE_UDP_GRO") && udp_set_gro(h.fd, true);
    }
    void set_offload(bool want_gso, bool want_gro) {
        gso = want_gso;
        auto h = native();
        gro = udp_set_gro(h.fd, want_gro) && want_gro;
    }

    // One sendmmsg(2) of `views`: how many the socket took, or nullopt when
    // the session or the socket failed (reported). 0: the socket is full,
    // and wait_writable() was called.
    std::optional<std::size_t> send_batched(std::span<const byte_view> views) {
        for (;;) {
            auto h = native();
            auto n = send_datagrams(h.fd, views, gso, &io);
            if (!n) {
                // An earlier datagram was refused (the peer's port is
                // closed): reported once; these were not sent yet.
                if (n.error() == std::errc::connection_refused) continue;
                write_failed = true;
                session.abort(n.error());
                return std::nullopt;
            }
            if (n.value() == 0) {
                wait_writable();
                return std::size_t{0};
            }
            for (std::size_t i = 0; i < n.value(); ++i) bytes_out.fetch_add(views[i].size(), std::memory_order_relaxed);
            write_progress = clock::now();
            return n.value();
        }
    }

    // Sends from the head of the queue: false when nothing more goes now.
    bool send_queued_batch() {
        std::size_t count = 0;
        for (auto it = queue.begin(); it != queue.end() && count < udp_batch_limit; ++it) batch[count++] = byte_view(*it);
        auto n = send_batched(std::span<const byte_view>(batch.data(), count));
        if (!n) return false;
        for (std::size_t i = 0; i < *n; ++i) {
            queued_bytes -= queue.front().size();
            if (spare.size() < max_spare) spare.push_back(std::move(queue.front()));
            queue.pop_front();
        }
        if (*n == 0) enqueue_session_output();  // keeps the order, and the session's buffer small
        return *n > 0;
    }

    // Takes the session's ready datagrams (up to a batch, copied into an
    // arena allocated once) and sends them; what the socket does not take
    // moves to the queue, in order.
    std::vector<std::uint8_t> arena;
    bool send_session_batch() {
        if (session.pending_output().empty()) return false;
        if (arena.empty()) arena.resize(256 * 1024);
        std::size_t count = 0, used = 0;
        while (count < udp_batch_limit && !session.pending_output().empty()) {
            const byte_view d = session.pending_output();
            if (used + d.size() > arena.size()) {
                if (count > 0) break;
                enqueue_session_output();  // larger than the arena (never a session's own sizes)
                return true;
            }
            std::copy(d.begin(), d.end(), arena.begin() + static_cast<std::ptrdiff_t>(used));
            batch[count++] = byte_view(arena.data() + used, d.size());
            used += d.size();
            session.consume_output(d.size());
        }
        auto n = send_batched(std::span<const byte_view>(batch.data(), count));
        const std::size_t taken = n ? *n : count;  // after a failure nothing more goes
        if (n && taken < count) {
            // The socket is full: the rest waits in the queue, ahead of the
            // session's later datagrams.
            for (std::size_t i = taken; i < count; ++i) {
                bytes b;
                if (!spare.empty()) {
                    b = std::move(spare.back());
                    spare.pop_back();
                }
                b.assign(batch[i].begin(), batch[i].end());
                queued_bytes += b.size();
                queue.push_back(std::move(b));
            }
            enqueue_session_output();
        }
        // Partly taken: go on, so the next try finds the socket full and
        // waits for it (send_batched() calls wait_writable()).
        return n && taken > 0;
    }

    // One recvmmsg(2) into a per-thread arena (the read and the
    // receive_datagram() calls happen without suspending): how many
    // messages, or 0 when nothing waits or reading must stop.
    std::size_t receive_batched() {
        thread_local std::vector<std::uint8_t> arena(udp_receive_slots * udp_receive_slot);
        thread_local std::array<udp_received, udp_receive_slots> got{};
        for (;;) {
            auto h = native();
            auto n = receive_datagrams(h.fd, arena, got, &io);
            if (!n) {
                if (n.error() == std::errc::resource_unavailable_try_again) return 0;
                if (n.error() == std::errc::connection_refused || n.error() == std::errc::interrupted) continue;
                session.abort(n.error());
                return 0;
            }
            const time_point now = clock::now();
            // Every datagram already read goes to the session, even past
            // the receive window (by at most one call's worth).
            for (std::size_t m = 0; m < n.value(); ++m)
                for_each_datagram(got[m], [&](byte_view d) {
                    bytes_in.fetch_add(d.size(), std::memory_order_relaxed);
                    if (session.state() != session_state::closed) (void)session.receive_datagram(d, now);
                });
            return n.value();
        }
    }

    void release_socket() {
        boost::system::error_code ec;
        socket.close(ec);
        queue.clear();
        queued_bytes = 0;
        spare.clear();
    }

    // Hands the datagrams waiting in the socket to the session (a bounded
    // number of recvmmsg(2) calls, so one busy peer does not starve others
    // on the same thread).
    void read_available() {
        for (int i = 0; i < 8 && may_read(); ++i)
            if (receive_batched() < udp_receive_slots) return;
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

    /// What the batched system calls did (which send and receive paths
    /// ran: udp_socket.hpp's udp_io_stats): on the strand only.
    const udp_io_stats& io_stats() const noexcept { return st_->io; }
    /// Asks for (or turns off) UDP_SEGMENT on sends and UDP_GRO on
    /// receives, as datagram_socket::set_offload(): on the strand only.
    void set_offload(bool gso, bool gro) { st_->set_offload(gso, gro); }
    /// Whether sends still use UDP_SEGMENT (false once the kernel refused
    /// it) and receives UDP_GRO: on the strand only.
    bool gso() const noexcept { return st_->gso; }
    bool gro() const noexcept { return st_->gro; }
};

}  // namespace polywire::transport::adapters
