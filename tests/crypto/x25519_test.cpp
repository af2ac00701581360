// crypto::x25519 against RFC 7748: §5.2's scalar multiplications and §6.1's
// Diffie-Hellman example; the all-zero output is refused.
#include "crypto/x25519.hpp"

#include <gtest/gtest.h>

#include "tests/support/hex.hpp"
#include "transport/error.hpp"

namespace polywire::crypto::x25519 {
namespace {
using test::h;
using test::hx;

public_key pub(std::string_view hex) {
    public_key k{};
    const bytes b = h(hex);
    std::copy(b.begin(), b.end(), k.begin());
    return k;
}

TEST(X25519Test, Rfc7748Section5_2ScalarMultiplications) {
    EXPECT_EQ(hx(scalar_mult(h("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"),
                             h("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"))),
              "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
    EXPECT_EQ(hx(scalar_mult(h("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d"),
                             h("e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493"))),
              "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957");
}

TEST(X25519Test, Rfc7748Section5_2IteratedOnce) {
    // After one iteration of k = X25519(k, u), u = old k, starting from k = u = 9.
    bytes nine(32, 0);
    nine[0] = 9;
    EXPECT_EQ(hx(scalar_mult(nine, nine)), "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079");
}

TEST(X25519Test, Rfc7748Section6_1DiffieHellman) {
    const private_key alice(h("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
    const private_key bob(h("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));
    EXPECT_EQ(hx(public_key_of(alice)), "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    EXPECT_EQ(hx(public_key_of(bob)), "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    auto ab = shared_secret(alice, public_key_of(bob));
    auto ba = shared_secret(bob, public_key_of(alice));
    ASSERT_TRUE(ab && ba);
    EXPECT_EQ(hx(ab.value().view()), "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
    EXPECT_EQ(hx(ba.value().view()), hx(ab.value().view()));
}

TEST(X25519Test, RefusesLowOrderPointsThatGiveAnAllZeroSecret) {
    const private_key k(h("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
    // 0, 1 and a point of order 8 (from the list of small-order points).
    for (auto p : {std::string(64, '0'), std::string("01") + std::string(62, '0'),
                   std::string("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800")}) {
        auto s = shared_secret(k, pub(p));
        ASSERT_FALSE(s) << p;
        EXPECT_EQ(s.error(), crypto::errc::invalid_point);
    }
}

TEST(X25519Test, GeneratedKeysAgree) {
    auto a = generate(), b = generate();
    ASSERT_TRUE(a && b);
    EXPECT_NE(hx(a.value().view()), hx(b.value().view()));
    auto ab = shared_secret(a.value(), public_key_of(b.value()));
    auto ba = shared_secret(b.value(), public_key_of(a.value()));
    ASSERT_TRUE(ab && ba);
    EXPECT_EQ(hx(ab.value().view()), hx(ba.value().view()));
}

}  // namespace
}  // namespace polywire::crypto::x25519
