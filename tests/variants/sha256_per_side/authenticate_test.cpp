#include "variants/sha256_per_side/authenticate.hpp"

#include <gtest/gtest.h>

#include "tests/variants/sha256_per_side/fixture.hpp"

namespace polywire::variants::sha256_per_side {
namespace {
using namespace test;

static_assert(policies::BaseProtocol<authenticate_protocol, secrets>);

// Protobuf pieces written by hand, to build hostile packets.
bytes cat(std::initializer_list<bytes> parts) {
    bytes out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}
bytes varint(std::uint64_t v) {
    bytes out;
    do {
        out.push_back(static_cast<std::uint8_t>((v & 0x7f) | (v >= 0x80 ? 0x80 : 0)));
        v >>= 7;
    } while (v);
    return out;
}
bytes tag(std::uint64_t field, std::uint8_t type) { return varint(field << 3 | type); }
bytes len_field(std::uint64_t field, const bytes& v) { return cat({tag(field, 2), varint(v.size()), v}); }
bytes varint_field(std::uint64_t field, std::uint64_t v) { return cat({tag(field, 0), varint(v)}); }
bytes fixed64_field(std::uint64_t field, const bytes& le8) { return cat({tag(field, 1), le8}); }

/// Signature{r1..r4, s1..s4} from r || s (big-endian), limbs little-endian.
bytes signature_msg(const bytes& rs, const bytes& extra = {}) {
    bytes out;
    for (std::size_t i = 0; i < 8; ++i) {
        const std::size_t half = i / 4, limb = i % 4;
        bytes le8;
        for (std::size_t j = 0; j < 8; ++j) le8.push_back(rs[32 * half + 31 - 8 * limb - j]);
        out = cat({out, fixed64_field(i + 1, le8)});
    }
    return cat({out, extra});
}
bytes pubkey_msg(const bytes& key, const bytes& extra = {}) { return cat({len_field(1, key), extra}); }
bytes auth_msg(const bytes& pubkey, const bytes& sig, const bytes& extra = {}) {
    return cat({len_field(1, pubkey), len_field(2, sig), extra});
}
bytes pkt_msg(const bytes& auth, const bytes& extra = {}) { return cat({len_field(50, auth), extra}); }

const nlohmann::json& a_auth() { return packets("A->B")["authenticate"]; }
bytes a_rs() { return cat({h(a_auth()["sig_r"].get<std::string>()), h(a_auth()["sig_s"].get<std::string>())}); }
bytes a_node_id() { return h(input("a_node_id")); }

TEST(Sha256PerSideAuthenticateTest, SignsTheDoubleSha256OfTheirSessionKey) {
    for (auto [dir, node, their] : {std::tuple{"A->B", "a_node_priv", "b_session_pub"},
                                    std::tuple{"B->A", "b_node_priv", "a_session_pub"}}) {
        const auto& v = packets(dir)["authenticate"];
        EXPECT_EQ(hx(session_digest(compressed(input(their)))), v["signed_hash_sha256d_of_their_session_pub"].get<std::string>());
        auto a = make_authenticate(key(node), compressed(input(their)));
        ASSERT_TRUE(a);
        EXPECT_EQ(hx(byte_view(a.value().session_sig).first(32)), v["sig_r"].get<std::string>()) << dir;
        EXPECT_EQ(hx(byte_view(a.value().session_sig).subspan(32)), v["sig_s"].get<std::string>()) << dir;
        EXPECT_EQ(hx(encode_authenticate_packet(a.value())), v["pkt_protobuf"].get<std::string>()) << dir;
        EXPECT_EQ(encode_authenticate_packet(a.value()).size(), v["pkt_len"].get<std::size_t>());
    }
}

TEST(Sha256PerSideAuthenticateTest, AGivenNodeIdIsUsedAndMustBeTheNodeKeys) {
    const compressed_key b_session = compressed(input("b_session_pub"));
    // The vector's own node id, given instead of derived: the same packet.
    auto given = make_authenticate(key("a_node_priv"), b_session, compressed(input("a_node_id")));
    ASSERT_TRUE(given);
    EXPECT_EQ(hx(encode_authenticate_packet(given.value())), a_auth()["pkt_protobuf"].get<std::string>());
    EXPECT_FALSE(check_authenticate(given.value(), b_session, std::nullopt));
    // Another node's id with A's signature: the peer's check refuses it.
    auto wrong = make_authenticate(key("a_node_priv"), b_session, compressed(input("b_node_id")));
    ASSERT_TRUE(wrong);
    EXPECT_EQ(check_authenticate(wrong.value(), b_session, std::nullopt), errc::bad_signature);
}

TEST(Sha256PerSideAuthenticateTest, LimbsAreLittleEndianWithR1LeastSignificant) {
    // The hand-built packet (limbs by their definition) is the vector's.
    EXPECT_EQ(hx(pkt_msg(auth_msg(pubkey_msg(a_node_id()), signature_msg(a_rs())))),
              a_auth()["pkt_protobuf"].get<std::string>());
    authenticate a;
    for (std::size_t i = 0; i < 64; ++i) a.session_sig[i] = static_cast<std::uint8_t>(i);
    const bytes pkt = encode_authenticate_packet(a);
    // Signature starts after Pkt(3) + Authenticate's node_id (2 + 35) + its tag and length (2).
    const std::size_t sig = 3 + 37 + 2;
    EXPECT_EQ(hx(byte_view(pkt).subspan(sig, 9)), "091f1e1d1c1b1a1918");  // r1: bytes 31..24 of r
    EXPECT_EQ(hx(byte_view(pkt).subspan(sig + 27, 9)), "2107060504030201" "00");  // r4: bytes 7..0 of r
    EXPECT_EQ(hx(byte_view(pkt).subspan(sig + 36, 9)), "293f3e3d3c3b3a3938");  // s1
    auto back = decode_authenticate_packet(pkt);
    ASSERT_TRUE(back);
    EXPECT_EQ(back.value().session_sig, a.session_sig);
}

TEST(Sha256PerSideAuthenticateTest, DecodesAndChecksTheVectorPackets) {
    auto a = decode_authenticate_packet(h(a_auth()["pkt_protobuf"].get<std::string>()));
    ASSERT_TRUE(a);
    EXPECT_EQ(hx(a.value().node_id), input("a_node_id"));
    EXPECT_EQ(hx(a.value().session_sig), hx(a_rs()));
    // B checks A's packet against B's own session key.
    EXPECT_FALSE(check_authenticate(a.value(), compressed(input("b_session_pub")), compressed(input("a_node_id"))));
    EXPECT_FALSE(check_authenticate(a.value(), compressed(input("b_session_pub")), std::nullopt));
}

TEST(Sha256PerSideAuthenticateTest, RejectsABadSignatureAWrongSessionKeyAndAWrongNodeId) {
    auto a = decode_authenticate_packet(h(a_auth()["pkt_protobuf"].get<std::string>())).value();
    const compressed_key b_session = compressed(input("b_session_pub"));
    // Signed over someone else's session key (here: A's own).
    EXPECT_EQ(check_authenticate(a, compressed(input("a_session_pub")), std::nullopt), errc::bad_signature);
    auto flipped = a;
    flipped.session_sig[40] ^= 0x01;
    EXPECT_EQ(check_authenticate(flipped, b_session, std::nullopt), errc::bad_signature);
    EXPECT_EQ(check_authenticate(flipped, b_session, std::nullopt), transport::condition::authentication_failed);
    // A valid signature by another node than the one expected.
    EXPECT_EQ(check_authenticate(a, b_session, compressed(input("b_node_id"))), errc::wrong_remote_identity);
    // A node id that is no curve point.
    auto bad_id = a;
    bad_id.node_id[0] = 0x05;
    EXPECT_EQ(check_authenticate(bad_id, b_session, std::nullopt), errc::malformed_authenticate);
    // A high-S twin of a valid signature is refused, as libsecp256k1 does.
    auto high_s = a;
    // n - s, with n the group order.
    const bytes n = h("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
    int borrow = 0;
    for (int i = 31; i >= 0; --i) {
        int d = n[static_cast<std::size_t>(i)] - a.session_sig[32 + static_cast<std::size_t>(i)] - borrow;
        borrow = d < 0;
        high_s.session_sig[32 + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(d + (borrow ? 256 : 0));
    }
    EXPECT_EQ(check_authenticate(high_s, b_session, std::nullopt), errc::bad_signature);
}

TEST(Sha256PerSideAuthenticateTest, UnknownOddFieldsAreIgnoredAtEveryLevel) {
    const bytes pk = a_node_id(), rs = a_rs();
    // Above every known field number of every level (Signature has 1..8).
    const bytes odd = cat({varint_field(11, 7), len_field(13, h("c0ffee")), cat({tag(15, 5), h("01020304")}),
                           fixed64_field(17, bytes(8, 1))});
    for (const bytes& pkt : {pkt_msg(auth_msg(pubkey_msg(pk), signature_msg(rs)), odd),
                             pkt_msg(auth_msg(pubkey_msg(pk), signature_msg(rs), odd)),
                             pkt_msg(auth_msg(pubkey_msg(pk, odd), signature_msg(rs))),
                             pkt_msg(auth_msg(pubkey_msg(pk), signature_msg(rs, odd))),
                             cat({odd, pkt_msg(auth_msg(pubkey_msg(pk), signature_msg(rs)))})}) {
        auto a = decode_authenticate_packet(pkt);
        ASSERT_TRUE(a) << hx(pkt) << ": " << a.error().message();
        EXPECT_EQ(hx(a.value().node_id), hx(pk));
        EXPECT_EQ(hx(a.value().session_sig), hx(rs));
    }
}

TEST(Sha256PerSideAuthenticateTest, UnknownEvenFieldsAreRejectedAtEveryLevel) {
    const bytes pk = a_node_id(), rs = a_rs();
    for (std::uint64_t even : {10u, 12u, 1000u}) {
        const bytes extra = varint_field(even, 1);
        EXPECT_EQ(decode_authenticate_packet(pkt_msg(auth_msg(pubkey_msg(pk), signature_msg(rs), extra))).error(),
                  errc::unknown_required_field);
        EXPECT_EQ(decode_authenticate_packet(pkt_msg(auth_msg(pubkey_msg(pk, extra), signature_msg(rs)))).error(),
                  errc::unknown_required_field);
        EXPECT_EQ(decode_authenticate_packet(pkt_msg(auth_msg(pubkey_msg(pk), signature_msg(rs, extra)))).error(),
                  errc::unknown_required_field);
    }
    EXPECT_TRUE(decode_authenticate_packet(pkt_msg(auth_msg(pubkey_msg(pk), signature_msg(rs)))));
}

TEST(Sha256PerSideAuthenticateTest, APacketOtherThanAuthenticateIsRefused) {
    const auto& hello = packets("A->B")["error_hello"]["pkt_protobuf"];
    EXPECT_EQ(decode_authenticate_packet(h(hello.get<std::string>())).error(), errc::expected_authenticate);
    EXPECT_EQ(decode_authenticate_packet({}).error(), errc::expected_authenticate);
    EXPECT_EQ(decode_authenticate_packet(varint_field(51, 1)).error(), errc::expected_authenticate);
    const bytes good = pkt_msg(auth_msg(pubkey_msg(a_node_id()), signature_msg(a_rs())));
    EXPECT_EQ(decode_authenticate_packet(cat({good, len_field(40, h("0a00"))})).error(), errc::expected_authenticate);
}

TEST(Sha256PerSideAuthenticateTest, MalformedPacketsAreRefused) {
    const bytes pk = a_node_id(), rs = a_rs();
    const bytes sig = signature_msg(rs);
    bytes sig_as_varint = signature_msg(rs);
    sig_as_varint[0] = 0x08;  // r1 as a varint: then the bytes no longer parse as intended
    const bytes cases[] = {
        pkt_msg(auth_msg(pubkey_msg(pk), sig), len_field(50, {})),      // auth twice
        pkt_msg(cat({len_field(1, pubkey_msg(pk))})),                   // no session_sig
        pkt_msg(cat({len_field(2, sig)})),                              // no node_id
        pkt_msg(auth_msg(pubkey_msg(bytes(pk.begin(), pk.end() - 1)), sig)),  // 32-byte key
        pkt_msg(auth_msg(pubkey_msg(pk), bytes(sig.begin(), sig.end() - 9))),  // s4 missing
        pkt_msg(auth_msg(pubkey_msg(pk), cat({sig, fixed64_field(3, bytes(8))}))),  // r3 twice
        pkt_msg(auth_msg(pubkey_msg(pk), sig_as_varint)),
        pkt_msg(cat({auth_msg(pubkey_msg(pk), sig), tag(3, 3)})),      // a group
        pkt_msg(cat({varint_field(1, 5), len_field(2, sig)})),          // node_id as a varint
        cat({tag(50, 2), varint(1000), h("00")}),                        // length beyond the packet
        h("92ffffffffffffffffffff01"),                                   // an 11-byte varint
    };
    for (const bytes& pkt : cases) {
        auto a = decode_authenticate_packet(pkt);
        ASSERT_FALSE(a) << hx(pkt);
        EXPECT_EQ(a.error(), errc::malformed_authenticate) << hx(pkt) << ": " << a.error().message();
    }
}

TEST(Sha256PerSideAuthenticateTest, EveryTruncationIsRefused) {
    const bytes good = h(a_auth()["pkt_protobuf"].get<std::string>());
    for (std::size_t n = 0; n < good.size(); ++n) {
        auto a = decode_authenticate_packet(byte_view(good).first(n));
        EXPECT_FALSE(a) << n;
    }
}

TEST(Sha256PerSideAuthenticateTest, TheProtocolGreetsWithAuthenticateAndAcceptsThePeers) {
    struct captured {
        std::vector<bytes> frames;
        void operator()(std::uint64_t code, byte_view p, bool compressible) {
            EXPECT_EQ(code, 0u);
            EXPECT_FALSE(compressible);
            frames.emplace_back(p.begin(), p.end());
        }
    } sink;
    policies::frame_writer w(sink);
    authenticate_protocol::options o;
    o.node_key = key("b_node_priv");
    o.expected_remote_id = compressed(input("a_node_id"));
    authenticate_protocol b(o);
    secrets s;
    s.local_session_key = compressed(input("b_session_pub"));
    s.remote_session_key = compressed(input("a_session_pub"));
    ASSERT_FALSE(b.start(s, w));
    ASSERT_EQ(sink.frames.size(), 1u);
    EXPECT_EQ(hx(sink.frames[0]), packets("B->A")["authenticate"]["pkt_protobuf"].get<std::string>());
    EXPECT_TRUE(b.is_control(0));
    EXPECT_FALSE(b.greeting_done());
    auto r = b.on_control(0, h(a_auth()["pkt_protobuf"].get<std::string>()), w);
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r.value().event, policies::control_event::greeting);
    EXPECT_TRUE(b.greeting_done());
    EXPECT_FALSE(b.is_control(0));
    EXPECT_EQ(hx(b.info().node_id), input("a_node_id"));
    EXPECT_EQ(hx(b.remote_id()), input("a_node_id"));
    EXPECT_FALSE(b.compression_active());
    EXPECT_FALSE(authenticate_protocol::keepalive);
}

TEST(Sha256PerSideAuthenticateTest, AnInvalidNodeKeyCannotGreet) {
    struct ignore {
        void operator()(std::uint64_t, byte_view, bool) {}
    } sink;
    policies::frame_writer w(sink);
    authenticate_protocol p({});  // all-zero key
    EXPECT_TRUE(p.start(secrets{}, w));
}

}  // namespace
}  // namespace polywire::variants::sha256_per_side
