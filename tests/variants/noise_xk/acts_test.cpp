// BOLT 8's acts (act_framing and profile over the generic Noise
// handshake, noise_xk::handshake) on their own, no session: Appendix A's
// acts, final keys and chaining key; every byte of every act tampered, each
// failure named by act in the spec's order (version, key, tag); wrong keys;
// misuse.
#include "variants/noise_xk/acts.hpp"

#include <gtest/gtest.h>

#include "tests/support/hex.hpp"
#include "tests/support/replay_random.hpp"
#include "transport/error.hpp"
#include "variants/noise_xk/config.hpp"
#include "variants/noise_xk/error.hpp"

namespace polywire::variants::noise_xk {
namespace {
namespace k1 = crypto::secp256k1;
using policies::handshake_role;
using test::h;
using test::hx;

// Appendix A's keys.
const k1::private_key initiator_s(h("1111111111111111111111111111111111111111111111111111111111111111"));
const k1::private_key initiator_e(h("1212121212121212121212121212121212121212121212121212121212121212"));
const k1::private_key responder_s(h("2121212121212121212121212121212121212121212121212121212121212121"));
const k1::private_key responder_e(h("2222222222222222222222222222222222222222222222222222222222222222"));

k1::compressed_public_key pub(const k1::private_key& k) { return k1::derive_compressed_public_key(k).value(); }

handshake::options initiator_options() {
    handshake::options o;
    o.static_key = initiator_s;
    o.remote_static = pub(responder_s);
    return o;
}
handshake::options responder_options() {
    handshake::options o;
    o.static_key = responder_s;
    return o;
}
byte_view sk(const secrets& s) { return cipher_key(s, policies::direction::egress); }
byte_view rk(const secrets& s) { return cipher_key(s, policies::direction::ingress); }
// Appendix A's ephemeral keys, through the random source.
transport::key_agreement_context ei() { return {.random = test::replay(test::cat(initiator_e.view()))}; }
transport::key_agreement_context er() { return {.random = test::replay(test::cat(responder_e.view()))}; }

struct acts {
    bytes act1, act2, act3;
};

// Runs the three acts; `tamper(act, bytes)` may change each act in flight.
// Returns the first error, or {} with both sides done.
template <class Tamper>
std::error_code run(handshake& i, handshake& r, Tamper tamper, acts* seen = nullptr) {
    bytes a1, a2, a3;
    if (auto ec = i.start(a1)) return ec;
    if (auto ec = r.start(a2)) return ec;
    EXPECT_TRUE(a2.empty());
    tamper(1, a1);
    auto s1 = r.consume(a1, a2);
    if (!s1) return s1.error();
    EXPECT_EQ(s1.value().consumed, act1_size);
    EXPECT_FALSE(s1.value().done);
    tamper(2, a2);
    auto s2 = i.consume(a2, a3);
    if (!s2) return s2.error();
    EXPECT_EQ(s2.value().consumed, act2_size);
    EXPECT_TRUE(s2.value().done);
    tamper(3, a3);
    bytes none;
    auto s3 = r.consume(a3, none);
    if (!s3) return s3.error();
    EXPECT_EQ(s3.value().consumed, act3_size);
    EXPECT_TRUE(s3.value().done);
    EXPECT_TRUE(none.empty());
    if (seen) *seen = {a1, a2, a3};
    return {};
}
std::error_code run(handshake& i, handshake& r, acts* seen = nullptr) {
    return run(i, r, [](int, bytes&) {}, seen);
}

TEST(NoiseXkActsTest, ProducesAppendixAActsAndKeys) {
    handshake i(handshake_role::initiator, initiator_options(), ei());
    handshake r(handshake_role::recipient, responder_options(), er());
    acts a;
    ASSERT_FALSE(run(i, r, &a));
    EXPECT_EQ(hx(a.act1), "00036360e856310ce5d294e8be33fc807077dc56ac80d95d9cd4ddbd21325eff73f70df6086551151f58b8afe6c195782c6a");
    EXPECT_EQ(hx(a.act2), "0002466d7fcae563e5cb09a0d1870bb580344804617879a14949cf22285f1bae3f276e2470b93aac583c9ef6eafca3f730ae");
    EXPECT_EQ(hx(a.act3),
              "00b9e3a702e93e3a9948c2ed6e5fd7590a6e1c3a0344cfc9d5b57357049aa22355361aa02e55a8fc28fef5bd6d71ad0c38228dc68b"
              "1c466263b47fdf31e560e139ba");
    const secrets si = i.take_secrets(), sr = r.take_secrets();
    EXPECT_EQ(hx(sk(si)), "969ab31b4d288cedf6218839b27a3e2140827047f2c0f01bf5c04435d43511a9");
    EXPECT_EQ(hx(rk(si)), "bb9020b8965f4df047e07f955f3c4b88418984aadc5cdb35096b9ea8fa5c3442");
    EXPECT_EQ(hx(si.final_chaining_key.view()), "919219dbb2920afa8db80f9a51787a840bcf111ed8d588caf9ab4be716e42b01");
    // Both directions' rotations start at the final chaining key.
    EXPECT_EQ(hx(chaining_key(si, policies::direction::egress)), hx(si.final_chaining_key.view()));
    EXPECT_EQ(hx(chaining_key(si, policies::direction::ingress)), hx(si.final_chaining_key.view()));
    EXPECT_EQ(hx(rk(sr)), hx(sk(si)));
    EXPECT_EQ(hx(sk(sr)), hx(rk(si)));
    EXPECT_EQ(hx(sr.final_chaining_key.view()), hx(si.final_chaining_key.view()));
    EXPECT_EQ(si.remote_id, pub(responder_s));
    EXPECT_EQ(sr.remote_id, pub(initiator_s));
    // Secrets are handed over once.
    EXPECT_EQ(hx(sk(i.take_secrets())), std::string(64, '0'));
}

TEST(NoiseXkActsTest, FreshEphemeralKeysGiveFreshSessionKeys) {
    auto io = initiator_options(), ro = responder_options();
    handshake i1(handshake_role::initiator, io), r1(handshake_role::recipient, ro);
    handshake i2(handshake_role::initiator, io), r2(handshake_role::recipient, ro);
    ASSERT_FALSE(run(i1, r1));
    ASSERT_FALSE(run(i2, r2));
    const secrets a = i1.take_secrets(), b = i2.take_secrets();
    EXPECT_NE(hx(sk(a)), hx(sk(b)));
    EXPECT_EQ(hx(rk(r1.take_secrets())), hx(sk(a)));
}

TEST(NoiseXkActsTest, AnActArrivingInPiecesIsNeedMore) {
    handshake i(handshake_role::initiator, initiator_options(), ei());
    handshake r(handshake_role::recipient, responder_options(), er());
    bytes a1, a2;
    ASSERT_FALSE(i.start(a1));
    ASSERT_FALSE(r.start(a2));
    for (std::size_t n = 0; n < act1_size; ++n) {
        auto s = r.consume(byte_view(a1).first(n), a2);
        ASSERT_TRUE(s);
        EXPECT_EQ(s.value().consumed, 0u);
        EXPECT_TRUE(a2.empty());
    }
    // Bytes after the act are left to the caller.
    a1.push_back(0xaa);
    auto s = r.consume(a1, a2);
    ASSERT_TRUE(s);
    EXPECT_EQ(s.value().consumed, act1_size);
    EXPECT_EQ(a2.size(), act2_size);
}

// Every byte of every act, flipped: the handshake fails with the error BOLT
// 8 names for that field, and the receiving side writes nothing more.
TEST(NoiseXkActsTest, AnyTamperedActByteFailsTheHandshake) {
    const std::size_t sizes[] = {act1_size, act2_size, act3_size};
    for (int act = 1; act <= 3; ++act) {
        for (std::size_t at = 0; at < sizes[act - 1]; ++at) {
            handshake i(handshake_role::initiator, initiator_options(), ei());
            handshake r(handshake_role::recipient, responder_options(), er());
            auto ec = run(i, r, [&](int which, bytes& m) {
                if (which == act) m[at] ^= 0x01;
            });
            SCOPED_TRACE("act " + std::to_string(act) + " byte " + std::to_string(at));
            ASSERT_TRUE(ec);
            EXPECT_EQ(ec, transport::condition::handshake_failed) << ec.message();
            EXPECT_EQ(ec.category(), error_category());
            if (at == 0) {
                EXPECT_EQ(ec, act == 1 ? errc::act1_bad_version : act == 2 ? errc::act2_bad_version : errc::act3_bad_version);
            } else if (act < 3 && at >= 34) {
                EXPECT_EQ(ec, act == 1 ? errc::act1_bad_tag : errc::act2_bad_tag);
                EXPECT_EQ(ec, transport::condition::authentication_failed);
            } else if (act == 3) {
                EXPECT_EQ(ec, at < 50 ? errc::act3_bad_ciphertext : errc::act3_bad_tag);
            }
            // A flipped key byte is either not a point or a point that fails the tag.
            if (act < 3 && at >= 1 && at < 34) {
                EXPECT_TRUE(ec == (act == 1 ? errc::act1_bad_pubkey : errc::act2_bad_pubkey) ||
                            ec == (act == 1 ? errc::act1_bad_tag : errc::act2_bad_tag))
                    << ec.message();
            }
        }
    }
}

TEST(NoiseXkActsTest, DiallingTheWrongResponderKeyFailsActOne) {
    auto io = initiator_options();
    io.remote_static = pub(k1::private_key(h("3131313131313131313131313131313131313131313131313131313131313131")));
    handshake i(handshake_role::initiator, io, ei());
    handshake r(handshake_role::recipient, responder_options(), er());
    auto ec = run(i, r);
    EXPECT_EQ(ec, errc::act1_bad_tag);
    EXPECT_EQ(ec, transport::condition::handshake_failed);
}

TEST(NoiseXkActsTest, ResponderMayInsistOnTheInitiatorsKey) {
    auto ro = responder_options();
    ro.remote_static = pub(initiator_s);
    {
        handshake i(handshake_role::initiator, initiator_options(), ei()), r(handshake_role::recipient, ro, er());
        EXPECT_FALSE(run(i, r));
    }
    ro.remote_static = pub(initiator_e);
    handshake i(handshake_role::initiator, initiator_options(), ei()), r(handshake_role::recipient, ro, er());
    auto ec = run(i, r);
    EXPECT_EQ(ec, errc::wrong_remote_identity);
    EXPECT_EQ(ec, transport::condition::handshake_failed);
}

TEST(NoiseXkActsTest, GivenStaticPublicKeysGiveTheSameActs) {
    auto io = initiator_options(), ro = responder_options();
    io.static_public_key = pub(initiator_s);
    ro.static_public_key = pub(responder_s);
    handshake i(handshake_role::initiator, io, ei()), r(handshake_role::recipient, ro, er());
    handshake i0(handshake_role::initiator, initiator_options(), ei()), r0(handshake_role::recipient, responder_options(), er());
    acts given, derived;
    ASSERT_FALSE(run(i, r, &given));
    ASSERT_FALSE(run(i0, r0, &derived));
    EXPECT_EQ(hx(given.act1), hx(derived.act1));
    EXPECT_EQ(hx(given.act2), hx(derived.act2));
    EXPECT_EQ(hx(given.act3), hx(derived.act3));
    EXPECT_EQ(hx(sk(i.take_secrets())), hx(sk(i0.take_secrets())));
}

TEST(NoiseXkActsTest, AStaticPublicKeyThatIsNotTheStaticKeysFails) {
    const auto other = pub(k1::private_key(h("3131313131313131313131313131313131313131313131313131313131313131")));
    {
        // The initiator claims another key in Act Three: the responder's se
        // (with the claimed key) differs from the initiator's, so the last
        // tag fails.
        auto io = initiator_options();
        io.static_public_key = other;
        handshake i(handshake_role::initiator, io, ei()), r(handshake_role::recipient, responder_options(), er());
        auto ec = run(i, r);
        EXPECT_EQ(ec, errc::act3_bad_tag);
        EXPECT_EQ(ec, transport::condition::handshake_failed);
    }
    {
        // A responder with another public key hashes another identity: Act One fails.
        auto ro = responder_options();
        ro.static_public_key = other;
        handshake i(handshake_role::initiator, initiator_options(), ei()), r(handshake_role::recipient, ro, er());
        auto ec = run(i, r);
        EXPECT_EQ(ec, errc::act1_bad_tag);
    }
}

TEST(NoiseXkActsTest, ReportsMisuse) {
    bytes out;
    auto io = initiator_options();
    io.remote_static.reset();
    EXPECT_EQ(handshake(handshake_role::initiator, io, ei()).start(out), noise::errc::missing_remote_static);
    EXPECT_EQ(handshake(handshake_role::initiator, io, ei()).start(out), transport::condition::misuse);
    io.remote_static = k1::compressed_public_key{};  // not a point
    EXPECT_EQ(handshake(handshake_role::initiator, io, ei()).start(out), transport::errc::bad_key);
    auto ro = responder_options();
    ro.static_key = k1::private_key{};  // zero is not a private key
    EXPECT_EQ(handshake(handshake_role::recipient, ro, er()).start(out), transport::errc::bad_key);
    EXPECT_TRUE(out.empty());

    handshake i(handshake_role::initiator, initiator_options(), ei());
    ASSERT_FALSE(i.start(out));
    EXPECT_EQ(i.start(out), transport::errc::session_closed);
    // After a failure nothing more is read.
    bytes bad(act2_size, 0);
    EXPECT_EQ(i.consume(bad, out).error(), errc::act2_bad_pubkey);
    EXPECT_EQ(i.consume(bad, out).error(), transport::errc::session_closed);
}


TEST(NoiseXkActsTest, EachActIsItsVersionByteThenItsFixedSize) {
    std::uint8_t v = 0xff;
    act_framing::write_header(49, mutable_byte_view(&v, 1));
    EXPECT_EQ(v, 0);
    const std::uint8_t zero = 0, one = 1;
    EXPECT_EQ(act_framing::body_size(byte_view(&zero, 1), 49).value(), 49u);
    EXPECT_EQ(act_framing::body_size(byte_view(&one, 1), 65).error(), noise::errc::unsupported_version);
    // The sizes the generic handshake derives from XK's tokens and 33-byte keys.
    handshake i(handshake_role::initiator, initiator_options(), ei());
    handshake r(handshake_role::recipient, responder_options(), er());
    acts a;
    ASSERT_FALSE(run(i, r, &a));
    EXPECT_EQ(a.act1.size(), act1_size);
    EXPECT_EQ(a.act2.size(), act2_size);
    EXPECT_EQ(a.act3.size(), act3_size);
    EXPECT_EQ(handshake::name, "Noise_XK_secp256k1_ChaChaPoly_SHA256");
}

TEST(NoiseXkActsTest, NamesEveryFailureByItsAct) {
    using noise::failure_site;
    const std::error_code generic = noise::errc::decrypt_failed;
    EXPECT_EQ(act_framing::name_failure(0, failure_site::header, generic), errc::act1_bad_version);
    EXPECT_EQ(act_framing::name_failure(1, failure_site::header, generic), errc::act2_bad_version);
    EXPECT_EQ(act_framing::name_failure(2, failure_site::header, generic), errc::act3_bad_version);
    EXPECT_EQ(act_framing::name_failure(0, failure_site::ephemeral_key, generic), errc::act1_bad_pubkey);
    EXPECT_EQ(act_framing::name_failure(1, failure_site::ephemeral_key, generic), errc::act2_bad_pubkey);
    EXPECT_EQ(act_framing::name_failure(2, failure_site::static_key_ciphertext, generic), errc::act3_bad_ciphertext);
    EXPECT_EQ(act_framing::name_failure(2, failure_site::static_key, generic), errc::act3_bad_pubkey);
    EXPECT_EQ(act_framing::name_failure(0, failure_site::payload, generic), errc::act1_bad_tag);
    EXPECT_EQ(act_framing::name_failure(1, failure_site::payload, generic), errc::act2_bad_tag);
    EXPECT_EQ(act_framing::name_failure(2, failure_site::payload, generic), errc::act3_bad_tag);
    EXPECT_EQ(act_framing::name_failure(2, failure_site::remote_static, generic), errc::wrong_remote_identity);
    EXPECT_EQ(act_framing::name_failure(3, failure_site::payload, generic), generic);  // no fourth act
}

// Two faults in one act: the one BOLT 8 checks first is reported (the
// version, then the key, then the tag).
TEST(NoiseXkActsTest, ChecksTheVersionThenTheKeyThenTheTag) {
    struct fault {
        int act;
        std::vector<std::size_t> flips;
        errc expected;
    };
    // Act One/Two: byte 0 the version, byte 1 the key's prefix (0x02/0x03;
    // ^0x04 makes it invalid), byte 40 inside the tag.
    const std::vector<fault> faults = {
        {1, {0, 1, 40}, errc::act1_bad_version}, {1, {1, 40}, errc::act1_bad_pubkey}, {1, {40}, errc::act1_bad_tag},
        {2, {0, 1, 40}, errc::act2_bad_version}, {2, {1, 40}, errc::act2_bad_pubkey}, {2, {40}, errc::act2_bad_tag},
        {3, {0, 5, 60}, errc::act3_bad_version}, {3, {5, 60}, errc::act3_bad_ciphertext}, {3, {60}, errc::act3_bad_tag},
    };
    for (const fault& f : faults) {
        handshake i(handshake_role::initiator, initiator_options(), ei());
        handshake r(handshake_role::recipient, responder_options(), er());
        auto ec = run(i, r, [&](int which, bytes& m) {
            if (which != f.act) return;
            for (std::size_t at : f.flips) m[at] ^= at == 1 ? 0x04 : 0x01;
        });
        SCOPED_TRACE("act " + std::to_string(f.act));
        EXPECT_EQ(ec, f.expected) << ec.message();
    }
}


// The DH policy draws the ephemeral key (32 bytes, again while not a valid
// key) from the session's random source, in the documented order.
TEST(NoiseXkActsTest, TheEphemeralKeyIsDrawnAgainWhileNotAKey) {
    const transport::key_agreement_context twice{.random = test::replay(test::cat(bytes(32, 0xff), initiator_e.view()), false)};
    handshake i(handshake_role::initiator, initiator_options(), twice);
    handshake r(handshake_role::recipient, responder_options(), er());
    acts a;
    ASSERT_FALSE(run(i, r, &a));
    EXPECT_EQ(hx(a.act1), "00036360e856310ce5d294e8be33fc807077dc56ac80d95d9cd4ddbd21325eff73f70df6086551151f58b8afe6c195782c6a");
}

}  // namespace
}  // namespace polywire::variants::noise_xk
