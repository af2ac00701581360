#include "rlpx/p2p/hello.hpp"

#include <algorithm>
#include <string>

#include <gtest/gtest.h>

#include "rlpx/error.hpp"
#include "tests/support/hex.hpp"
#include "tests/support/vectors.hpp"
#include "transport/error.hpp"

namespace polywire::rlpx::p2p {
namespace {

using crypto::secp256k1::public_key;

// Static public keys of nodes A and B of the EIP-8 handshake vectors.
constexpr std::string_view pub_a_hex =
    "fda1cff674c90c9a197539fe3dfb53086ace64f83ed7c6eabec741f7f381cc803e52ab2cd55d5569bce4347107a310dfd5f88a010cd2ffd1005ca406f1842877";
constexpr std::string_view pub_b_hex =
    "ca634cae0d49acb401d8a4c6b6fe8c55b70d115bf400769cc1400f3258cd31387574077f301b421bc84df7266c44e9e6d569fc56be00812904767bf5ccd1fc7f";

public_key key(std::string_view hex) {
    public_key k{};
    bytes b = test::h(hex);
    std::copy(b.begin(), b.end(), k.begin());
    return k;
}

hello sample() {
    hello h;
    h.client_id = "polywire/v0.1";
    h.caps = {{"snap", 1}, {"eth", 68}, {"eth", 67}};
    h.listen_port = 30303;
    h.node_id = key(pub_a_hex);
    return h;
}

TEST(HelloTest, DecodesTheEip8VectorAndIgnoresExtraElements) {
    const auto v = test::load_vectors("rlpx-vectors.json")["devp2p_hello_eip8"];
    const auto& want = v["derived_decoding"];
    auto r = decode_hello(test::h(v["hex"].get<std::string>()));
    ASSERT_TRUE(r) << r.error().message();
    const hello& got = r.value();
    EXPECT_EQ(got.protocol_version, want["protocolVersion"].get<std::uint64_t>());  // 55: any version is accepted
    EXPECT_EQ(got.client_id, want["clientId"].get<std::string>());
    ASSERT_EQ(got.caps.size(), want["capabilities"].size());
    for (std::size_t i = 0; i < got.caps.size(); ++i) {
        EXPECT_EQ(got.caps[i].name, want["capabilities"][i][0].get<std::string>());
        EXPECT_EQ(got.caps[i].version, want["capabilities"][i][1].get<std::uint64_t>());
    }
    EXPECT_EQ(got.listen_port, want["listenPort"].get<std::uint64_t>());
    EXPECT_EQ(test::hx(got.node_id), want["nodeId"].get<std::string>());
}

TEST(HelloTest, IgnoresBytesAfterTheList) {
    bytes p = encode(sample());
    p.push_back(0x01);
    p.push_back(0xff);
    auto r = decode_hello(p);
    ASSERT_TRUE(r);
    EXPECT_EQ(r.value().client_id, "polywire/v0.1");
}

TEST(HelloTest, IgnoresExtraElementsInsideACapability) {
    // [5, "", [["eth", 68, "x"]], 0, id]
    bytes p = test::h(std::string("f84d0580c7c6836574684478") + "80b840" + std::string(pub_a_hex));
    auto r = decode_hello(p);
    ASSERT_TRUE(r) << r.error().message();
    ASSERT_EQ(r.value().caps.size(), 1u);
    EXPECT_EQ(r.value().caps[0], (capability{"eth", 68}));
}

TEST(HelloTest, EncodesCapabilitiesSortedByNameAndVersion) {
    EXPECT_EQ(test::hx(encode(sample())),
              "f868058d706f6c79776972652f76302e31d3c58365746843c58365746844c684736e61700182765fb840" +
                  std::string(pub_a_hex));
}

TEST(HelloTest, RoundTrips) {
    hello h = sample();
    auto r = decode_hello(encode(h));
    ASSERT_TRUE(r) << r.error().message();
    std::sort(h.caps.begin(), h.caps.end(),
              [](const capability& a, const capability& b) { return std::tie(a.name, a.version) < std::tie(b.name, b.version); });
    EXPECT_EQ(r.value(), h);

    hello minimal;
    minimal.node_id = key(pub_b_hex);
    auto m = decode_hello(encode(minimal));
    ASSERT_TRUE(m);
    EXPECT_EQ(m.value(), minimal);
    EXPECT_EQ(m.value().protocol_version, 5u);
}

TEST(HelloTest, AcceptsAHelloOfExactlyTheLimit) {
    hello h = sample();
    h.client_id.assign(max_hello_size - encode(h).size() + h.client_id.size(), 'x');
    // The client id's length prefix grows from one to three bytes.
    h.client_id.resize(h.client_id.size() - (encode(h).size() - max_hello_size));
    ASSERT_EQ(encode(h).size(), max_hello_size);
    EXPECT_TRUE(decode_hello(encode(h)));
}

TEST(HelloTest, RejectsAPayloadOverTwoKibibytesBeforeParsing) {
    hello h = sample();
    h.client_id.assign(max_hello_size, 'x');
    EXPECT_EQ(decode_hello(encode(h)).error(), errc::hello_too_large);
    // Garbage of the same size is not parsed at all.
    EXPECT_EQ(decode_hello(bytes(max_hello_size + 1, 0xff)).error(), errc::hello_too_large);
    // geth TestProtocolHandshakeErrors: rlp(2050 zero bytes).
    bytes big = test::h("b90802");
    big.resize(big.size() + 2050, 0);
    auto r = decode_hello(big);
    EXPECT_EQ(r.error(), errc::hello_too_large);
    EXPECT_EQ(r.error(), transport::condition::limit_exceeded);
}

TEST(HelloTest, RejectsBadRlpAndMissingFields) {
    const std::string id = "b840" + std::string(pub_a_hex);
    const std::string cases[] = {
        "",                                  // empty
        "83010203",                          // geth: a string, not a list
        "c0",                                // no fields
        "c20580",                            // version and client id only
        "f8450580c0" + id,                   // listen port missing (the id is read as the port)
        "c40580c080",                        // node id missing
        "f8470580c080" + id,                 // list header longer than its content
        "f84605c0c080" + id,                 // client id is a list
        "f8460580c080" + id.substr(0, 40),   // truncated node id
        "f84a0580c48365746880" + id,         // a capability that is a string
        "f84b0580c5c48365746880" + id,       // a capability without a version
        "f84882000580c080" + id,             // version with a leading zero
        "f8460580c000" + id,                 // listen port with a leading zero
    };
    for (const std::string& c : cases) {
        auto r = decode_hello(test::h(c));
        ASSERT_FALSE(r) << c;
        EXPECT_EQ(r.error(), errc::bad_hello_rlp) << c;
        EXPECT_EQ(r.error(), transport::condition::protocol_violation) << c;
    }
    EXPECT_TRUE(decode_hello(test::h("f8460580c080" + id)));  // the well-formed control
}

TEST(HelloTest, RejectsANodeIdThatIsNotSixtyFourNonZeroBytes) {
    // geth TestProtocolHandshakeErrors: Hello{Version: 3} with an empty ID.
    EXPECT_EQ(decode_hello(test::h("c50380c08080")).error(), errc::bad_hello_rlp);

    hello h = sample();
    h.node_id = {};
    EXPECT_EQ(decode_hello(encode(h)).error(), errc::bad_hello_rlp);

    // 63 and 65 bytes.
    const std::string id63 = "b83f" + std::string(pub_a_hex.substr(2));
    const std::string id65 = "b84100" + std::string(pub_a_hex);
    EXPECT_EQ(decode_hello(test::h("f8450580c080" + id63)).error(), errc::bad_hello_rlp);
    EXPECT_EQ(decode_hello(test::h("f8470580c080" + id65)).error(), errc::bad_hello_rlp);
}

TEST(HelloTest, ChecksTheNodeIdAgainstTheHandshakeKey) {
    const hello h = sample();
    EXPECT_FALSE(check_identity(h, key(pub_a_hex)));
    const std::error_code ec = check_identity(h, key(pub_b_hex));
    EXPECT_EQ(ec, errc::hello_identity_mismatch);
    EXPECT_EQ(ec, transport::condition::protocol_violation);
}

}  // namespace
}  // namespace polywire::rlpx::p2p
