// Golden RLPx frames, written and read through the real session with
// policies swapped in for the test: go-ethereum's TestFrameReadWrite (fixed
// secrets, a fake MAC that always yields 0x01 bytes) and frames written
// with the real secrets of the official (Auth2, Ack2) handshake.
#include "rlpx/framing.hpp"

#include <gtest/gtest.h>

#include "rlpx/config.hpp"
#include "tests/support/hex.hpp"
#include "tests/support/replay_random.hpp"
#include "tests/support/preset_key_agreement.hpp"
#include "tests/support/vectors.hpp"

namespace polywire::rlpx {
namespace {
using test::h;
using test::hx;
namespace role = transport::role;

// geth's fakeHash: every tag is 0x01 * 16, whatever the input.
struct fake_hash_mac {
    static constexpr std::string_view name = "fake hash (tests only)";
    static constexpr std::size_t tag_size = 16;
    fake_hash_mac(const secrets&, policies::direction) noexcept {}
    void header_tag(byte_view, mutable_byte_view t) noexcept { std::fill(t.begin(), t.end(), 0x01); }
    void body_tag(byte_view, mutable_byte_view t) noexcept { std::fill(t.begin(), t.end(), 0x01); }
    std::error_code check_header(byte_view, byte_view t) noexcept {
        return std::all_of(t.begin(), t.end(), [](auto b) { return b == 1; }) ? std::error_code{} : errc::bad_header_mac;
    }
    std::error_code check_body(byte_view, byte_view t) noexcept {
        return std::all_of(t.begin(), t.end(), [](auto b) { return b == 1; }) ? std::error_code{} : errc::bad_frame_mac;
    }
};

// RLPx framing with fixed secrets, no p2p layer, no compression.
using frames_only = transport::with_policy<
    transport::with_policy<transport::with_policy<config, role::key_agreement, test::preset_key_agreement<secrets>>,
                           role::base_protocol, policies::no_base_protocol>,
    role::compressor, policies::no_compression>;
using geth_test_config = transport::with_policy<frames_only, role::mac_state, fake_hash_mac>;

const nlohmann::json& vectors() {
    static const nlohmann::json v = test::load_vectors("rlpx-vectors.json");
    return v;
}

template <class Config>
transport::session<Config> established(policies::handshake_role r, const secrets& s) {
    typename transport::session<Config>::options o;
    o.handshake.secrets_for_testing_only = s;
    transport::session<Config> sess(r, o);
    EXPECT_FALSE(sess.start(transport::time_point{}));
    EXPECT_EQ(sess.state(), transport::session_state::established);
    while (sess.next_event()) {
    }
    return sess;
}

TEST(FrameLayoutTest, HeaderCarriesSizeAndHeaderData) {
    bytes hdr(16);
    frame_layout::encode_header(6, hdr);
    EXPECT_EQ(hx(hdr), "000006c2808000000000000000000000");
    EXPECT_EQ(frame_layout::decode_header(hdr).value(), 6u);
    EXPECT_EQ(frame_layout::padded_size(6), 16u);
    EXPECT_EQ(frame_layout::padded_size(16), 16u);
    EXPECT_EQ(frame_layout::padded_size(17), 32u);
}

TEST(FrameLayoutTest, MessageCodeIsRlpEncoded) {
    bytes b;
    frame_layout::encode_code(0, b);
    frame_layout::encode_code(0x10, b);
    frame_layout::encode_code(0x80, b);
    EXPECT_EQ(hx(b), "80108180");
    EXPECT_EQ(frame_layout::decode_code(h("80")).value().code, 0u);
    EXPECT_EQ(frame_layout::decode_code(h("8180aa")).value().prefix_size, 2u);
    EXPECT_FALSE(frame_layout::decode_code(h("00")));   // non-canonical zero
    EXPECT_FALSE(frame_layout::decode_code(h("c0")));   // a list is no code
}

TEST(FrameLayoutTest, ReproducesGethTestFrameReadWrite) {
    const auto& v = vectors()["frame_codec"]["geth_TestFrameReadWrite"];
    secrets s;
    s.aes_secret = secret<32>(h(v["aes_secret"].get<std::string>()));
    s.mac_secret = secret<32>(h(v["mac_secret"].get<std::string>()));
    auto writer = established<geth_test_config>(policies::handshake_role::initiator, s);
    ASSERT_FALSE(writer.send(8, h("c401020304"), {}));
    EXPECT_EQ(hx(writer.pending_output()), v["golden_frame"].get<std::string>());

    auto reader = established<geth_test_config>(policies::handshake_role::recipient, s);
    ASSERT_FALSE(reader.receive(h(v["golden_frame"].get<std::string>()), {}));
    auto e = reader.next_event();
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, 8u);
    EXPECT_EQ(hx(e->payload), "c401020304");
}

// Secrets of the official handshake: A initiates with auth2, B answers ack2.
std::pair<secrets, secrets> auth2_ack2_secrets() {
    const auto& off = vectors()["handshake"]["official"];
    const auto& der = vectors()["handshake"]["derived"];
    auto key = [&](const char* n) { return crypto::secp256k1::parse_private_key(h(off[n].get<std::string>())).value(); };
    auto nonce = [&](const char* n) {
        std::array<std::uint8_t, 32> a{};
        auto b = h(off[n].get<std::string>());
        std::copy(b.begin(), b.end(), a.begin());
        return a;
    };
    const bytes auth = h(off["auth"]["auth2_eip8_v4"]["hex"].get<std::string>());
    const bytes ack = h(off["ack"]["ack2_eip8_v4"]["hex"].get<std::string>());

    handshake::options ao{};
    ao.static_key = key("static_key_a");
    ao.remote_id = crypto::secp256k1::parse_public_key(h(der["static_pub_b"].get<std::string>())).value();
    handshake a(policies::handshake_role::initiator, ao,
                      {.random = test::replay(test::cat(key("ephemeral_key_a").view(), nonce("nonce_a")))});
    a.send_auth_for_testing_only(auth);
    bytes out;
    EXPECT_FALSE(a.start(out));
    EXPECT_TRUE(a.consume(ack, out).value().done);

    // B's own handshake run is checked in vectors_test; its reply here would
    // carry fresh padding, so B's secrets are A's mirrored (B's egress MAC
    // is seeded with the official ack2, as A's ingress MAC is).
    secrets sa = a.take_secrets();
    secrets sb = sa;
    sb.egress_mac = sa.ingress_mac;
    sb.ingress_mac = sa.egress_mac;
    return {sa, sb};
}

TEST(FrameLayoutTest, ReproducesFramesWrittenWithTheOfficialHandshakeSecrets) {
    auto [sa, sb] = auth2_ack2_secrets();
    auto a = established<frames_only>(policies::handshake_role::initiator, sa);
    auto b = established<frames_only>(policies::handshake_role::recipient, sb);
    for (const auto& f : vectors()["handshake"]["derived"]["frames_after_auth2_ack2"]) {
        auto& from = f["direction"] == "A->B" ? a : b;
        auto& to = f["direction"] == "A->B" ? b : a;
        const auto code = frame_layout::decode_code(h(f["msg_code_rlp"].get<std::string>())).value().code;
        ASSERT_FALSE(from.send(code, h(f["msg_data"].get<std::string>()), {}));
        const bytes wire(from.pending_output().begin(), from.pending_output().end());
        from.consume_output(wire.size());
        EXPECT_EQ(hx(wire), f["frame"].get<std::string>()) << f["direction"];
        ASSERT_FALSE(to.receive(wire, {}));
        auto e = to.next_event();
        ASSERT_TRUE(e);
        EXPECT_EQ(e->code, code);
        EXPECT_EQ(hx(e->payload), f["msg_data"].get<std::string>());
    }
}

TEST(FrameLayoutTest, EveryFlippedBitIsCaughtBeforeDecryption) {
    auto [sa, sb] = auth2_ack2_secrets();
    auto a = established<frames_only>(policies::handshake_role::initiator, sa);
    ASSERT_FALSE(a.send(8, h("c401020304"), {}));
    const bytes wire(a.pending_output().begin(), a.pending_output().end());
    for (std::size_t i = 0; i < wire.size(); ++i) {
        auto b = established<frames_only>(policies::handshake_role::recipient, sb);
        bytes bad = wire;
        bad[i] ^= 0x80;
        auto ec = b.receive(bad, {});
        EXPECT_EQ(ec, i < 32 ? make_error_code(errc::bad_header_mac) : make_error_code(errc::bad_frame_mac)) << i;
        auto e = b.next_event();
        ASSERT_TRUE(e);
        EXPECT_EQ(e->kind, transport::event_kind::error);
        EXPECT_FALSE(b.next_event());
    }
}

}  // namespace
}  // namespace polywire::rlpx
