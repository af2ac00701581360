#include "tools/bench/alloc_counter.hpp"

#include <malloc.h>

extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void __libc_free(void*);
void* __libc_memalign(std::size_t, std::size_t);
}

namespace {
thread_local std::uint64_t allocations = 0;
thread_local std::int64_t live = 0;
}  // namespace

extern "C" {

void* malloc(std::size_t n) {
    void* p = __libc_malloc(n);
    if (p) {
        ++allocations;
        live += static_cast<std::int64_t>(malloc_usable_size(p));
    }
    return p;
}

void* calloc(std::size_t n, std::size_t m) {
    void* p = __libc_calloc(n, m);
    if (p) {
        ++allocations;
        live += static_cast<std::int64_t>(malloc_usable_size(p));
    }
    return p;
}

void* realloc(void* old, std::size_t n) {
    const std::int64_t before = old ? static_cast<std::int64_t>(malloc_usable_size(old)) : 0;
    void* p = __libc_realloc(old, n);
    if (p) {
        ++allocations;
        live += static_cast<std::int64_t>(malloc_usable_size(p)) - before;
    }
    return p;
}

void* memalign(std::size_t align, std::size_t n) {
    void* p = __libc_memalign(align, n);
    if (p) {
        ++allocations;
        live += static_cast<std::int64_t>(malloc_usable_size(p));
    }
    return p;
}

void* aligned_alloc(std::size_t align, std::size_t n) { return memalign(align, n); }

int posix_memalign(void** out, std::size_t align, std::size_t n) {
    void* p = memalign(align, n);
    if (!p) return 12;  // ENOMEM
    *out = p;
    return 0;
}

void free(void* p) {
    if (p) live -= static_cast<std::int64_t>(malloc_usable_size(p));
    __libc_free(p);
}

}  // extern "C"

namespace polywire::bench {
alloc_stats current_alloc_stats() noexcept { return {allocations, live}; }
}  // namespace polywire::bench
