// Counts heap allocations at the C level: the benchmark binary interposes
// malloc/calloc/realloc/free (Botan's secure_vector and many libraries
// bypass operator new, so counting operator new would miss them).
#pragma once

#include <cstddef>
#include <cstdint>

namespace polywire::bench {

struct alloc_stats {
    std::uint64_t allocations;  ///< malloc + calloc + realloc calls
    std::int64_t live_bytes;    ///< bytes allocated and not yet freed
};

/// This thread's counters (the interposer counts per thread).
alloc_stats current_alloc_stats() noexcept;

}  // namespace polywire::bench
