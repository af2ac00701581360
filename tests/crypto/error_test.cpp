// The primitives' error categories: names, messages, the transport
// conditions each code falls under, and the equivalence of crypto::errc
// codes with their transport counterparts. The wrappers return these codes,
// not the transport's.
#include "crypto/error.hpp"

#include <set>
#include <string>

#include <gtest/gtest.h>

#include "crypto/bcrypt_pbkdf.hpp"
#include "crypto/chacha20_poly1305.hpp"
#include "crypto/ed25519.hpp"
#include "crypto/hkdf.hpp"
#include "crypto/secp256k1.hpp"
#include "crypto/snappy.hpp"
#include "crypto/x25519.hpp"
#include "tests/support/hex.hpp"
#include "transport/error.hpp"

namespace polywire::crypto {
namespace {

using transport::condition;

constexpr errc all[] = {errc::invalid_argument, errc::invalid_key, errc::invalid_point, errc::backend_failure,
                        errc::random_failure};

TEST(CryptoErrorTest, CategoryNames) {
    EXPECT_STREQ(error_category().name(), "polywire.crypto");
    EXPECT_STREQ(aead_category().name(), "polywire.aead");
    EXPECT_STREQ(secp256k1::error_category().name(), "polywire.secp256k1");
    EXPECT_STREQ(snappy::error_category().name(), "polywire.snappy");
    EXPECT_NE(&error_category(), &transport::error_category());
}

TEST(CryptoErrorTest, EveryCodeHasItsOwnMessage) {
    std::set<std::string> seen;
    for (errc e : all) {
        const std::string m = make_error_code(e).message();
        EXPECT_EQ(m.find("unknown"), std::string::npos) << static_cast<int>(e);
        EXPECT_TRUE(seen.insert(m).second) << m;
    }
    EXPECT_NE(make_error_code(static_cast<errc>(99)).message().find("unknown"), std::string::npos);
}

TEST(CryptoErrorTest, CodesFallUnderTransportConditions) {
    EXPECT_EQ(make_error_code(errc::invalid_argument), condition::misuse);
    EXPECT_EQ(make_error_code(errc::invalid_key), condition::misuse);
    EXPECT_EQ(make_error_code(errc::invalid_point), condition::protocol_violation);
    EXPECT_EQ(make_error_code(errc::backend_failure), condition::system_failure);
    EXPECT_EQ(make_error_code(errc::random_failure), condition::system_failure);
    EXPECT_NE(make_error_code(errc::backend_failure), condition::authentication_failed);
    // The families' categories do the same.
    EXPECT_EQ(make_error_code(aead_errc::tag_mismatch), condition::authentication_failed);
    EXPECT_EQ(make_error_code(aead_errc::library_failure), condition::system_failure);
    EXPECT_EQ(make_error_code(aead_errc::bad_buffers), condition::misuse);
    EXPECT_EQ(make_error_code(secp256k1::errc::invalid_public_key), condition::protocol_violation);
    EXPECT_EQ(make_error_code(snappy::errc::size_over_limit), condition::limit_exceeded);
}

TEST(CryptoErrorTest, CodesMatchTheirTransportCounterpartsAsConditions) {
    EXPECT_EQ(transport_counterpart(errc::invalid_argument), transport::errc::invalid_argument);
    EXPECT_EQ(transport_counterpart(errc::invalid_key), transport::errc::bad_key);
    EXPECT_EQ(transport_counterpart(errc::invalid_point), transport::errc::bad_key);
    EXPECT_EQ(transport_counterpart(errc::backend_failure), transport::errc::crypto_failure);
    EXPECT_EQ(transport_counterpart(errc::random_failure), transport::errc::random_failure);
    for (errc e : all) {
        const std::error_code ec = e;
        EXPECT_EQ(ec, as_condition(transport_counterpart(e))) << ec.message();
        // Codes are compared by category and value: never equal across categories.
        EXPECT_NE(ec, make_error_code(transport_counterpart(e))) << ec.message();
    }
    EXPECT_NE(make_error_code(errc::backend_failure), as_condition(transport::errc::random_failure));
    EXPECT_NE(make_error_code(errc::random_failure), as_condition(transport::errc::crypto_failure));
    EXPECT_NE(make_error_code(errc::invalid_key), as_condition(transport::errc::invalid_argument));
    // A transport code still matches itself taken as a condition.
    EXPECT_EQ(make_error_code(transport::errc::crypto_failure), as_condition(transport::errc::crypto_failure));
    EXPECT_NE(make_error_code(transport::errc::bad_key), as_condition(transport::errc::crypto_failure));
}

// The wrappers report in crypto's category, not in the transport's.
TEST(CryptoErrorTest, WrappersReturnCryptoCodes) {
    std::uint8_t out[16];
    EXPECT_EQ(hkdf_sha256(mutable_byte_view(out, 0), {}, {}), errc::invalid_argument);
    EXPECT_EQ(bcrypt_pbkdf(mutable_byte_view(out, sizeof out), "pw", {}, 16), errc::invalid_argument);

    const std::uint8_t seed[31] = {};
    auto ed = ed25519::private_key::from_seed(byte_view(seed, sizeof seed));
    ASSERT_FALSE(ed);
    EXPECT_EQ(ed.error(), errc::invalid_key);
    EXPECT_EQ(ed.error(), as_condition(transport::errc::bad_key));

    auto k = x25519::generate();
    ASSERT_TRUE(k);
    auto ss = x25519::shared_secret(k.value(), x25519::public_key{});
    ASSERT_FALSE(ss);
    EXPECT_EQ(ss.error(), errc::invalid_point);
    EXPECT_EQ(ss.error(), condition::protocol_violation);

    auto sk = secp256k1::generate_private_key();
    ASSERT_TRUE(sk);
    const std::uint8_t digest[31] = {};
    auto sig = secp256k1::sign(sk.value(), byte_view(digest, sizeof digest));
    ASSERT_FALSE(sig);
    EXPECT_EQ(sig.error(), errc::invalid_argument);
    EXPECT_EQ(sig.error().category(), error_category());
}

}  // namespace
}  // namespace polywire::crypto
