// blocking_socket<Session>: drives a session over a POSIX TCP socket.
//
// A thin loop with no protocol logic: write the session's pending output,
// wait (poll) until the socket is ready or the session's next deadline,
// read straight into the session's input buffer (receive_space), tick it,
// hand its events to the caller. Timeouts come from the session's options:
// the handshake deadline and idle read timeout are the session's; each
// write must make progress within `timeouts.write`; after close() the
// socket lingers until the session's linger deadline or the peer's end of
// stream.
#pragma once

#include <optional>
#include <string>

#include "transport/adapters/blocking_base.hpp"
#include "transport/adapters/socket.hpp"
#include "transport/error.hpp"
#include "transport/events.hpp"
#include "transport/log.hpp"

namespace polywire::transport::adapters {

template <class Session, class Io = posix_io>
class blocking_socket : public detail::blocking_base<blocking_socket<Session, Io>, Session> {
    using base = detail::blocking_base<blocking_socket<Session, Io>, Session>;
    friend base;
    using base::closing_error, base::log, base::log_event, base::session_;

public:
    blocking_socket(socket_fd fd, Session s, log_hook log = {}, Io io = {})
        : base(std::move(s), std::move(log), peer_address(fd)), fd_(std::move(fd)), io_(std::move(io)) {}

    // session(), peer(), handshake(), send(), ping(): blocking_base.hpp.

    /// The next event, waiting for the network as needed; std::nullopt once
    /// the session is closed and every event was taken. A message's payload
    /// is valid until the next call.
    std::optional<event> next_event() {
        for (;;) {
            if (auto e = session_.next_event()) {
                // Replies the session queued by itself (a Pong) leave now, so
                // they do not wait for the application's next call.
                write_ready();
                log_event(*e);
                if (e->kind == event_kind::error || e->kind == event_kind::disconnected) flush_goodbye();
                return e;
            }
            if (session_.state() == session_state::closed) {
                flush_goodbye();
                return std::nullopt;
            }
            step();
        }
    }

    /// Queues a message without waiting for the network: consecutive
    /// messages leave in few writes (frames stay separate on the wire).
    /// Every `write_chunk` queued bytes, what the socket accepts at once is
    /// written without waiting, so the peer reads and opens the first frames
    /// while later ones are still being sealed; queue() waits for the socket
    /// only once the output buffer (queued plus written since it last
    /// emptied) reaches `coalesce_limit`, which bounds it. Call flush() after
    /// the last one.
    std::error_code queue(std::uint64_t code, byte_view payload) {
        if (auto ec = session_.send(code, payload, clock::now())) return ec;
        const std::size_t pending = session_.pending_output().size();
        if (pending + written_since_drained_ >= coalesce_limit) return flush();
        if (pending >= next_write_at_) {
            write_ready();
            if (session_.state() == session_state::closed)
                return session_.error() ? session_.error() : make_error_code(errc::session_closed);
            next_write_at_ = session_.pending_output().size() + write_chunk;
        }
        return {};
    }
    static constexpr std::size_t coalesce_limit = 256 * 1024;
    static constexpr std::size_t write_chunk = 64 * 1024;
    /// What one read takes (into the session's input buffer): first_read,
    /// doubled after each read that filled its room, up to read_chunk, so a
    /// connection that only ever receives small messages keeps a small buffer.
    static constexpr std::size_t first_read = 4 * 1024;
    static constexpr std::size_t read_chunk = 64 * 1024;

    /// Says goodbye with `reason`, then lingers until the session's linger
    /// deadline or the peer closes, and closes the socket.
    std::error_code close(std::uint8_t reason) {
        auto ec = session_.close(reason, clock::now());
        if (!ec) {
            log(log_level::info, "disconnect sent: reason " + std::to_string(reason));
            (void)flush();
            io_.shutdown_write(fd_);
            while (session_.state() == session_state::closing) step();
        }
        fd_.reset();
        return ec;
    }

    /// Writes all pending output (reading meanwhile, so two peers writing
    /// large messages at each other cannot deadlock).
    std::error_code flush() {
        while (!session_.pending_output().empty() && session_.state() != session_state::closed) step();
        return closing_error();
    }

private:
    // Starts the session (once).
    std::error_code begin() {
        if (session_.state() != session_state::initial) return {};
        if (auto ec = session_.start(clock::now())) return report(ec);
        return {};
    }

    // One wait on the socket bounded by the session's next deadline, then
    // whatever the socket allows.
    void step() {
        const bool want_write = !session_.pending_output().empty();
        const bool want_read = session_.input_capacity() > 0;
        time_point deadline = session_.next_deadline().value_or(time_point::max());
        if (want_write) {
            if (!writing_) {
                writing_ = true;
                write_progress_ = clock::now();
            }
            deadline = std::min(deadline, write_progress_ + session_.settings().timeouts.write);
        } else {
            writing_ = false;
        }
        auto ready = io_.wait(fd_, want_read, want_write, deadline);
        const time_point now = clock::now();
        if (!ready) return session_.abort(ready.error());
        if (ready.value() == 0) {
            if (writing_ && now >= write_progress_ + session_.settings().timeouts.write)
                return session_.abort(make_error_code(errc::write_timeout));
            (void)session_.on_tick(now);
            return;
        }
        if (ready.value() & static_cast<int>(io_ready::writable)) {
            auto n = io_.write_some(fd_, session_.pending_output());
            if (!n && !try_again(n.error())) return session_.abort(n.error());
            if (n && n.value() > 0) {
                write_progress_ = now;
                consumed(n.value());
            }
        }
        if (ready.value() & static_cast<int>(io_ready::readable)) {
            // Straight into the session's input buffer: no copy on the way.
            const mutable_byte_view room = session_.receive_space(read_room_);
            if (room.empty()) return;
            auto n = io_.read_some(fd_, room);
            if (!n) {
                if (try_again(n.error())) return;
                return session_.abort(n.error());
            }
            if (n.value() == 0) {
                (void)session_.receive_eof(now);
                return;
            }
            // A read that fills its room: the peer sends in bulk, read more at once.
            if (n.value() == room.size() && read_room_ < read_chunk) read_room_ *= 2;
            (void)session_.receive_in_place(n.value(), now);
        }
    }

    // Writes what the socket accepts without waiting.
    void write_ready() {
        while (fd_ && !session_.pending_output().empty() && session_.state() != session_state::closed) {
            auto n = io_.write_some(fd_, session_.pending_output());
            if (!n) {
                if (try_again(n.error())) return;
                return session_.abort(n.error());
            }
            if (n.value() == 0) return;
            consumed(n.value());
        }
    }

    // After an error or the peer's goodbye: write what is queued (our own
    // goodbye) for at most a second, as go-ethereum's discWriteTimeout.
    void flush_goodbye() {
        if (!fd_ || session_.pending_output().empty()) return;
        const time_point until = clock::now() + std::chrono::seconds(1);
        while (!session_.pending_output().empty()) {
            auto ready = io_.wait(fd_, false, true, until);
            if (!ready || ready.value() == 0) break;
            auto n = io_.write_some(fd_, session_.pending_output());
            if (!n) {
                if (try_again(n.error())) continue;
                break;
            }
            consumed(n.value());
        }
    }

    // The session's output buffer keeps what was written until all of it
    // was (then it empties): count it, so queue() can bound the buffer.
    void consumed(std::size_t n) noexcept {
        session_.consume_output(n);
        if (session_.pending_output().empty()) {
            written_since_drained_ = 0;
            next_write_at_ = write_chunk;
        } else {
            written_since_drained_ += n;
        }
    }

    std::error_code report(std::error_code ec) {
        log(log_level::error, "error: " + ec.message());
        return ec;
    }

    socket_fd fd_;
    Io io_;
    std::size_t read_room_ = first_read;  // what the next read asks the session for
    bool writing_ = false;
    time_point write_progress_{};
    std::size_t written_since_drained_ = 0;  // written bytes the session's output buffer still holds
    std::size_t next_write_at_ = write_chunk;  // queue(): pending size at which to try a write
};

}  // namespace polywire::transport::adapters
