// replay_window<Bits>: which packet ids of one direction were received.
//
// Bits > 0 (a multiple of 64): a sliding window over the last `Bits` ids
// below the highest one authenticated. An id above the highest is new; one
// at most Bits - 1 below it is new unless its bit is set; anything older is
// refused (packet_too_old), anything seen (packet_replayed). The bits are a
// ring indexed by id mod Bits, and advancing the window clears exactly the
// bits of the ids it passes over — all of them when it jumps by Bits or
// more, which is right because every id it forgets is then too old. (This
// avoids secureio's window, which forgets state on jumps of 64 or more, and
// its refusal of packet id 0.)
// Bits == 0: ids must strictly increase (an ordered stream).
//
// `check` before authenticating (a cheap refusal), `mark` only after the
// packet authenticated, so forged packets cannot move the window.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <system_error>

#include "variants/x25519_xchacha/error.hpp"

namespace polywire::variants::x25519_xchacha {

template <std::size_t Bits>
class replay_window {
    static_assert(Bits % 64 == 0, "the window is a whole number of 64-bit words");

public:
    static constexpr std::size_t size = Bits;

    /// {} if `id` may still be accepted; packet_replayed or packet_too_old.
    std::error_code check(std::uint64_t id) const noexcept {
        if (!any_ || id > highest_) return {};
        if constexpr (Bits == 0) {
            return errc::packet_replayed;
        } else {
            if (highest_ - id >= Bits) return errc::packet_too_old;
            if (test(id)) return errc::packet_replayed;
            return {};
        }
    }

    /// Records `id` (which passed check() and authenticated).
    void mark(std::uint64_t id) noexcept {
        if (!any_ || id > highest_) {
            if constexpr (Bits > 0) {
                if (!any_ || id - highest_ >= Bits) {
                    words_.fill(0);
                } else {
                    for (std::uint64_t k = highest_ + 1; k != id; ++k) clear(k);
                    clear(id);
                }
            }
            highest_ = id;
            any_ = true;
        }
        if constexpr (Bits > 0) set(id);
    }

    bool empty() const noexcept { return !any_; }
    /// The highest id marked (meaningful once not empty).
    std::uint64_t highest() const noexcept { return highest_; }

private:
    static constexpr std::size_t words = Bits / 64;
    static std::size_t word(std::uint64_t id) noexcept { return static_cast<std::size_t>((id % Bits) / 64); }
    static std::uint64_t bit(std::uint64_t id) noexcept { return std::uint64_t{1} << ((id % Bits) % 64); }
    bool test(std::uint64_t id) const noexcept { return (words_[word(id)] & bit(id)) != 0; }
    void set(std::uint64_t id) noexcept { words_[word(id)] |= bit(id); }
    void clear(std::uint64_t id) noexcept { words_[word(id)] &= ~bit(id); }

    bool any_ = false;
    std::uint64_t highest_ = 0;
    std::array<std::uint64_t, words> words_{};
};

}  // namespace polywire::variants::x25519_xchacha
