#include "crypto/keccak.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <utility>

#include "crypto/keccak_tables.hpp"

namespace polywire::crypto {
namespace keccak_detail {

// Implemented in keccak_avx512.cpp (x86-64 only); both work on the lanes
// in memory, and absorb XORs `blocks` blocks of 136 bytes, permuting after
// each.
#if defined(__x86_64__)
void permute_avx512(std::uint64_t* a) noexcept;
void absorb_avx512(std::uint64_t* a, const std::uint8_t* in, std::size_t blocks) noexcept;
void permute_avx512_rows(std::uint64_t* a) noexcept;
void absorb_avx512_rows(std::uint64_t* a, const std::uint8_t* in, std::size_t blocks) noexcept;
#endif

namespace {

template <std::size_t... I, class F>
inline void unroll_impl(std::index_sequence<I...>, F&& f) {
    (f(std::integral_constant<std::size_t, I>{}), ...);
}
template <std::size_t N, class F>
inline void unroll(F&& f) {
    unroll_impl(std::make_index_sequence<N>{}, f);
}

// Lane complementing (the Keccak team's "Keccak implementation overview"
// §2.2): the permutation keeps some lanes complemented, so that most of chi's
// ~b & c become & or | without a NOT. Which lanes are stored complemented at
// each step is tracked here at compile time from the mask at a round's
// start, so every formula below follows from the definition:
//   theta: a column with an odd number of complemented lanes flips the
//          parity it contributes, which flips D of its two neighbours, and
//          D is added to a whole column;
//   rho:   a rotation keeps a lane complemented;
//   pi:    the mask moves with the lanes;
//   chi:   each output is written with the mask of the next round's start.
constexpr std::array<bool, 25> start_mask = [] {
    std::array<bool, 25> m{};
    for (std::size_t i : {1, 2, 8, 12, 17, 20}) m[i] = true;
    return m;
}();

struct complement_plan {
    std::array<bool, 25> chi_in{};  // mask of chi's inputs (after theta, rho, pi)
};

constexpr complement_plan make_plan() {
    std::array<bool, 5> parity{};
    for (std::size_t i = 0; i < 25; ++i) parity[i % 5] ^= start_mask[i];
    std::array<bool, 25> after_theta{};
    for (std::size_t i = 0; i < 25; ++i) {
        const std::size_t x = i % 5;
        after_theta[i] = start_mask[i] ^ parity[(x + 4) % 5] ^ parity[(x + 1) % 5];
    }
    complement_plan p;
    for (std::size_t i = 0; i < 25; ++i) p.chi_in[k.pi_to[i]] = after_theta[i];
    return p;
}
constexpr complement_plan plan = make_plan();


// One output lane of chi, out = b0 ^ (~b1 & b2), from the stored values
// s_i = b_i ^ (f_i ? ~0 : 0), written as out ^ (g ? ~0 : 0).
template <bool F0, bool F1, bool F2, bool G>
inline std::uint64_t chi_lane(std::uint64_t s0, std::uint64_t s1, std::uint64_t s2) noexcept {
    constexpr bool k0 = F0 ^ G;  // constant left on the output so far
    if constexpr (F1 && !F2) {
        // ~b1 & b2 = s1 & s2
        if constexpr (k0) return ~s0 ^ (s1 & s2);
        else return s0 ^ (s1 & s2);
    } else if constexpr (!F1 && F2) {
        // ~b1 & b2 = ~s1 & ~s2 = ~(s1 | s2)
        if constexpr (k0) return s0 ^ (s1 | s2);
        else return ~s0 ^ (s1 | s2);
    } else if constexpr (!F1 && !F2) {
        // ~b1 & b2 = ~s1 & s2 = ~(s1 | ~s2)
        if constexpr (k0) return s0 ^ (s1 | ~s2);
        else return s0 ^ (~s1 & s2);
    } else {
        // ~b1 & b2 = s1 & ~s2 = ~(~s1 | s2)
        if constexpr (k0) return s0 ^ (~s1 | s2);
        else return s0 ^ (s1 & ~s2);
    }
}

__attribute__((always_inline)) inline void round_portable(std::uint64_t (&a)[25], std::uint64_t rc) noexcept {
    std::uint64_t c[5], d[5], b[25];
    unroll<5>([&](auto x) { c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20]; });
    unroll<5>([&](auto x) { d[x] = c[(x + 4) % 5] ^ std::rotl(c[(x + 1) % 5], 1); });
    unroll<25>([&](auto i) {
        constexpr std::size_t n = decltype(i)::value;
        b[k.pi_to[n]] = std::rotl(a[n] ^ d[n % 5], static_cast<int>(k.rho[n]));
    });
    unroll<25>([&](auto i) {
        constexpr std::size_t n = decltype(i)::value;
        constexpr std::size_t y5 = n - n % 5, n1 = y5 + (n % 5 + 1) % 5, n2 = y5 + (n % 5 + 2) % 5;
        a[n] = chi_lane<plan.chi_in[n], plan.chi_in[n1], plan.chi_in[n2], start_mask[n]>(b[n], b[n1], b[n2]);
    });
    a[0] ^= rc;
}

inline void complement(std::uint64_t (&a)[25]) noexcept {
    unroll<25>([&](auto i) {
        if constexpr (start_mask[decltype(i)::value]) a[i] = ~a[i];
    });
}

__attribute__((always_inline)) inline void rounds_portable(std::uint64_t (&a)[25]) noexcept {
    for (std::size_t r = 0; r < rounds; r += 2) {
        round_portable(a, k.rc[r]);
        round_portable(a, k.rc[r + 1]);
    }
}

inline std::uint64_t load_le64(const std::uint8_t* p) noexcept {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
    return v;
}

void permute_portable(std::uint64_t* state) noexcept {
    std::uint64_t a[25];
    std::memcpy(a, state, sizeof a);
    complement(a);
    rounds_portable(a);
    complement(a);
    std::memcpy(state, a, sizeof a);
}

void absorb_portable(std::uint64_t* state, const std::uint8_t* in, std::size_t blocks) noexcept {
    std::uint64_t a[25];
    std::memcpy(a, state, sizeof a);
    complement(a);  // XOR is linear: the message goes into complemented lanes as is
    for (; blocks > 0; --blocks, in += 8 * rate_lanes) {
        unroll<rate_lanes>([&](auto i) { a[i] ^= load_le64(in + 8 * i); });
        rounds_portable(a);
    }
    complement(a);
    std::memcpy(state, a, sizeof a);
}

#if defined(__x86_64__)
bool cpu_has_avx512() noexcept {
    static const bool has = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl");
    return has;
}
#else
bool cpu_has_avx512() noexcept { return false; }
#endif

}  // namespace
}  // namespace keccak_detail

namespace keccak_detail {

struct ops {
    keccak_impl impl;
    void (*permute)(std::uint64_t*) noexcept;
    void (*absorb)(std::uint64_t*, const std::uint8_t*, std::size_t) noexcept;
};

namespace {
constexpr ops portable_ops{keccak_impl::portable, permute_portable, absorb_portable};
#if defined(__x86_64__)
constexpr ops avx512_ops{keccak_impl::avx512, permute_avx512, absorb_avx512};
constexpr ops avx512_rows_ops{keccak_impl::avx512_rows, permute_avx512_rows, absorb_avx512_rows};
#endif

const ops* ops_for(keccak_impl impl) noexcept {
#if defined(__x86_64__)
    if (impl == keccak_impl::avx512 && cpu_has_avx512()) return &avx512_ops;
    if (impl == keccak_impl::avx512_rows && cpu_has_avx512()) return &avx512_rows_ops;
#endif
    (void)impl;
    return &portable_ops;
}
}  // namespace
}  // namespace keccak_detail

std::string_view to_string(keccak_impl i) noexcept {
    switch (i) {
        case keccak_impl::avx512: return "avx512";
        case keccak_impl::avx512_rows: return "avx512_rows";
        default: return "portable";
    }
}

bool keccak_avx512_supported() noexcept { return keccak_detail::cpu_has_avx512(); }

keccak_impl keccak_default_impl() noexcept {
#if defined(POLYWIRE_KECCAK_PORTABLE)
    return keccak_impl::portable;
#else
    return keccak_detail::cpu_has_avx512() ? keccak_impl::avx512 : keccak_impl::portable;
#endif
}

void keccak_f1600(keccak_state& a, keccak_impl impl) noexcept { keccak_detail::ops_for(impl)->permute(a.data()); }

keccak256_sponge::keccak256_sponge(keccak_impl impl) noexcept : ops_(keccak_detail::ops_for(impl)) {}

keccak_impl keccak256_sponge::impl() const noexcept { return ops_->impl; }

namespace {
// Byte i of the sponge's state (lanes little-endian), on any host.
inline void xor_byte(keccak_state& s, std::size_t i, std::uint8_t v) noexcept {
    s[i / 8] ^= std::uint64_t{v} << (8 * (i % 8));
}
// n bytes into the state from byte `at` on (at + n <= rate).
inline void xor_bytes(keccak_state& s, std::size_t at, const std::uint8_t* p, std::size_t n) noexcept {
    if constexpr (std::endian::native == std::endian::little) {
        auto* b = reinterpret_cast<unsigned char*>(s.data()) + at;  // the lanes' bytes, in order
        for (std::size_t i = 0; i < n; ++i) b[i] ^= p[i];
    } else {
        for (std::size_t i = 0; i < n; ++i) xor_byte(s, at + i, p[i]);
    }
}
}  // namespace

void keccak256_sponge::update(byte_view data) noexcept {
    const std::uint8_t* p = data.data();
    std::size_t n = data.size();
    if (pos_ > 0) {
        const std::size_t take = std::min(n, rate - pos_);
        xor_bytes(s_, pos_, p, take);
        pos_ += take;
        p += take;
        n -= take;
        if (pos_ < rate) return;
        ops_->permute(s_.data());
        pos_ = 0;
    }
    if (n >= rate) {
        const std::size_t blocks = n / rate;
        ops_->absorb(s_.data(), p, blocks);
        p += blocks * rate;
        n -= blocks * rate;
    }
    xor_bytes(s_, 0, p, n);
    pos_ = n;
}

std::array<std::uint8_t, keccak256_sponge::digest_size> keccak256_sponge::digest() const noexcept {
    alignas(64) keccak_state t = s_;
    xor_byte(t, pos_, 0x01);
    xor_byte(t, rate - 1, 0x80);
    ops_->permute(t.data());
    std::array<std::uint8_t, digest_size> out;
    for (std::size_t i = 0; i < digest_size; ++i) out[i] = static_cast<std::uint8_t>(t[i / 8] >> (8 * (i % 8)));
    return out;
}

void keccak256_sponge::reset() noexcept {
    s_.fill(0);
    pos_ = 0;
}

std::array<std::uint8_t, keccak256_sponge::digest_size> keccak256_sponge::hash(byte_view data,
                                                                               keccak_impl impl) noexcept {
    keccak256_sponge k(impl);
    k.update(data);
    return k.digest();
}

}  // namespace polywire::crypto
