// transport::detail::datagram_sizer<Probes> — datagram size negotiation
// (docs/architecture.md, "Datagram sizes"), for a datagram layout that
// declares it (policies::probes_datagram_size), and its empty counterpart.
//
// Sans-I/O like the session: it chooses when a round of probes is due
// (deadline()), which probes a round sends (tick() calls `send(id, frame)`
// for each), and which acknowledgement counts (acknowledged()). Sizes are
// frame body sizes (the session converts datagram sizes with its codec's
// overhead). The session only ever hands it authenticated acknowledgements;
// it also ignores any that does not name a probe of the current or last
// round with the size that probe had, so nothing but a probe the peer really
// received changes the size.
//
//   * the size starts at the floor (the layout's base frame size) and never
//     goes below it;
//   * an acknowledged probe larger than the size in use raises it at once;
//   * a round in which no probe of the size in use or larger is acknowledged
//     (a miss) is repeated at once; two misses in a row lower the size to the
//     largest the last round confirmed, or the floor;
//   * rounds come at the waits of datagram_probing::schedule (the last
//     repeats), each after the previous round ended.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <system_error>
#include <vector>

#include "transport/options.hpp"

namespace polywire::transport {

/// What a session's datagram size negotiation did (session::datagram_sizes()).
struct datagram_size_stats {
    std::size_t datagram_size = 0;          ///< the largest datagram the session sends now (bytes)
    std::size_t max_frame_size = 0;         ///< the largest frame body now (code prefix and payload)
    std::uint64_t rounds = 0;               ///< rounds of probes sent
    std::uint64_t probes_sent = 0;
    std::uint64_t probes_acknowledged = 0;  ///< acknowledgements that counted
    std::uint64_t acks_ignored = 0;         ///< authentic acknowledgements naming no probe outstanding
    std::uint64_t probes_answered = 0;      ///< the peer's probes this side acknowledged
    std::uint64_t changes = 0;              ///< times the size changed
};

namespace detail {

template <bool Probes>
class datagram_sizer;

/// Layouts that do not negotiate: nothing to do.
template <>
class datagram_sizer<false> {};

template <>
class datagram_sizer<true> {
public:
    /// The keys exist (at `now`): frames of `floor` bytes always fit, the
    /// layout carries at most `largest`, and a datagram is `overhead` bytes
    /// more than its frame body.
    void start(const datagram_probing& o, std::size_t floor, std::size_t largest, std::size_t overhead,
               time_point now) {
        floor_ = current_ = floor;
        sizes_.clear();
        if (o.enabled) {
            for (std::size_t d : o.sizes) {
                if (d <= overhead) continue;
                const std::size_t f = d - overhead;
                if (f > floor && f <= largest) sizes_.push_back(f);
            }
        }
        std::sort(sizes_.begin(), sizes_.end(), std::greater<>());
        sizes_.erase(std::unique(sizes_.begin(), sizes_.end()), sizes_.end());
        schedule_ = o.schedule;
        wait_ = o.round_wait;
        copies_ = std::max(1u, o.copies);
        step_ = 0;
        if (!sizes_.empty()) next_round_ = now + interval(0);
    }

    /// The largest frame body to send now (0 before start()).
    std::size_t frame_limit() const noexcept { return current_; }
    std::optional<time_point> deadline() const noexcept {
        if (next_round_ && round_end_) return std::min(*next_round_, *round_end_);
        return next_round_ ? next_round_ : round_end_;
    }

    /// Ends the round or begins the next one if due; `send(id, frame)`
    /// writes one probe (an error stops the round and is returned).
    template <class Send>
    std::error_code tick(time_point now, Send&& send) {
        if (round_end_ && now >= *round_end_) end_round(now);
        if (!next_round_ || now < *next_round_) return {};
        next_round_.reset();
        previous_ = std::move(outstanding_);  // a late answer to the last round still counts
        outstanding_.clear();
        round_best_ = 0;
        round_end_ = now + wait_;
        ++stats_.rounds;
        for (std::size_t f : sizes_) {
            for (unsigned c = 0; c < copies_; ++c) {
                const std::uint32_t id = ++next_id_;
                outstanding_.push_back({id, f});
                if (auto ec = send(id, f)) return ec;
                ++stats_.probes_sent;
            }
        }
        return {};
    }

    /// An authenticated acknowledgement of probe `id` whose frame body was
    /// `frame` bytes: whether it counted.
    bool acknowledged(std::uint32_t id, std::size_t frame) noexcept {
        const bool current = named(outstanding_, id, frame);
        if (!current && !named(previous_, id, frame)) {
            ++stats_.acks_ignored;
            return false;
        }
        ++stats_.probes_acknowledged;
        if (current) round_best_ = std::max(round_best_, frame);
        if (frame > current_) {
            current_ = frame;
            misses_ = 0;
            ++stats_.changes;
        }
        return true;
    }
    void answered() noexcept { ++stats_.probes_answered; }

    datagram_size_stats stats() const noexcept {
        datagram_size_stats s = stats_;
        s.max_frame_size = current_;
        return s;
    }

private:
    struct probe {
        std::uint32_t id = 0;
        std::size_t frame = 0;
    };

    static bool named(const std::vector<probe>& v, std::uint32_t id, std::size_t frame) noexcept {
        return std::any_of(v.begin(), v.end(), [&](const probe& p) { return p.id == id && p.frame == frame; });
    }

    duration interval(std::size_t i) const noexcept {
        if (schedule_.empty()) return duration{0};
        return schedule_[std::min(i, schedule_.size() - 1)];
    }

    void end_round(time_point now) {
        round_end_.reset();
        if (current_ > floor_ && round_best_ < current_) {
            if (++misses_ < 2) {
                next_round_ = now;  // confirm at once: one lost round is not a smaller path
                return;
            }
            current_ = std::max(floor_, round_best_);
            misses_ = 0;
            ++stats_.changes;
        } else {
            misses_ = 0;
        }
        next_round_ = now + interval(++step_);
    }

    std::vector<std::size_t> sizes_;  // frame sizes probed, largest first
    std::vector<duration> schedule_;
    duration wait_{1000};
    unsigned copies_ = 1;
    std::size_t step_ = 0;
    std::size_t floor_ = 0, current_ = 0, round_best_ = 0;
    unsigned misses_ = 0;
    std::uint32_t next_id_ = 0;
    std::vector<probe> outstanding_, previous_;
    std::optional<time_point> next_round_, round_end_;
    datagram_size_stats stats_{};
};

}  // namespace detail
}  // namespace polywire::transport
