#include "transport/impl/output_buffer.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace polywire::transport::detail {
namespace {

TEST(OutputBuffer, AppendsAndTruncates) {
    output_buffer out;
    EXPECT_TRUE(out.empty());
    out.append(bytes{1, 2, 3});
    out.append(bytes{});
    out.append(bytes{4});
    ASSERT_EQ(out.size(), 4u);
    EXPECT_EQ(bytes(out.begin(), out.end()), (bytes{1, 2, 3, 4}));
    out.truncate(9);  // longer than the output: nothing changes
    EXPECT_EQ(out.size(), 4u);
    out.truncate(1);
    EXPECT_EQ(bytes(out.begin(), out.end()), (bytes{1}));
    EXPECT_EQ(out.view().size(), 1u);
}

TEST(OutputBuffer, ExtendReusesTheRoomWithoutZeroingIt) {
    output_buffer out;
    out.append(bytes(64, 0xaa));
    const std::uint8_t* at = out.data();
    out.clear();
    // The room keeps what the last output left: extend() hands it out as is
    // (the caller writes every byte), extend_zeroed() zeroes it.
    mutable_byte_view v = out.extend(16);
    EXPECT_EQ(out.data(), at);
    EXPECT_TRUE(std::all_of(v.begin(), v.end(), [](std::uint8_t b) { return b == 0xaa; }));
    mutable_byte_view z = out.extend_zeroed(16);
    EXPECT_TRUE(std::all_of(z.begin(), z.end(), [](std::uint8_t b) { return b == 0; }));
    EXPECT_EQ(out.size(), 32u);
}

TEST(OutputBuffer, NewMemoryIsZero) {
    output_buffer out;
    out.append(bytes(8, 0xaa));
    mutable_byte_view v = out.extend(4096);  // beyond anything written: fresh memory
    EXPECT_TRUE(std::all_of(v.begin(), v.end(), [](std::uint8_t b) { return b == 0; }));
    EXPECT_EQ(out.view()[0], 0xaa);  // what was there moves with the buffer
}

TEST(OutputBuffer, ReleasesOnlyWhenEmptyAndLarge) {
    output_buffer out;
    out.append(bytes(100000, 1));
    out.release(1024);
    EXPECT_GE(out.capacity(), 100000u);  // holds output: kept
    out.clear();
    out.release(1 << 20);
    EXPECT_GE(out.capacity(), 100000u);  // within what is retained: kept
    out.release(1024);
    EXPECT_EQ(out.capacity(), 0u);
}

}  // namespace
}  // namespace polywire::transport::detail
