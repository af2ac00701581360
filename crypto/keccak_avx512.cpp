// Keccak-f[1600] on AVX-512F: the 25 lanes in five zmm registers (lanes 0-4
// of each; 5-7 carry nothing). A round runs in two layouts:
//   rows     register y holds A[0..4, y]: theta's column parities are the
//            XOR of the five registers (two vpternlogq), D needs the parity
//            vector rotated by one lane each way (two vpermq), and D and the
//            lanes meet in one vpternlogq per register; rho is one vprolvq
//            per register with that row's five offsets;
//   columns  pi sends every lane of row y to column y, so one vpermq per
//            register turns row y into column y (lane Y = 2x + 3y mod 5);
//            chi, A[x] ^ (~A[x+1] & A[x+2]), then takes three whole
//            registers: one vpternlogq each, no shuffle; iota XORs lane 0
//            of column 0.
// A 5x5 transpose (two vpermt2q, a blend and a masked vpermq per row) brings
// the columns back to rows for the next round. Called only on CPUs with
// AVX-512F and AVX-512VL (keccak.cpp checks CPUID).
#include <cstddef>
#include <cstdint>
#include <utility>

#include "crypto/keccak_tables.hpp"

#if defined(__x86_64__)
// g++ 12 at -O2 and above warns inside its own AVX-512 intrinsics
// (_mm512_undefined_epi32's self-initialisation; GCC bug 105593).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>

#define POLYWIRE_AVX512 __attribute__((target("avx512f,avx512vl")))
#define POLYWIRE_INLINE inline __attribute__((always_inline))
#if defined(__clang__)
#define POLYWIRE_AVX512_LAMBDA __attribute__((target("avx512f,avx512vl"), always_inline))
#else
// g++ gives a lambda no target of its own: the pragma covers the lambdas.
#define POLYWIRE_AVX512_LAMBDA __attribute__((always_inline))
#pragma GCC target("avx512f,avx512vl")
#endif

namespace polywire::crypto::keccak_detail {
namespace {

struct lane_tables {
    alignas(64) std::int64_t rho[5][8]{};      // rows: offset of A[x, y] in lane x of register y
    alignas(64) std::int64_t to_column[5][8]{};  // register y: lane Y takes lane (3Y + y) mod 5
    alignas(64) std::int64_t t01[5][8]{};      // row y: lane 0 <- column 0 lane y, lane 1 <- column 1 lane y
    alignas(64) std::int64_t t23[5][8]{};      // row y: lane 2 <- column 2 lane y, lane 3 <- column 3 lane y
    alignas(64) std::int64_t t4[5][8]{};       // row y: lane 4 <- column 4 lane y
    alignas(64) std::int64_t prev[8]{};        // lane x <- lane x - 1 (mod 5)
    alignas(64) std::int64_t next[8]{};        // lane x <- lane x + 1 (mod 5)
};

constexpr lane_tables make_lane_tables() {
    lane_tables t;
    for (int y = 0; y < 5; ++y) {
        for (int x = 0; x < 5; ++x) {
            t.rho[y][x] = k.rho[static_cast<std::size_t>(x + 5 * y)];
            t.to_column[y][x] = (3 * x + y) % 5;  // here x names the output lane Y
            t.t4[y][x] = y;
        }
        t.t01[y][0] = y;
        t.t01[y][1] = 8 + y;
        t.t23[y][2] = y;
        t.t23[y][3] = 8 + y;
    }
    for (int x = 0; x < 5; ++x) {
        t.prev[x] = (x + 4) % 5;
        t.next[x] = (x + 1) % 5;
    }
    return t;
}

alignas(64) constexpr lane_tables lt = make_lane_tables();

// Truth tables for vpternlogq(a, b, c): bit (a << 2 | b << 1 | c).
constexpr int xor3 = 0x96;     // a ^ b ^ c
constexpr int chi_imm = 0xD2;  // a ^ (~b & c)

struct state5 {
    __m512i r[5];
};

POLYWIRE_AVX512 POLYWIRE_INLINE __m512i ld(const std::int64_t* p) { return _mm512_load_si512(p); }

// Row y of the next round from the five columns.
POLYWIRE_AVX512 POLYWIRE_INLINE __m512i row(int y, __m512i e0, __m512i e1, __m512i e2, __m512i e3, __m512i e4) {
    const __m512i a = _mm512_permutex2var_epi64(e0, ld(lt.t01[y]), e1);
    const __m512i b = _mm512_permutex2var_epi64(e2, ld(lt.t23[y]), e3);
    return _mm512_mask_permutexvar_epi64(_mm512_mask_blend_epi64(0x0C, a, b), 0x10, ld(lt.t4[y]), e4);
}

POLYWIRE_AVX512 POLYWIRE_INLINE void permute_rows(state5& s) {
    const __m512i prev = ld(lt.prev), next = ld(lt.next);
    const __m512i rho0 = ld(lt.rho[0]), rho1 = ld(lt.rho[1]), rho2 = ld(lt.rho[2]), rho3 = ld(lt.rho[3]),
                  rho4 = ld(lt.rho[4]);
    __m512i r0 = s.r[0], r1 = s.r[1], r2 = s.r[2], r3 = s.r[3], r4 = s.r[4];
    for (std::size_t round = 0; round < keccak_detail::rounds; ++round) {
        // theta (rows)
        __m512i c = _mm512_ternarylogic_epi64(r0, r1, r2, xor3);
        c = _mm512_ternarylogic_epi64(c, r3, r4, xor3);
        const __m512i cm1 = _mm512_permutexvar_epi64(prev, c);
        const __m512i cp1 = _mm512_rol_epi64(_mm512_permutexvar_epi64(next, c), 1);
        r0 = _mm512_ternarylogic_epi64(r0, cm1, cp1, xor3);
        r1 = _mm512_ternarylogic_epi64(r1, cm1, cp1, xor3);
        r2 = _mm512_ternarylogic_epi64(r2, cm1, cp1, xor3);
        r3 = _mm512_ternarylogic_epi64(r3, cm1, cp1, xor3);
        r4 = _mm512_ternarylogic_epi64(r4, cm1, cp1, xor3);
        // rho (rows), then pi: row y becomes column y
        const __m512i c0 = _mm512_permutexvar_epi64(ld(lt.to_column[0]), _mm512_rolv_epi64(r0, rho0));
        const __m512i c1 = _mm512_permutexvar_epi64(ld(lt.to_column[1]), _mm512_rolv_epi64(r1, rho1));
        const __m512i c2 = _mm512_permutexvar_epi64(ld(lt.to_column[2]), _mm512_rolv_epi64(r2, rho2));
        const __m512i c3 = _mm512_permutexvar_epi64(ld(lt.to_column[3]), _mm512_rolv_epi64(r3, rho3));
        const __m512i c4 = _mm512_permutexvar_epi64(ld(lt.to_column[4]), _mm512_rolv_epi64(r4, rho4));
        // chi (columns), iota
        __m512i e0 = _mm512_ternarylogic_epi64(c0, c1, c2, chi_imm);
        const __m512i e1 = _mm512_ternarylogic_epi64(c1, c2, c3, chi_imm);
        const __m512i e2 = _mm512_ternarylogic_epi64(c2, c3, c4, chi_imm);
        const __m512i e3 = _mm512_ternarylogic_epi64(c3, c4, c0, chi_imm);
        const __m512i e4 = _mm512_ternarylogic_epi64(c4, c0, c1, chi_imm);
        e0 = _mm512_mask_xor_epi64(e0, 1, e0, _mm512_set1_epi64(static_cast<long long>(k.rc[round])));
        // columns back to rows
        r0 = row(0, e0, e1, e2, e3, e4);
        r1 = row(1, e0, e1, e2, e3, e4);
        r2 = row(2, e0, e1, e2, e3, e4);
        r3 = row(3, e0, e1, e2, e3, e4);
        r4 = row(4, e0, e1, e2, e3, e4);
    }
    s.r[0] = r0;
    s.r[1] = r1;
    s.r[2] = r2;
    s.r[3] = r3;
    s.r[4] = r4;
}

POLYWIRE_AVX512 POLYWIRE_INLINE state5 load(const std::uint64_t* a) {
    state5 s;
    for (int y = 0; y < 5; ++y) s.r[y] = _mm512_maskz_loadu_epi64(0x1F, a + 5 * y);
    return s;
}

POLYWIRE_AVX512 POLYWIRE_INLINE void store(std::uint64_t* a, const state5& s) {
    for (int y = 0; y < 5; ++y) _mm512_mask_storeu_epi64(a + 5 * y, 0x1F, s.r[y]);
}


// ---- one lane per register ------------------------------------------------
// Each lane in the low quadword of its own xmm register (AVX-512VL: 32 of
// them, so the 25 lanes and theta's parities stay in registers): pi is a
// renaming at compile time, rho one vprolq by an immediate per lane, theta
// two vpternlogq per column parity and one per lane, chi one vpternlogq per
// lane. No shuffles at all.
template <std::size_t... I, class F>
POLYWIRE_AVX512 POLYWIRE_INLINE void unroll_impl(std::index_sequence<I...>, F&& f) {
    (f(std::integral_constant<std::size_t, I>{}), ...);
}
template <std::size_t N, class F>
POLYWIRE_AVX512 POLYWIRE_INLINE void unroll(F&& f) {
    unroll_impl(std::make_index_sequence<N>{}, f);
}

template <unsigned R>
POLYWIRE_AVX512 POLYWIRE_INLINE __m128i rol(__m128i v) {
    if constexpr (R == 0) return v;
    else return _mm_rol_epi64(v, R);
}

POLYWIRE_AVX512 POLYWIRE_INLINE void lanes_round(__m128i (&a)[25], std::uint64_t rc) {
    __m128i c[5], b[25];
    unroll<5>([&](auto x) POLYWIRE_AVX512_LAMBDA {
        c[x] = _mm_ternarylogic_epi64(_mm_ternarylogic_epi64(a[x], a[x + 5], a[x + 10], xor3), a[x + 15], a[x + 20],
                                      xor3);
    });
    unroll<5>([&](auto x) POLYWIRE_AVX512_LAMBDA {
        const __m128i cm1 = c[(x + 4) % 5], cp1 = rol<1>(c[(x + 1) % 5]);
        unroll<5>([&](auto y) POLYWIRE_AVX512_LAMBDA {
            a[x + 5 * y] = _mm_ternarylogic_epi64(a[x + 5 * y], cm1, cp1, xor3);
        });
    });
    unroll<25>([&](auto i) POLYWIRE_AVX512_LAMBDA {
        constexpr std::size_t n = decltype(i)::value;
        b[k.pi_to[n]] = rol<k.rho[n]>(a[n]);
    });
    unroll<25>([&](auto i) POLYWIRE_AVX512_LAMBDA {
        constexpr std::size_t n = decltype(i)::value;
        constexpr std::size_t y5 = n - n % 5, n1 = y5 + (n % 5 + 1) % 5, n2 = y5 + (n % 5 + 2) % 5;
        a[n] = _mm_ternarylogic_epi64(b[n], b[n1], b[n2], chi_imm);
    });
    a[0] = _mm_xor_si128(a[0], _mm_cvtsi64_si128(static_cast<long long>(rc)));
}

// A loop over the rounds, one round a pass. pi's renaming has a cycle of 24
// lanes, so each pass ends with register moves putting every lane back
// (about 30 a round), which this CPU's renamer absorbs: the loop is as fast
// as all 24 rounds unrolled when timed alone, and faster in use, because
// the unrolled form was about 18 KiB of code in each of permute_avx512 and
// absorb_avx512, more than the instruction cache holds beside a session's
// other code (the RLPx MAC chain alternates between the two several times
// a frame; 2026-12-06: 1 KiB frames 13% faster, 64 B 8-10%; the loop is
// about 1.2 KiB).
POLYWIRE_AVX512 POLYWIRE_INLINE void lanes_rounds(__m128i (&a)[25]) {
    for (std::size_t r = 0; r < keccak_detail::rounds; ++r) lanes_round(a, k.rc[r]);
}

POLYWIRE_AVX512 POLYWIRE_INLINE void lanes_load(__m128i (&a)[25], const std::uint64_t* s) {
    unroll<25>([&](auto i) POLYWIRE_AVX512_LAMBDA { a[i] = _mm_cvtsi64_si128(static_cast<long long>(s[i])); });
}
POLYWIRE_AVX512 POLYWIRE_INLINE void lanes_store(std::uint64_t* s, const __m128i (&a)[25]) {
    unroll<25>([&](auto i) POLYWIRE_AVX512_LAMBDA { s[i] = static_cast<std::uint64_t>(_mm_cvtsi128_si64(a[i])); });
}

}  // namespace

POLYWIRE_AVX512 void permute_avx512_rows(std::uint64_t* a) noexcept {
    state5 s = load(a);
    permute_rows(s);
    store(a, s);
}

POLYWIRE_AVX512 void absorb_avx512_rows(std::uint64_t* a, const std::uint8_t* in, std::size_t blocks) noexcept {
    static_assert(rate_lanes == 17, "rows 0-2 whole, two lanes of row 3");
    state5 s = load(a);
    for (; blocks > 0; --blocks, in += 8 * rate_lanes) {
        s.r[0] = _mm512_xor_si512(s.r[0], _mm512_maskz_loadu_epi64(0x1F, in));
        s.r[1] = _mm512_xor_si512(s.r[1], _mm512_maskz_loadu_epi64(0x1F, in + 40));
        s.r[2] = _mm512_xor_si512(s.r[2], _mm512_maskz_loadu_epi64(0x1F, in + 80));
        s.r[3] = _mm512_xor_si512(s.r[3], _mm512_maskz_loadu_epi64(0x03, in + 120));
        permute_rows(s);
    }
    store(a, s);
}

POLYWIRE_AVX512 void permute_avx512(std::uint64_t* s) noexcept {
    __m128i a[25];
    lanes_load(a, s);
    lanes_rounds(a);
    lanes_store(s, a);
}

POLYWIRE_AVX512 void absorb_avx512(std::uint64_t* s, const std::uint8_t* in, std::size_t blocks) noexcept {
    __m128i a[25];
    lanes_load(a, s);
    for (; blocks > 0; --blocks, in += 8 * rate_lanes) {
        unroll<rate_lanes>([&](auto i) POLYWIRE_AVX512_LAMBDA {
            a[i] = _mm_xor_si128(a[i], _mm_loadl_epi64(reinterpret_cast<const __m128i*>(in + 8 * i)));
        });
        lanes_rounds(a);
    }
    lanes_store(s, a);
}

}  // namespace polywire::crypto::keccak_detail

#endif  // __x86_64__
