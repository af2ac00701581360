// libp2p identities: peer ids of known keys (the RFC 8032 test key and the
// secp256k1 key 1, derived from first principles: the PublicKey protobuf,
// an identity multihash, base58btc), base58btc both ways, private keys in
// libp2p's PrivateKey protobuf, signatures of both key types, and the
// payload check's refusals, the payload read without its check; multiaddrs.
#include "variants/libp2p_noise/identity.hpp"

#include <gtest/gtest.h>

#include "crypto/ed25519.hpp"
#include "crypto/hash.hpp"
#include "tests/support/hex.hpp"
#include "variants/libp2p_noise/error.hpp"
#include "variants/libp2p_noise/multiaddr.hpp"
#include "variants/libp2p_noise/variant.hpp"

namespace polywire::variants::libp2p_noise {
namespace {
using test::h;

// RFC 8032 section 7.1, TEST 1.
constexpr const char* rfc8032_seed = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
constexpr const char* rfc8032_public = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
// The peer ids of these keys (identity multihash of 08 01 12 20 <key>, and
// of 08 02 12 21 <compressed G>), written base58btc.
constexpr const char* rfc8032_peer_id = "12D3KooWQK1wnefoLrcVHbbnf5tLzbopUd3K3bFAoJpA7YJgL5pV";
constexpr const char* secp256k1_one_peer_id = "16Uiu2HAm3cuhhRL2msUuLF62KRSfneFDx94RsuouyW25Ho42cFMq";

TEST(Libp2pNoiseIdentityTest, PeerIdsOfKnownKeys) {
    auto ed = private_key::from_ed25519_seed(h(rfc8032_seed));
    ASSERT_TRUE(ed);
    EXPECT_EQ(test::hx(ed.value().public_key()), std::string("08011220") + rfc8032_public);
    auto id = peer_id::from_public_key(ed.value().public_key());
    ASSERT_TRUE(id);
    EXPECT_EQ(test::hx(id.value().multihash()), std::string("002408011220") + rfc8032_public);
    EXPECT_EQ(id.value().to_string(), rfc8032_peer_id);
    EXPECT_EQ(variant::node_id(ed.value()).value(), id.value());

    bytes one(32, 0);
    one[31] = 1;
    auto k1 = private_key::from_secp256k1(one);
    ASSERT_TRUE(k1);
    EXPECT_EQ(test::hx(k1.value().public_key()),
              "080212210279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
    EXPECT_EQ(peer_id::from_public_key(k1.value().public_key()).value().to_string(), secp256k1_one_peer_id);
}

TEST(Libp2pNoiseIdentityTest, PeerIdsParseBackAndRefuseWhatIsNotOne) {
    for (const char* text : {rfc8032_peer_id, secp256k1_one_peer_id,
                             "QmNLei78zWmzUdbeRB3CiUfAizWUrbeeZh5K1rhAQKCh51"}) {  // sha2-256 of 32 zero bytes' form
        auto id = peer_id::parse(text);
        ASSERT_TRUE(id) << text;
        EXPECT_EQ(id.value().to_string(), text);
    }
    EXPECT_EQ(test::hx(peer_id::parse(rfc8032_peer_id).value().public_key()), std::string("08011220") + rfc8032_public);
    EXPECT_TRUE(peer_id::parse("QmNLei78zWmzUdbeRB3CiUfAizWUrbeeZh5K1rhAQKCh51").value().public_key().empty());
    for (const char* bad : {"", "0", "12D3KooWQK1wnefoLrcVHbbnf5tLzbopUd3K3bFAoJpA7YJgL5pl",  // 'l' is not base58
                            "12D3KooWQK1wnefoLrcVHbbnf5tLzbopUd3K3bFAoJpA7YJgL5p",                 // a byte short
                            "12D3KooWQK1wnefoLrcVHbbnf5tLzbopUd3K3bFAoJpA7YJgL5pVV",               // one more digit
                            "11111111"}) {
        auto id = peer_id::parse(bad);
        ASSERT_FALSE(id) << bad;
        EXPECT_EQ(id.error(), errc::bad_peer_id);
    }
    EXPECT_FALSE(peer_id::parse(std::string(200, '2')));  // over the length bound
    // A multihash of another function, or a sha2-256 of the wrong length.
    EXPECT_FALSE(peer_id::from_multihash(h("1314" + std::string(40, '0'))));
    EXPECT_FALSE(peer_id::from_multihash(h("1210" + std::string(32, '0'))));
    // An identity multihash of a non-canonical PublicKey (Data before Type).
    EXPECT_FALSE(peer_id::from_multihash(h(std::string("0024") + "1220" + rfc8032_public + "0801")));
}

TEST(Libp2pNoiseIdentityTest, Base58btcBothWays) {
    EXPECT_EQ(base58btc_encode({}), "");
    EXPECT_EQ(base58btc_encode(h("00")), "1");
    EXPECT_EQ(base58btc_encode(h("0000ff")), "115Q");
    EXPECT_EQ(base58btc_encode(as_bytes("hello world")), "StV1DL6CwTryKyV");
    EXPECT_EQ(base58btc_decode("StV1DL6CwTryKyV").value(), bytes(as_bytes("hello world").begin(), as_bytes("hello world").end()));
    EXPECT_EQ(base58btc_decode("115Q").value(), h("0000ff"));
    EXPECT_FALSE(base58btc_decode("0OIl"));
}

TEST(Libp2pNoiseIdentityTest, PrivateKeysRoundTripThroughTheirProtobuf) {
    for (key_type t : {key_type::ed25519, key_type::secp256k1}) {
        auto k = private_key::generate(t);
        ASSERT_TRUE(k);
        EXPECT_EQ(k.value().type(), t);
        auto back = private_key::parse(k.value().serialized());
        ASSERT_TRUE(back);
        EXPECT_TRUE(std::equal(back.value().public_key().begin(), back.value().public_key().end(),
                               k.value().public_key().begin(), k.value().public_key().end()));
    }
    auto ed = private_key::from_ed25519_seed(h(rfc8032_seed)).value();
    EXPECT_EQ(test::hx(ed.serialized()), std::string("08011240") + rfc8032_seed + rfc8032_public);
    // seed || another public key; an unknown type; a short secp256k1 scalar; zero.
    EXPECT_FALSE(private_key::parse(h(std::string("08011240") + rfc8032_seed + std::string(64, '0'))));
    EXPECT_EQ(private_key::parse(h("08001201ff")).error(), errc::unsupported_key_type);
    EXPECT_FALSE(private_key::parse(h("0802121f" + std::string(62, '1'))));
    EXPECT_FALSE(private_key::parse(h("08021220" + std::string(64, '0'))));
}

TEST(Libp2pNoiseIdentityTest, SignaturesVerifyForBothKeyTypesAndNothingElse) {
    const bytes message = h("6e6f697365");
    for (key_type t : {key_type::ed25519, key_type::secp256k1}) {
        const auto k = private_key::generate(t).value();
        bytes sig;
        ASSERT_FALSE(k.sign(message, sig));
        if (t == key_type::secp256k1) {
            EXPECT_EQ(sig[0], 0x30);  // DER SEQUENCE
            EXPECT_LE(sig.size(), 72u);
        } else {
            EXPECT_EQ(sig.size(), 64u);
        }
        EXPECT_FALSE(verify(k.public_key(), message, sig));
        bytes other = message;
        other[0] ^= 1;
        EXPECT_EQ(verify(k.public_key(), other, sig), errc::bad_signature);
        bytes bad = sig;
        bad.back() ^= 1;
        EXPECT_EQ(verify(k.public_key(), message, bad), errc::bad_signature);
        EXPECT_EQ(verify(private_key::generate(t).value().public_key(), message, sig), errc::bad_signature);
        EXPECT_EQ(verify(k.public_key(), message, {}), errc::bad_signature);
    }
}

TEST(Libp2pNoiseIdentityTest, Ed25519KeysThatAreNoPointOrOfSmallOrderAreRefused) {
    const bytes message = h("6e6f697365");
    // The identity point (order 1) and a point of order 8, with the
    // signature (R, S) = (identity, 0) that satisfies [S]B = R + [k]A for
    // any message when A has small order: refused all the same.
    for (const char* a : {"0100000000000000000000000000000000000000000000000000000000000000",
                          "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"}) {
        const bytes sig = h(std::string("01") + std::string(126, '0'));
        EXPECT_EQ(verify(h(std::string("08011220") + a), message, sig), errc::bad_signature) << a;
    }
    // y = 2 is no curve point's: (y^2 - 1) / (d y^2 + 1) has no square root.
    const auto k = private_key::generate(key_type::ed25519).value();
    bytes sig;
    ASSERT_FALSE(k.sign(message, sig));
    bytes off_curve = h(std::string("08011220") + "02" + std::string(62, '0'));
    EXPECT_FALSE(crypto::ed25519::valid_public_key(*reinterpret_cast<const crypto::ed25519::public_key*>(off_curve.data() + 4)));
    EXPECT_EQ(verify(off_curve, message, sig), errc::bad_signature);
    // A non-canonical encoding of a valid key (y + p for y = 1: the
    // identity's y with the field order added) is refused too.
    EXPECT_EQ(verify(h(std::string("08011220") + "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
                     message, h(std::string("01") + std::string(126, '0'))),
              errc::bad_signature);
}

TEST(Libp2pNoiseIdentityTest, Secp256k1SignaturesAreEcdsaOverSha256InStrictDer) {
    bytes one(32, 0);
    one[31] = 7;
    const auto k = private_key::from_secp256k1(one).value();
    const byte_view text = as_bytes("noise-libp2p-static-key:");
    const bytes message(text.begin(), text.end());
    bytes sig;
    ASSERT_FALSE(k.sign(message, sig));
    // The same signature, as the wrapper makes it from the digest directly.
    bytes direct;
    ASSERT_FALSE(crypto::secp256k1::sign_der(crypto::secp256k1::parse_private_key(one).value(), crypto::sha256(message), direct));
    EXPECT_EQ(sig, direct);
    // BER the parser would take (a length in long form) is refused.
    bytes ber = {0x30, 0x81, static_cast<std::uint8_t>(sig[1])};
    ber.insert(ber.end(), sig.begin() + 2, sig.end());
    EXPECT_EQ(verify(k.public_key(), message, ber), errc::bad_signature);
}

TEST(Libp2pNoiseIdentityTest, CheckPayloadAcceptsTheSignedStaticKeyAndRefusesTheRest) {
    const auto k = private_key::generate().value();
    const bytes s(32, 0x5a);
    const bytes p = make_payload(k, s, {"/yamux/1.0.0"}).value();
    auto ok = check_payload(p, s, peer_id::from_public_key(k.public_key()).value());
    ASSERT_TRUE(ok) << ok.error().message();
    EXPECT_EQ(ok.value().stream_muxers, std::vector<std::string>{"/yamux/1.0.0"});
    EXPECT_EQ(ok.value().identity_type, key_type::ed25519);
    EXPECT_EQ(check_payload(p, bytes(32, 0x5b), std::nullopt).error(), errc::bad_signature);
    EXPECT_EQ(check_payload(p, s, peer_id::from_public_key(private_key::generate().value().public_key()).value()).error(),
              errc::peer_id_mismatch);
    EXPECT_EQ(check_payload({}, s, std::nullopt).error(), errc::missing_identity);
    EXPECT_EQ(check_payload(h("0a01"), s, std::nullopt).error(), errc::bad_payload);
}

TEST(Libp2pNoiseIdentityTest, ReadPayloadGivesWhatCheckPayloadGivesWithoutVerifying) {
    for (key_type t : {key_type::ed25519, key_type::secp256k1}) {
        const auto k = private_key::generate(t).value();
        const bytes s(32, 0x5a);
        const bytes p = make_payload(k, s, {"/mplex/6.7.0", "/yamux/1.0.0"}).value();
        auto checked = check_payload(p, s, std::nullopt);
        auto read = read_payload(p);
        ASSERT_TRUE(checked) << checked.error().message();
        ASSERT_TRUE(read) << read.error().message();
        EXPECT_EQ(read.value().id, checked.value().id);
        EXPECT_EQ(read.value().id, peer_id::from_public_key(k.public_key()).value());
        EXPECT_EQ(read.value().identity_type, t);
        EXPECT_EQ(read.value().identity_key, bytes(k.public_key().begin(), k.public_key().end()));
        EXPECT_EQ(read.value().stream_muxers, checked.value().stream_muxers);
        // Only reads: a payload signed over another static key (which
        // check_payload refuses) reads the same, its signature not verified.
        const bytes other = make_payload(k, bytes(32, 0x5b), {"/mplex/6.7.0", "/yamux/1.0.0"}).value();
        EXPECT_EQ(check_payload(other, s, std::nullopt).error(), errc::bad_signature);
        auto unverified = read_payload(other);
        ASSERT_TRUE(unverified) << unverified.error().message();
        EXPECT_EQ(unverified.value().id, checked.value().id);
    }
    EXPECT_EQ(read_payload({}).error(), errc::missing_identity);
    EXPECT_EQ(read_payload(h("0a01")).error(), errc::bad_payload);
}

TEST(Libp2pNoiseIdentityTest, MultiaddrsBothWays) {
    const auto id = peer_id::parse(rfc8032_peer_id).value();
    EXPECT_EQ(format_multiaddr(id, "127.0.0.1", 4001), std::string("/ip4/127.0.0.1/tcp/4001/p2p/") + rfc8032_peer_id);
    EXPECT_EQ(format_multiaddr(id, "::1", 4001), std::string("/ip6/::1/tcp/4001/p2p/") + rfc8032_peer_id);
    EXPECT_EQ(format_multiaddr(id, "localhost", 1), std::string("/dns4/localhost/tcp/1/p2p/") + rfc8032_peer_id);
    std::string why;
    for (const char* host : {"/ip4/127.0.0.1", "/ip6/::1", "/dns4/example.org", "/dns6/example.org", "/dns/a-b.c"}) {
        for (const char* p2p : {"/p2p/", "/ipfs/"}) {
            auto a = parse_multiaddr(std::string(host) + "/tcp/30303" + p2p + rfc8032_peer_id, why);
            ASSERT_TRUE(a) << host << ": " << why;
            EXPECT_EQ(a->port, 30303);
            EXPECT_EQ(a->id, id);
            EXPECT_EQ("/" + std::string(host).substr(std::string(host).find('/', 1) + 1), "/" + a->host);
        }
    }
    for (std::string bad : {"", "/ip4/127.0.0.1/tcp/1", "/ip4/127.0.0.1/udp/1/p2p/x", "/ip4/1.2.3/tcp/1/p2p/",
                            "/ip4/127.0.0.1/tcp/0/p2p/", "/ip4/127.0.0.1/tcp/65536/p2p/", "/ip4/127.0.0.1/tcp/01/p2p/",
                            "/ip6/127.0.0.1/tcp/1/p2p/", "/dns4/a b/tcp/1/p2p/", "/unix/x/tcp/1/p2p/",
                            "ip4/127.0.0.1/tcp/1/p2p/", "/ip4/127.0.0.1/tcp/1/p2p/Qm"}) {
        if (bad.ends_with("/p2p/")) bad += rfc8032_peer_id;
        EXPECT_FALSE(parse_multiaddr(bad, why)) << bad;
        EXPECT_FALSE(why.empty());
    }
}

TEST(Libp2pNoiseIdentityTest, KeysLoadFromWhatKeygenPrintsAndFromTypedHex) {
    std::string why;
    const auto k = private_key::generate(key_type::secp256k1).value();
    auto back = load_key_text(to_hex(k.serialized()) + "\n", why);
    ASSERT_TRUE(back) << why;
    EXPECT_EQ(back->type(), key_type::secp256k1);
    EXPECT_TRUE(load_key_text(std::string("ed25519:") + rfc8032_seed, why));
    EXPECT_EQ(load_key_text(rfc8032_seed, why)->type(), key_type::ed25519);
    EXPECT_EQ(load_key_text("secp256k1:" + std::string(63, '0') + "1", why)->type(), key_type::secp256k1);
    EXPECT_FALSE(load_key_text("secp256k1:" + std::string(64, '0'), why));
    EXPECT_FALSE(load_key_text("zz", why));
    EXPECT_FALSE(load_key_text("ed25519:00", why));
}

}  // namespace
}  // namespace polywire::variants::libp2p_noise
