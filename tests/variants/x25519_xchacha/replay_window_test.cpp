// replay_window: duplicates and too-old ids refused, reordering within the
// window accepted exactly once, and no state forgotten on large jumps (the
// flaws of secureio's PacketIDStorage).
#include "variants/x25519_xchacha/replay_window.hpp"

#include <algorithm>
#include <numeric>
#include <random>
#include <set>

#include <gtest/gtest.h>

#include "transport/error.hpp"

namespace polywire::variants::x25519_xchacha {
namespace {

template <std::size_t Bits>
bool accept(replay_window<Bits>& w, std::uint64_t id) {
    if (w.check(id)) return false;
    w.mark(id);
    return true;
}

TEST(ReplayWindowTest, AcceptsIdZeroAndRefusesDuplicates) {
    replay_window<256> w;
    EXPECT_TRUE(w.empty());
    EXPECT_TRUE(accept(w, 0));  // secureio refuses packet id 0
    EXPECT_EQ(w.check(0), errc::packet_replayed);
    EXPECT_EQ(w.check(0), transport::condition::authentication_failed);
    EXPECT_TRUE(accept(w, 1));
    EXPECT_TRUE(accept(w, 5));
    EXPECT_TRUE(accept(w, 3));
    EXPECT_FALSE(accept(w, 3));
    EXPECT_FALSE(accept(w, 5));
    EXPECT_TRUE(accept(w, 4));
    EXPECT_TRUE(accept(w, 2));
    EXPECT_EQ(w.highest(), 5u);
}

TEST(ReplayWindowTest, RefusesIdsBelowTheWindow) {
    replay_window<256> w;
    ASSERT_TRUE(accept(w, 1000));
    EXPECT_EQ(w.check(1000 - 256), errc::packet_too_old);
    EXPECT_EQ(w.check(0), errc::packet_too_old);
    EXPECT_TRUE(accept(w, 1000 - 255));  // the oldest id still inside
    EXPECT_FALSE(accept(w, 1000 - 255));
}

TEST(ReplayWindowTest, KeepsItsStateAcrossJumpsOf64AndMore) {
    // secureio's window shifts each 64-bit word on its own and clears it on
    // a jump >= 64, so ids seen before the jump were accepted again.
    for (std::uint64_t jump : {63u, 64u, 65u, 128u, 200u, 255u}) {
        replay_window<256> w;
        for (std::uint64_t id = 0; id <= 10; ++id) ASSERT_TRUE(accept(w, id));
        ASSERT_TRUE(accept(w, 10 + jump));
        for (std::uint64_t id = 0; id <= 10; ++id) {
            if (10 + jump - id >= 256) {
                EXPECT_EQ(w.check(id), errc::packet_too_old) << jump << " " << id;
            } else {
                EXPECT_EQ(w.check(id), errc::packet_replayed) << jump << " " << id;
            }
        }
        for (std::uint64_t id = 11; id < 10 + jump; ++id) {
            if (10 + jump - id < 256) {
                EXPECT_TRUE(accept(w, id)) << jump << " " << id;
            }
        }
    }
    replay_window<256> w;
    ASSERT_TRUE(accept(w, 5));
    ASSERT_TRUE(accept(w, 5 + 10000));  // a jump past the whole window
    EXPECT_EQ(w.check(5), errc::packet_too_old);
    EXPECT_TRUE(accept(w, 5 + 10000 - 1));
}

TEST(ReplayWindowTest, AnyOrderWithinTheWindowIsAcceptedExactlyOnce) {
    std::mt19937_64 rng(7);
    for (int round = 0; round < 20; ++round) {
        replay_window<256> w;
        std::vector<std::uint64_t> ids(2000);
        std::iota(ids.begin(), ids.end(), 0);
        // Shuffle within blocks of 200 (less than the window).
        for (std::size_t b = 0; b < ids.size(); b += 200)
            std::shuffle(ids.begin() + static_cast<std::ptrdiff_t>(b),
                         ids.begin() + static_cast<std::ptrdiff_t>(std::min(b + 200, ids.size())), rng);
        std::set<std::uint64_t> accepted;
        for (std::uint64_t id : ids) {
            if (accept(w, id)) accepted.insert(id);
            // Every duplicate is refused, whenever it comes.
            EXPECT_FALSE(accept(w, id));
        }
        EXPECT_EQ(accepted.size(), ids.size());
    }
}

TEST(ReplayWindowTest, ZeroBitsMeansStrictlyIncreasing) {
    replay_window<0> w;
    EXPECT_TRUE(accept(w, 0));
    EXPECT_TRUE(accept(w, 1));
    EXPECT_TRUE(accept(w, 7));
    EXPECT_EQ(w.check(7), errc::packet_replayed);
    EXPECT_EQ(w.check(6), errc::packet_replayed);
    EXPECT_TRUE(accept(w, 8));
}

}  // namespace
}  // namespace polywire::variants::x25519_xchacha
