#include "variants/noise_xk/error.hpp"

#include <gtest/gtest.h>

#include "transport/error.hpp"

namespace polywire::variants::noise_xk {
namespace {
using transport::condition;

TEST(NoiseXkErrorTest, EveryCodeHasAMessageAndAHandshakeCondition) {
    for (int e = static_cast<int>(errc::act1_bad_version); e <= static_cast<int>(errc::handshake_truncated); ++e) {
        const std::error_code ec = make_error_code(static_cast<errc>(e));
        EXPECT_EQ(ec.category().name(), std::string("polywire.noise_xk"));
        EXPECT_NE(ec.message(), "unknown polywire.noise_xk error") << e;
        EXPECT_EQ(ec, condition::handshake_failed) << ec.message();
        EXPECT_NE(ec, condition::timed_out);
    }
}

TEST(NoiseXkErrorTest, TagFailuresAreAlsoAuthenticationFailures) {
    for (errc e : {errc::act1_bad_tag, errc::act2_bad_tag, errc::act3_bad_ciphertext, errc::act3_bad_tag})
        EXPECT_EQ(make_error_code(e), condition::authentication_failed);
    for (errc e : {errc::act1_bad_version, errc::act2_bad_pubkey, errc::act3_bad_pubkey, errc::wrong_remote_identity,
                   errc::handshake_truncated})
        EXPECT_NE(make_error_code(e), condition::authentication_failed);
    EXPECT_EQ(make_error_code(errc::act1_bad_tag).default_error_condition(), condition::handshake_failed);
}

TEST(NoiseXkErrorTest, AnEndOfStreamInsideAnActIsAlsoThePeerDisconnecting) {
    EXPECT_EQ(make_error_code(errc::handshake_truncated), condition::peer_disconnected);
    EXPECT_EQ(make_error_code(errc::handshake_truncated), condition::handshake_failed);
    for (int e = static_cast<int>(errc::act1_bad_version); e < static_cast<int>(errc::handshake_truncated); ++e)
        EXPECT_NE(make_error_code(static_cast<errc>(e)), condition::peer_disconnected) << e;
}

}  // namespace
}  // namespace polywire::variants::noise_xk
