// asio_server<Session>: accepts TCP connections on one port and serves each
// as a coroutine over asio_session, for any configuration.
//
//   auto srv = asio_server<S>::listen(io.get_executor(), "0.0.0.0", 30303,
//                                     make_recipient_session, handler, opts).value();
//   asio::co_spawn(io, srv->run(), asio::detached);
//   ... srv->stop();   // any thread: every session says goodbye, run() completes
//
// INBOUND LIMITS: at most max_pending_handshakes handshakes in progress (50,
// as go-ethereum). At that limit the server stops accepting: further
// connections wait in the kernel's listen backlog (sized to the system's
// maximum, net.core.somaxconn) and are accepted, in order, as soon as a
// handshake ends, as go-ethereum's listener does. A burst of dials is thus
// queued, not refused; a dialer whose own handshake deadline passes while
// it waits in the backlog gives up by itself. server_metrics::accept_pauses
// counts the times accepting paused. Then, checked as a connection is
// accepted, before anything else happens to it: at most
// max_handshakes_per_source_per_second new handshakes per source (a token
// bucket per key of source_key: the address; loopback is exempt by default,
// as go-ethereum exempts LAN addresses from its inbound throttle). A
// connection beyond it is closed at once: no session is made (no key is
// generated, no ECDH), nothing is written, and
// server_metrics::rejected_inbound_limit counts it by reason.
//
// For each admitted connection: a new strand, a session from the factory, the
// handshake; then, if fewer than max_peers peers are being served, the
// handler; otherwise the session is closed with too_many_peers_reason (so
// the peer learns why: the goodbye needs the keys the handshake made). When
// the handler returns, the session is closed with handler_done_reason if
// still open. stop() closes the acceptor and cancels every session with
// shutdown_reason; run() completes once every session has ended.
//
// The goodbye reasons are the protocol's own codes: a front end for a
// protocol sets them (rlpx::server: 0x04 too many peers, 0x08 client
// quitting). Keepalive pings, pong deadlines, idle and handshake timeouts are
// the session's (asio_session enforces its deadlines).
//
// THREADING: the accept loop runs on the server's strand, each session's
// coroutine (handshake, handler, close) on the session's strand; the
// handler may co_await the connection directly. stop(), metrics() and
// peers() may be called from any thread. Handlers must return once
// receive() returns std::nullopt (after stop(), that happens within the
// session's linger time).
#pragma once

#include <chrono>
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "transport/adapters/asio_session.hpp"

namespace polywire::transport::adapters {

struct server_options {
    /// Peers served at once; a peer beyond it is handshaken, then closed
    /// with too_many_peers_reason.
    std::size_t max_peers = std::numeric_limits<std::size_t>::max();
    asio_options session{};
    std::uint8_t too_many_peers_reason = 0;
    std::uint8_t shutdown_reason = 0;
    std::uint8_t handler_done_reason = 0;
    /// Called on the session's strand for each handshake that failed: the
    /// peer's address, why, and the reason of the peer's goodbye if it sent
    /// one (for logs; the counters are in server_metrics either way).
    std::function<void(const std::string& peer, std::error_code why, std::optional<std::uint8_t> peer_reason)>
        on_handshake_failure{};

    /// Handshakes in progress at once (go-ethereum: 50); at the limit the
    /// server accepts nothing more until one ends (the kernel's listen
    /// backlog holds the connections meanwhile). 0: no limit.
    std::size_t max_pending_handshakes = 50;
    /// New handshakes one source may start per second (a token bucket of that
    /// many tokens, refilled at that rate); beyond it a connection is closed
    /// at once, before any key work. 0: no limit.
    std::uint32_t max_handshakes_per_source_per_second = 10;
    /// The source a connection counts against (its remote address), or
    /// std::nullopt for a source the rate does not apply to. Default: the
    /// address as text, loopback exempt.
    std::function<std::optional<std::string>(const asio::ip::address& remote)> source_key = default_source_key;

    static std::optional<std::string> default_source_key(const asio::ip::address& remote) {
        if (remote.is_loopback()) return std::nullopt;
        return remote.to_string();
    }
};

/// Why an inbound connection was closed before its handshake (the keys of
/// server_metrics::rejected_inbound_limit).
namespace inbound_limit {
inline constexpr std::string_view source_rate = "source_rate";
}  // namespace inbound_limit

/// Counters of a server; reasons and failure kinds only, never key material
/// or payloads.
struct server_metrics {
    std::uint64_t accepted = 0;         ///< TCP connections accepted
    std::uint64_t accept_failures = 0;  ///< accept() errors (e.g. out of file descriptors)
    /// Times accepting paused at max_pending_handshakes (the connections
    /// waited in the listen backlog until a handshake ended).
    std::uint64_t accept_pauses = 0;
    std::uint64_t handshakes_completed = 0;
    std::uint64_t handshakes_failed = 0;
    /// Failed handshakes by failure_kind() ("timed_out", "peer_closed"...).
    std::map<std::string, std::uint64_t, std::less<>> handshake_failures;
    std::uint64_t rejected_too_many_peers = 0;  ///< handshaken, then turned away
    /// Connections closed on accept by an inbound limit, by inbound_limit
    /// reason (never handshaken; counted in `accepted`, not in `connections`).
    std::map<std::string, std::uint64_t, std::less<>> rejected_inbound_limit;
    std::uint64_t pending_handshakes = 0;       ///< handshakes in progress now
    std::uint64_t connections = 0;              ///< open now (handshaking or served)
    std::uint64_t peers = 0;                    ///< being served now
    std::uint64_t peak_peers = 0;
    std::uint64_t peers_served = 0;  ///< admitted peers whose session has ended
    /// Served sessions that ended with an error, by failure_kind().
    std::map<std::string, std::uint64_t, std::less<>> session_failures;
    std::map<std::uint8_t, std::uint64_t> disconnects_sent;      ///< goodbyes this side sent, by reason
    std::map<std::uint8_t, std::uint64_t> disconnects_received;  ///< goodbyes peers sent, by reason
    session_metrics traffic;  ///< totals over every session, ended or open
};

/// One open connection, for monitoring.
struct peer_summary {
    std::uint64_t id = 0;
    std::string address;
    bool admitted = false;  ///< handshaken and being served
    session_metrics traffic;
};

template <class Session>
class asio_server : public std::enable_shared_from_this<asio_server<Session>> {
public:
    using connection = asio_session<Session>;
    /// Makes the session of an accepted connection (the recipient's role).
    using session_factory = std::function<result<Session>()>;
    /// Serves one established connection; `id` numbers connections from 1.
    using handler = std::function<awaitable<void>(connection& conn, std::uint64_t id)>;

    static result<std::shared_ptr<asio_server>> listen(const asio::any_io_executor& ex, const std::string& host,
                                                       std::uint16_t port, session_factory make, handler serve,
                                                       server_options opts = {}, log_hook log = {}) {
        auto a = asio_acceptor::listen(ex, host, port);
        if (!a) return a.error();
        return std::shared_ptr<asio_server>(
            new asio_server(ex, std::move(a.value()), std::move(make), std::move(serve), opts, std::move(log)));
    }

    /// Accepts until stop(), then completes once every session has ended.
    /// Await it (or co_spawn it) once.
    awaitable<void> run() {
        auto self = this->shared_from_this();
        co_await asio::co_spawn(strand_, accept_loop(self), asio::use_awaitable);
    }

    /// Any thread: stops accepting and closes every session with
    /// shutdown_reason (a clean goodbye once keys exist).
    void stop() {
        if (stopping_.exchange(true)) return;
        asio::post(strand_, [self = this->shared_from_this()] {
            self->acceptor_.close();
            self->slot_freed_.notify();
        });
        std::lock_guard lock(mutex_);
        for (auto& [id, p] : registry_) p.conn->cancel(opts_.shutdown_reason);
    }

    bool stopping() const noexcept { return stopping_.load(); }
    std::uint16_t port() const noexcept { return acceptor_.port(); }
    const std::string& host() const noexcept { return acceptor_.host(); }
    const server_options& options() const noexcept { return opts_; }

    /// Any thread: the counters now.
    server_metrics metrics() const {
        std::lock_guard lock(mutex_);
        server_metrics m = totals_;
        for (const auto& [id, p] : registry_) add(m.traffic, p.conn->metrics());
        return m;
    }

    /// Any thread: the open connections.
    std::vector<peer_summary> peers() const {
        std::lock_guard lock(mutex_);
        std::vector<peer_summary> out;
        out.reserve(registry_.size());
        for (const auto& [id, p] : registry_) out.push_back({id, p.conn->peer(), p.admitted, p.conn->metrics()});
        return out;
    }

private:
    struct entry {
        connection* conn;  // lives in its serve() frame until unregistered
        bool admitted = false;
    };

    asio_server(const asio::any_io_executor& ex, asio_acceptor a, session_factory make, handler serve,
                server_options opts, log_hook log)
        : ex_(ex),
          strand_(asio::make_strand(ex)),
          acceptor_(std::move(a)),
          make_(std::move(make)),
          serve_(std::move(serve)),
          opts_(opts),
          log_(std::move(log)),
          drained_(strand_),
          slot_freed_(strand_) {}

    static void add(session_metrics& to, const session_metrics& m) noexcept {
        to.bytes_in += m.bytes_in;
        to.bytes_out += m.bytes_out;
        to.messages_in += m.messages_in;
        to.messages_out += m.messages_out;
    }

    static awaitable<void> accept_loop(std::shared_ptr<asio_server> self) {
        while (!self->stopping_.load()) {
            // At the pending-handshake limit, accept nothing: the connections
            // wait in the listen backlog until a handshake ends.
            if (self->at_pending_limit()) {
                {
                    std::lock_guard lock(self->mutex_);
                    ++self->totals_.accept_pauses;
                }
                while (self->at_pending_limit() && !self->stopping_.load()) co_await self->slot_freed_.wait();
                continue;
            }
            auto sock = co_await self->acceptor_.accept();
            if (self->stopping_.load()) break;
            if (!sock) {
                {
                    std::lock_guard lock(self->mutex_);
                    ++self->totals_.accept_failures;
                }
                if (self->log_) self->log_(log_level::warning, "accepting a connection failed: " + sock.error().message(), "");
                // Out of file descriptors, most likely: back off instead of spinning.
                asio::steady_timer pause(self->strand_, std::chrono::milliseconds(50));
                boost::system::error_code ec;
                co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
                continue;
            }
            self->spawn(self, std::move(sock.value()));
            // Drain the backlog now (up to the pending limit): under load,
            // waiting a turn of the event loop per connection would delay
            // handshakes by seconds.
            for (int i = 0; i < 64 && !self->stopping_.load() && !self->at_pending_limit(); ++i) {
                auto more = self->acceptor_.try_accept();
                if (!more) break;
                self->spawn(self, std::move(*more));
            }
        }
        while (self->live_ > 0) co_await self->drained_.wait();
    }

    // Any thread: max_pending_handshakes handshakes are in progress.
    bool at_pending_limit() const {
        if (opts_.max_pending_handshakes == 0) return false;
        std::lock_guard lock(mutex_);
        return totals_.pending_handshakes >= opts_.max_pending_handshakes;
    }

    // On strand_: the inbound limit `sock` is over, if any (and if not, its
    // handshake is counted as pending).
    std::optional<std::string_view> over_inbound_limit(const tcp::socket& sock) {
        {
            std::lock_guard lock(mutex_);
            ++totals_.accepted;
        }
        if (opts_.max_handshakes_per_source_per_second != 0 && opts_.source_key) {
            boost::system::error_code ec;
            const auto remote = sock.remote_endpoint(ec);
            if (!ec) {
                if (auto key = opts_.source_key(remote.address())) {
                    if (!take_token(*key)) return inbound_limit::source_rate;
                }
            }
        }
        std::lock_guard lock(mutex_);
        ++totals_.pending_handshakes;
        ++totals_.connections;
        return std::nullopt;
    }

    // On strand_: one token of `source`'s bucket, if it has one.
    bool take_token(const std::string& source) {
        using namespace std::chrono;
        const double rate = opts_.max_handshakes_per_source_per_second;
        const auto now = steady_clock::now();
        if (buckets_.size() >= prune_at_) {
            // A bucket untouched for a second is full again: it says nothing.
            std::erase_if(buckets_, [&](const auto& b) { return now - b.second.last >= seconds(1); });
            if (buckets_.size() >= max_buckets) buckets_.clear();  // the pending cap still holds
            prune_at_ = std::max<std::size_t>(min_prune_at, 2 * buckets_.size());
        }
        auto [it, fresh] = buckets_.try_emplace(source, bucket{rate, now});
        bucket& b = it->second;
        if (!fresh) b.tokens = std::min(rate, b.tokens + std::chrono::duration<double>(now - b.last).count() * rate);
        b.last = now;
        if (b.tokens < 1) return false;
        b.tokens -= 1;
        return true;
    }

    // On strand_: closes a connection over an inbound limit.
    void refuse(tcp::socket sock, std::string_view why) {
        boost::system::error_code ec;
        std::string peer;
        if (log_) {
            const auto remote = sock.remote_endpoint(ec);
            if (!ec) peer = remote.address().to_string() + ":" + std::to_string(remote.port());
        }
        sock.close(ec);
        {
            std::lock_guard lock(mutex_);
            ++totals_.rejected_inbound_limit[std::string(why)];
        }
        if (log_) log_(log_level::warning, "inbound connection refused before its handshake: " + std::string(why), peer);
    }

    // On the session's strand: its handshake ended, one way or the other;
    // the accept loop may take the next connection from the backlog.
    void handshake_ended() {
        {
            std::lock_guard lock(mutex_);
            --totals_.pending_handshakes;
        }
        asio::post(strand_, [self = this->shared_from_this()] { self->slot_freed_.notify(); });
    }

    // On strand_: starts serving an accepted connection on a new strand,
    // unless an inbound limit refuses it.
    void spawn(const std::shared_ptr<asio_server>& self, tcp::socket sock) {
        if (auto why = over_inbound_limit(sock)) {
            refuse(std::move(sock), *why);
            return;
        }
        ++live_;
        auto strand = asio::make_strand(ex_);
        asio::co_spawn(strand, serve(self, strand, ++next_id_, std::move(sock)), detail::terminate_on_exception{});
    }

    static awaitable<void> serve(std::shared_ptr<asio_server> self, typename connection::executor_type strand,
                                 std::uint64_t id, tcp::socket sock) {
        auto made = self->make_();
        if (made) {
            connection conn(strand, std::move(sock), std::move(made.value()), self->opts_.session, self->log_);
            self->enroll(id, conn);
            bool admitted = false;
            const std::error_code handshake_error = co_await conn.handshake();
            self->handshake_ended();
            if (auto ec = handshake_error) {
                {
                    std::lock_guard lock(self->mutex_);
                    ++self->totals_.handshakes_failed;
                    ++self->totals_.handshake_failures[std::string(failure_kind(ec))];
                }
                if (self->opts_.on_handshake_failure)
                    self->opts_.on_handshake_failure(conn.peer(), ec, conn.session().peer_disconnect_reason());
            } else {
                admitted = self->admit(id);
                if (admitted) {
                    try {
                        co_await self->serve_(conn, id);
                    } catch (...) {
                        if (self->log_) self->log_(log_level::error, "connection handler threw", conn.peer());
                    }
                } else {
                    co_await conn.close(self->opts_.too_many_peers_reason);
                }
            }
            (void)co_await conn.close(self->opts_.handler_done_reason);
            self->retire(id, conn, admitted);
        } else {
            {
                std::lock_guard lock(self->mutex_);
                ++self->totals_.handshakes_failed;
                ++self->totals_.handshake_failures[std::string(failure_kind(made.error()))];
                --self->totals_.connections;
            }
            self->handshake_ended();
        }
        asio::post(self->strand_, [self] {
            if (--self->live_ == 0) self->drained_.notify();
        });
    }

    void enroll(std::uint64_t id, connection& conn) {
        std::lock_guard lock(mutex_);
        registry_.emplace(id, entry{&conn});
        if (stopping_.load()) conn.cancel(opts_.shutdown_reason);
    }

    bool admit(std::uint64_t id) {
        std::lock_guard lock(mutex_);
        ++totals_.handshakes_completed;
        if (stopping_.load() || totals_.peers >= opts_.max_peers) {
            if (!stopping_.load()) ++totals_.rejected_too_many_peers;
            return false;
        }
        ++totals_.peers;
        totals_.peak_peers = std::max(totals_.peak_peers, totals_.peers);
        registry_.at(id).admitted = true;
        return true;
    }

    // On the session's strand, once its socket is closed.
    void retire(std::uint64_t id, connection& conn, bool admitted) {
        const Session& s = conn.session();
        std::lock_guard lock(mutex_);
        if (auto r = s.local_disconnect_reason()) ++totals_.disconnects_sent[*r];
        if (auto r = s.peer_disconnect_reason()) ++totals_.disconnects_received[*r];
        if (admitted) {
            --totals_.peers;
            ++totals_.peers_served;
            if (s.error() && s.error() != errc::peer_closed)
                ++totals_.session_failures[std::string(failure_kind(s.error()))];
        }
        --totals_.connections;
        add(totals_.traffic, conn.metrics());
        registry_.erase(id);
    }

    asio::any_io_executor ex_;
    asio::strand<asio::any_io_executor> strand_;  // the accept loop
    asio_acceptor acceptor_;
    session_factory make_;
    handler serve_;
    server_options opts_;
    log_hook log_;
    std::atomic<bool> stopping_{false};
    std::uint64_t next_id_ = 0;  // strand_ only
    struct bucket {
        double tokens;
        std::chrono::steady_clock::time_point last;
    };
    static constexpr std::size_t min_prune_at = 4096;
    static constexpr std::size_t max_buckets = 65536;
    std::unordered_map<std::string, bucket> buckets_;  // strand_ only: per-source handshake rate
    std::size_t prune_at_ = min_prune_at;              // strand_ only
    std::size_t live_ = 0;       // strand_ only: serve() coroutines not yet ended
    detail::wakeup drained_;     // strand_ only
    detail::wakeup slot_freed_;  // strand_ only: a handshake ended (or stop())

    mutable std::mutex mutex_;  // guards totals_ and registry_
    server_metrics totals_;
    std::map<std::uint64_t, entry> registry_;
};

}  // namespace polywire::transport::adapters
