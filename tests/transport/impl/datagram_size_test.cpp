// detail::datagram_sizer: which sizes a round probes, when rounds come, the
// floor, growing at once and shrinking only after two missed rounds, and
// acknowledgements that name no probe outstanding ignored.
#include "transport/impl/datagram_size.hpp"

#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace polywire::transport::detail {
namespace {

using namespace std::chrono_literals;

constexpr std::size_t floor_frame = 1400, largest = 65479, overhead = 28;

struct harness {
    datagram_sizer<true> s;
    time_point now = time_point{} + 1h;
    std::vector<std::pair<std::uint32_t, std::size_t>> sent;  // (id, frame) of each probe

    explicit harness(const datagram_probing& o = {}) { s.start(o, floor_frame, largest, overhead, now); }
    void tick() {
        ASSERT_FALSE(s.tick(now, [&](std::uint32_t id, std::size_t f) {
            sent.emplace_back(id, f);
            return std::error_code{};
        }));
    }
    void at(duration d) {
        now += d;
        tick();
    }
    /// Acknowledges every probe sent so far of frame size `f`.
    void ack_all(std::size_t f) {
        for (auto [id, size] : sent)
            if (size == f) s.acknowledged(id, size);
    }
};

TEST(DatagramSizeTest, TheFirstRoundProbesEachSizeTwiceLargestFirstRightAfterTheKeys) {
    harness h;
    EXPECT_EQ(h.s.frame_limit(), floor_frame);
    ASSERT_TRUE(h.s.deadline());
    EXPECT_EQ(*h.s.deadline(), h.now);  // schedule[0] = 0
    h.tick();
    // Datagrams of 65,507, 32,768 and 8,972 bytes: frames 28 bytes smaller.
    const std::vector<std::size_t> frames = {65479, 65479, 32740, 32740, 8944, 8944};
    ASSERT_EQ(h.sent.size(), frames.size());
    for (std::size_t i = 0; i < frames.size(); ++i) {
        EXPECT_EQ(h.sent[i].second, frames[i]) << i;
        EXPECT_EQ(h.sent[i].first, i + 1) << i;  // ids: 1, 2, ...
    }
    EXPECT_EQ(h.s.stats().rounds, 1u);
    EXPECT_EQ(h.s.stats().probes_sent, 6u);
    EXPECT_EQ(h.s.frame_limit(), floor_frame);  // nothing acknowledged yet
}

TEST(DatagramSizeTest, TheLargestAcknowledgedSizeIsUsedAtOnce) {
    harness h;
    h.tick();
    h.ack_all(8944);
    EXPECT_EQ(h.s.frame_limit(), 8944u);
    h.ack_all(32740);
    EXPECT_EQ(h.s.frame_limit(), 32740u);
    h.ack_all(8944);  // a smaller one later does not lower it
    EXPECT_EQ(h.s.frame_limit(), 32740u);
    EXPECT_EQ(h.s.stats().changes, 2u);
}

TEST(DatagramSizeTest, AcknowledgementsNamingNoProbeSentAreIgnored) {
    harness h;
    h.tick();
    EXPECT_FALSE(h.s.acknowledged(999, 65479));  // an id never sent
    EXPECT_FALSE(h.s.acknowledged(1, 65478));    // a probe's id with another size
    EXPECT_FALSE(h.s.acknowledged(5, 65479));    // id 5 probed 8,944, not 65,479
    EXPECT_EQ(h.s.frame_limit(), floor_frame);
    EXPECT_EQ(h.s.stats().acks_ignored, 3u);
    EXPECT_TRUE(h.s.acknowledged(5, 8944));
    EXPECT_EQ(h.s.frame_limit(), 8944u);
}

TEST(DatagramSizeTest, RoundsFollowTheScheduleAndTheLastWaitRepeats) {
    datagram_probing o;
    o.sizes = {9000};
    o.copies = 1;
    o.schedule = {5s, 10s, 20s};
    o.round_wait = 1s;
    harness h(o);
    EXPECT_EQ(*h.s.deadline(), h.now + 5s);
    h.at(4s);
    EXPECT_TRUE(h.sent.empty());
    std::vector<time_point> rounds;
    const time_point t0 = h.now - 4s;
    for (int i = 0; i < 200; ++i) {
        const std::size_t before = h.sent.size();
        h.at(1s);
        if (h.sent.size() != before) {
            rounds.push_back(h.now);
            h.ack_all(9000 - overhead);  // every round confirmed
        }
    }
    // 5 s; round ends 1 s later, then 10 s; then 20 s, and 20 s again.
    ASSERT_GE(rounds.size(), 4u);
    EXPECT_EQ(rounds[0], t0 + 5s);
    EXPECT_EQ(rounds[1], t0 + 16s);
    EXPECT_EQ(rounds[2], t0 + 37s);
    EXPECT_EQ(rounds[3], t0 + 58s);
    EXPECT_EQ(h.s.frame_limit(), 9000u - overhead);
}

TEST(DatagramSizeTest, OneMissedRoundIsRepeatedAtOnceTwoLowerTheSizeToTheFloor) {
    datagram_probing o;
    o.sizes = {9000};
    o.schedule = {0s, 60s};
    harness h(o);
    h.tick();
    h.ack_all(8972);
    EXPECT_EQ(h.s.frame_limit(), 8972u);
    h.at(1s);  // round 1 ends (confirmed)
    h.at(60s);  // round 2: nothing comes back
    h.sent.clear();
    h.at(1s);  // round 2 ends: a miss, round 3 at once
    EXPECT_EQ(h.s.frame_limit(), 8972u);
    EXPECT_EQ(h.sent.size(), 2u);
    h.sent.clear();
    h.at(1s);  // round 3 ends: a second miss
    EXPECT_EQ(h.s.frame_limit(), floor_frame);
    EXPECT_EQ(h.s.stats().rounds, 3u);
    // Never below the floor, whatever comes.
    for (int i = 0; i < 10; ++i) h.at(60s);
    EXPECT_EQ(h.s.frame_limit(), floor_frame);
}

TEST(DatagramSizeTest, AMissFollowedByAnAnswerKeepsTheSize) {
    datagram_probing o;
    o.sizes = {9000};
    o.schedule = {0s, 60s};
    harness h(o);
    h.tick();
    h.ack_all(8972);
    h.at(1s);
    h.at(60s);
    h.at(1s);  // a miss: round 3 at once
    h.ack_all(8972);  // this one answered
    h.at(1s);
    EXPECT_EQ(h.s.frame_limit(), 8972u);
}

TEST(DatagramSizeTest, SizesAtOrBelowTheFloorOrBeyondTheLayoutAreNotProbedAndOffProbesNothing) {
    datagram_probing o;
    o.sizes = {100, 1428, 70000, 2000};
    o.copies = 1;
    harness h(o);
    h.tick();
    ASSERT_EQ(h.sent.size(), 1u);
    EXPECT_EQ(h.sent[0].second, 2000u - overhead);

    o.enabled = false;
    harness off(o);
    EXPECT_FALSE(off.s.deadline());
    off.at(1h);
    EXPECT_TRUE(off.sent.empty());
    EXPECT_EQ(off.s.frame_limit(), floor_frame);
}

}  // namespace
}  // namespace polywire::transport::detail
