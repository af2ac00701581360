#include "crypto/snappy.hpp"

#include <gtest/gtest.h>

#include "tests/support/hex.hpp"

namespace polywire::crypto::snappy {
namespace {

TEST(SnappyTest, RoundTripsAndDeclaresItsLength) {
    bytes in(10000);
    for (std::size_t i = 0; i < in.size(); ++i) in[i] = static_cast<std::uint8_t>(i % 13);
    bytes comp(max_compressed_length(in.size()));
    comp.resize(compress(in, comp));
    EXPECT_LT(comp.size(), in.size());
    auto n = declared_length(comp);
    ASSERT_TRUE(n);
    ASSERT_EQ(n.value(), in.size());
    bytes out(n.value());
    ASSERT_FALSE(uncompress(comp, out));
    EXPECT_EQ(out, in);
}

TEST(SnappyTest, EncodesEmptyListAsRlpxPingPayload) {
    // RLPx Ping is snappy(c0) = 01 00 c0 on the wire.
    bytes in = test::h("c0");
    bytes comp(max_compressed_length(in.size()));
    comp.resize(compress(in, comp));
    EXPECT_EQ(test::hx(comp), "0100c0");
}

TEST(SnappyTest, RejectsCorruptData) {
    bytes bad = test::h("ffffffffffff");
    EXPECT_EQ(declared_length(bad).error(), make_error_code(errc::corrupt));
    bytes truncated = test::h("0a00");  // declares 10 bytes, carries none
    bytes out(10);
    EXPECT_EQ(uncompress(truncated, out), make_error_code(errc::corrupt));
}

}  // namespace
}  // namespace polywire::crypto::snappy
