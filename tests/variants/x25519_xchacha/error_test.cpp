// x25519_xchacha::errc: its category, a message for every code, and the
// transport::condition each compares equal to.
#include "variants/x25519_xchacha/error.hpp"

#include <gtest/gtest.h>

#include "transport/error.hpp"

namespace polywire::variants::x25519_xchacha {
namespace {
using transport::condition;

TEST(ErrorTest, EveryCodeHasAMessageAndACondition) {
    EXPECT_STREQ(error_category().name(), "polywire.x25519_xchacha");
    for (int e = static_cast<int>(errc::malformed_handshake); e <= static_cast<int>(errc::key_file_write_failed); ++e) {
        const std::error_code ec = make_error_code(static_cast<errc>(e));
        EXPECT_NE(ec.message(), "unknown polywire.x25519_xchacha error") << e;
        EXPECT_NE(ec.default_error_condition().category(), error_category()) << e;
    }
}

TEST(ErrorTest, ConditionsGroupTheCodes) {
    EXPECT_EQ(make_error_code(errc::wrong_remote_identity), condition::handshake_failed);
    EXPECT_EQ(make_error_code(errc::bad_signature), condition::handshake_failed);
    EXPECT_EQ(make_error_code(errc::bad_signature), condition::authentication_failed);
    EXPECT_EQ(make_error_code(errc::key_confirmation_failed), condition::authentication_failed);
    EXPECT_NE(make_error_code(errc::wrong_remote_identity), condition::authentication_failed);
    EXPECT_EQ(make_error_code(errc::packet_replayed), condition::authentication_failed);
    EXPECT_EQ(make_error_code(errc::packet_too_old), condition::authentication_failed);
    EXPECT_EQ(make_error_code(errc::unknown_key_epoch), condition::authentication_failed);
    EXPECT_EQ(make_error_code(errc::malformed_message), condition::protocol_violation);
    EXPECT_EQ(make_error_code(errc::unexpected_rekey), condition::protocol_violation);
    EXPECT_EQ(make_error_code(errc::passphrase_required), condition::misuse);
    EXPECT_EQ(make_error_code(errc::wrong_passphrase), condition::misuse);
    EXPECT_EQ(make_error_code(errc::key_file_unreadable), condition::system_failure);
}

}  // namespace
}  // namespace polywire::variants::x25519_xchacha
