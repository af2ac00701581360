#include "rlpx/enode.hpp"

#include <string>

#include <gtest/gtest.h>

#include "rlpx/error.hpp"
#include "tests/support/hex.hpp"
#include "transport/error.hpp"

namespace polywire::rlpx {
namespace {

// Static public key of node A of the EIP-8 handshake vectors.
const std::string id_hex =
    "fda1cff674c90c9a197539fe3dfb53086ace64f83ed7c6eabec741f7f381cc803e52ab2cd55d5569bce4347107a310dfd5f88a010cd2ffd1005ca406f1842877";
const std::string prefix = "enode://" + id_hex + "@";

TEST(EnodeTest, ParsesAnIpv4Address) {
    auto e = parse_enode(prefix + "10.3.58.6:30303");
    ASSERT_TRUE(e) << e.error().message();
    EXPECT_EQ(test::hx(e.value().id), id_hex);
    EXPECT_EQ(e.value().host, "10.3.58.6");
    EXPECT_EQ(e.value().port, 30303);
    EXPECT_EQ(to_string(e.value()), prefix + "10.3.58.6:30303");
}

TEST(EnodeTest, ParsesAnIpv6AddressInBrackets) {
    auto e = parse_enode(prefix + "[2001:db8::1]:30303");
    ASSERT_TRUE(e) << e.error().message();
    EXPECT_EQ(e.value().host, "2001:db8::1");
    EXPECT_EQ(e.value().port, 30303);
    EXPECT_EQ(to_string(e.value()), prefix + "[2001:db8::1]:30303");

    auto loopback = parse_enode(prefix + "[::1]:1");
    ASSERT_TRUE(loopback);
    EXPECT_EQ(loopback.value().host, "::1");
    EXPECT_EQ(loopback.value().port, 1);
    EXPECT_EQ(parse_enode(prefix + "[::ffff:10.0.0.1]:65535").value().host, "::ffff:10.0.0.1");
}

TEST(EnodeTest, ParsesAHostName) {
    auto e = parse_enode(prefix + "boot-1.example.org:30303");
    ASSERT_TRUE(e) << e.error().message();
    EXPECT_EQ(e.value().host, "boot-1.example.org");
    EXPECT_EQ(parse_enode(prefix + "localhost:8545").value().host, "localhost");
    EXPECT_EQ(parse_enode(prefix + "geth_node:30303").value().host, "geth_node");
}

TEST(EnodeTest, AcceptsAndIgnoresDiscport) {
    auto e = parse_enode(prefix + "10.3.58.6:30303?discport=30301");
    ASSERT_TRUE(e) << e.error().message();
    EXPECT_EQ(e.value().port, 30303);
    EXPECT_EQ(to_string(e.value()), prefix + "10.3.58.6:30303");
    EXPECT_TRUE(parse_enode(prefix + "[::1]:30303?discport=0"));
}

TEST(EnodeTest, AcceptsUpperCaseHexAndScheme) {
    std::string upper = id_hex;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    auto e = parse_enode("ENODE://" + upper + "@127.0.0.1:30303");
    ASSERT_TRUE(e);
    EXPECT_EQ(to_string(e.value()), prefix + "127.0.0.1:30303");
}

TEST(EnodeTest, PrintsWhatItParses) {
    for (const std::string& s : {prefix + "1.2.3.4:1", prefix + "[fe80::1]:65535", prefix + "a.b.c:30303"}) {
        auto e = parse_enode(s);
        ASSERT_TRUE(e) << s;
        EXPECT_EQ(to_string(e.value()), s);
        EXPECT_EQ(parse_enode(to_string(e.value())).value(), e.value());
    }
}

TEST(EnodeTest, RejectsMalformedUrls) {
    std::string off_curve = id_hex;
    off_curve.back() = off_curve.back() == '7' ? '8' : '7';
    const std::string cases[] = {
        "",
        "enode://",
        "enr://" + id_hex + "@1.2.3.4:30303",                 // another scheme
        "enode:" + id_hex + "@1.2.3.4:30303",
        id_hex + "@1.2.3.4:30303",                             // no scheme
        "enode://" + id_hex,                                   // no host
        "enode://" + id_hex + "1.2.3.4:30303",                 // no '@'
        "enode://" + id_hex.substr(1) + "@1.2.3.4:30303",      // 127 hex digits
        "enode://" + id_hex + "00@1.2.3.4:30303",              // 130 hex digits
        "enode://0x" + id_hex.substr(2) + "@1.2.3.4:30303",    // 0x prefix
        "enode://" + id_hex.substr(0, 127) + "g@1.2.3.4:30303",// not hex
        "enode://" + std::string(128, '0') + "@1.2.3.4:30303", // zero id, not a point
        "enode://" + off_curve + "@1.2.3.4:30303",             // not on the curve
        prefix + "1.2.3.4",                                    // no port
        prefix + "1.2.3.4:",                                   // empty port
        prefix + "1.2.3.4:0",                                  // zero port
        prefix + "1.2.3.4:65536",                              // out of range
        prefix + "1.2.3.4:100000",
        prefix + "1.2.3.4:-1",
        prefix + "1.2.3.4:+80",
        prefix + "1.2.3.4:30303x",
        prefix + "1.2.3.4:30303:1",
        prefix + ":30303",                                     // empty host
        prefix + "[]:30303",
        prefix + "256.1.2.3:30303",                            // not IPv4
        prefix + "1.2.3:30303",
        prefix + "01.2.3.4:30303",
        prefix + "::1:30303",                                  // IPv6 without brackets
        prefix + "[::1]",                                      // no port
        prefix + "[::1]30303",
        prefix + "[::1:30303",                                 // unclosed bracket
        prefix + "[1.2.3.4]:30303",                            // IPv4 in brackets
        prefix + "[fe80::1%eth0]:30303",                       // zone
        prefix + "bad host:30303",
        prefix + "-bad.example:30303",
        prefix + "bad-.example:30303",
        prefix + "a..b:30303",
        prefix + "a.b.:30303",
        prefix + "user@host:30303",
        prefix + "1.2.3.4:30303?",                             // empty query
        prefix + "1.2.3.4:30303?discport=",
        prefix + "1.2.3.4:30303?discport=x",
        prefix + "1.2.3.4:30303?discport=65536",
        prefix + "1.2.3.4:30303?foo=1",
        prefix + "1.2.3.4:30303?discport=1&foo=1",
        prefix + "1.2.3.4:30303#frag",
        prefix + "1.2.3.4:30303/",
        " " + prefix + "1.2.3.4:30303",
    };
    for (const std::string& c : cases) {
        auto r = parse_enode(c);
        ASSERT_FALSE(r) << c;
        EXPECT_EQ(r.error(), errc::bad_enode) << c;
        EXPECT_EQ(r.error(), transport::condition::misuse) << c;
    }
}

}  // namespace
}  // namespace polywire::rlpx
