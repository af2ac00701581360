// Live heap bytes of the test process: heap.cpp replaces the global
// operator new and delete of the test binary and counts what is allocated
// and not yet freed, so a test can state how much memory a session holds
// (and that it gives all of it back).
#pragma once

#include <cstddef>

namespace polywire::hostile {

/// Bytes allocated with operator new and not yet deleted, process-wide.
std::size_t live_heap_bytes() noexcept;

/// Heap growth since construction (may be negative if memory allocated
/// before was freed meanwhile).
class heap_meter {
public:
    heap_meter() noexcept : start_(live_heap_bytes()) {}
    std::ptrdiff_t growth() const noexcept {
        return static_cast<std::ptrdiff_t>(live_heap_bytes()) - static_cast<std::ptrdiff_t>(start_);
    }

private:
    std::size_t start_;
};

}  // namespace polywire::hostile
