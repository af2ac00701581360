#include "rlpx/p2p/capabilities.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/vectors.hpp"
#include "transport/error.hpp"

namespace polywire::rlpx::p2p {
namespace {

TEST(CapabilitiesTest, MatchesEveryCaseOfGethTestMatchProtocols) {
    const auto v = test::load_vectors("rlpx-vectors.json")["capability_matching_geth_TestMatchProtocols"];
    ASSERT_EQ(v["cases"].size(), 10u);
    int index = 0;
    for (const auto& c : v["cases"]) {
        SCOPED_TRACE("case " + std::to_string(index++));
        std::vector<capability> remote;
        for (const auto& r : c["remote"]) remote.push_back({r[0].get<std::string>(), r[1].get<std::uint64_t>()});
        std::vector<local_capability> local;
        for (const auto& l : c["local"])
            local.push_back({l[0].get<std::string>(), l[1].get<std::uint64_t>(), l[2].get<std::uint64_t>()});

        const std::vector<shared_capability> got = match(local, remote);
        ASSERT_EQ(got.size(), c["match"].size());
        for (const auto& [name, want] : c["match"].items()) {
            const shared_capability* s = find_by_name(got, name);
            ASSERT_NE(s, nullptr) << name;
            EXPECT_EQ(s->version, want["version"].get<std::uint64_t>()) << name;
            EXPECT_EQ(s->offset - base_protocol_length, want["offset"].get<std::uint64_t>()) << name;
        }
        // Returned in byte-wise name order, laid out consecutively from 0x10.
        std::uint64_t next = base_protocol_length;
        for (std::size_t i = 0; i < got.size(); ++i) {
            if (i > 0) {
                EXPECT_LT(got[i - 1].name, got[i].name);
            }
            EXPECT_EQ(got[i].offset, next);
            next += got[i].length;
        }
    }
}

TEST(CapabilitiesTest, LaysOutTheHighestSharedVersionsFromSixteen) {
    const local_capability local[] = {{"snap", 1, 8}, {"eth", 68, 17}, {"eth", 67, 17}, {"les", 4, 24}};
    const capability remote[] = {{"snap", 1}, {"eth", 68}, {"eth", 66}, {"eth", 67}, {"wit", 0}};
    const std::vector<shared_capability> got = match(local, remote);
    const std::vector<shared_capability> want = {{"eth", 68, 0x10, 17}, {"snap", 1, 0x21, 8}};
    EXPECT_EQ(got, want);

    EXPECT_EQ(find_by_code(got, 0x0f), nullptr);
    EXPECT_EQ(find_by_code(got, 0x10), &got[0]);
    EXPECT_EQ(find_by_code(got, 0x20), &got[0]);
    EXPECT_EQ(find_by_code(got, 0x21), &got[1]);
    EXPECT_EQ(find_by_code(got, 0x28), &got[1]);
    EXPECT_EQ(find_by_code(got, 0x29), nullptr);
    EXPECT_EQ(find_by_code(got, ~std::uint64_t{0}), nullptr);
    EXPECT_EQ(find_by_name(got, "snap"), &got[1]);
    EXPECT_EQ(find_by_name(got, "les"), nullptr);
}

TEST(CapabilitiesTest, ComparesNamesByteWiseAndCaseSensitively) {
    const local_capability local[] = {{"eth", 1, 2}, {"ETH", 1, 3}, {"\xc3\xa9th", 1, 4}};
    const capability remote[] = {{"\xc3\xa9th", 1}, {"eth", 1}, {"ETH", 1}};
    const std::vector<shared_capability> got = match(local, remote);
    const std::vector<shared_capability> want = {
        {"ETH", 1, 0x10, 3}, {"eth", 1, 0x13, 2}, {"\xc3\xa9th", 1, 0x15, 4}};
    EXPECT_EQ(got, want);
}

TEST(CapabilitiesTest, ZeroLengthCapabilitiesOwnNoCode) {
    const local_capability local[] = {{"a", 0, 0}};
    const capability remote[] = {{"a", 0}};
    const auto got = match(local, remote);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(find_by_code(got, 0x10), nullptr);
}

TEST(CapabilitiesTest, ParsesNameVersionAndLength) {
    auto c = parse_capability("eth/68:17");
    ASSERT_TRUE(c);
    EXPECT_EQ(c.value(), (local_capability{"eth", 68, 17}));
    EXPECT_EQ(parse_capability("snap/1:8").value(), (local_capability{"snap", 1, 8}));
    EXPECT_EQ(parse_capability("x-y_z/0:1").value(), (local_capability{"x-y_z", 0, 1}));
    EXPECT_EQ(parse_capability("p/18446744073709551615:4294967296").value(),
              (local_capability{"p", 18446744073709551615u, 4294967296u}));
}

TEST(CapabilitiesTest, RejectsMalformedCapabilityStrings) {
    for (const char* bad : {"", "eth", "eth/68", "eth/68:", "eth:17", "/68:17", "eth/:17", "eth/68:0", "eth/-1:17",
                            "eth/+1:17", "eth/68:+17", "eth/0x44:17", "eth/68:17x", "eth/68:17:1", "e th/68:17",
                            "eth/6/8:17", "eth/18446744073709551616:1", "eth/1:4294967297", " eth/68:17"}) {
        auto r = parse_capability(bad);
        ASSERT_FALSE(r) << bad;
        EXPECT_EQ(r.error(), transport::errc::invalid_argument) << bad;
    }
}

TEST(CapabilitiesTest, FormatsCapabilities) {
    EXPECT_EQ(to_string(capability{"eth", 68}), "eth/68");
    EXPECT_EQ(to_string(local_capability{"eth", 68, 17}), "eth/68:17");
    EXPECT_EQ(parse_capability(to_string(local_capability{"snap", 1, 8})).value(), (local_capability{"snap", 1, 8}));
    EXPECT_EQ(to_string(shared_capability{"snap", 1, 0x21, 8}), "snap/1@0x21+8");
}

}  // namespace
}  // namespace polywire::rlpx::p2p
