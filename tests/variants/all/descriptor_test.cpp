// Every descriptor of variants/all.hpp, through its own members only: keys
// round-trip through what keygen prints, URLs through format_url and
// parse_url (another variant's URL is refused), make_options gives two
// sessions that complete their handshake in memory and carry an
// application message coded the descriptor's way, and the close reasons
// parse and describe.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "tests/support/variants.hpp"
// (the pairs use the session types the list brings in)
#include "tests/support/datagram_pair.hpp"
#include "tests/support/pair.hpp"

namespace polywire::variants {
namespace {

template <class V>
struct itself : test::peers<V> {};

template <class Traits>
class DescriptorTest : public ::testing::Test {};
using descriptors = test::suite_types<itself>;
TYPED_TEST_SUITE(DescriptorTest, descriptors, test::variant_names);

TYPED_TEST(DescriptorTest, KeyRoundTripsThroughWhatKeygenPrints) {
    using V = typename TypeParam::variant;
    auto key = V::generate_key();
    ASSERT_TRUE(key);
    const std::string hex = to_hex(V::key_bytes(key.value()));
    std::string why;
    auto back = V::load_key(hex + "\n", std::nullopt, why);
    ASSERT_TRUE(back) << why;
    EXPECT_EQ(to_hex(V::key_bytes(*back)), hex);
    EXPECT_EQ(V::node_id(*back).value(), V::node_id(key.value()).value());

    EXPECT_FALSE(V::load_key("not a key", std::nullopt, why));
    EXPECT_FALSE(why.empty());
    EXPECT_EQ(why.find("not a key"), std::string::npos) << "the message repeats the key text";
}

TYPED_TEST(DescriptorTest, UrlRoundTripsAndOtherSchemesAreRefused) {
    using V = typename TypeParam::variant;
    const auto id = V::node_id(V::generate_key().value()).value();
    const std::string url = V::format_url(id, "127.0.0.1", 30303);
    // The URL has the descriptor's form (default "<scheme>://<id>@<host>:<port>";
    // libp2p-noise's a multiaddr), up to its first placeholder.
    const std::string form = transport::url_form<V>();
    EXPECT_TRUE(url.starts_with(form.substr(0, form.find('<')))) << url << " is not of the form " << form;
    std::string why;
    auto a = V::parse_url(url, why);
    ASSERT_TRUE(a) << why;
    EXPECT_EQ(a->id, id);
    EXPECT_EQ(a->host, "127.0.0.1");
    EXPECT_EQ(a->port, 30303);

    for_each_variant([&](auto other) {
        using W = decltype(other);
        if constexpr (!std::is_same_v<W, V>) {
            const std::string theirs = W::format_url(W::node_id(W::generate_key().value()).value(), "10.0.0.1", 1);
            std::string w;
            EXPECT_FALSE(V::parse_url(theirs, w)) << V::name << " accepted " << theirs;
            EXPECT_FALSE(w.empty());
        }
    });
}

TYPED_TEST(DescriptorTest, OptionsMakeSessionsThatCarryCodedMessages) {
    using V = typename TypeParam::variant;
    using session = typename V::session;
    using pair_t = std::conditional_t<policies::is_datagram<typename session::frame_layout>(),
                                      test::datagram_pair<session>, test::session_pair<session>>;
    TypeParam peers;
    auto p = std::make_unique<pair_t>(peers.initiator(), peers.recipient());
    p->start();
    ASSERT_EQ(p->a.state(), transport::session_state::established);
    ASSERT_EQ(p->b.state(), transport::session_state::established);

    const bytes payload{1, 2, 3};
    bytes scratch;
    const auto [code, message] = V::encode(V::first_application_code, payload, scratch);
    ASSERT_FALSE(p->a.send(code, message, p->now));
    p->pump();
    bool seen = false;
    for (const auto& e : p->b_events) {
        if (e.kind != transport::event_kind::message) continue;
        auto m = V::decode(e.code, e.payload);
        ASSERT_TRUE(m);
        EXPECT_EQ(m->first, V::first_application_code);
        EXPECT_EQ(bytes(m->second.begin(), m->second.end()), payload);
        seen = true;
    }
    EXPECT_TRUE(seen);
}

TYPED_TEST(DescriptorTest, WrongExpectedIdentityFailsTheHandshake) {
    using V = typename TypeParam::variant;
    using session = typename V::session;
    using pair_t = std::conditional_t<policies::is_datagram<typename session::frame_layout>(),
                                      test::datagram_pair<session>, test::session_pair<session>>;
    TypeParam peers;
    auto p = std::make_unique<pair_t>(peers.initiator_expecting_someone_else(), peers.recipient());
    p->start();
    p->advance(std::chrono::seconds(10));
    EXPECT_NE(p->a.state(), transport::session_state::established);
}

TYPED_TEST(DescriptorTest, ReasonsParseAndDescribe) {
    using V = typename TypeParam::variant;
    EXPECT_FALSE(V::describe_reason(V::default_reason).empty());
    if constexpr (V::has_goodbye) {
        EXPECT_EQ(V::parse_reason(std::to_string(V::quit_reason)), V::quit_reason);
    }
    EXPECT_FALSE(V::parse_reason("no such reason"));
    EXPECT_GT(V::max_payload, 0u);
}

TEST(VariantList, NamesAndSchemesAreUnique) {
    std::set<std::string_view> names, schemes;
    std::size_t n = 0;
    for_each_variant([&](auto v) {
        using V = decltype(v);
        names.insert(V::name);
        schemes.insert(V::scheme);
        ++n;
    });
    EXPECT_EQ(names.size(), n);
    EXPECT_EQ(schemes.size(), n);
}

}  // namespace
}  // namespace polywire::variants
