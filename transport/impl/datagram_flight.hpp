// transport::detail::datagram_flight<Datagrams> — what a session does only
// over datagrams (docs/architecture.md, "Datagrams"), and its empty stream
// counterpart, so that the session's core is written once for both:
//
//   * datagram boundaries in the output: where each datagram in the output
//     buffer ends, so that pending_output() yields one datagram at a time;
//   * the last handshake flight (its datagrams), resent every
//     timeouts.retransmit by an initiator waiting for an answer, and by
//     either side when the peer repeats a message (our answer was lost);
//     after the keys, the final flight is kept for timeouts.handshake;
//   * discards: what fails before authentication is counted and dropped
//     instead of closing the session (discard() says whether it was);
//   * the amplification limit: before its handshake completes a responder
//     sends at most amplification_limit times the bytes it received.
//
// datagram_flight<false> (streams) has the same members and does nothing:
// nothing is discarded (every refusal is fatal), nothing is resent.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <system_error>
#include <vector>

#include "policies/key_agreement.hpp"
#include "transport/bytes.hpp"
#include "transport/error.hpp"
#include "transport/impl/output_buffer.hpp"
#include "transport/options.hpp"

namespace polywire::transport::detail {

/// Over datagrams: may a key agreement's refusal of a handshake message be
/// discarded? Yes, unless it is misuse or a primitive's failure.
inline bool discardable_handshake_error(std::error_code ec) noexcept {
    return ec != condition::misuse && ec != condition::system_failure;
}

template <bool Datagrams>
class datagram_flight;

/// Streams: nothing to do.
template <>
class datagram_flight<false> {
public:
    static constexpr std::size_t amplification_limit = 3;

    byte_view next_datagram(const output_buffer& out, std::size_t pos) const noexcept { return out.view().subspan(pos); }
    void output_taken(std::size_t) noexcept {}
    void output_cleared() noexcept {}
    void end_datagram(const output_buffer&) noexcept {}
    void started(const output_buffer&, std::size_t, time_point) noexcept {}
    void begin_datagram(std::size_t, bool) noexcept {}
    bool discard(std::error_code) noexcept { return false; }
    bool discards_handshake_error(std::error_code) const noexcept { return false; }
    void handshake_step(output_buffer&, std::size_t, const policies::handshake_step&, bool, time_point) {}
    void keys_agreed(const output_buffer&, std::size_t, time_point, const timeouts&) {}
    bool stale() const noexcept { return false; }
    void after_discard(output_buffer&, time_point) {}
    std::optional<time_point> retransmit_deadline(bool, const timeouts&) const noexcept { return std::nullopt; }
    void tick(output_buffer&, time_point, bool, const timeouts&) {}
    std::uint64_t discarded() const noexcept { return 0; }
    std::error_code last_discard() const noexcept { return {}; }
};

template <>
class datagram_flight<true> {
public:
    /// Responder: the most it sends an address it has not verified yet, as
    /// a multiple of what it received from there.
    static constexpr std::size_t amplification_limit = 3;

    /// The next datagram of `out` from `pos` on (all of it if unmarked).
    byte_view next_datagram(const output_buffer& out, std::size_t pos) const noexcept {
        for (std::size_t i = end_head_; i < ends_.size(); ++i)
            if (ends_[i] > pos) return byte_view(out.data() + pos, ends_[i] - pos);
        return out.view().subspan(pos);
    }
    /// The output was taken up to `pos`.
    void output_taken(std::size_t pos) noexcept {
        while (end_head_ < ends_.size() && ends_[end_head_] <= pos) ++end_head_;
    }
    /// The output buffer was emptied.
    void output_cleared() noexcept {
        ends_.clear();
        end_head_ = 0;
    }
    /// What `out` holds beyond the last datagram's end is one datagram.
    void end_datagram(const output_buffer& out) {
        const std::size_t last = ends_.empty() ? 0 : ends_.back();
        if (out.size() > last) ends_.push_back(out.size());
    }

    /// The key agreement's start() wrote `out[from, ...)`: the first flight.
    void started(const output_buffer& out, std::size_t from, time_point now) {
        end_datagram(out);
        if (out.size() > from) remember(out, from, now);
    }
    /// A datagram of n bytes arrived; `unverified`: a responder before its
    /// keys, counting what the peer's address sent.
    void begin_datagram(std::size_t n, bool unverified) noexcept {
        stale_ = false;
        if (unverified) unverified_in_ += n;
    }
    /// Counts a datagram dropped before authentication; always discarded.
    bool discard(std::error_code why) noexcept {
        ++discarded_;
        last_discard_ = why;
        return true;
    }
    bool discards_handshake_error(std::error_code ec) const noexcept { return discardable_handshake_error(ec); }
    /// The key agreement consumed a datagram and wrote `out[before, ...)`.
    void handshake_step(output_buffer& out, std::size_t before, const policies::handshake_step& step, bool unverified,
                        time_point now) {
        if (!step.done && !within_amplification_limit(out.size() - before, unverified)) out.truncate(before);
        end_datagram(out);
        if (step.stale) {
            stale_ = true;
            resend(out, now, unverified);  // the peer missed our answer
        } else if (step.consumed > 0 && !step.done) {
            remember(out, before, now);  // the new flight (empty: nothing to resend)
        }
    }
    /// The keys exist; `out[before, ...)` is the final flight, resent when
    /// the peer repeats itself within the handshake timeout.
    void keys_agreed(const output_buffer& out, std::size_t before, time_point now, const timeouts& t) {
        remember(out, before, now);
        flight_until_ = now + t.handshake;
    }
    /// The datagram being processed repeated a handshake message.
    bool stale() const noexcept { return stale_; }
    /// After the keys, a discarded datagram may be the peer repeating its
    /// last message: it may not have our final flight.
    void after_discard(output_buffer& out, time_point now) {
        if (now <= flight_until_) resend(out, now, false);
    }
    /// `waiting`: an initiator before its keys, which resends its flight.
    std::optional<time_point> retransmit_deadline(bool waiting, const timeouts& t) const noexcept {
        if (!waiting || flight_.empty()) return std::nullopt;
        return sent_ + t.retransmit;
    }
    void tick(output_buffer& out, time_point now, bool waiting, const timeouts& t) {
        if (auto d = retransmit_deadline(waiting, t); d && now >= *d) resend(out, now, false);
    }
    std::uint64_t discarded() const noexcept { return discarded_; }
    std::error_code last_discard() const noexcept { return last_discard_; }

    /// May n more bytes go to an unverified address? Counts them if so.
    bool within_amplification_limit(std::size_t n, bool unverified) noexcept {
        if (!unverified) return true;
        if (unverified_out_ + n > amplification_limit * unverified_in_) return false;
        unverified_out_ += n;
        return true;
    }
    /// Appends the last flight to `out` (if the limit allows).
    void resend(output_buffer& out, time_point now, bool unverified) {
        if (flight_.empty() || !within_amplification_limit(flight_.size(), unverified)) return;
        const std::size_t start = out.size();
        out.append(flight_);
        for (std::size_t e : flight_ends_) ends_.push_back(start + e);
        sent_ = now;
    }

private:
    void remember(const output_buffer& out, std::size_t from, time_point now) {
        flight_.assign(out.begin() + from, out.end());
        flight_ends_.clear();
        for (std::size_t e : ends_)
            if (e > from) flight_ends_.push_back(e - from);
        sent_ = now;
    }

    std::vector<std::size_t> ends_;  // where each datagram in the output ends
    std::size_t end_head_ = 0;       // the first not yet taken
    bytes flight_;                   // the last handshake flight
    std::vector<std::size_t> flight_ends_;
    time_point sent_{};              // when the flight was last sent
    time_point flight_until_{};      // after the keys: when the final flight is dropped
    std::uint64_t discarded_ = 0;
    std::error_code last_discard_{};
    bool stale_ = false;             // the datagram being processed repeated a handshake message
    std::size_t unverified_in_ = 0, unverified_out_ = 0;  // responder, before the keys: bytes received, sent
};

}  // namespace polywire::transport::detail
