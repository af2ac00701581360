#include "transport/impl/input_buffer.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace polywire::transport::detail {
namespace {

bytes seq(std::size_t n, std::uint8_t from = 0) {
    bytes b(n);
    for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(from + i);
    return b;
}

TEST(InputBuffer, AppendsAndParses) {
    input_buffer in;
    in.append(seq(4));
    in.append(seq(3, 4));
    EXPECT_EQ(in.size(), 7u);
    EXPECT_EQ(in.parsed(), 0u);
    in.advance(5);
    ASSERT_EQ(in.unparsed().size(), 2u);
    EXPECT_EQ(in.unparsed()[0], 5);
    EXPECT_EQ(in.unparsed()[1], 6);
}

TEST(InputBuffer, FrameBodyIsRememberedUntilTheFrameEnds) {
    input_buffer in;
    EXPECT_FALSE(in.frame_body());
    in.set_frame_body(42);
    EXPECT_EQ(in.frame_body(), 42u);
    in.end_frame();
    EXPECT_FALSE(in.frame_body());
}

TEST(InputBuffer, SkipAllGivesUpEverythingAndThePartialFrame) {
    input_buffer in;
    in.append(seq(10));
    in.advance(3);
    in.set_frame_body(100);
    in.skip_all();
    EXPECT_EQ(in.parsed(), 10u);
    EXPECT_TRUE(in.unparsed().empty());
    EXPECT_FALSE(in.frame_body());
}

TEST(InputBuffer, DropFrontCompactsKeepingTheUnparsedBytes) {
    input_buffer in;
    in.append(seq(10));
    in.advance(6);
    in.drop_front(4);  // two parsed bytes (4, 5) stay, e.g. an untaken message
    EXPECT_EQ(in.size(), 6u);
    EXPECT_EQ(in.parsed(), 2u);
    EXPECT_EQ(in.data()[0], 4);
    ASSERT_EQ(in.unparsed().size(), 4u);
    EXPECT_EQ(in.unparsed()[0], 6);
    in.drop_front(0);
    EXPECT_EQ(in.size(), 6u);
}

TEST(InputBuffer, ReleaseFreesOnlyALargeEmptyBuffer) {
    input_buffer in;
    in.append(seq(200));
    const std::size_t cap = in.capacity();
    ASSERT_GE(cap, 200u);
    EXPECT_FALSE(in.release(64));  // not empty: kept
    in.advance(200);
    in.drop_front(200);
    EXPECT_FALSE(in.release(cap));  // within what may be retained
    EXPECT_EQ(in.capacity(), cap);
    EXPECT_TRUE(in.release(64));
    EXPECT_EQ(in.capacity(), 0u);
}

TEST(InputBuffer, SpaceIsFilledInPlaceAndCountsOnceCommitted) {
    input_buffer in;
    in.append(seq(3));
    mutable_byte_view room = in.space(5);
    ASSERT_EQ(room.size(), 5u);
    EXPECT_EQ(room.data(), in.data() + 3);  // right after what was received
    EXPECT_EQ(in.room(), 5u);
    EXPECT_EQ(in.size(), 3u);  // nothing counts before commit()
    for (std::size_t i = 0; i < 4; ++i) room[i] = static_cast<std::uint8_t>(3 + i);
    in.commit(4);
    EXPECT_EQ(in.room(), 0u);
    ASSERT_EQ(in.size(), 7u);
    for (std::size_t i = 0; i < 7; ++i) EXPECT_EQ(in.data()[i], i) << i;
    // The unused byte of the room is not received: the next append follows byte 6.
    in.append(seq(2, 7));
    ASSERT_EQ(in.size(), 9u);
    EXPECT_EQ(in.data()[7], 7);
    EXPECT_EQ(in.data()[8], 8);
}

TEST(InputBuffer, RoomIsTakenBackByAnythingThatMovesTheBytes) {
    input_buffer in;
    (void)in.space(8);
    in.append(seq(1));
    EXPECT_EQ(in.room(), 0u);
    (void)in.space(8);
    in.advance(1);
    in.drop_front(1);
    EXPECT_EQ(in.room(), 0u);
    (void)in.space(1000);
    EXPECT_TRUE(in.release(64));
    EXPECT_EQ(in.room(), 0u);
}

TEST(InputBuffer, CompactionAfterInPlaceReceiptKeepsTheBytesAndReusesTheRoom) {
    input_buffer in;
    mutable_byte_view room = in.space(10);
    for (std::size_t i = 0; i < 10; ++i) room[i] = static_cast<std::uint8_t>(i);
    in.commit(10);
    const std::size_t cap = in.capacity();
    in.advance(7);
    in.drop_front(7);
    ASSERT_EQ(in.size(), 3u);
    EXPECT_EQ(in.data()[0], 7);
    EXPECT_EQ(in.data()[2], 9);
    room = in.space(7);  // fits in what the buffer already has
    EXPECT_EQ(room.data(), in.data() + 3);
    EXPECT_EQ(in.capacity(), cap);
}

}  // namespace
}  // namespace polywire::transport::detail
