#include "rlpx/rlp.hpp"

#include <memory>

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

/// Decodes every item of `in` and, recursively, of every list in it;
/// returns how many items decoded, or stops at the first error.
std::size_t walk(byte_view in, std::error_code& first_error) {
    std::size_t items = 0;
    list_reader r(in);
    while (!r.empty()) {
        auto it = r.next();
        if (!it) {
            first_error = it.error();
            return items;
        }
        ++items;
        if (it.value().type == kind::list) items += walk(it.value().payload, first_error);
        if (first_error) return items;
    }
    return items;
}

/// One valid item using every header form: a list with a long (b8+) header
/// holding single bytes, short and long strings, integers, an empty list
/// and nested lists.
bytes every_form() {
    bytes inner, nested, payload;
    encode_list(inner, {});                          // c0
    encode_list(nested, inner);                      // c1 c0
    encode_bytes(payload, h("05"));                  // a single byte
    encode_uint(payload, 0);                         // 80
    encode_uint(payload, 0x0102030405060708);        // 88 ...
    encode_string(payload, "dog");                   // short string
    encode_bytes(payload, bytes(60, 0xAB));          // b8 3c: a long string
    encode_bytes(payload, bytes(300, 0xCD));         // b9 01 2c
    payload.insert(payload.end(), nested.begin(), nested.end());
    bytes small_list;
    encode_list(small_list, h("0102"));              // c2 01 02
    payload.insert(payload.end(), small_list.begin(), small_list.end());
    bytes out;
    encode_list(out, payload);                       // f9 ...
    return out;
}

TEST(RlpTest, NeverReadsPastItsInput) {
    // Each prefix lives in its own heap allocation of exactly its size, so
    // AddressSanitizer (--config=asan) reports any read past it.
    const bytes full = every_form();
    ASSERT_EQ(full[0], 0xf9);  // a long list header: 2 length bytes
    {
        std::unique_ptr<std::uint8_t[]> copy(new std::uint8_t[full.size()]);
        std::copy(full.begin(), full.end(), copy.get());
        auto r = decode(byte_view(copy.get(), full.size()));
        ASSERT_TRUE(r) << r.error().message();
        EXPECT_EQ(r.value().encoded.size(), full.size());
        std::error_code ec;
        EXPECT_EQ(walk(byte_view(copy.get(), full.size()), ec), 12u);
        EXPECT_FALSE(ec) << ec.message();
    }
    for (std::size_t n = 0; n < full.size(); ++n) {
        std::unique_ptr<std::uint8_t[]> copy(new std::uint8_t[n]);
        std::copy(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n), copy.get());
        const byte_view prefix(copy.get(), n);
        auto r = decode(prefix);
        ASSERT_FALSE(r) << "a prefix of " << n << " bytes decoded";
        EXPECT_EQ(r.error(), errc::bad_rlp) << n;
        std::error_code ec;
        (void)walk(prefix, ec);
        if (n > 0) {
            EXPECT_EQ(ec, errc::bad_rlp) << n;
        }
        // Its list payload cut at the same point: the items inside decode
        // up to the cut and the cut one fails cleanly.
        if (n > 3) {
            std::unique_ptr<std::uint8_t[]> inner(new std::uint8_t[n - 3]);
            std::copy(full.begin() + 3, full.begin() + static_cast<std::ptrdiff_t>(n), inner.get());
            std::error_code inner_ec;
            (void)walk(byte_view(inner.get(), n - 3), inner_ec);
            if (inner_ec) {
                EXPECT_EQ(inner_ec, errc::bad_rlp) << n;
            }
        }
    }
}

}  // namespace
}  // namespace polywire::rlpx::rlp
