// AES-CTR on every backend (crypto::aes_ctr from Botan,
// crypto::openssl_aes_ctr) against NIST SP 800-38A, and Botan's single-block
// AES-256 against FIPS-197.
#include "crypto/aes.hpp"

#include <gtest/gtest.h>

#include "crypto/backend.hpp"

#include "tests/support/hex.hpp"

namespace polywire::crypto {
namespace {
using test::h;
using test::hx;

const char* const plaintext =
    "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
    "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";

template <class Ctr>
class AesCtrTest : public ::testing::Test {};
using backends = ::testing::Types<backend_traits<botan_backend>::aes_ctr, backend_traits<openssl_backend>::aes_ctr>;
TYPED_TEST_SUITE(AesCtrTest, backends);

// NIST SP 800-38A, F.5.5 CTR-AES256.Encrypt.
TYPED_TEST(AesCtrTest, Aes256MatchesSp80038a) {
    TypeParam c(h("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4"),
              h("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"));
    bytes data = h(plaintext);
    c.apply(data);
    EXPECT_EQ(hx(data),
              "601ec313775789a5b7a7f504bbf3d228f443e3ca4d62b59aca84e990cacaf5c5"
              "2b0930daa23de94ce87017ba2d84988ddfc9c58db67aada613c2dd08457941a6");
}

// NIST SP 800-38A, F.5.1 CTR-AES128.Encrypt, applied in uneven pieces: the
// keystream continues across calls.
TYPED_TEST(AesCtrTest, Aes128KeystreamContinuesAcrossCalls) {
    TypeParam c(h("2b7e151628aed2a6abf7158809cf4f3c"), h("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"));
    bytes data = h(plaintext);
    mutable_byte_view v(data);
    c.apply(v.first(5));
    c.apply(v.subspan(5, 30));
    c.apply(v.subspan(35));
    EXPECT_EQ(hx(data),
              "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff"
              "5ae4df3edbd5d35e5b4f09020db03eab1e031dda2fbe03d1792170a0f3009cee");
}

// FIPS-197 Appendix C.3.
TEST(Aes256BlockTest, MatchesFips197) {
    aes256_block b(h("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"));
    bytes block = h("00112233445566778899aabbccddeeff");
    b.encrypt(block.data());
    EXPECT_EQ(hx(block), "8ea2b7ca516745bfeafc49904b496089");
}

}  // namespace
}  // namespace polywire::crypto
