// A steady-state sha256-per-side message costs no heap allocation, on
// either side. Allocations are counted at the C level (malloc, calloc,
// realloc, aligned allocations: Botan's buffers bypass operator new), which
// this binary interposes — except under AddressSanitizer, which owns malloc.
#include "variants/sha256_per_side/config.hpp"

#include <atomic>
#include <cerrno>
#include <cstdlib>

#include <gtest/gtest.h>

#include "tests/variants/sha256_per_side/fixture.hpp"

#if defined(__SANITIZE_ADDRESS__)
#define POLYWIRE_OWNS_MALLOC 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define POLYWIRE_OWNS_MALLOC 0
#endif
#endif
#ifndef POLYWIRE_OWNS_MALLOC
#define POLYWIRE_OWNS_MALLOC 1
#endif

namespace {
std::atomic<bool> counting{false};
std::atomic<std::uint64_t> allocations{0};
[[maybe_unused]] void note() noexcept {
    if (counting.load(std::memory_order_relaxed)) allocations.fetch_add(1, std::memory_order_relaxed);
}
}  // namespace

#if POLYWIRE_OWNS_MALLOC
extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void* __libc_memalign(std::size_t, std::size_t);

void* malloc(std::size_t n) {
    note();
    return __libc_malloc(n);
}
void* calloc(std::size_t n, std::size_t m) {
    note();
    return __libc_calloc(n, m);
}
void* realloc(void* p, std::size_t n) {
    note();
    return __libc_realloc(p, n);
}
void* aligned_alloc(std::size_t align, std::size_t n) {
    note();
    return __libc_memalign(align, n);
}
int posix_memalign(void** out, std::size_t align, std::size_t n) {
    note();
    *out = __libc_memalign(align, n);
    return *out ? 0 : ENOMEM;
}
}
#endif

namespace polywire::variants::sha256_per_side {
namespace {
using namespace test;
using policies::handshake_role;

TEST(Sha256PerSideAllocTest, SteadyStateMessagesDoNotAllocate) {
    if (!POLYWIRE_OWNS_MALLOC) GTEST_SKIP() << "AddressSanitizer owns malloc";
    const auto now = transport::time_point{};
    session a(handshake_role::initiator, node_options('a'));
    session b(handshake_role::recipient, node_options('b'));
    ASSERT_FALSE(a.start(now));
    ASSERT_FALSE(b.start(now));
    auto exchange = [&](session& from, session& to) {
        const auto out = from.pending_output();
        const std::size_t n = out.size();
        EXPECT_FALSE(to.receive(out, now));
        from.consume_output(n);
        std::size_t messages = 0;
        while (auto e = to.next_event()) messages += e->kind == transport::event_kind::message;
        return messages;
    };
    for (int i = 0; i < 3; ++i) {
        exchange(a, b);
        exchange(b, a);
    }
    ASSERT_EQ(a.state(), transport::session_state::established);
    ASSERT_EQ(b.state(), transport::session_state::established);

    const bytes messages[] = {bytes(1000, 1), bytes(0), bytes(17, 2), bytes(4096, 3)};
    auto round = [&] {
        std::size_t got = 0;
        for (const bytes& m : messages) {
            EXPECT_FALSE(a.send(0, m, now));
            EXPECT_FALSE(b.send(0, m, now));
            got += exchange(a, b) + exchange(b, a);
        }
        return got;
    };
    for (int i = 0; i < 5; ++i) round();  // buffers reach their sizes
    allocations = 0;
    counting = true;
    std::size_t got = 0;
    for (int i = 0; i < 100; ++i) got += round();
    counting = false;
    EXPECT_EQ(got, 100u * 2 * std::size(messages));
    EXPECT_EQ(allocations.load(), 0u);

    // The counter itself works.
    allocations = 0;
    counting = true;
    bytes grown;
    grown.resize(4096);
    void* volatile p = std::malloc(24);
    std::free(p);
    counting = false;
    EXPECT_EQ(allocations.load(), 2u);
}

}  // namespace
}  // namespace polywire::variants::sha256_per_side
