// transport::detail::event_queue — the events a session has queued for its
// application, taken in order by session::next_event().
//
// A message's payload is not copied: its event records where the payload
// lies in the session's input buffer (offset, size), so the input buffer
// keeps those bytes until the message is taken (first_message_offset()) and
// shifts the offsets when it drops the bytes before them (shift_offsets()).
// Taken events stay in the vector until it is empty again (recycle()): a
// steady stream of events reuses its capacity, no heap allocation.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <system_error>
#include <vector>

#include "transport/events.hpp"

namespace polywire::transport::detail {

/// An event as queued; a message's payload is `size` bytes at `offset` in
/// the input buffer.
struct queued_event {
    event_kind kind;
    std::uint64_t code = 0;
    std::size_t offset = 0;
    std::size_t size = 0;
    bool compressed = false;
    std::uint8_t reason = 0;
    std::error_code error{};
};

class event_queue {
public:
    void push(const queued_event& e) { events_.push_back(e); }
    bool empty() const noexcept { return head_ == events_.size(); }
    /// Events queued and not taken yet.
    std::size_t size() const noexcept { return events_.size() - head_; }
    std::optional<queued_event> pop() noexcept {
        if (empty()) return std::nullopt;
        return events_[head_++];
    }
    /// Drops every event not taken yet (what came after a bad message).
    void drop_queued() noexcept { events_.resize(head_); }
    /// The smallest offset an untaken message points to, or `limit` if
    /// smaller (or if no message is waiting).
    std::size_t first_message_offset(std::size_t limit) const noexcept {
        for (std::size_t i = head_; i < events_.size(); ++i)
            if (events_[i].kind == event_kind::message) limit = std::min(limit, events_[i].offset);
        return limit;
    }
    /// The input buffer dropped its first n bytes: untaken messages move.
    void shift_offsets(std::size_t n) noexcept {
        for (std::size_t i = head_; i < events_.size(); ++i)
            if (events_[i].kind == event_kind::message) events_[i].offset -= n;
    }
    /// Once every event is taken, starts the vector over (its capacity stays).
    void recycle() noexcept {
        if (!empty()) return;
        events_.clear();
        head_ = 0;
    }
    std::size_t capacity() const noexcept { return events_.capacity(); }

private:
    std::vector<queued_event> events_;
    std::size_t head_ = 0;  // the next event to take
};

}  // namespace polywire::transport::detail
