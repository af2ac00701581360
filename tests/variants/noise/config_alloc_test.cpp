// A steady-state Noise transport message costs no heap allocation, on
// either side, with either cipher (ChaChaPoly on libsodium, AESGCM on
// OpenSSL), and BOLT 8's (noise-xk) neither, across its key rotations. Allocations are counted at the C level (malloc, calloc, realloc,
// aligned allocations: OpenSSL and Botan bypass operator new), which this
// binary interposes — except under AddressSanitizer, which owns malloc.
#include "variants/noise/config.hpp"

#include <initializer_list>
#include <optional>
#include <vector>

#include <atomic>
#include <cerrno>
#include <cstdlib>

#include <gtest/gtest.h>

#include "crypto/random.hpp"
#include "variants/noise_xk/config.hpp"

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

namespace polywire::noise {
namespace {
using policies::handshake_role;

// 0 B, the sizes of the benchmarks, and the largest payload.
constexpr std::initializer_list<std::size_t> all_sizes = {64, 0, 1024, 16384, 65519};
constexpr auto no_remote_static = [](const auto&) { return std::nullopt; };

/// `rounds` rounds of every message size both ways, after a handshake and
/// three rounds of warm-up, allocate nothing. `remote_static(kr)`: the
/// responder's public key for the initiator (XK), or nothing (XX).
template <class Session, class RemoteStatic>
void expect_steady_state_messages_do_not_allocate(std::initializer_list<std::size_t> sizes, int rounds,
                                                  RemoteStatic remote_static) {
    const auto now = transport::time_point{};
    typename Session::options io{}, ro{};
    typename Session::key_agreement::private_key ki, kr;
    ASSERT_FALSE(crypto::random_bytes(ki.mutable_view()));
    ASSERT_FALSE(crypto::random_bytes(kr.mutable_view()));
    io.handshake.static_key = ki;
    ro.handshake.static_key = kr;
    io.handshake.remote_static = remote_static(kr);
    Session a(handshake_role::initiator, io);
    Session b(handshake_role::recipient, ro);
    ASSERT_FALSE(a.start(now));
    ASSERT_FALSE(b.start(now));
    auto exchange = [&](Session& from, Session& to) {
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

    std::vector<bytes> messages;
    for (std::size_t n : sizes) messages.emplace_back(n, static_cast<std::uint8_t>(messages.size() + 1));
    auto round = [&] {
        std::size_t got = 0;
        for (const bytes& m : messages) {
            EXPECT_FALSE(a.send(0, m, now));
            EXPECT_FALSE(b.send(0, m, now));
            got += exchange(a, b) + exchange(b, a);
        }
        return got;
    };
    for (int i = 0; i < 3; ++i) round();  // buffers reach their sizes
    allocations = 0;
    counting = true;
    std::size_t got = 0;
    for (int i = 0; i < rounds; ++i) got += round();
    counting = false;
    EXPECT_EQ(got, static_cast<std::size_t>(rounds) * 2 * messages.size());
    EXPECT_EQ(allocations.load(), 0u);
}

TEST(NoiseConfigAllocTest, SteadyStateMessagesDoNotAllocateChaChaPoly) {
    if (!POLYWIRE_OWNS_MALLOC) GTEST_SKIP() << "AddressSanitizer owns malloc";
    expect_steady_state_messages_do_not_allocate<session<pattern::XX, suite<dh25519, chachapoly, sha256>>>(
        all_sizes, 50, no_remote_static);
}

TEST(NoiseConfigAllocTest, SteadyStateMessagesDoNotAllocateAesGcm) {
    if (!POLYWIRE_OWNS_MALLOC) GTEST_SKIP() << "AddressSanitizer owns malloc";
    expect_steady_state_messages_do_not_allocate<session<pattern::XX, suite<dh25519, aesgcm, sha256>>>(
        all_sizes, 50, no_remote_static);
}

TEST(NoiseConfigAllocTest, BoltEightsKeyRotationDoesNotAllocate) {
    if (!POLYWIRE_OWNS_MALLOC) GTEST_SKIP() << "AddressSanitizer owns malloc";
    // 600 rounds of 4 messages each way: 2,400 a direction, past two key
    // rotations (every 1,000 nonces; the handshake used none of them).
    static_assert(variants::noise_xk::rekey_interval == 1000);
    expect_steady_state_messages_do_not_allocate<variants::noise_xk::session>(
        {0, 64, 1024, 16384}, 600, [](const auto& k) {
            return std::optional(variants::noise_xk::secp256k1_dh::public_key_of(k).value());
        });
}

TEST(NoiseConfigAllocTest, TheCounterCounts) {
    if (!POLYWIRE_OWNS_MALLOC) GTEST_SKIP() << "AddressSanitizer owns malloc";
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
}  // namespace polywire::noise
