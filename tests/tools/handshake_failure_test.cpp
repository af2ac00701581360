// The tool's sentence for a failed handshake (tools/cli/common.hpp,
// describe_handshake_failure) reads what an error is, not which variant
// made it: the peer's end of stream is recognised by its condition
// (peer_disconnected), so every variant's name for it, and one the tool
// has never heard of, reads the same.
#include <cerrno>
#include <string>

#include <gtest/gtest.h>

#include "tools/cli/common.hpp"
#include "transport/error.hpp"
#include "variants/noise_xk/error.hpp"

namespace polywire::cli {
namespace {
using namespace std::chrono_literals;

// A variant the tool does not know, whose end of stream mid-handshake is
// its own code (equivalent to peer_disconnected, as noise-xk's is).
class unknown_variant_category final : public std::error_category {
public:
    const char* name() const noexcept override { return "test.unknown_variant"; }
    std::string message(int) const override { return "the stream ended inside a handshake message"; }
    bool equivalent(int ev, const std::error_condition& cond) const noexcept override {
        return ev == 1 && (cond == transport::condition::peer_disconnected || cond == transport::condition::handshake_failed);
    }
};
const unknown_variant_category unknown;

const std::string closed = "the remote 10.0.0.1:9735 closed the connection during the handshake";

TEST(HandshakeFailureTest, ThePeersEndOfStreamReadsTheSameWhateverTheVariant) {
    EXPECT_EQ(describe_handshake_failure("10.0.0.1:9735", transport::errc::peer_closed, 5000ms), closed);
    EXPECT_EQ(describe_handshake_failure("10.0.0.1:9735", variants::noise_xk::errc::handshake_truncated, 5000ms), closed);
    EXPECT_EQ(describe_handshake_failure("10.0.0.1:9735", std::error_code(1, unknown), 5000ms), closed);
    EXPECT_EQ(describe_handshake_failure("10.0.0.1:9735", transport::os_error(EPIPE), 5000ms), closed);
}

TEST(HandshakeFailureTest, OtherFailuresSayWhatWasSeen) {
    EXPECT_EQ(describe_handshake_failure("h:1", transport::os_error(ECONNRESET), 5000ms),
              "the remote h:1 reset the connection during the handshake");
    EXPECT_EQ(describe_handshake_failure("h:1", transport::errc::handshake_timeout, 250ms),
              "handshake with h:1 timed out: no complete reply within 250 ms");
    // A goodbye keeps its own message; a refused act names itself.
    EXPECT_EQ(describe_handshake_failure("h:1", transport::errc::peer_disconnected, 5000ms),
              "handshake with h:1 failed: " + make_error_code(transport::errc::peer_disconnected).message());
    const std::error_code tag = variants::noise_xk::errc::act2_bad_tag;
    EXPECT_EQ(describe_handshake_failure("h:1", tag, 5000ms), "handshake with h:1 failed: " + tag.message());
}

}  // namespace
}  // namespace polywire::cli
