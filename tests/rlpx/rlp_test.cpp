#include "rlpx/rlp.hpp"

#include <gtest/gtest.h>

#include "rlpx/error.hpp"
#include "tests/support/hex.hpp"

namespace polywire::rlpx::rlp {
namespace {
using test::h;
using test::hx;

TEST(RlpTest, EncodesStringsAndIntegersCanonically) {
    bytes b;
    encode_string(b, "dog");
    EXPECT_EQ(hx(b), "83646f67");
    b.clear();
    encode_bytes(b, {});
    encode_uint(b, 0);
    encode_uint(b, 15);
    encode_uint(b, 1024);
    encode_bytes(b, h("7f"));
    encode_bytes(b, h("80"));
    EXPECT_EQ(hx(b), "80800f820400" "7f" "8180");
    b.clear();
    encode_string(b, "Lorem ipsum dolor sit amet, consectetur adipisicing elit");
    EXPECT_EQ(hx(b).substr(0, 4), "b838");
}

TEST(RlpTest, EncodesNestedLists) {
    // [ [], [[]], [ [], [[]] ] ]
    bytes inner;
    encode_list(inner, {});
    bytes l2;
    encode_list(l2, inner);
    bytes l3payload = inner;
    l3payload.insert(l3payload.end(), l2.begin(), l2.end());
    bytes l3;
    encode_list(l3, l3payload);
    bytes all = inner;
    all.insert(all.end(), l2.begin(), l2.end());
    all.insert(all.end(), l3.begin(), l3.end());
    bytes out;
    encode_list(out, all);
    EXPECT_EQ(hx(out), "c7c0c1c0c3c0c1c0");
}

TEST(RlpTest, DecodesListsItemByItem) {
    const bytes in = h("c88363617483646f67ff");
    auto it = decode(in);
    ASSERT_TRUE(it);
    EXPECT_EQ(it.value().type, kind::list);
    EXPECT_EQ(it.value().encoded.size(), 9u);
    list_reader r(it.value().payload);
    EXPECT_EQ(hx(r.next_bytes().value()), "636174");
    EXPECT_EQ(hx(r.next_bytes().value()), "646f67");
    EXPECT_TRUE(r.empty());
    EXPECT_EQ(r.next().error(), errc::bad_rlp);
}

TEST(RlpTest, DecodesIntegers) {
    const bytes in = h("800f820400887fffffffffffffff");
    list_reader r(in);
    EXPECT_EQ(r.next_uint().value(), 0u);
    EXPECT_EQ(r.next_uint().value(), 15u);
    EXPECT_EQ(r.next_uint().value(), 1024u);
    EXPECT_EQ(r.next_uint().value(), 0x7fffffffffffffffu);
}

TEST(RlpTest, RejectsMalformedAndNonCanonicalInput) {
    for (const char* bad : {
             "",                    // nothing
             "83646f",              // string shorter than declared
             "c883636174",          // list shorter than declared
             "8100",                // single byte < 0x80 wrapped
             "b800",                // long form for a short string
             "b90000",              // leading zero in the length
             "bf0100000000000000",  // 8-byte length beyond the input
             "f800",                // long list form for a short list
         }) {
        EXPECT_EQ(decode(h(bad)).error(), errc::bad_rlp) << bad;
    }
    const bytes lz = h("820004");  // integer with a leading zero
    list_reader r(lz);
    EXPECT_EQ(r.next_uint().error(), errc::bad_rlp);
    const bytes nine = h("89010000000000000000");  // 9-byte integer
    list_reader r2(nine);
    EXPECT_EQ(r2.next_uint().error(), errc::bad_rlp);
}

TEST(RlpTest, NeverReadsPastItsInput) {
    // Every prefix of a valid encoding either decodes to a shorter item or fails.
    const bytes full = h("f84d0589010efbef67941f79b2a056e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421");
    for (std::size_t n = 0; n < full.size(); ++n) {
        auto r = decode(byte_view(full).first(n));
        if (r) {
            EXPECT_LE(r.value().encoded.size(), n);
        }
    }
}

}  // namespace
}  // namespace polywire::rlpx::rlp
