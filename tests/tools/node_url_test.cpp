// tools/cli/node_url.hpp: the scheme://<hex id>@host:port URLs of the
// polywire tool's variants.
#include "tools/cli/node_url.hpp"

#include <gtest/gtest.h>

namespace polywire::cli {
namespace {

const std::string id66 = "02" + std::string(64, 'a');

TEST(NodeUrlTest, RoundTripsIpv4HostNameAndIpv6) {
    for (const char* host : {"127.0.0.1", "node-1.example_net", "[::1]", "[fe80::1:2]"}) {
        const std::string text = "noise-xk://" + id66 + "@" + std::string(host) + ":9735";
        std::string why;
        auto u = parse_node_url(text, "noise-xk", 33, &why);
        ASSERT_TRUE(u) << text << ": " << why;
        EXPECT_EQ(u->scheme, "noise-xk");
        EXPECT_EQ(u->id.size(), 33u);
        EXPECT_EQ(u->id[0], 0x02);
        EXPECT_EQ(u->port, 9735);
        EXPECT_EQ(to_string(*u), text);
    }
}

TEST(NodeUrlTest, PrintsLowerCaseHexAndParsesUpperCase) {
    auto u = parse_node_url("sha256-per-side://" + std::string(66, 'F') + "@h:1", "sha256-per-side", 33);
    ASSERT_TRUE(u);
    EXPECT_EQ(to_string(*u), "sha256-per-side://" + std::string(66, 'f') + "@h:1");
    EXPECT_EQ(u->port, 1);
}

TEST(NodeUrlTest, RejectsMalformedUrls) {
    const std::string ok_id = id66;
    for (const std::string& text : {
             "sha256-per-side://" + ok_id + "@127.0.0.1:1",  // another scheme
             "noise-xk:/" + ok_id + "@127.0.0.1:1",
             "noise-xk://" + ok_id + "127.0.0.1:1",            // no @
             "noise-xk://" + ok_id.substr(2) + "@127.0.0.1:1",  // 32 bytes
             "noise-xk://" + ok_id + "00@127.0.0.1:1",         // 34 bytes
             "noise-xk://" + std::string(65, 'a') + "g@127.0.0.1:1",
             "noise-xk://" + ok_id + "@:1",                     // empty host
             "noise-xk://" + ok_id + "@127.0.0.1",              // no port
             "noise-xk://" + ok_id + "@127.0.0.1:0",
             "noise-xk://" + ok_id + "@127.0.0.1:65536",
             "noise-xk://" + ok_id + "@127.0.0.1:80x",
             "noise-xk://" + ok_id + "@127.0.0.1:80/path",
             "noise-xk://" + ok_id + "@::1:80",                 // IPv6 without brackets
             "noise-xk://" + ok_id + "@[::1:80",
             "noise-xk://" + ok_id + "@[]:80",
             "noise-xk://" + ok_id + "@a b:80",
         }) {
        std::string why;
        EXPECT_FALSE(parse_node_url(text, "noise-xk", 33, &why)) << text;
        EXPECT_FALSE(why.empty()) << text;
    }
}

TEST(NodeUrlTest, IdLengthIsTheCallers) {
    const std::string text = "enode://" + std::string(128, '1') + "@10.0.0.1:30303";
    auto u = parse_node_url(text, "enode", 64);
    ASSERT_TRUE(u);
    EXPECT_EQ(to_string(*u), text);
    EXPECT_FALSE(parse_node_url(text, "enode", 33));
}

}  // namespace
}  // namespace polywire::cli
