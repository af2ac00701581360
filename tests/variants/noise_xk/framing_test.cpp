#include "variants/noise_xk/framing.hpp"

#include <gtest/gtest.h>

namespace polywire::variants::noise_xk {
namespace {

TEST(NoiseXkFramingTest, HeaderIsABigEndianLength) {
    for (std::size_t n : {0u, 1u, 5u, 255u, 256u, 65535u}) {
        std::uint8_t h[frame_layout::header_size];
        frame_layout::encode_header(n, h);
        EXPECT_EQ(h[0], n >> 8);
        EXPECT_EQ(h[1], n & 0xff);
        EXPECT_EQ(frame_layout::decode_header(h).value(), n);
        EXPECT_EQ(frame_layout::padded_size(n), n);
    }
    static_assert(frame_layout::max_frame_size == 65535);
    static_assert(policies::max_code_of<frame_layout>() == 0);
    static_assert(policies::shape_of<frame_layout>().tags == policies::tag_placement::after_each_part);
    static_assert(policies::shape_of<frame_layout>().header_encrypted);
}

TEST(NoiseXkFramingTest, CarriesNoMessageCode) {
    bytes out;
    frame_layout::encode_code(0x1234, out);
    EXPECT_TRUE(out.empty());
    const bytes payload = {0x00, 0x10, 0xaa};  // e.g. a BOLT 1 init message: the type is in the payload
    auto c = frame_layout::decode_code(payload);
    ASSERT_TRUE(c);
    EXPECT_EQ(c.value().code, 0u);
    EXPECT_EQ(c.value().prefix_size, 0u);
}

}  // namespace
}  // namespace polywire::variants::noise_xk
