// crypto::sodium_hash: SHA-256 ("abc", FIPS 180-2) and HMAC-SHA256 (RFC 4231
// test cases 1, 2 and 6: a key longer than the block), and the same bytes
// as OpenSSL's (openssl_digest) for every key and message length up to
// two blocks, split into parts anywhere.
#include "crypto/sodium_hash.hpp"

#include <array>
#include <string_view>

#include <gtest/gtest.h>

#include "crypto/openssl_digest.hpp"
#include "crypto/random.hpp"
#include "tests/support/hex.hpp"
#include "transport/error.hpp"

namespace polywire::crypto {
namespace {
using test::hx;

bytes text(std::string_view s) { return bytes(s.begin(), s.end()); }

std::string hmac_hex(byte_view key, std::initializer_list<byte_view> parts) {
    std::array<std::uint8_t, 32> out{};
    EXPECT_FALSE(sodium_hash::hmac_sha256(key, parts, out));
    return hx(out);
}

TEST(SodiumHashTest, PublishedAnswers) {
    std::array<std::uint8_t, 32> out{};
    ASSERT_FALSE(sodium_hash::sha256({text("ab"), text("c")}, out));
    EXPECT_EQ(hx(out), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(hmac_hex(bytes(20, 0x0b), {text("Hi There")}),
              "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    EXPECT_EQ(hmac_hex(text("Jefe"), {text("what do ya want "), text("for nothing?")}),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    EXPECT_EQ(hmac_hex(bytes(131, 0xaa), {text("Test Using Larger Than Block-Size Key - Hash Key First")}),
              "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(SodiumHashTest, TheSameBytesAsOpenSsl) {
    bytes key(130), msg(130);
    ASSERT_FALSE(random_bytes(key));
    ASSERT_FALSE(random_bytes(msg));
    for (std::size_t k = 0; k <= key.size(); k += 13) {
        for (std::size_t n = 0; n <= msg.size(); ++n) {
            const byte_view kv = byte_view(key).first(k), m = byte_view(msg).first(n);
            std::array<std::uint8_t, 32> ours{}, theirs{};
            ASSERT_FALSE(sodium_hash::hmac_sha256(kv, {m.first(n / 3), m.subspan(n / 3)}, ours));
            ASSERT_FALSE(openssl_digest::hmac(digest_algorithm::sha256, kv, {m}, theirs));
            ASSERT_EQ(hx(ours), hx(theirs)) << k << " " << n;
            ASSERT_FALSE(sodium_hash::sha256({m.first(n / 2), m.subspan(n / 2)}, ours));
            ASSERT_FALSE(openssl_digest::hash(digest_algorithm::sha256, {m}, theirs));
            ASSERT_EQ(hx(ours), hx(theirs)) << n;
        }
    }
}

TEST(SodiumHashTest, RefusesAWrongOutputSize) {
    std::array<std::uint8_t, 31> out{};
    EXPECT_EQ(sodium_hash::sha256({}, out), transport::errc::invalid_argument);
    EXPECT_EQ(sodium_hash::hmac_sha256({}, {}, out), transport::errc::invalid_argument);
}

}  // namespace
}  // namespace polywire::crypto
