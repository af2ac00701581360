#include "crypto/hkdf.hpp"

#include <gtest/gtest.h>

#include "tests/support/hex.hpp"
#include "transport/error.hpp"

namespace polywire::crypto {
namespace {
using test::h;
using test::hx;

TEST(HkdfSha256Test, MatchesRfc5869TestCase1) {
    bytes okm(42);
    ASSERT_FALSE(hkdf_sha256(okm, bytes(22, 0x0b), h("000102030405060708090a0b0c"), h("f0f1f2f3f4f5f6f7f8f9")));
    EXPECT_EQ(hx(okm), "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
}

TEST(HkdfSha256Test, MatchesBolt8ActOneStep) {
    // BOLT 8 Appendix A: ck, temp_k1 = HKDF(ck = SHA256(protocol name), es).
    bytes out(64);
    ASSERT_FALSE(hkdf_sha256(out, h("1e2fb3c8fe8fb9f262f649f64d26ecf0f2c0a805a767cf02dc2d77a6ef1fdcc3"),
                             h("2640f52eebcd9e882958951c794250eedb28002c05d7dc2ea0f195406042caf1")));
    EXPECT_EQ(hx(byte_view(out).first(32)), "b61ec1191326fa240decc9564369dbb3ae2b34341d1e11ad64ed89f89180582f");
    EXPECT_EQ(hx(byte_view(out).last(32)), "e68f69b7f096d7917245f5e5cf8ae1595febe4d4644333c99f9c4a1282031c9f");
}

TEST(HkdfSha256Test, AcceptsAnEmptyInputKey) {
    // BOLT 8's final split: sk, rk = HKDF(ck, zero-length input).
    bytes out(64);
    ASSERT_FALSE(hkdf_sha256(out, {}, h("919219dbb2920afa8db80f9a51787a840bcf111ed8d588caf9ab4be716e42b01")));
    EXPECT_EQ(hx(byte_view(out).first(32)), "969ab31b4d288cedf6218839b27a3e2140827047f2c0f01bf5c04435d43511a9");
    EXPECT_EQ(hx(byte_view(out).last(32)), "bb9020b8965f4df047e07f955f3c4b88418984aadc5cdb35096b9ea8fa5c3442");
}

TEST(HkdfSha256Test, RejectsImpossibleOutputSizes) {
    bytes none;
    EXPECT_EQ(hkdf_sha256(none, bytes(1), bytes(1)), crypto::errc::invalid_argument);
    bytes too_long(255 * 32 + 1);
    EXPECT_EQ(hkdf_sha256(too_long, bytes(1), bytes(1)), crypto::errc::invalid_argument);
}

}  // namespace
}  // namespace polywire::crypto
