// crypto::openssl_digest: hashes and HMAC against published answers (FIPS
// 180-2 "abc", RFC 4231 test cases 1 and 2), called in any order: each
// thread's HMAC context is reused and re-keyed per call, so every call's
// key must be the one that counts, whatever the previous call's was and on
// whichever thread.
#include "crypto/openssl_digest.hpp"

#include <array>
#include <string_view>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/hex.hpp"
#include "transport/error.hpp"

namespace polywire::crypto {
namespace {
using test::h;
using test::hx;

constexpr auto sha256 = digest_algorithm::sha256;
constexpr auto sha512 = digest_algorithm::sha512;

const std::string_view case1_256 = "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7";
const std::string_view case1_512 =
    "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854";
const std::string_view case2_256 = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
const std::string_view empty_256 = "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad";

std::string hmac_hex(digest_algorithm a, byte_view key, std::initializer_list<byte_view> parts) {
    std::vector<std::uint8_t> out(digest_size(a));
    EXPECT_FALSE(openssl_digest::hmac(a, key, parts, out));
    return hx(out);
}

const bytes key1(20, 0x0b);
const bytes key2 = {'J', 'e', 'f', 'e'};

TEST(OpensslDigestTest, HashesTheKnownAnswer) {
    std::array<std::uint8_t, 32> out{};
    ASSERT_FALSE(openssl_digest::hash(sha256, {as_bytes("a"), as_bytes("bc")}, out));
    EXPECT_EQ(hx(out), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    std::array<std::uint8_t, 64> wrong{};
    EXPECT_EQ(openssl_digest::hash(sha256, {as_bytes("abc")}, wrong), transport::errc::invalid_argument);
}

TEST(OpensslDigestTest, HmacKnownAnswersInAnyOrderOfKeysAndDigests) {
    for (int round = 0; round < 3; ++round) {
        EXPECT_EQ(hmac_hex(sha256, key1, {as_bytes("Hi There")}), case1_256);
        EXPECT_EQ(hmac_hex(sha256, key2, {as_bytes("what do ya "), as_bytes("want for nothing?")}), case2_256);
        EXPECT_EQ(hmac_hex(sha512, key1, {as_bytes("Hi"), as_bytes(" There")}), case1_512);
        EXPECT_EQ(hmac_hex(sha256, {}, {}), empty_256);
        EXPECT_EQ(hmac_hex(sha256, key1, {as_bytes("Hi There")}), case1_256);
    }
    std::array<std::uint8_t, 64> wrong{};
    EXPECT_EQ(openssl_digest::hmac(sha256, key1, {}, wrong), transport::errc::invalid_argument);
}

TEST(OpensslDigestTest, HmacOnSeveralThreadsAtOnce) {
    std::vector<std::thread> threads;
    std::array<int, 4> failures{};
    for (std::size_t t = 0; t < failures.size(); ++t) {
        threads.emplace_back([t, &failures] {
            for (int i = 0; i < 500; ++i) {
                std::array<std::uint8_t, 32> out{};
                const bool first = (i + t) % 2 == 0;
                (void)openssl_digest::hmac(sha256, first ? key1 : key2,
                                           {first ? as_bytes("Hi There") : as_bytes("what do ya want for nothing?")}, out);
                if (hx(out) != (first ? case1_256 : case2_256)) ++failures[t];
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(failures, (std::array<int, 4>{}));
}

}  // namespace
}  // namespace polywire::crypto
