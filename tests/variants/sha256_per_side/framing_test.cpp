#include "variants/sha256_per_side/framing.hpp"

#include <gtest/gtest.h>

#include "tests/variants/sha256_per_side/fixture.hpp"

namespace polywire::variants::sha256_per_side {
namespace {
using namespace test;
using policies::direction;

static_assert(policies::FrameLayout<totlen_framing>);
static_assert(policies::shape_of<totlen_framing>().tags == policies::tag_placement::leading);
static_assert(!policies::shape_of<totlen_framing>().header_encrypted);

using codec = session::codec;
static_assert(codec::prefix_size == 32 + 8);
static_assert(codec::body_offset == 40);

bytes le64(std::uint64_t v) {
    bytes b(8);
    for (std::size_t i = 0; i < 8; ++i) b[i] = static_cast<std::uint8_t>(v >> (8 * i));
    return b;
}

TEST(Sha256PerSideFramingTest, TotlenIsTheRunningSumOfUnpaddedLengths) {
    totlen_framing out;
    bytes hdr(8);
    out.encode_header(114, hdr);
    EXPECT_EQ(hx(hdr), "7200000000000000");
    out.encode_header(10, hdr);
    EXPECT_EQ(hx(hdr), "7c00000000000000");
    out.encode_header(0, hdr);  // a 0-byte message does not advance it
    EXPECT_EQ(hx(hdr), "7c00000000000000");
    EXPECT_EQ(out.totlen(), 124u);

    totlen_framing in;
    EXPECT_EQ(in.decode_header(le64(114)).value(), 114u);
    EXPECT_EQ(in.decode_header(le64(124)).value(), 10u);
    EXPECT_EQ(in.decode_header(le64(124)).value(), 0u);
    EXPECT_EQ(in.totlen(), 124u);
    EXPECT_EQ(totlen_framing::padded_size(0), 0u);
    EXPECT_EQ(totlen_framing::padded_size(10), 16u);
    EXPECT_EQ(totlen_framing::padded_size(114), 128u);
    EXPECT_EQ(totlen_framing::padded_size(128), 128u);
}

TEST(Sha256PerSideFramingTest, TotlenGoingBackwardsIsRejected) {
    totlen_framing in;
    ASSERT_TRUE(in.decode_header(le64(100)));
    auto r = in.decode_header(le64(99));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::packet_went_backwards);
    EXPECT_EQ(r.error(), transport::condition::protocol_violation);
}

TEST(Sha256PerSideFramingTest, TotlenJumpingByMoreThanOneMebibyteIsRejected) {
    totlen_framing in;
    ASSERT_TRUE(in.decode_header(le64(5)));
    EXPECT_EQ(in.decode_header(le64(5 + max_packet_length)).value(), max_packet_length);
    auto r = in.decode_header(le64(5 + 2 * max_packet_length + 1));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::packet_too_large);
    EXPECT_EQ(r.error(), transport::condition::limit_exceeded);
    totlen_framing fresh;
    EXPECT_EQ(fresh.decode_header(le64(~std::uint64_t{0})).error(), errc::packet_too_large);
}

TEST(Sha256PerSideFramingTest, CarriesNoMessageCode) {
    bytes b;
    totlen_framing::encode_code(0, b);
    EXPECT_TRUE(b.empty());
    auto c = totlen_framing::decode_code(h("c202"));
    EXPECT_EQ(c.value().code, 0u);
    EXPECT_EQ(c.value().prefix_size, 0u);
    EXPECT_EQ(policies::max_code_of<totlen_framing>(), 0u);
}

secrets a_secrets() {
    auto b_pub = k1::parse_public_key(h(input("b_session_pub"))).value();
    const auto shared = k1::ecdh_sha256(key("a_session_priv"), b_pub).value();
    return derive_secrets(shared, compressed(input("a_session_pub")), compressed(input("b_session_pub")));
}
secrets b_secrets() {
    secrets s = a_secrets();
    std::swap(s.egress, s.ingress);
    std::swap(s.local_session_key, s.remote_session_key);
    return s;
}

// Seals `plain` with the session's codec, as write_frame does.
bytes seal(codec& c, const bytes& plain) {
    bytes frame(codec::wire_size(plain.size()));
    std::copy(plain.begin(), plain.end(), frame.begin() + codec::body_offset);
    c.seal(frame, plain.size());
    return frame;
}

TEST(Sha256PerSideFramingTest, TheCodecWritesTheVectorPackets) {
    codec a(a_secrets(), direction::egress);
    codec b_in(b_secrets(), direction::ingress);
    for (const char* name : {"authenticate", "error_hello"}) {
        const auto& v = packets("A->B")[name];
        const bytes wire = seal(a, h(v["pkt_protobuf"].get<std::string>()));
        EXPECT_EQ(hx(wire), v["wire"].get<std::string>()) << name;
        EXPECT_EQ(wire.size(), v["wire_len"].get<std::size_t>());
        EXPECT_EQ(a.layout().totlen(), v["totlen_after"].get<std::uint64_t>());

        bytes in = wire;
        auto n = b_in.open_prefix(mutable_byte_view(in).first(codec::prefix_size));
        ASSERT_TRUE(n);
        EXPECT_EQ(n.value(), v["pkt_len"].get<std::size_t>());
        ASSERT_FALSE(b_in.open(in, n.value()));
        EXPECT_EQ(hx(byte_view(in).subspan(codec::body_offset, n.value())), v["pkt_protobuf"].get<std::string>());
        // The padding decrypts to the zeros that were sent.
        for (std::size_t i = codec::body_offset + n.value(); i < in.size(); ++i) EXPECT_EQ(in[i], 0) << i;
    }
}

TEST(Sha256PerSideFramingTest, TheMacCoversTotlenAndTheCiphertextAndIsCheckedFirst) {
    const auto& v = packets("A->B")["authenticate"];
    const bytes wire = h(v["wire"].get<std::string>());
    for (std::size_t i = 0; i < wire.size(); ++i) {
        codec b_in(b_secrets(), direction::ingress);
        bytes in = wire;
        in[i] ^= 0x01;
        auto n = b_in.open_prefix(mutable_byte_view(in).first(codec::prefix_size));
        if (!n) continue;  // a totlen that went out of range (checked in the session tests)
        if (codec::wire_size(n.value()) != in.size()) continue;  // not a whole frame any more
        const bytes before = in;
        EXPECT_EQ(b_in.open(in, n.value()), errc::bad_mac) << i;
        EXPECT_EQ(in, before) << "nothing may be decrypted before the MAC is checked, byte " << i;
    }
}

}  // namespace
}  // namespace polywire::variants::sha256_per_side
