// crypto::openssl_aes_ctr: the same keystream as Botan's for both key
// sizes, whatever the split of the input; out-of-place use; bad sizes
// refused at construction. (SP 800-38A known answers: aes_test.cpp.)
#include "crypto/openssl_aes.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "crypto/aes.hpp"
#include "crypto/random.hpp"

namespace polywire::crypto {
namespace {

TEST(OpenSslAesCtrTest, MatchesBotanForBothKeySizesAndAnySplit) {
    for (std::size_t key_size : {16u, 32u}) {
        bytes key(key_size), iv(16), data(5000);
        ASSERT_FALSE(random_bytes(key));
        ASSERT_FALSE(random_bytes(iv));
        ASSERT_FALSE(random_bytes(data));
        iv[15] = 0xf0;  // the counter carries into the upper bytes within the run
        for (int i = 8; i < 15; ++i) iv[static_cast<std::size_t>(i)] = 0xff;
        aes_ctr botan(key, iv);
        openssl_aes_ctr ossl(key, iv);
        bytes want = data, got = data;
        botan.apply(want);
        mutable_byte_view g(got);
        std::size_t at = 0;
        for (std::size_t piece : {1u, 15u, 16u, 17u, 1000u, 3951u}) {
            ossl.apply(g.subspan(at, piece));
            at += piece;
        }
        ASSERT_EQ(at, got.size());
        EXPECT_EQ(got, want) << key_size;
    }
}

TEST(OpenSslAesCtrTest, EncryptsOutOfPlace) {
    const bytes key(32, 7), iv(16, 1), in(100, 0x33);
    openssl_aes_ctr a(key, iv), b(key, iv);
    bytes out(in.size()), inout = in;
    a.apply(in, out);
    b.apply(inout);
    EXPECT_EQ(out, inout);
    EXPECT_NE(out, in);
}

TEST(OpenSslAesCtrTest, RefusesBadSizes) {
    EXPECT_THROW(openssl_aes_ctr(bytes(24), bytes(16)), std::invalid_argument);
    EXPECT_THROW(openssl_aes_ctr(bytes(32), bytes(12)), std::invalid_argument);
}

}  // namespace
}  // namespace polywire::crypto
