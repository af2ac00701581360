// Byte views and buffers used across polywire.
//
// `byte_view` / `mutable_byte_view` are non-owning; `bytes` is an ordinary
// owning buffer; `secure_bytes` and `secret<N>` hold key material and wipe it
// when they go away (explicit_bzero, which the compiler may not elide).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <string.h>

namespace polywire {

using byte_view = std::span<const std::uint8_t>;
using mutable_byte_view = std::span<std::uint8_t>;
using bytes = std::vector<std::uint8_t>;

namespace detail {
inline void wipe(void* p, std::size_t n) noexcept { ::explicit_bzero(p, n); }

template <class T>
struct zeroizing_allocator {
    using value_type = T;
    zeroizing_allocator() noexcept = default;
    template <class U>
    zeroizing_allocator(const zeroizing_allocator<U>&) noexcept {}
    T* allocate(std::size_t n) { return std::allocator<T>{}.allocate(n); }
    void deallocate(T* p, std::size_t n) noexcept {
        wipe(p, n * sizeof(T));
        std::allocator<T>{}.deallocate(p, n);
    }
    template <class U>
    bool operator==(const zeroizing_allocator<U>&) const noexcept { return true; }
};
}  // namespace detail

/// A growable buffer for secrets: its memory is wiped before it is freed.
using secure_bytes = std::vector<std::uint8_t, detail::zeroizing_allocator<std::uint8_t>>;

/// A fixed-size secret (a key, a shared secret) wiped on destruction.
template <std::size_t N>
class secret {
public:
    static constexpr std::size_t size_bytes = N;
    secret() noexcept : v_{} {}
    explicit secret(byte_view b) noexcept : v_{} { assign(b); }
    secret(const secret&) = default;
    secret& operator=(const secret&) = default;
    ~secret() { detail::wipe(v_.data(), N); }

    void assign(byte_view b) noexcept {
        for (std::size_t i = 0; i < N && i < b.size(); ++i) v_[i] = b[i];
    }
    std::uint8_t* data() noexcept { return v_.data(); }
    const std::uint8_t* data() const noexcept { return v_.data(); }
    static constexpr std::size_t size() noexcept { return N; }
    std::uint8_t& operator[](std::size_t i) noexcept { return v_[i]; }
    std::uint8_t operator[](std::size_t i) const noexcept { return v_[i]; }
    byte_view view() const noexcept { return {v_.data(), N}; }
    mutable_byte_view mutable_view() noexcept { return {v_.data(), N}; }
    operator byte_view() const noexcept { return view(); }

private:
    std::array<std::uint8_t, N> v_;
};

/// Compares two equally long byte strings in time independent of their
/// contents. Returns false when the lengths differ.
inline bool constant_time_equal(byte_view a, byte_view b) noexcept {
    if (a.size() != b.size()) return false;
    volatile std::uint8_t acc = 0;
    for (std::size_t i = 0; i < a.size(); ++i) acc = acc | (a[i] ^ b[i]);
    return acc == 0;
}

inline byte_view as_bytes(std::string_view s) noexcept {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

/// Lower-case hex encoding.
std::string to_hex(byte_view b);
/// Parses hex (upper or lower case, optional "0x"); false on bad input.
bool from_hex(std::string_view hex, bytes& out);
/// Decodes 64 hex digits (optional 0x, surrounding whitespace ignored)
/// straight into `out` (32 bytes, e.g. a key's storage: no copy is left
/// elsewhere); false if `text` is not that.
bool decode_hex32(std::string_view text, std::span<std::uint8_t, 32> out) noexcept;

}  // namespace polywire
