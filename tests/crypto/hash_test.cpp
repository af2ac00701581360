#include "crypto/hash.hpp"

#include <gtest/gtest.h>

#include "tests/support/hex.hpp"

namespace polywire::crypto {
namespace {
using test::h;
using test::hx;

TEST(Keccak256Test, MatchesKnownAnswers) {
    EXPECT_EQ(hx(keccak256::hash({})), "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    EXPECT_EQ(hx(keccak256::hash(as_bytes("abc"))), "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
}

TEST(Keccak256Test, IncrementalEqualsOneShotAcrossRateBoundaries) {
    bytes data(1000);
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i * 7);
    for (std::size_t split : {0u, 1u, 135u, 136u, 137u, 500u, 1000u}) {
        keccak256 k;
        k.update(byte_view(data).first(split));
        k.update(byte_view(data).subspan(split));
        EXPECT_EQ(k.digest(), keccak256::hash(data)) << "split " << split;
    }
}

TEST(Keccak256Test, DigestLeavesStateReadyForMoreData) {
    keccak256 k;
    k.update(as_bytes("ab"));
    (void)k.digest();
    k.update(as_bytes("c"));
    EXPECT_EQ(k.digest(), keccak256::hash(as_bytes("abc")));
}

TEST(Keccak256Test, CopyStateForksTheSponge) {
    keccak256 a, b;
    a.update(as_bytes("ab"));
    b.copy_state_from(a);
    b.update(as_bytes("c"));
    EXPECT_EQ(b.digest(), keccak256::hash(as_bytes("abc")));
    EXPECT_EQ(a.digest(), keccak256::hash(as_bytes("ab")));
}

TEST(Sha256Test, MatchesKnownAnswer) {
    EXPECT_EQ(hx(sha256(as_bytes("abc"))), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(hx(sha256(as_bytes("a"), as_bytes("bc"))), hx(sha256(as_bytes("abc"))));
}

TEST(HmacSha256Test, MatchesRfc4231Case2) {
    EXPECT_EQ(hx(hmac_sha256(as_bytes("Jefe"), as_bytes("what do ya want "), as_bytes("for nothing?"))),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

}  // namespace
}  // namespace polywire::crypto
