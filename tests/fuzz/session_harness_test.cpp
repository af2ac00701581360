// The session fuzz harness reaches past the handshake for every variant of
// the list: its seeds (what real peers send, made with the injected
// deterministic randomness) complete the handshake in both roles when
// replayed, and the frames sent after a real handshake decrypt to the
// messages sent, so the fuzzer's mutations start from inputs that reach
// the transport layer.
#include "tests/fuzz/session_harness.hpp"

#include <gtest/gtest.h>

namespace polywire::fuzz::session_fuzz {
namespace {

template <class V>
outcome replay(const bytes& seed) {
    return harness<V>::run(seed.data(), seed.size());
}

TEST(SessionHarnessTest, SeedsReachPastTheHandshakeForEveryListedVariant) {
    variants::for_each_variant([](auto v) {
        using V = decltype(v);
        SCOPED_TRACE(std::string(V::name));
        const auto seeds = harness<V>::seeds();
        ASSERT_FALSE(seeds.empty()) << "the harness's real handshake did not complete";
        std::size_t frames_seeds = 0;
        for (const auto& [name, data] : seeds) {
            SCOPED_TRACE(name);
            const outcome o = replay<V>(data);
            EXPECT_TRUE(o.handshake_done);
            if (name.find("frames") == std::string::npos) continue;
            ++frames_seeds;
            EXPECT_EQ(o.messages, harness<V>::seed_messages());
            // One byte changed in the first frame: that frame is refused.
            bytes bad = data;
            bad[1 + 2 + (std::size_t{bad[1]} << 8 | bad[2]) / 2] ^= 0x40;
            const outcome b = replay<V>(bad);
            EXPECT_LT(b.messages.size(), harness<V>::seed_messages().size());
        }
        EXPECT_EQ(frames_seeds, harness<V>::datagrams ? 2u : 4u);
    });
}

TEST(SessionHarnessTest, TargetNames) {
    EXPECT_EQ(target_name("x25519-xchacha-udp"), "x25519_xchacha_udp_session_fuzz");
    EXPECT_EQ(target_name("rlpx"), "rlpx_session_fuzz");
}

}  // namespace
}  // namespace polywire::fuzz::session_fuzz
