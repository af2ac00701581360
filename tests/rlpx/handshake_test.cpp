#include "rlpx/handshake.hpp"

#include <gtest/gtest.h>

#include "crypto/hash.hpp"
#include "rlpx/ecies.hpp"
#include "rlpx/error.hpp"
#include "rlpx/rlp.hpp"
#include "tests/support/hex.hpp"
#include "transport/error.hpp"

namespace polywire::rlpx {
namespace {
namespace secp = crypto::secp256k1;
using policies::handshake_role;
using test::h;
using test::hx;

struct node {
    secp::private_key priv;
    secp::public_key pub;
};

node fresh_node() {
    node n{secp::generate_private_key().value(), {}};
    n.pub = secp::derive_public_key(n.priv).value();
    return n;
}

handshake::options initiator_options(const node& self, const secp::public_key& dial) {
    handshake::options o{};
    o.static_key = self.priv;
    o.remote_id = dial;
    return o;
}

handshake::options recipient_options(const node& self) {
    handshake::options o{};
    o.static_key = self.priv;
    return o;
}

std::size_t prefix_size(const bytes& packet) { return std::size_t{packet[0]} << 8 | packet[1]; }

// Runs a complete in-memory handshake and returns both sides' secrets.
struct pair_result {
    secrets a, b;
    bytes auth, ack;
};

pair_result run(handshake& a, handshake& b) {
    pair_result r;
    EXPECT_FALSE(a.start(r.auth));
    bytes nothing;
    EXPECT_FALSE(b.start(nothing));
    EXPECT_TRUE(nothing.empty());
    auto sb = b.consume(r.auth, r.ack);
    EXPECT_TRUE(sb) << sb.error().message();
    EXPECT_TRUE(sb.value().done);
    EXPECT_EQ(sb.value().consumed, r.auth.size());
    bytes none;
    auto sa = a.consume(r.ack, none);
    EXPECT_TRUE(sa) << sa.error().message();
    EXPECT_TRUE(sa.value().done);
    EXPECT_EQ(sa.value().consumed, r.ack.size());
    EXPECT_TRUE(none.empty());
    r.a = a.take_secrets();
    r.b = b.take_secrets();
    return r;
}

void expect_matching(secrets& a, secrets& b) {
    EXPECT_EQ(hx(a.aes_secret), hx(b.aes_secret));
    EXPECT_EQ(hx(a.mac_secret), hx(b.mac_secret));
    EXPECT_NE(hx(a.aes_secret), hx(a.mac_secret));
    EXPECT_EQ(a.egress_mac.digest(), b.ingress_mac.digest());
    EXPECT_EQ(a.ingress_mac.digest(), b.egress_mac.digest());
    EXPECT_NE(a.egress_mac.digest(), a.ingress_mac.digest());
    for (const char* update : {"foo", "frame bytes", ""}) {
        a.egress_mac.update(as_bytes(update));
        b.ingress_mac.update(as_bytes(update));
        b.egress_mac.update(as_bytes(update));
        a.ingress_mac.update(as_bytes(update));
        EXPECT_EQ(a.egress_mac.digest(), b.ingress_mac.digest());
        EXPECT_EQ(b.egress_mac.digest(), a.ingress_mac.digest());
    }
}

// Encrypts `body` to `to` as an EIP-8 packet (the recipient's view of an
// auth a misbehaving initiator crafted).
bytes seal(const secp::public_key& to, const bytes& body, std::size_t padding = 150) {
    bytes plain = body;
    plain.resize(body.size() + padding, 0);
    const std::size_t size = plain.size() + ecies::overhead;
    bytes packet{static_cast<std::uint8_t>(size >> 8), static_cast<std::uint8_t>(size)};
    const bytes c = ecies::encrypt(to, plain, packet).value();
    packet.insert(packet.end(), c.begin(), c.end());
    return packet;
}

bytes auth_body(byte_view sig, byte_view pubk, byte_view nonce, std::uint64_t version = 4) {
    bytes items;
    rlp::encode_bytes(items, sig);
    rlp::encode_bytes(items, pubk);
    rlp::encode_bytes(items, nonce);
    rlp::encode_uint(items, version);
    bytes body;
    rlp::encode_list(body, items);
    return body;
}

// A correctly signed auth body from `a` to `b` (what start() would build).
bytes valid_auth_body(const node& a, const node& b, const secp::private_key& eph, const std::array<std::uint8_t, 32>& nonce) {
    const secret<32> shared = secp::ecdh_x(a.priv, b.pub).value();
    std::array<std::uint8_t, 32> signed_value{};
    for (std::size_t i = 0; i < 32; ++i) signed_value[i] = shared[i] ^ nonce[i];
    const auto sig = secp::sign_recoverable(eph, signed_value).value();
    return auth_body(sig, a.pub, nonce);
}

std::error_code recipient_error(const node& b, const bytes& auth) {
    handshake hb(handshake_role::recipient, recipient_options(b));
    bytes out;
    auto r = hb.consume(auth, out);
    EXPECT_TRUE(out.empty());
    return r ? std::error_code{} : r.error();
}

TEST(EciesHandshakeTest, SatisfiesTheKeyAgreementConcept) {
    static_assert(policies::KeyAgreement<handshake>);
    EXPECT_EQ(handshake::name, "secp256k1-ECIES (EIP-8)");
}

TEST(EciesHandshakeTest, Eip8HandshakeYieldsMatchingSecretsCrosswise) {
    const node na = fresh_node(), nb = fresh_node();
    handshake a(handshake_role::initiator, initiator_options(na, nb.pub));
    handshake b(handshake_role::recipient, recipient_options(nb));
    pair_result r = run(a, b);
    EXPECT_EQ(prefix_size(r.auth) + 2, r.auth.size());
    EXPECT_EQ(prefix_size(r.ack) + 2, r.ack.size());
    EXPECT_TRUE(r.a.remote_eip8);
    EXPECT_TRUE(r.b.remote_eip8);
    EXPECT_EQ(r.a.remote_id, nb.pub);
    EXPECT_EQ(r.b.remote_id, na.pub);
    expect_matching(r.a, r.b);
}

TEST(EciesHandshakeTest, InitiatorSendsTheStaticPublicKeyItIsGiven) {
    const node na = fresh_node(), nb = fresh_node();
    auto oa = initiator_options(na, nb.pub);
    oa.static_public_key = na.pub;
    handshake a(handshake_role::initiator, oa);
    handshake b(handshake_role::recipient, recipient_options(nb));
    pair_result r = run(a, b);
    EXPECT_EQ(r.b.remote_id, na.pub);
    EXPECT_EQ(r.a.remote_id, nb.pub);
    expect_matching(r.a, r.b);
}

TEST(EciesHandshakeTest, AStaticPublicKeyNotOfTheStaticKeyFailsTheInitiatorsHandshake) {
    const node na = fresh_node(), nb = fresh_node(), nc = fresh_node();
    auto oa = initiator_options(na, nb.pub);
    oa.static_public_key = nc.pub;  // claims nc's identity with na's key
    handshake a(handshake_role::initiator, oa);
    handshake b(handshake_role::recipient, recipient_options(nb));
    bytes auth, ack, none;
    ASSERT_FALSE(a.start(auth));
    auto sb = b.consume(auth, ack);
    ASSERT_TRUE(sb) << sb.error().message();
    // The ack is sealed to the claimed key, which the initiator does not hold.
    auto sa = a.consume(ack, none);
    ASSERT_FALSE(sa);
    EXPECT_EQ(sa.error(), errc::bad_auth_mac);
    EXPECT_TRUE(none.empty());
    // A recipient that expects the claimed node still cannot be reached.
    auto ob = recipient_options(nb);
    ob.remote_id = na.pub;
    handshake b2(handshake_role::recipient, ob);
    handshake a2(handshake_role::initiator, oa);
    bytes auth2, ack2;
    ASSERT_FALSE(a2.start(auth2));
    EXPECT_EQ(b2.consume(auth2, ack2).error(), errc::wrong_remote_identity);
}

TEST(EciesHandshakeTest, LegacyHandshakeIsAnsweredWithALegacyAck) {
    const node na = fresh_node(), nb = fresh_node();
    auto oa = initiator_options(na, nb.pub);
    oa.legacy_auth = true;
    handshake a(handshake_role::initiator, oa);
    handshake b(handshake_role::recipient, recipient_options(nb));
    pair_result r = run(a, b);
    EXPECT_EQ(r.auth.size(), legacy_auth_size);
    EXPECT_EQ(r.ack.size(), legacy_ack_size);
    EXPECT_FALSE(r.a.remote_eip8);
    EXPECT_FALSE(r.b.remote_eip8);
    EXPECT_EQ(r.b.remote_id, na.pub);
    expect_matching(r.a, r.b);
}

TEST(EciesHandshakeTest, AuthAndAckSizesStayWithinTheLimits) {
    const node nb = fresh_node();
    for (int i = 0; i < 40; ++i) {
        const node na = fresh_node();
        handshake a(handshake_role::initiator, initiator_options(na, nb.pub));
        handshake b(handshake_role::recipient, recipient_options(nb));
        pair_result r = run(a, b);
        EXPECT_GE(r.auth.size(), legacy_auth_size);
        EXPECT_LE(prefix_size(r.auth), max_handshake_size);
        EXPECT_GE(r.ack.size(), legacy_auth_size);
        EXPECT_LE(prefix_size(r.ack), max_handshake_size);
        // body + padding in [100, 250] + ECIES overhead
        const std::size_t auth_body_size = 2 + 67 + 66 + 33 + 1;  // 169, as in the official Auth2
        EXPECT_GE(prefix_size(r.auth), auth_body_size + 100 + ecies::overhead);
        EXPECT_LE(prefix_size(r.auth), auth_body_size + 250 + ecies::overhead);
    }
}

TEST(EciesHandshakeTest, ByteByByteDeliveryCompletesOnlyOnTheLastByte) {
    for (bool legacy : {false, true}) {
        SCOPED_TRACE(legacy ? "legacy" : "eip8");
        const node na = fresh_node(), nb = fresh_node();
        auto oa = initiator_options(na, nb.pub);
        oa.legacy_auth = legacy;
        handshake a(handshake_role::initiator, oa);
        handshake b(handshake_role::recipient, recipient_options(nb));
        bytes auth, ack;
        ASSERT_FALSE(a.start(auth));
        for (std::size_t n = 0; n < auth.size(); ++n) {
            auto s = b.consume(byte_view(auth).first(n), ack);
            ASSERT_TRUE(s) << n << ": " << s.error().message();
            ASSERT_EQ(s.value().consumed, 0u) << n;
            ASSERT_FALSE(s.value().done);
            ASSERT_TRUE(ack.empty());
        }
        auto sb = b.consume(auth, ack);
        ASSERT_TRUE(sb);
        EXPECT_TRUE(sb.value().done);
        EXPECT_EQ(sb.value().consumed, auth.size());
        bytes none;
        for (std::size_t n = 0; n < ack.size(); ++n) {
            auto s = a.consume(byte_view(ack).first(n), none);
            ASSERT_TRUE(s) << n << ": " << s.error().message();
            ASSERT_EQ(s.value().consumed, 0u) << n;
        }
        auto sa = a.consume(ack, none);
        ASSERT_TRUE(sa);
        EXPECT_TRUE(sa.value().done);
        secrets sa_secrets = a.take_secrets(), sb_secrets = b.take_secrets();
        expect_matching(sa_secrets, sb_secrets);
    }
}

TEST(EciesHandshakeTest, ConsumesOnlyTheHandshakePacketWhenMoreBytesFollow) {
    for (bool legacy : {false, true}) {
        const node na = fresh_node(), nb = fresh_node();
        auto oa = initiator_options(na, nb.pub);
        oa.legacy_auth = legacy;
        handshake a(handshake_role::initiator, oa);
        handshake b(handshake_role::recipient, recipient_options(nb));
        bytes auth, ack;
        ASSERT_FALSE(a.start(auth));
        const std::size_t auth_size = auth.size();
        auth.insert(auth.end(), 100, 0xab);  // the initiator's first frame, say
        auto sb = b.consume(auth, ack);
        ASSERT_TRUE(sb);
        EXPECT_TRUE(sb.value().done);
        EXPECT_EQ(sb.value().consumed, auth_size);
        const std::size_t ack_size = ack.size();
        ack.insert(ack.end(), 500, 0xcd);
        bytes none;
        auto sa = a.consume(ack, none);
        ASSERT_TRUE(sa);
        EXPECT_TRUE(sa.value().done);
        EXPECT_EQ(sa.value().consumed, ack_size);
    }
}

TEST(EciesHandshakeTest, ConsumeAfterDoneOrAfterAnErrorReportsSessionClosed) {
    const node na = fresh_node(), nb = fresh_node();
    handshake a(handshake_role::initiator, initiator_options(na, nb.pub));
    handshake b(handshake_role::recipient, recipient_options(nb));
    pair_result r = run(a, b);
    bytes out;
    EXPECT_EQ(b.consume(r.auth, out).error(), transport::errc::session_closed);
    EXPECT_EQ(a.consume(r.ack, out).error(), transport::errc::session_closed);
    EXPECT_EQ(a.start(out), transport::errc::session_closed);

    handshake c(handshake_role::recipient, recipient_options(nb));
    bytes bad = r.auth;
    bad[100] ^= 0xff;
    EXPECT_EQ(c.consume(bad, out).error(), errc::bad_auth_mac);
    EXPECT_EQ(c.consume(r.auth, out).error(), transport::errc::session_closed);
    EXPECT_TRUE(out.empty());
}

TEST(EciesHandshakeTest, InitiatorNeedsARemoteIdAndAStartedHandshake) {
    const node na = fresh_node();
    handshake a(handshake_role::initiator, recipient_options(na));
    bytes out;
    EXPECT_EQ(a.consume(h("00"), out).error(), transport::errc::invalid_argument);
    EXPECT_EQ(a.start(out), transport::errc::invalid_argument);
    EXPECT_TRUE(out.empty());
}

TEST(EciesHandshakeTest, DiallingTheWrongNodeFailsTheRecipientsMac) {
    const node na = fresh_node(), nb = fresh_node(), nc = fresh_node();
    handshake a(handshake_role::initiator, initiator_options(na, nc.pub));
    bytes auth;
    ASSERT_FALSE(a.start(auth));
    EXPECT_EQ(recipient_error(nb, auth), errc::bad_auth_mac);
}

// A pre-EIP-8 auth that does not decrypt is, by the detection rule, the start
// of an EIP-8 packet whose prefix (0x04, X[0]) claims 1024..1279 bytes: the
// recipient waits for them, then rejects the packet.
void expect_broken_legacy_auth_rejected(const node& b, bytes auth) {
    handshake hb(handshake_role::recipient, recipient_options(b));
    bytes out;
    auto waiting = hb.consume(auth, out);
    ASSERT_TRUE(waiting) << waiting.error().message();
    EXPECT_EQ(waiting.value().consumed, 0u);
    auth.resize(2 + prefix_size(auth), 0);
    auto s = hb.consume(auth, out);
    EXPECT_FALSE(s);
    EXPECT_TRUE(out.empty());
}

TEST(EciesHandshakeTest, DiallingTheWrongNodeWithALegacyAuthIsRejected) {
    const node na = fresh_node(), nb = fresh_node(), nc = fresh_node();
    auto oa = initiator_options(na, nc.pub);
    oa.legacy_auth = true;
    handshake a(handshake_role::initiator, oa);
    bytes auth;
    ASSERT_FALSE(a.start(auth));
    expect_broken_legacy_auth_rejected(nb, auth);
}

TEST(EciesHandshakeTest, TruncatedAuthNeverCompletes) {
    const node na = fresh_node(), nb = fresh_node();
    handshake a(handshake_role::initiator, initiator_options(na, nb.pub));
    handshake b(handshake_role::recipient, recipient_options(nb));
    bytes auth, out;
    ASSERT_FALSE(a.start(auth));
    for (int i = 0; i < 3; ++i) {
        auto s = b.consume(byte_view(auth).first(auth.size() - 1), out);
        ASSERT_TRUE(s);
        EXPECT_EQ(s.value().consumed, 0u);
        EXPECT_FALSE(s.value().done);
    }
    EXPECT_TRUE(out.empty());
}

TEST(EciesHandshakeTest, OversizedSizePrefixIsRejectedAtOnce) {
    const node nb = fresh_node();
    for (const char* prefix : {"0801", "ffff", "1000"}) {
        EXPECT_EQ(recipient_error(nb, h(prefix)), errc::handshake_too_large) << prefix;
    }
    // 2048 itself is allowed: B waits for the rest.
    handshake b(handshake_role::recipient, recipient_options(nb));
    bytes out;
    auto s = b.consume(h("0800"), out);
    ASSERT_TRUE(s);
    EXPECT_EQ(s.value().consumed, 0u);

    // The initiator applies the same limit to the ack.
    const node na = fresh_node();
    handshake a(handshake_role::initiator, initiator_options(na, nb.pub));
    ASSERT_FALSE(a.start(out));
    EXPECT_EQ(a.consume(h("0fff"), out).error(), errc::handshake_too_large);
}

TEST(EciesHandshakeTest, SizePrefixBelowTheLegacySizeIsRejected) {
    const node na = fresh_node(), nb = fresh_node();
    auto oa = initiator_options(na, nb.pub);
    oa.padding_for_testing_only = 0;  // 2 + 169 + 113 = 284 < 307
    handshake a(handshake_role::initiator, oa);
    bytes auth;
    ASSERT_FALSE(a.start(auth));
    ASSERT_LT(auth.size(), legacy_auth_size);
    EXPECT_EQ(recipient_error(nb, auth), errc::handshake_too_short);
}

TEST(EciesHandshakeTest, PaddingOverrideBeyondTheLimitIsRefused) {
    const node na = fresh_node(), nb = fresh_node();
    auto oa = initiator_options(na, nb.pub);
    oa.padding_for_testing_only = 2000;
    handshake a(handshake_role::initiator, oa);
    bytes auth;
    EXPECT_EQ(a.start(auth), transport::errc::invalid_argument);
    EXPECT_TRUE(auth.empty());
}

TEST(EciesHandshakeTest, FlippedByteFailsTheMac) {
    const node na = fresh_node(), nb = fresh_node();
    for (bool legacy : {false, true}) {
        auto oa = initiator_options(na, nb.pub);
        oa.legacy_auth = legacy;
        handshake a(handshake_role::initiator, oa);
        bytes auth;
        ASSERT_FALSE(a.start(auth));
        for (std::size_t i : {std::size_t{90}, std::size_t{200}, auth.size() - 1}) {
            bytes t = auth;
            t[i] ^= 0x40;
            if (legacy) {
                expect_broken_legacy_auth_rejected(nb, t);
            } else {
                EXPECT_EQ(recipient_error(nb, t), errc::bad_auth_mac) << i;
            }
        }
    }
}

TEST(EciesHandshakeTest, FlippedByteInTheAckFailsTheInitiatorsMac) {
    const node na = fresh_node(), nb = fresh_node();
    handshake a(handshake_role::initiator, initiator_options(na, nb.pub));
    handshake b(handshake_role::recipient, recipient_options(nb));
    bytes auth, ack, none;
    ASSERT_FALSE(a.start(auth));
    ASSERT_TRUE(b.consume(auth, ack));
    ack[150] ^= 0x01;
    EXPECT_EQ(a.consume(ack, none).error(), errc::bad_auth_mac);
}

TEST(EciesHandshakeTest, RecipientExpectingAnotherNodeReportsWrongRemoteIdentity) {
    const node na = fresh_node(), nb = fresh_node(), nc = fresh_node();
    handshake a(handshake_role::initiator, initiator_options(na, nb.pub));
    auto ob = recipient_options(nb);
    ob.remote_id = nc.pub;
    handshake b(handshake_role::recipient, ob);
    bytes auth, out;
    ASSERT_FALSE(a.start(auth));
    EXPECT_EQ(b.consume(auth, out).error(), errc::wrong_remote_identity);
    EXPECT_TRUE(out.empty());

    // The same recipient expecting A accepts it.
    ob.remote_id = na.pub;
    handshake b2(handshake_role::recipient, ob);
    auto s = b2.consume(auth, out);
    ASSERT_TRUE(s);
    EXPECT_TRUE(s.value().done);
}

TEST(EciesHandshakeTest, InitiatorKeyOffTheCurveIsRejected) {
    const node na = fresh_node(), nb = fresh_node();
    const auto eph = secp::generate_private_key().value();
    const std::array<std::uint8_t, 32> nonce{7};
    bytes body = valid_auth_body(na, nb, eph, nonce);
    // Replace initiator-pubk (after list header 2, sig 2+65, pubk header 2) with X = 1, Y = 1.
    const std::size_t pubk_at = 2 + 67 + 2;
    ASSERT_EQ(hx(byte_view(body).subspan(pubk_at, 64)), hx(na.pub));
    std::fill(body.begin() + pubk_at, body.begin() + pubk_at + 64, 0);
    body[pubk_at + 31] = 1;
    body[pubk_at + 63] = 1;
    EXPECT_EQ(recipient_error(nb, seal(nb.pub, body)), errc::invalid_curve_point);
}

TEST(EciesHandshakeTest, AckEphemeralKeyOffTheCurveIsRejected) {
    const node na = fresh_node(), nb = fresh_node();
    handshake a(handshake_role::initiator, initiator_options(na, nb.pub));
    bytes auth, none;
    ASSERT_FALSE(a.start(auth));
    std::array<std::uint8_t, 64> bad{};
    bad[31] = 1;
    bad[63] = 1;
    bytes items;
    rlp::encode_bytes(items, bad);
    rlp::encode_bytes(items, bytes(32, 9));
    rlp::encode_uint(items, 4);
    bytes body;
    rlp::encode_list(body, items);
    EXPECT_EQ(a.consume(seal(na.pub, body), none).error(), errc::invalid_curve_point);
}

TEST(EciesHandshakeTest, UnrecoverableSignatureIsRejected) {
    const node na = fresh_node(), nb = fresh_node();
    const bytes nonce(32, 3);
    bytes zero_sig(65, 0);  // r = s = 0: nothing recovers from it
    EXPECT_EQ(recipient_error(nb, seal(nb.pub, auth_body(zero_sig, na.pub, nonce))), errc::bad_signature);
    bytes bad_v(65, 0x11);
    bad_v[64] = 7;  // recovery id out of range
    EXPECT_EQ(recipient_error(nb, seal(nb.pub, auth_body(bad_v, na.pub, nonce))), errc::bad_signature);
}

TEST(EciesHandshakeTest, CraftedValidAuthIsAccepted) {
    // The crafting helpers build what start() builds: a control for the
    // rejection tests above.
    const node na = fresh_node(), nb = fresh_node();
    const auto eph = secp::generate_private_key().value();
    const std::array<std::uint8_t, 32> nonce{1, 2, 3};
    handshake b(handshake_role::recipient, recipient_options(nb));
    bytes out;
    auto s = b.consume(seal(nb.pub, valid_auth_body(na, nb, eph, nonce)), out);
    ASSERT_TRUE(s) << s.error().message();
    EXPECT_TRUE(s.value().done);
    EXPECT_EQ(b.take_secrets().remote_id, na.pub);
}

TEST(EciesHandshakeTest, MalformedAuthBodiesAreRejected) {
    const node na = fresh_node(), nb = fresh_node();
    const auto eph = secp::generate_private_key().value();
    const std::array<std::uint8_t, 32> nonce{5};
    const bytes good = valid_auth_body(na, nb, eph, nonce);
    bytes items_without_version;
    rlp::encode_bytes(items_without_version, bytes(65, 1));
    rlp::encode_bytes(items_without_version, na.pub);
    rlp::encode_bytes(items_without_version, nonce);
    bytes no_version;
    rlp::encode_list(no_version, items_without_version);
    bytes short_nonce = auth_body(bytes(65, 1), na.pub, bytes(31, 1));
    bytes string_not_list;
    rlp::encode_bytes(string_not_list, good);
    // A list header claiming 3000 bytes, more than the plaintext holds.
    bytes overlong_list = h("f90bb8");
    overlong_list.insert(overlong_list.end(), good.begin() + 2, good.end());
    // The version encoded with a leading zero (not a canonical integer).
    bytes bad_version(good.begin(), good.end() - 1);
    bad_version[1] += 1;
    bad_version.insert(bad_version.end(), {0x81, 0x00});
    bytes garbage(200, 0xff);

    for (const bytes* body : {&no_version, &short_nonce, &string_not_list, &overlong_list, &bad_version, &garbage}) {
        EXPECT_EQ(recipient_error(nb, seal(nb.pub, *body)), errc::bad_handshake_body);
    }
}

TEST(EciesHandshakeTest, AuthWithLaterVersionExtraElementsAndTrailingDataIsAccepted) {
    const node na = fresh_node(), nb = fresh_node();
    const auto eph = secp::generate_private_key().value();
    const std::array<std::uint8_t, 32> nonce{9};
    const bytes good = valid_auth_body(na, nb, eph, nonce);
    const auto top = rlp::decode(good).value();
    bytes items(top.payload.begin(), top.payload.end());
    items.back() = 56;  // version 56
    rlp::encode_uint(items, 1);
    rlp::encode_string(items, "extra");
    rlp::encode_list(items, h("0405"));
    bytes body;
    rlp::encode_list(body, items);
    body.insert(body.end(), 40, 0xee);  // non-zero trailing junk
    handshake b(handshake_role::recipient, recipient_options(nb));
    bytes out;
    auto s = b.consume(seal(nb.pub, body), out);
    ASSERT_TRUE(s) << s.error().message();
    EXPECT_TRUE(s.value().done);
}

TEST(EciesHandshakeTest, TakeSecretsHandsThemOverOnce) {
    const node na = fresh_node(), nb = fresh_node();
    handshake a(handshake_role::initiator, initiator_options(na, nb.pub));
    handshake b(handshake_role::recipient, recipient_options(nb));
    pair_result r = run(a, b);
    const secrets again = a.take_secrets();
    EXPECT_EQ(hx(again.aes_secret), std::string(64, '0'));
    EXPECT_NE(hx(r.a.aes_secret), std::string(64, '0'));
}

}  // namespace
}  // namespace polywire::rlpx
