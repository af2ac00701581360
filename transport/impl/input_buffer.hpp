// transport::detail::input_buffer — the bytes a session received and has
// not dropped yet, and how far it has parsed them.
//
//   [0, parsed())          parsed: frames read (messages in them may still
//                          be waiting in the event queue, their payloads here)
//   [parsed(), size())     not parsed yet: a partial frame, or more frames
//   [size(), capacity())   spare room: space() hands it to whoever receives
//                          bytes straight into the buffer, commit() counts
//                          what they wrote
//
// frame_body() remembers the body size of the frame whose prefix (header)
// was already opened, so that the prefix is opened once while the rest of
// the frame arrives. drop_front() compacts (the session drops what no
// untaken message points into); release() gives a buffer that grew for a
// large message back to the heap (limits::retained_buffer).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>

#include "transport/bytes.hpp"

namespace polywire::transport::detail {

class input_buffer {
public:
    std::size_t size() const noexcept { return len_; }
    /// Bytes the buffer holds in memory (received and spare).
    std::size_t capacity() const noexcept { return buf_.capacity(); }
    std::uint8_t* data() noexcept { return buf_.data(); }
    const std::uint8_t* data() const noexcept { return buf_.data(); }
    void append(byte_view d) {
        if (d.empty()) return;
        std::memcpy(space(d.size()).data(), d.data(), d.size());
        len_ += d.size();
        room_ = 0;
    }

    /// Room for `n` more bytes after size(), growing the buffer if needed
    /// (the room is reused: it is zero-filled only when first allocated).
    /// Bytes written there count once commit() says so.
    mutable_byte_view space(std::size_t n) {
        if (buf_.size() - len_ < n) buf_.resize(len_ + n);
        room_ = n;
        return mutable_byte_view(buf_.data() + len_, n);
    }
    /// The size of the room the last space() gave, while it is still valid
    /// (anything else that changes the buffer takes it back).
    std::size_t room() const noexcept { return room_; }
    /// Counts `n` bytes written into space() (n at most room()).
    void commit(std::size_t n) noexcept {
        len_ += n;
        room_ = 0;
    }

    /// Where the next (or partly read) frame starts.
    std::size_t parsed() const noexcept { return parse_; }
    byte_view unparsed() const noexcept { return byte_view(buf_.data() + parse_, len_ - parse_); }
    void advance(std::size_t n) noexcept { parse_ += n; }
    /// Everything received so far is given up (a discarded datagram, input
    /// after our goodbye): nothing of it will be parsed.
    void skip_all() noexcept {
        parse_ = len_;
        frame_body_.reset();
    }

    /// The body size of the frame whose prefix was opened, if one was.
    std::optional<std::size_t> frame_body() const noexcept { return frame_body_; }
    void set_frame_body(std::size_t n) noexcept { frame_body_ = n; }
    void end_frame() noexcept { frame_body_.reset(); }

    /// Drops the first n bytes, which must be parsed (n <= parsed()): the
    /// rest moves to the front.
    void drop_front(std::size_t n) noexcept {
        if (n == 0) return;
        room_ = 0;
        if (n < len_) std::memmove(buf_.data(), buf_.data() + n, len_ - n);
        len_ -= n;
        parse_ -= n;
    }
    /// Frees the buffer if its capacity exceeds `retained` and it is empty;
    /// whether it did.
    bool release(std::size_t retained) noexcept {
        if (buf_.capacity() <= retained || len_ != 0) return false;
        bytes().swap(buf_);
        room_ = 0;
        return true;
    }

private:
    bytes buf_;            // [0, len_) received; the rest spare room
    std::size_t len_ = 0;
    std::size_t room_ = 0;  // what the last space() gave, until taken back
    std::size_t parse_ = 0;
    std::optional<std::size_t> frame_body_;
};

}  // namespace polywire::transport::detail
