// Keccak-f[1600] and Keccak-256 (Ethereum's: rate 136 bytes, padding
// 0x01 ... 0x80, not FIPS 202's SHA3-256).
//
// The one primitive polywire implements itself (docs/performance.md,
// "Keccak-256"): a fixed public permutation with no key, no secret-dependent
// branch and no table indexed by data, written from the Keccak reference
// (the Keccak team's "Keccak reference 3.0" and FIPS 202 §3) and checked
// against the Keccak known answers, Ethereum's hashes and Botan's
// Keccak-1600(256) (tests/crypto/keccak_test, tests/fuzz).
//
// Two implementations of the permutation, chosen at run time:
//   portable  64-bit lanes in general-purpose registers, lane complementing,
//             rounds unrolled (any 64-bit target);
//   avx512    the 25 lanes in five zmm registers, vpternlogq for theta and
//             chi, vprolvq for rho (x86-64 with AVX-512F, chosen by CPUID).
// Building with --define=polywire_keccak=portable makes the portable one the
// default everywhere; both stay callable by name for the tests.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "transport/bytes.hpp"

namespace polywire::crypto {

namespace keccak_detail {
struct ops;
}

enum class keccak_impl { portable, avx512, avx512_rows };

std::string_view to_string(keccak_impl i) noexcept;

/// Whether this CPU runs the AVX-512 permutation (always false off x86-64).
bool keccak_avx512_supported() noexcept;
/// The implementation keccak256_sponge uses unless told otherwise: AVX-512
/// where the CPU has it, unless the build forces the portable one.
keccak_impl keccak_default_impl() noexcept;

/// The 25 lanes, A[x, y] at index x + 5y, each lane's bytes little-endian
/// in the sponge's byte order.
using keccak_state = std::array<std::uint64_t, 25>;

/// Keccak-f[1600] (24 rounds) in place. `avx512` on a CPU without it falls
/// back to the portable implementation.
void keccak_f1600(keccak_state& a, keccak_impl impl = keccak_default_impl()) noexcept;

/// Keccak-256 as an incremental sponge. `digest` pads and permutes a copy
/// of the state, so the sponge keeps absorbing afterwards (what the RLPx MAC
/// chain needs). Never allocates; copyable.
class keccak256_sponge {
public:
    static constexpr std::size_t rate = 136;
    static constexpr std::size_t digest_size = 32;

    explicit keccak256_sponge(keccak_impl impl = keccak_default_impl()) noexcept;

    void update(byte_view data) noexcept;
    std::array<std::uint8_t, digest_size> digest() const noexcept;
    void reset() noexcept;
    keccak_impl impl() const noexcept;

    static std::array<std::uint8_t, digest_size> hash(byte_view data,
                                                      keccak_impl impl = keccak_default_impl()) noexcept;

private:
    // Natural alignment only: a session holding this may live where
    // over-alignment is not honoured (coroutine frames, result<> storage),
    // and every implementation loads the state unaligned.
    keccak_state s_{};
    std::size_t pos_ = 0;  // bytes absorbed into the current block
    const keccak_detail::ops* ops_;
};

}  // namespace polywire::crypto
