// The packet layouts and their codec: header and message encodings, the
// exact wire form, every tampered byte refused, the replay checks of each
// wire, and key epochs (egress switch, ingress holding two, retirement).
#include "variants/x25519_xchacha/framing.hpp"

#include <limits>

#include <gtest/gtest.h>

#include "crypto/xchacha20_poly1305.hpp"
#include "tests/variants/x25519_xchacha/fixture.hpp"
#include "transport/error.hpp"

namespace polywire::variants::x25519_xchacha {
namespace {
using namespace test;
using polywire::policies::direction;
using cipher = polywire::policies::xchacha20_poly1305;
using mac = polywire::policies::no_mac;
using stream_codec = stream_layout::codec<cipher, mac>;
using datagram_codec = datagram_layout::codec<cipher, mac>;

secrets fixed_secrets(bool initiator) {
    secrets s;
    s.initiator_key = secret<32>(bytes(32, 0x01));
    s.responder_key = secret<32>(bytes(32, 0x02));
    s.initiator_sid = sid(0xa5);
    s.responder_sid = sid(0xb5);
    s.initiator = initiator;
    return s;
}

// Seals `messages` (channel, payload) into one packet with `c`.
template <class Codec, class Layout>
bytes seal(Codec& c, const std::vector<std::pair<std::uint64_t, bytes>>& messages) {
    bytes body;
    for (const auto& [ch, p] : messages) {
        Layout::encode_code(ch, p.size(), body);
        body.insert(body.end(), p.begin(), p.end());
    }
    bytes frame(Codec::wire_size(body.size()));
    std::copy(body.begin(), body.end(), frame.begin() + Codec::body_offset);
    c.seal(frame, body.size());
    return frame;
}

template <class Codec>
std::error_code open(Codec& c, bytes& frame) {
    auto n = c.open_prefix(mutable_byte_view(frame).first(Codec::prefix_size));
    if (!n) return n.error();
    if (Codec::wire_size(n.value()) != frame.size()) return transport::errc::truncated_datagram;
    return c.open(frame, n.value());
}

TEST(FramingTest, LayoutsNameTheirSizes) {
    EXPECT_EQ(stream_layout::header_size, 14u);
    EXPECT_EQ(datagram_layout::header_size, 12u);
    // The floor (1392-byte payloads), and what the largest IPv4 UDP
    // datagram (65,507 bytes) holds once sizes are negotiated.
    EXPECT_EQ(datagram_layout::base_frame_size, 1392u + 8u);
    EXPECT_EQ(datagram_layout::max_frame_size, 65507u - 12u - 16u);
    EXPECT_TRUE(policies::probes_datagram_size<datagram_layout>());
    EXPECT_FALSE(policies::probes_datagram_size<stream_layout>());
    EXPECT_EQ(stream_layout::max_frame_size, (1u << 20) + 8u);
    EXPECT_TRUE(datagram_layout::carries_frame(h("10")));
    EXPECT_FALSE(datagram_layout::carries_frame(h("01")));
    EXPECT_FALSE(datagram_layout::carries_frame({}));
}

TEST(FramingTest, MessageHeadersAreChannelAndLengthLittleEndian) {
    bytes out;
    stream_layout::encode_code(0x01020304, 0x0a0b, out);
    EXPECT_EQ(hx(out), "040302010b0a0000");
    out.insert(out.end(), 0x0a0b, 0x77);
    auto c = stream_layout::decode_code(out);
    ASSERT_TRUE(c);
    EXPECT_EQ(c.value().code, 0x01020304u);
    EXPECT_EQ(c.value().prefix_size, 8u);
    EXPECT_EQ(c.value().payload_size, 0x0a0bu);
    out.pop_back();  // the length now overruns the body
    EXPECT_EQ(stream_layout::decode_code(out).error(), errc::malformed_message);
    EXPECT_EQ(stream_layout::decode_code(h("01020304")).error(), errc::malformed_message);
}

TEST(FramingTest, SealingRefusesOnceThePacketIdsRunOut) {
    stream_codec egress(fixed_secrets(true), direction::egress);
    egress.skip_to_packet_id(std::numeric_limits<std::uint64_t>::max() - 1);
    bytes body = h("0700000003000000c0ffee");
    bytes frame(stream_codec::wire_size(body.size()));
    std::copy(body.begin(), body.end(), frame.begin() + stream_codec::body_offset);
    EXPECT_FALSE(egress.seal(frame, body.size()));  // the last id
    std::copy(body.begin(), body.end(), frame.begin() + stream_codec::body_offset);
    EXPECT_EQ(egress.seal(frame, body.size()), errc::packet_ids_exhausted);  // never a reused nonce
    EXPECT_EQ(frame, bytes(frame.size(), 0));  // and no plaintext left in it
    EXPECT_EQ(egress.next_packet_id(), std::numeric_limits<std::uint64_t>::max());
    egress.skip_to_packet_id(5);  // ids never go back
    EXPECT_EQ(egress.next_packet_id(), std::numeric_limits<std::uint64_t>::max());
}

TEST(FramingTest, SealsTheDocumentedWireForm) {
    stream_codec egress(fixed_secrets(true), direction::egress);
    bytes f = seal<stream_codec, stream_layout>(egress, {{7, h("c0ffee")}});
    ASSERT_EQ(f.size(), 14u + 8u + 3u + 16u);
    // kind 0x10 | epoch 0 | le32 length 11 | le64 packet id 0
    EXPECT_EQ(hx(byte_view(f).first(14)), "10000b0000000000000000000000");
    // The body is XChaCha20-Poly1305 under the initiator's key, nonce sid_i || le64(0), header as AD.
    crypto::xchacha20_poly1305 aead;
    ASSERT_FALSE(aead.set_key(bytes(32, 0x01)));
    bytes nonce(16, 0xa5);
    nonce.resize(24, 0);
    bytes body(f.begin() + 14, f.end() - 16);
    ASSERT_FALSE(aead.open(nonce, byte_view(f).first(14), body, byte_view(f).last(16)));
    EXPECT_EQ(hx(body), "0700000003000000c0ffee");
    bytes g = seal<stream_codec, stream_layout>(egress, {{7, h("c0ffee")}});
    EXPECT_EQ(hx(byte_view(g).subspan(6, 8)), "0100000000000000");  // packet id 1
    EXPECT_EQ(egress.next_packet_id(), 2u);
}

TEST(FramingTest, OpensInOrderAndRefusesEveryTamperedByte) {
    for (std::size_t i = 0; i < 14 + 8 + 5 + 16; ++i) {
        stream_codec egress(fixed_secrets(true), direction::egress);
        stream_codec ingress(fixed_secrets(false), direction::ingress);
        const bytes genuine = seal<stream_codec, stream_layout>(egress, {{1, h("0102030405")}});
        bytes f = genuine;
        f[i] ^= 0x20;
        const std::error_code ec = open(ingress, f);
        ASSERT_TRUE(ec) << "byte " << i;
        if (i >= 14) {
            EXPECT_EQ(ec, transport::condition::authentication_failed) << "byte " << i;
        }
        // The genuine packet still opens afterwards: nothing was marked.
        f = genuine;
        EXPECT_FALSE(open(ingress, f)) << "byte " << i;
    }
}

TEST(FramingTest, StreamIdsMustIncreaseDatagramIdsMayReorderWithinTheWindow) {
    stream_codec se(fixed_secrets(true), direction::egress), si(fixed_secrets(false), direction::ingress);
    bytes p0 = seal<stream_codec, stream_layout>(se, {{1, h("00")}});
    bytes p1 = seal<stream_codec, stream_layout>(se, {{1, h("01")}});
    EXPECT_EQ(open(si, p1), errc::packet_out_of_sequence);  // a gap: p0 was removed on the way
    ASSERT_FALSE(open(si, p0));
    ASSERT_FALSE(open(si, p1));
    bytes replay = p1;
    EXPECT_EQ(open(si, replay), errc::packet_replayed);
    EXPECT_EQ(open(si, p0), errc::packet_replayed);  // in a stream, earlier is never acceptable

    datagram_codec de(fixed_secrets(true), direction::egress), di(fixed_secrets(false), direction::ingress);
    std::vector<bytes> packets;
    for (int i = 0; i < 300; ++i) packets.push_back(seal<datagram_codec, datagram_layout>(de, {{1, bytes(1, static_cast<std::uint8_t>(i))}}));
    bytes p = packets[299];
    ASSERT_FALSE(open(di, p));
    p = packets[100];
    ASSERT_FALSE(open(di, p));  // 199 behind: inside the 256-id window
    p = packets[100];
    EXPECT_EQ(open(di, p), errc::packet_replayed);
    p = packets[43];
    EXPECT_EQ(open(di, p), errc::packet_too_old);  // 256 behind
}

TEST(FramingTest, KeyEpochsSwitchEgressAndRetireTheOldIngressKey) {
    stream_codec e(fixed_secrets(true), direction::egress), i(fixed_secrets(false), direction::ingress);
    bytes before = seal<stream_codec, stream_layout>(e, {{1, h("aa")}});
    ASSERT_FALSE(open(i, before));
    const key_update next_in{.dir = direction::ingress, .keys = {.epoch = 1, .key = secret<32>(bytes(32, 0x31))}};
    const key_update next_out{.dir = direction::egress, .keys = {.epoch = 1, .key = secret<32>(bytes(32, 0x31))}};
    i.update_keys(next_in);
    EXPECT_EQ(i.keys_held(), 2u);
    bytes still_old = seal<stream_codec, stream_layout>(e, {{1, h("bb")}});
    ASSERT_FALSE(open(i, still_old));  // the peer has not switched yet
    EXPECT_EQ(i.keys_held(), 2u);
    e.update_keys(next_out);
    EXPECT_EQ(e.epoch(), 1u);
    bytes after = seal<stream_codec, stream_layout>(e, {{1, h("cc")}});
    EXPECT_EQ(after[1], 1);  // the epoch byte
    ASSERT_FALSE(open(i, after));
    EXPECT_EQ(i.keys_held(), 1u);  // a stream is ordered: the old key goes at once
    EXPECT_EQ(i.epoch(), 1u);
    // A packet under epoch 0 now names a key this side no longer holds.
    stream_codec old_e(fixed_secrets(true), direction::egress);
    for (int k = 0; k < 3; ++k) (void)seal<stream_codec, stream_layout>(old_e, {{1, h("00")}});
    bytes stale = seal<stream_codec, stream_layout>(old_e, {{1, h("dd")}});
    EXPECT_EQ(open(i, stale), errc::unknown_key_epoch);
}

TEST(FramingTest, DatagramIngressKeepsTheOldKeyUntilTheWindowPassesTheSwitch) {
    datagram_codec e(fixed_secrets(true), direction::egress), i(fixed_secrets(false), direction::ingress);
    const key_update in1{.dir = direction::ingress, .keys = {.epoch = 1, .key = secret<32>(bytes(32, 0x31))}};
    const key_update out1{.dir = direction::egress, .keys = {.epoch = 1, .key = secret<32>(bytes(32, 0x31))}};
    std::vector<bytes> old_packets;
    for (int k = 0; k < 5; ++k) old_packets.push_back(seal<datagram_codec, datagram_layout>(e, {{1, h("01")}}));
    i.update_keys(in1);
    e.update_keys(out1);
    std::vector<bytes> new_packets;
    for (int k = 0; k < 300; ++k) new_packets.push_back(seal<datagram_codec, datagram_layout>(e, {{1, h("02")}}));
    // New-epoch packets overtake old ones: the old key still opens them.
    ASSERT_FALSE(open(i, new_packets[0]));
    EXPECT_EQ(i.keys_held(), 2u);
    ASSERT_FALSE(open(i, old_packets[3]));
    ASSERT_FALSE(open(i, old_packets[1]));
    // Once the window has moved a whole window past the switch, the old key goes.
    for (std::size_t k = 1; k < new_packets.size(); ++k) ASSERT_FALSE(open(i, new_packets[k])) << k;
    EXPECT_EQ(i.keys_held(), 1u);
    EXPECT_EQ(open(i, old_packets[4]), errc::packet_too_old);
}

}  // namespace
}  // namespace polywire::variants::x25519_xchacha
