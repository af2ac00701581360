// datagram_socket<Session>: drives a session with a datagram FrameLayout
// over a connected UDP socket (udp_socket.hpp) — blocking_socket's
// counterpart for datagrams, with no protocol logic either.
//
// Each pending_output() of such a session is exactly one datagram; the
// loop takes every datagram ready (up to udp_batch_limit) and sends them
// with one sendmmsg(2), equal-size runs as one UDP GSO message where the
// kernel accepts it (POLYWIRE_UDP_GSO=0 turns that off). It receives with
// recvmmsg(2), up to udp_receive_slots messages per call, asking the
// kernel to coalesce datagrams (UDP_GRO) where it accepts that
// (POLYWIRE_UDP_GRO=0 turns that off), and hands each datagram, split
// back out of what was coalesced, to receive_datagram(). io_stats() says
// which paths ran. The
// session decides what to discard and when to retransmit; this loop only
// waits (poll) until the socket is readable or the session's next deadline
// and ticks it. UDP has no end of stream: close() sends the goodbye and
// drops the socket without lingering. The socket asks for
// udp_socket_buffer bytes of buffer each way. Nothing here paces sends: a
// sender of many datagrams must leave the receiver time to read them (UDP
// drops what does not fit its socket buffer, and the session tolerates loss).
#pragma once

#include <algorithm>
#include <array>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "transport/adapters/blocking_base.hpp"
#include "transport/adapters/udp_socket.hpp"
#include "transport/error.hpp"
#include "transport/events.hpp"
#include "transport/log.hpp"

namespace polywire::transport::adapters {

template <class Session>
class datagram_socket : public detail::blocking_base<datagram_socket<Session>, Session> {
    using base = detail::blocking_base<datagram_socket<Session>, Session>;
    friend base;
    using base::closing_error, base::log_event, base::session_;

public:
    /// `first`: a datagram already received for this session (a server's
    /// receive_first()), handed to it right after start.
    datagram_socket(socket_fd fd, Session s, log_hook log = {}, bytes first = {})
        : base(std::move(s), std::move(log), peer_address(fd)), fd_(std::move(fd)), first_(std::move(first)) {
        if (fd_) (void)udp_set_buffers(fd_, udp_socket_buffer);
        set_offload(udp_offload_allowed("POLYWIRE_UDP_GSO"), udp_offload_allowed("POLYWIRE_UDP_GRO"));
    }

    // session(), peer(), handshake() (errc::peer_disconnected if the peer
    // said goodbye), send(), ping(): blocking_base.hpp.

    /// Asks for (or turns off) segmentation offload on sends (UDP_SEGMENT)
    /// and receive offload (UDP_GRO); either stays off where the kernel
    /// refuses it. Best called before traffic flows (the constructor calls
    /// it with both on unless POLYWIRE_UDP_GSO / POLYWIRE_UDP_GRO is 0).
    void set_offload(bool gso, bool gro) noexcept {
        gso_ = gso;
        gro_ = fd_ && udp_set_gro(fd_, gro) && gro;
    }
    /// Whether sends still use UDP_SEGMENT (false once the kernel refused
    /// it) and receives UDP_GRO.
    bool gso() const noexcept { return gso_; }
    bool gro() const noexcept { return gro_; }
    /// What the batched system calls did so far (which paths ran).
    const udp_io_stats& io_stats() const noexcept { return stats_; }

    /// The next event, waiting for the network as needed; std::nullopt once
    /// the session is closed and every event was taken.
    std::optional<event> next_event() {
        for (;;) {
            if (auto e = session_.next_event()) {
                send_ready();
                log_event(*e);
                return e;
            }
            if (session_.state() == session_state::closed || session_.state() == session_state::closing) {
                send_ready();
                return std::nullopt;
            }
            step();
        }
    }

    /// Polls the network once, for at most until `deadline` (and the
    /// session's own deadline): for callers that interleave sends and reads.
    void poll(time_point deadline) { step(deadline); }

    /// For a loop that waits on several sockets at once (a server driving
    /// its pending handshakes, wait_any()), never waiting itself: starts the
    /// session if it is not yet, hands it every datagram waiting if
    /// `readable`, ticks it when due and sends what the socket takes.
    void drive(bool readable) {
        if (begin()) return;
        if (readable) receive_waiting();
        if (session_.next_deadline() && clock::now() >= *session_.next_deadline()) (void)session_.on_tick(clock::now());
        send_ready();
    }
    /// The socket, and whether the session has datagrams the socket did not
    /// take yet (wait for it to be writable): for such a loop.
    const socket_fd& socket() const noexcept { return fd_; }
    bool wants_write() const noexcept { return fd_ && has_output(); }

    /// Several messages, packed into as few datagrams as fit.
    std::error_code send_batch(std::span<const outgoing_message> messages) {
        if (auto ec = session_.send_batch(messages, clock::now())) return ec;
        return flush();
    }

    /// Sends the goodbye and drops the socket (UDP has nothing to linger for).
    std::error_code close(std::uint8_t reason) {
        auto ec = session_.close(reason, clock::now());
        if (!ec) (void)flush();
        fd_.reset();
        return ec;
    }

    /// Sends every pending datagram (waiting while the socket buffer is full).
    std::error_code flush() {
        while (has_output() && session_.state() != session_state::closed && fd_) {
            if (!send_ready()) {
                auto ready = wait(fd_, false, true, clock::now() + session_.settings().timeouts.write);
                if (!ready) return ready.error();
                if (ready.value() == 0) return make_error_code(errc::write_timeout);
            }
        }
        return closing_error();
    }

private:
    // Starts the session (once) and hands it the datagram that came first.
    std::error_code begin() {
        if (session_.state() != session_state::initial) return {};
        if (auto ec = session_.start(clock::now())) return ec;
        if (!first_.empty()) {
            (void)session_.receive_datagram(first_, clock::now());
            bytes().swap(first_);
        }
        return {};
    }

    // Sends what the socket takes now; false if it is full. Takes every
    // datagram the session has ready (up to udp_batch_limit, and what the
    // arena holds) into one sendmmsg(2); datagrams the socket did not take
    // stay queued here, in order, for the next call.
    bool send_ready() {
        while (fd_) {
            if (head_ == batch_count_) {
                head_ = batch_count_ = 0;
                std::size_t used = 0;
                while (batch_count_ < udp_batch_limit && !session_.pending_output().empty()) {
                    const byte_view d = session_.pending_output();
                    if (used + d.size() > arena_.size()) {
                        if (batch_count_ > 0) break;
                        // Larger than the arena (never with a session's own
                        // sizes): sent alone, as before.
                        auto n = send_datagram(fd_, d);
                        if (n && n.value() > 0) ++stats_.datagrams_sent;
                        if (!n) {
                            if (n.error() == std::errc::connection_refused) continue;
                            session_.abort(n.error());
                            return true;
                        }
                        if (n.value() == 0) return false;
                        session_.consume_output(d.size());
                        continue;
                    }
                    std::copy(d.begin(), d.end(), arena_.begin() + static_cast<std::ptrdiff_t>(used));
                    batch_[batch_count_++] = byte_view(arena_.data() + used, d.size());
                    used += d.size();
                    session_.consume_output(d.size());
                }
                if (batch_count_ == 0) return true;
            }
            auto n = send_datagrams(fd_, std::span<const byte_view>(batch_.data() + head_, batch_count_ - head_), gso_, &stats_);
            if (!n) {
                if (n.error() == std::errc::connection_refused) continue;  // an earlier datagram was refused: send on
                head_ = batch_count_ = 0;
                session_.abort(n.error());
                return true;
            }
            if (n.value() == 0) return false;
            head_ += n.value();
        }
        return true;
    }
    bool has_output() const noexcept { return head_ != batch_count_ || !session_.pending_output().empty(); }

    void step(time_point limit = time_point::max()) {
        const bool want_write = !send_ready();
        const time_point deadline = std::min(limit, session_.next_deadline().value_or(time_point::max()));
        auto ready = wait(fd_, true, want_write, deadline);
        const time_point now = clock::now();
        if (!ready) return session_.abort(ready.error());
        if (ready.value() == 0) {
            (void)session_.on_tick(now);
            return;
        }
        if (ready.value() & static_cast<int>(io_ready::readable)) receive_waiting();
        if (session_.next_deadline() && clock::now() >= *session_.next_deadline()) (void)session_.on_tick(clock::now());
        send_ready();
    }

    // Every datagram waiting (a bounded number of recvmmsg(2) calls), each
    // handed over whole, in order.
    void receive_waiting() {
        if (rx_arena_.empty()) rx_arena_.resize(udp_receive_slots * udp_receive_slot);
        for (int i = 0; i < 8 && session_.state() != session_state::closed; ++i) {
            auto n = receive_datagrams(fd_, rx_arena_, received_, &stats_);
            if (!n) {
                if (n.error() == std::errc::resource_unavailable_try_again) break;
                if (n.error() == std::errc::connection_refused) continue;
                return session_.abort(n.error());
            }
            const time_point now = clock::now();
            for (std::size_t m = 0; m < n.value(); ++m)
                for_each_datagram(received_[m], [&](byte_view d) {
                    if (session_.state() != session_state::closed) (void)session_.receive_datagram(d, now);
                });
            if (n.value() < udp_receive_slots) break;  // the queue is empty
        }
    }

    socket_fd fd_;
    bytes first_;
    // Buffers for one recvmmsg(2) (allocated on the first receive).
    std::vector<std::uint8_t> rx_arena_;
    std::array<udp_received, udp_receive_slots> received_{};
    udp_io_stats stats_;
    // Datagrams taken from the session for one sendmmsg(2): sized once.
    std::vector<std::uint8_t> arena_ = std::vector<std::uint8_t>(256 * 1024);
    std::array<byte_view, udp_batch_limit> batch_{};
    std::size_t head_ = 0, batch_count_ = 0;
    bool gso_ = true, gro_ = false;
};

}  // namespace polywire::transport::adapters
