#include "variants/sha256_per_side/error.hpp"

#include <gtest/gtest.h>

#include "transport/error.hpp"

namespace polywire::variants::sha256_per_side {
namespace {
using transport::condition;

TEST(Sha256PerSideErrorTest, EveryCodeHasAMessageAndACondition) {
    const std::pair<errc, condition> all[] = {
        {errc::bad_session_key, condition::handshake_failed},
        {errc::bad_mac, condition::authentication_failed},
        {errc::packet_went_backwards, condition::protocol_violation},
        {errc::packet_too_large, condition::limit_exceeded},
        {errc::expected_authenticate, condition::handshake_failed},
        {errc::malformed_authenticate, condition::handshake_failed},
        {errc::unknown_required_field, condition::handshake_failed},
        {errc::bad_signature, condition::authentication_failed},
        {errc::wrong_remote_identity, condition::handshake_failed},
        {errc::own_session_key, condition::handshake_failed},
        {errc::own_node_id, condition::handshake_failed},
    };
    for (auto [e, c] : all) {
        const std::error_code ec = e;
        EXPECT_STREQ(ec.category().name(), "polywire.sha256_per_side");
        EXPECT_NE(ec.message().find(' '), std::string::npos) << static_cast<int>(e);
        EXPECT_NE(ec.message(), "unknown polywire.sha256_per_side error") << static_cast<int>(e);
        EXPECT_EQ(ec, c) << ec.message();
    }
}

TEST(Sha256PerSideErrorTest, AnUnknownValueSaysSo) {
    const std::error_code ec(999, error_category());
    EXPECT_EQ(ec.message(), "unknown polywire.sha256_per_side error");
}

}  // namespace
}  // namespace polywire::variants::sha256_per_side
