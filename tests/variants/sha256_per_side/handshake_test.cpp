#include "variants/sha256_per_side/handshake.hpp"

#include <gtest/gtest.h>

#include "tests/variants/sha256_per_side/fixture.hpp"

namespace polywire::variants::sha256_per_side {
namespace {
using namespace test;
using policies::handshake_role;

static_assert(policies::KeyAgreement<handshake>);

handshake with_key(const char* priv, handshake_role role = handshake_role::initiator) {
    return handshake(role, {}, {.random = polywire::test::replay(key(priv).view())});
}

TEST(Sha256PerSideHandshakeTest, BothRolesSendTheirCompressedSessionKeyAtOnce) {
    for (auto role : {handshake_role::initiator, handshake_role::recipient}) {
        auto a = with_key("a_session_priv", role);
        bytes out;
        ASSERT_FALSE(a.start(out));
        EXPECT_EQ(hx(out), input("a_session_pub"));
    }
}

TEST(Sha256PerSideHandshakeTest, ReadsExactlyThePeers33BytesAndDerivesTheVectorKeys) {
    auto a = with_key("a_session_priv");
    bytes out;
    ASSERT_FALSE(a.start(out));
    out.clear();
    bytes in = h(input("b_session_pub"));
    in.push_back(0xAA);  // the first byte of the next packet stays unread
    auto partial = a.consume(byte_view(in).first(32), out);
    ASSERT_TRUE(partial);
    EXPECT_EQ(partial.value().consumed, 0u);
    EXPECT_FALSE(partial.value().done);
    auto step = a.consume(in, out);
    ASSERT_TRUE(step);
    EXPECT_EQ(step.value().consumed, 33u);
    EXPECT_TRUE(step.value().done);
    EXPECT_TRUE(out.empty());
    const secrets s = a.take_secrets();
    const auto& v = vectors()["vectors"];
    EXPECT_EQ(hx(s.egress.aes_key.view()), v["a_to_b_keys"]["aes128_key"].get<std::string>());
    EXPECT_EQ(hx(s.ingress.hmac_key.view()), v["b_to_a_keys"]["hmac_key"].get<std::string>());
    EXPECT_EQ(hx(s.remote_session_key), input("b_session_pub"));
    // take_secrets hands them over once.
    EXPECT_EQ(a.take_secrets().egress.hmac_key.view()[0], 0);
}

TEST(Sha256PerSideHandshakeTest, FreshSessionKeysDifferAndAgree) {
    handshake a(handshake_role::initiator, {}), b(handshake_role::recipient, {});
    bytes ka, kb, out;
    ASSERT_FALSE(a.start(ka));
    ASSERT_FALSE(b.start(kb));
    EXPECT_NE(ka, kb);
    ASSERT_TRUE(a.consume(kb, out).value().done);
    ASSERT_TRUE(b.consume(ka, out).value().done);
    const secrets sa = a.take_secrets(), sb = b.take_secrets();
    EXPECT_EQ(hx(sa.egress.hmac_key.view()), hx(sb.ingress.hmac_key.view()));
    EXPECT_EQ(hx(sa.ingress.aes_key.view()), hx(sb.egress.aes_key.view()));
    EXPECT_NE(hx(sa.egress.aes_key.view()), hx(sa.ingress.aes_key.view()));
}

TEST(Sha256PerSideHandshakeTest, RejectsAKeyThatIsNotACompressedCurvePoint) {
    const bytes good = h(input("b_session_pub"));
    bytes not_on_curve = good;  // about half of all X have no point: find one
    while (k1::parse_public_key(not_on_curve)) ++not_on_curve[32];
    bytes uncompressed_tag = good;
    uncompressed_tag[0] = 0x04;
    bytes zero(33, 0);
    for (const bytes& bad : {not_on_curve, uncompressed_tag, zero}) {
        auto a = with_key("a_session_priv");
        bytes out;
        ASSERT_FALSE(a.start(out));
        auto step = a.consume(bad, out);
        ASSERT_FALSE(step) << hx(bad);
        EXPECT_EQ(step.error(), errc::bad_session_key);
        EXPECT_EQ(step.error(), transport::condition::handshake_failed);
    }
}

TEST(Sha256PerSideHandshakeTest, RefusesOurOwnSessionKeyEchoedBack) {
    for (auto role : {handshake_role::initiator, handshake_role::recipient}) {
        for (bool fixed : {true, false}) {
            handshake a = fixed ? with_key("a_session_priv", role) : handshake(role, {});
            bytes ours, out;
            ASSERT_FALSE(a.start(ours));
            auto step = a.consume(ours, out);
            ASSERT_FALSE(step);
            EXPECT_EQ(step.error(), errc::own_session_key) << step.error().message();
            EXPECT_TRUE(out.empty());
        }
    }
}

TEST(Sha256PerSideHandshakeTest, MisuseIsAnErrorNotUndefinedBehaviour) {
    auto a = with_key("a_session_priv");
    bytes out;
    EXPECT_FALSE(a.consume(h(input("b_session_pub")), out));  // before start
    ASSERT_FALSE(a.start(out));
    EXPECT_TRUE(a.start(out));  // twice
    ASSERT_TRUE(a.consume(h(input("b_session_pub")), out));
    EXPECT_FALSE(a.consume(h(input("b_session_pub")), out));  // after done
}

}  // namespace
}  // namespace polywire::variants::sha256_per_side
