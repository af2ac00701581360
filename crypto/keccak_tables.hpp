// Keccak-f[1600]'s constants, computed at compile time from their
// definitions (FIPS 202 §3.2: rho's offsets by the (x, y) -> (y, 2x + 3y)
// walk, pi's lane map, iota's round constants from the rc(t) LFSR), so no
// table is typed in. Internal to keccak.cpp and keccak_avx512.cpp.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace polywire::crypto::keccak_detail {

constexpr std::size_t rounds = 24;
constexpr std::size_t rate_lanes = 17;  // 136 bytes: Keccak-256's rate

/// rc(t) of FIPS 202 Algorithm 5: the LFSR x^8 + x^6 + x^5 + x^4 + 1.
constexpr bool rc_bit(std::size_t t) {
    t %= 255;
    unsigned r = 1;  // R[0] = 1, bits 1..7 zero
    for (std::size_t i = 0; i < t; ++i) {
        r <<= 1;  // R = 0 || R, R[8] is bit 8 now
        if (r & 0x100) r ^= 0x171;  // R[0], R[4], R[5], R[6] ^= R[8]; truncate
    }
    return (r & 1) != 0;
}

struct tables {
    std::array<std::uint64_t, rounds> rc{};
    std::array<unsigned, 25> rho{};     // rotation of lane x + 5y
    std::array<std::size_t, 25> pi_to{};  // lane x + 5y moves to y + 5((2x + 3y) mod 5)
};

constexpr tables make_tables() {
    tables t;
    for (std::size_t ir = 0; ir < rounds; ++ir) {
        std::uint64_t rc = 0;
        for (std::size_t j = 0; j <= 6; ++j)
            if (rc_bit(j + 7 * ir)) rc |= std::uint64_t{1} << ((std::size_t{1} << j) - 1);
        t.rc[ir] = rc;
    }
    std::size_t x = 1, y = 0;
    t.rho[0] = 0;
    for (std::size_t s = 0; s < 24; ++s) {
        t.rho[x + 5 * y] = static_cast<unsigned>(((s + 1) * (s + 2) / 2) % 64);
        const std::size_t nx = y, ny = (2 * x + 3 * y) % 5;
        x = nx;
        y = ny;
    }
    for (std::size_t i = 0; i < 25; ++i) t.pi_to[i] = (i / 5) + 5 * ((2 * (i % 5) + 3 * (i / 5)) % 5);
    return t;
}

inline constexpr tables k = make_tables();

// Spot checks against the published constants (FIPS 202 Table 2; the
// Keccak reference's round constants): the definitions above are used.
static_assert(k.rc[0] == 0x0000000000000001ULL && k.rc[1] == 0x0000000000008082ULL);
static_assert(k.rc[23] == 0x8000000080008008ULL);
static_assert(k.rho[1] == 1 && k.rho[2] == 62 && k.rho[5] == 36 && k.rho[24] == 14);

}  // namespace polywire::crypto::keccak_detail
