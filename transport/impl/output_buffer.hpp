// transport::detail::output_buffer — the bytes a session has sealed and the
// caller has not taken yet (pending_output(), consume_output()).
//
//   [0, size())            sealed frames, handshake messages, datagram by
//                          datagram (datagram_flight.hpp knows the ends)
//   [size(), held())       spare room: bytes of frames already taken
//
// Unlike a std::vector, the buffer does not zero-fill the room it hands out
// again: extend(n) returns n bytes that still hold what an earlier frame
// left there, for a caller that writes every one of them (a frame sealed
// straight from the payload, out of place: the payload is read once, not
// copied in first). Memory is zero-filled only when first allocated, so no
// byte of the heap's earlier owners can leave; what extend() hands out was
// this session's own output, already sent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "transport/bytes.hpp"

namespace polywire::transport::detail {

class output_buffer {
public:
    std::size_t size() const noexcept { return len_; }
    bool empty() const noexcept { return len_ == 0; }
    /// Bytes the buffer holds in memory (output and spare room).
    std::size_t capacity() const noexcept { return buf_.capacity(); }
    std::uint8_t* data() noexcept { return buf_.data(); }
    const std::uint8_t* data() const noexcept { return buf_.data(); }
    const std::uint8_t* begin() const noexcept { return buf_.data(); }
    const std::uint8_t* end() const noexcept { return buf_.data() + len_; }
    byte_view view() const noexcept { return byte_view(buf_.data(), len_); }

    /// n more bytes of output after size(), which the caller must write in
    /// full: they hold whatever the room held (see the top).
    mutable_byte_view extend(std::size_t n) {
        if (buf_.size() - len_ < n) buf_.resize(len_ + n);
        const std::size_t at = len_;
        len_ += n;
        return mutable_byte_view(buf_.data() + at, n);
    }
    /// n more bytes of output, zeroed.
    mutable_byte_view extend_zeroed(std::size_t n) {
        mutable_byte_view v = extend(n);
        if (n != 0) std::memset(v.data(), 0, n);
        return v;
    }
    void append(byte_view d) {
        if (!d.empty()) std::memcpy(extend(d.size()).data(), d.data(), d.size());
    }
    /// Keeps the first n bytes of output (n at most size()).
    void truncate(std::size_t n) noexcept {
        if (n < len_) len_ = n;
    }
    void clear() noexcept { len_ = 0; }
    /// Frees the memory if it exceeds `retained` and the buffer is empty.
    void release(std::size_t retained) noexcept {
        if (buf_.capacity() > retained && len_ == 0) bytes().swap(buf_);
    }

private:
    bytes buf_;  // [0, len_) output; the rest spare room
    std::size_t len_ = 0;
};

}  // namespace polywire::transport::detail
