// The handshake payload and PublicKey protobufs: deterministic encodings
// byte for byte, round trips, unknown fields skipped, and every malformed
// input refused with errc::bad_payload before anything is copied.
#include "variants/libp2p_noise/protobuf.hpp"

#include <gtest/gtest.h>

#include "tests/support/hex.hpp"
#include "variants/libp2p_noise/error.hpp"

namespace polywire::variants::libp2p_noise::pb {
namespace {
using test::h;

bytes enc(const auto& m) {
    bytes out;
    encode(m, out);
    return out;
}

TEST(Libp2pNoiseProtobufTest, PublicKeyEncodingIsDeterministic) {
    const key_message k{key_type::ed25519, bytes(32, 0xaa)};
    EXPECT_EQ(test::hx(enc(k)), "08011220" + std::string(64, 'a'));
    EXPECT_EQ(test::hx(enc(key_message{key_type::secp256k1, h("02ff")})), "0802120202ff");
    auto back = decode_key(enc(k));
    ASSERT_TRUE(back);
    EXPECT_EQ(back.value(), k);
}

TEST(Libp2pNoiseProtobufTest, PayloadRoundTripsWithEveryField) {
    handshake_payload p;
    p.identity_key = h("0801120401020304");
    p.identity_sig = bytes(64, 7);
    p.extensions.emplace();
    p.extensions->webtransport_certhashes = {h("1220aa"), h("")};
    p.extensions->stream_muxers = {"/yamux/1.0.0", "/mplex/6.7.0"};
    const bytes e = enc(p);
    // Fields in number order: 1, 2, then 4 holding 1, 1, 2, 2.
    EXPECT_EQ(test::hx(bytes(e.begin(), e.begin() + 12)), "0a0808011204010203041240");
    auto back = decode_payload(e);
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_EQ(back.value(), p);
    EXPECT_EQ(enc(back.value()), e);
}

TEST(Libp2pNoiseProtobufTest, AbsentFieldsStayAbsentAndAnEmptyPayloadDecodes) {
    EXPECT_TRUE(enc(handshake_payload{}).empty());
    auto empty = decode_payload({});
    ASSERT_TRUE(empty);
    EXPECT_FALSE(empty.value().identity_key);
    EXPECT_FALSE(empty.value().extensions);
    handshake_payload only_key;
    only_key.identity_key = bytes{};
    EXPECT_EQ(test::hx(enc(only_key)), "0a00");
}

TEST(Libp2pNoiseProtobufTest, UnknownFieldsOfEveryWireTypeAreSkipped) {
    // 3: varint 300; 5: fixed64; 6: len 2; 7: fixed32; then identity_key.
    const bytes in = h("18ac02" "290102030405060708" "32020102" "3d01020304" "0a0101");
    auto p = decode_payload(in);
    ASSERT_TRUE(p) << p.error().message();
    EXPECT_EQ(p.value().identity_key, h("01"));
    // In a PublicKey and in the extensions too.
    auto k = decode_key(h("0801" "18ff01" "120100"));
    ASSERT_TRUE(k);
    EXPECT_EQ(k.value().data, h("00"));
    auto x = decode_payload(h("2206" "1801" "12026162"));
    ASSERT_TRUE(x);
    EXPECT_EQ(x.value().extensions->stream_muxers, std::vector<std::string>{"ab"});
}

TEST(Libp2pNoiseProtobufTest, RepeatedFieldsKeepTheLastValueAndExtensionsMerge) {
    auto p = decode_payload(h("0a0101" "0a0102" "22031201" "61" "22031201" "62"));
    ASSERT_TRUE(p);
    EXPECT_EQ(p.value().identity_key, h("02"));
    EXPECT_EQ(p.value().extensions->stream_muxers, (std::vector<std::string>{"a", "b"}));
}

void refused(std::string_view hex, const char* why) {
    auto p = decode_payload(h(hex));
    ASSERT_FALSE(p) << why;
    EXPECT_EQ(p.error(), errc::bad_payload) << why;
}

TEST(Libp2pNoiseProtobufTest, MalformedPayloadsAreRefused) {
    refused("0a", "a key with no length");
    refused("0a05010203", "a length beyond the input");
    refused("0aff", "a truncated length varint");
    refused("0affffffffffffffffff7f", "a length of 2^70 (an 11-byte varint)");
    refused("0affffffffffffffffff02", "a 10-byte varint over 64 bits");
    refused("0a8000", "a length varint that is not minimal");
    refused("8a00", "a truncated field key");
    refused("0201", "field number 0");
    refused("0801", "identity_key as a varint");
    refused("1501020304", "identity_sig as a fixed32");
    refused("2001", "extensions as a varint");
    refused("0b", "a start-group wire type");
    refused("0c", "an end-group wire type");
    refused("0e00", "wire type 6");
    refused("1f", "wire type 7");
    refused("2903", "a fixed64 cut short");
    refused("2203" "0801", "a nested message cut short");
    refused("2202" "0801", "stream_muxers as a varint");
    refused("2203" "0a0501", "a certhash beyond its message");
    refused("fa", "a lone continuation byte");
}

TEST(Libp2pNoiseProtobufTest, ExtensionsAreBounded) {
    bytes inner;
    for (std::size_t i = 0; i <= max_repeated; ++i) {
        inner.push_back(0x12);
        inner.push_back(0x01);
        inner.push_back('m');
    }
    bytes in{0x22};
    put_varint(inner.size(), in);
    in.insert(in.end(), inner.begin(), inner.end());
    EXPECT_EQ(decode_payload(in).error(), errc::bad_payload);  // max_repeated + 1 names
    inner.resize(3 * max_repeated);
    in = {0x22};
    put_varint(inner.size(), in);
    in.insert(in.end(), inner.begin(), inner.end());
    EXPECT_TRUE(decode_payload(in));  // max_repeated names
    // A name over max_entry_size bytes.
    bytes big{0x12};
    put_varint(max_entry_size + 1, big);
    big.resize(big.size() + max_entry_size + 1, 'x');
    in = {0x22};
    put_varint(big.size(), in);
    in.insert(in.end(), big.begin(), big.end());
    EXPECT_EQ(decode_payload(in).error(), errc::bad_payload);
}

TEST(Libp2pNoiseProtobufTest, MalformedPublicKeysAreRefused) {
    for (const char* hex : {"", "0801", "1200", "08011201", "0a00", "0801120100" "10", "08011280" "08" "00",
                            "0880808080808080808080011200"}) {
        auto k = decode_key(h(hex));
        ASSERT_FALSE(k) << hex;
        EXPECT_EQ(k.error(), errc::bad_payload) << hex;
    }
    // Data over max_key_size bytes.
    bytes big{0x08, 0x00, 0x12};
    put_varint(max_key_size + 1, big);
    big.resize(big.size() + max_key_size + 1);
    EXPECT_FALSE(decode_key(big));
}

TEST(Libp2pNoiseProtobufTest, VarintsAreMinimalAndAtMostTenBytes) {
    for (std::uint64_t v : {0ull, 1ull, 127ull, 128ull, 300ull, 16383ull, 16384ull, ~0ull}) {
        bytes b;
        put_varint(v, b);
        std::size_t at = 0;
        auto back = get_varint(b, at);
        ASSERT_TRUE(back) << v;
        EXPECT_EQ(back.value(), v);
        EXPECT_EQ(at, b.size());
    }
    bytes max;
    put_varint(~0ull, max);
    EXPECT_EQ(test::hx(max), "ffffffffffffffffff01");
}

}  // namespace
}  // namespace polywire::variants::libp2p_noise::pb
