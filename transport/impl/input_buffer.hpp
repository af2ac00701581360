// transport::detail::input_buffer — the bytes a session received and has
// not dropped yet, and how far it has parsed them.
//
//   [0, parsed())          parsed: frames read (messages in them may still
//                          be waiting in the event queue, their payloads here)
//   [parsed(), size())     not parsed yet: a partial frame, or more frames
//
// frame_body() remembers the body size of the frame whose prefix (header)
// was already opened, so that the prefix is opened once while the rest of
// the frame arrives. drop_front() compacts (the session drops what no
// untaken message points into); release() gives a buffer that grew for a
// large message back to the heap (limits::retained_buffer).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "transport/bytes.hpp"

namespace polywire::transport::detail {

class input_buffer {
public:
    std::size_t size() const noexcept { return buf_.size(); }
    std::size_t capacity() const noexcept { return buf_.capacity(); }
    std::uint8_t* data() noexcept { return buf_.data(); }
    const std::uint8_t* data() const noexcept { return buf_.data(); }
    void append(byte_view d) { buf_.insert(buf_.end(), d.begin(), d.end()); }

    /// Where the next (or partly read) frame starts.
    std::size_t parsed() const noexcept { return parse_; }
    byte_view unparsed() const noexcept { return byte_view(buf_).subspan(parse_); }
    void advance(std::size_t n) noexcept { parse_ += n; }
    /// Everything received so far is given up (a discarded datagram, input
    /// after our goodbye): nothing of it will be parsed.
    void skip_all() noexcept {
        parse_ = buf_.size();
        frame_body_.reset();
    }

    /// The body size of the frame whose prefix was opened, if one was.
    std::optional<std::size_t> frame_body() const noexcept { return frame_body_; }
    void set_frame_body(std::size_t n) noexcept { frame_body_ = n; }
    void end_frame() noexcept { frame_body_.reset(); }

    /// Drops the first n bytes, which must be parsed (n <= parsed()).
    void drop_front(std::size_t n) noexcept {
        if (n == 0) return;
        buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(n));
        parse_ -= n;
    }
    /// Frees the buffer if its capacity exceeds `retained` and it is empty;
    /// whether it did.
    bool release(std::size_t retained) noexcept {
        if (buf_.capacity() <= retained || !buf_.empty()) return false;
        bytes().swap(buf_);
        return true;
    }

private:
    bytes buf_;
    std::size_t parse_ = 0;
    std::optional<std::size_t> frame_body_;
};

}  // namespace polywire::transport::detail
