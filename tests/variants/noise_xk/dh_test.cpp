// secp256k1_dh, BOLT 8's DH policy: Appendix A's keys, the DH as SHA-256
// of the compressed shared point, keys drawn again while not valid, and
// invalid received keys refused.
#include "variants/noise_xk/dh.hpp"

#include <gtest/gtest.h>

#include "crypto/hash.hpp"
#include "tests/support/hex.hpp"
#include "tests/support/replay_random.hpp"

namespace polywire::variants::noise_xk {
namespace {
namespace k1 = crypto::secp256k1;
using test::h;
using test::hx;

const k1::private_key initiator_e(h("1212121212121212121212121212121212121212121212121212121212121212"));
const k1::private_key responder_s(h("2121212121212121212121212121212121212121212121212121212121212121"));

TEST(NoiseXkDhTest, KeysAreCompressedPointsAndTheDhIsAppendixAs) {
    static_assert(secp256k1_dh::dh_len == 32 && std::tuple_size_v<secp256k1_dh::public_key> == 33);
    const auto e = secp256k1_dh::public_key_of(initiator_e).value();
    EXPECT_EQ(hx(e), "036360e856310ce5d294e8be33fc807077dc56ac80d95d9cd4ddbd21325eff73f7");
    const auto rs = secp256k1_dh::public_key_of(responder_s).value();
    EXPECT_EQ(hx(rs), "028d7500dd4c12685d1f568b4c2b5048e8534b873319f3a8daa612b469132ec7f7");
    // Appendix A, Act One: es = ECDH(e, rs), the same from the other side.
    const auto es = secp256k1_dh::dh(initiator_e, rs).value();
    EXPECT_EQ(hx(es.view()), "1e2fb3c8fe8fb9f262f649f64d26ecf0f2c0a805a767cf02dc2d77a6ef1fdcc3");
    EXPECT_EQ(hx(secp256k1_dh::dh(responder_s, e).value().view()), hx(es.view()));
    // ... which is SHA-256 of the compressed shared point.
    auto p = k1::parse_public_key(rs).value();
    EXPECT_EQ(hx(es.view()), hx(k1::ecdh_sha256(initiator_e, p).value().view()));
}

TEST(NoiseXkDhTest, RefusesKeysThatAreNotPoints) {
    auto rs = secp256k1_dh::public_key_of(responder_s).value();
    const auto decoded = secp256k1_dh::prepare(rs);
    ASSERT_TRUE(decoded);
    EXPECT_EQ(k1::compress(*decoded), rs);
    EXPECT_EQ(hx(secp256k1_dh::dh(initiator_e, *decoded).value().view()),
              hx(secp256k1_dh::dh(initiator_e, rs).value().view()));
    rs[0] = 0x04;  // not a compressed prefix
    EXPECT_FALSE(secp256k1_dh::prepare(rs));
    EXPECT_EQ(secp256k1_dh::dh(initiator_e, rs).error(), transport::errc::bad_key);
    EXPECT_FALSE(secp256k1_dh::prepare(k1::compressed_public_key{}));
    rs[0] = 0x02;
    rs[1] ^= 0x01;  // most x have no point: about half of these are refused
    int refused = 0;
    for (int i = 0; i < 64; ++i, rs[5] = static_cast<std::uint8_t>(i)) refused += !secp256k1_dh::prepare(rs);
    EXPECT_GT(refused, 0);
    EXPECT_EQ(secp256k1_dh::public_key_of(k1::private_key{}).error(), transport::errc::bad_key);  // zero
}

TEST(NoiseXkDhTest, DrawsAgainWhileTheBytesAreNotAKey) {
    // 32 bytes of 0xff exceed the group order: the next 32 are taken.
    const bytes draws = test::cat(bytes(32, 0xff), initiator_e.view());
    auto k = secp256k1_dh::generate_private_key(test::replay(draws));
    ASSERT_TRUE(k);
    EXPECT_EQ(hx(k.value().view()), hx(initiator_e.view()));
    EXPECT_FALSE(secp256k1_dh::generate_private_key(test::replay(bytes(32, 0xff), false)));  // the source runs dry
}

}  // namespace
}  // namespace polywire::variants::noise_xk
