// The x25519-xchacha key agreement on its own: both sides derive the same
// keys, identities are checked, every byte of every message matters,
// messages of one session do not verify in another, and repeats are stale;
// over datagrams a refused message changes nothing and the responder
// answers several HELLOs.
#include "variants/x25519_xchacha/handshake.hpp"

#include <memory>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/replay_random.hpp"
#include "tests/variants/x25519_xchacha/fixture.hpp"
#include "transport/error.hpp"
#include "variants/x25519_xchacha/error.hpp"

namespace polywire::variants::x25519_xchacha {
namespace {
using namespace test;
using polywire::policies::handshake_role;

// A handshake's options and the fills of the ephemeral key and session id
// its random source replays (test_handshake).
struct ka : handshake::options {
    std::uint8_t e = 0, s = 0;
};
ka opts(const crypto::ed25519::private_key& me, std::optional<identity_public_key> remote, std::uint8_t e,
        std::uint8_t s) {
    ka o;
    o.identity = me;
    o.expected_remote = remote;
    o.e = e;
    o.s = s;
    return o;
}
ka alice_ka() { return opts(alice(), bob().public_key(), 0xa1, 0xa5); }
ka bob_ka() { return opts(bob(), alice().public_key(), 0xb1, 0xb5); }

transport::key_agreement_context fixed(const ka& o) {
    return {.random = polywire::test::replay(polywire::test::cat(x_key(o.e).view(), sid(o.s)))};
}
class test_handshake : public handshake {
public:
    test_handshake(handshake_role r, const ka& o) : handshake(r, o, fixed(o)) {}
    test_handshake(handshake_role r, const ka& o, policies::over_datagrams d) : handshake(r, o, d, fixed(o)) {}
};

// The four messages of a handshake between `i` and `r`.
struct transcript {
    bytes hello, reply, proof, finished;
    handshake::secrets si, sr;
    std::error_code error;
};

transcript run(ka io, ka ro) {
    transcript t;
    test_handshake i(handshake_role::initiator, io), r(handshake_role::recipient, ro);
    EXPECT_FALSE(i.start(t.hello));
    bytes none;
    EXPECT_FALSE(r.start(none));
    EXPECT_TRUE(none.empty());
    auto s1 = r.consume(t.hello, t.reply);
    if (!s1) return t.error = s1.error(), t;
    auto s2 = i.consume(t.reply, t.proof);
    if (!s2) return t.error = s2.error(), t;
    auto s3 = r.consume(t.proof, t.finished);
    if (!s3) return t.error = s3.error(), t;
    EXPECT_TRUE(s3.value().done);
    bytes after;
    auto s4 = i.consume(t.finished, after);
    if (!s4) return t.error = s4.error(), t;
    EXPECT_TRUE(s4.value().done);
    EXPECT_TRUE(after.empty());
    EXPECT_EQ(i.transcript_hash(), r.transcript_hash());
    t.si = i.take_secrets();
    t.sr = r.take_secrets();
    return t;
}

TEST(HandshakeTest, BothSidesDeriveTheSameKeysAndLearnEachOther) {
    transcript t = run(alice_ka(), bob_ka());
    ASSERT_FALSE(t.error) << t.error.message();
    EXPECT_EQ(t.hello.size(), hello_size);
    EXPECT_EQ(t.reply.size(), reply_size);
    EXPECT_EQ(t.proof.size(), proof_size);
    EXPECT_EQ(t.finished.size(), finished_size);
    EXPECT_EQ(hx(t.si.initiator_key), hx(t.sr.initiator_key));
    EXPECT_EQ(hx(t.si.responder_key), hx(t.sr.responder_key));
    EXPECT_EQ(hx(t.si.chaining_key), hx(t.sr.chaining_key));
    EXPECT_NE(hx(t.si.initiator_key), hx(t.si.responder_key));
    EXPECT_EQ(t.si.initiator_sid, sid(0xa5));
    EXPECT_EQ(t.sr.initiator_sid, sid(0xa5));
    EXPECT_EQ(t.si.responder_sid, sid(0xb5));
    EXPECT_EQ(t.sr.responder_sid, sid(0xb5));
    EXPECT_TRUE(t.si.initiator);
    EXPECT_FALSE(t.sr.initiator);
    EXPECT_EQ(t.si.remote_id, bob().public_key());
    EXPECT_EQ(t.sr.remote_id, alice().public_key());
    // The cipher model's view: egress of one side is the ingress of the other.
    using polywire::policies::direction;
    EXPECT_EQ(hx(cipher_key(t.si, direction::egress)), hx(cipher_key(t.sr, direction::ingress)));
    EXPECT_EQ(hx(nonce_prefix(t.si, direction::egress)), hx(nonce_prefix(t.sr, direction::ingress)));
    EXPECT_EQ(hx(cipher_key(t.sr, direction::egress)), hx(cipher_key(t.si, direction::ingress)));
    EXPECT_EQ(hx(nonce_prefix(t.sr, direction::egress)), hx(nonce_prefix(t.si, direction::ingress)));
}

TEST(HandshakeTest, WithoutExpectedIdentitiesAnyPeerIsLearnt) {
    transcript t = run(opts(alice(), std::nullopt, 1, 2), opts(bob(), std::nullopt, 3, 4));
    ASSERT_FALSE(t.error);
    EXPECT_EQ(t.si.remote_id, bob().public_key());
    EXPECT_EQ(t.sr.remote_id, alice().public_key());
}

TEST(HandshakeTest, WrongExpectedIdentityFailsOnEitherSide) {
    transcript t = run(opts(alice(), mallory().public_key(), 1, 2), bob_ka());
    EXPECT_EQ(t.error, errc::wrong_remote_identity);
    EXPECT_EQ(t.error, transport::condition::handshake_failed);
    EXPECT_TRUE(t.proof.empty());  // the initiator stopped before signing anything
    transcript u = run(alice_ka(), opts(bob(), mallory().public_key(), 3, 4));
    EXPECT_EQ(u.error, errc::wrong_remote_identity);
    EXPECT_TRUE(u.reply.empty());
}

TEST(HandshakeTest, PreSharedKeysMustMatch) {
    auto io = alice_ka(), ro = bob_ka();
    io.psk = secret<32>(bytes(32, 0x5a));
    ro.psk = secret<32>(bytes(32, 0x5a));
    transcript with = run(io, ro);
    ASSERT_FALSE(with.error);
    transcript without = run(alice_ka(), bob_ka());
    EXPECT_NE(hx(with.si.initiator_key), hx(without.si.initiator_key));
    ro.psk = secret<32>(bytes(32, 0x5b));
    transcript wrong = run(io, ro);
    EXPECT_EQ(wrong.error, errc::key_confirmation_failed);
    EXPECT_EQ(wrong.error, transport::condition::authentication_failed);
    transcript one_sided = run(io, bob_ka());
    EXPECT_EQ(one_sided.error, errc::key_confirmation_failed);
}

// Feeds `m` with byte `i` flipped to a side in the right state.
std::error_code tampered(int which, std::size_t i) {
    transcript good = run(alice_ka(), bob_ka());
    test_handshake ia(handshake_role::initiator, alice_ka()), rb(handshake_role::recipient, bob_ka());
    bytes out, none;
    (void)ia.start(out);
    (void)rb.start(none);
    bytes m = which == 0 ? good.hello : which == 1 ? good.reply : which == 2 ? good.proof : good.finished;
    m[i] ^= 0x01;
    bytes sink;
    if (which == 0) return rb.consume(m, sink).error();
    (void)rb.consume(good.hello, sink);
    if (which == 1) {
        auto s = ia.consume(m, sink);
        return s ? std::error_code{} : s.error();
    }
    bytes proof;
    (void)ia.consume(good.reply, proof);
    if (which == 2) {
        auto s = rb.consume(m, sink);
        return s ? std::error_code{} : s.error();
    }
    bytes fin;
    (void)rb.consume(good.proof, fin);
    auto s = ia.consume(m, sink);
    return s ? std::error_code{} : s.error();
}

TEST(HandshakeTest, EveryByteOfEveryMessageMatters) {
    const std::size_t sizes[] = {hello_size, reply_size, proof_size, finished_size};
    for (int which = 0; which < 4; ++which) {
        for (std::size_t i = 0; i < sizes[which]; ++i) {
            if (which == 0 && i >= 1) continue;  // HELLO's fields are only checked by what follows (below)
            const std::error_code ec = tampered(which, i);
            EXPECT_TRUE(ec) << "message " << which << " byte " << i;
            EXPECT_EQ(ec, transport::condition::handshake_failed) << "message " << which << " byte " << i;
        }
    }
}

TEST(HandshakeTest, ATamperedHelloFailsTheHandshakeLater) {
    // The recipient cannot check HELLO on its own; its signature and key
    // confirmation cover it, so the initiator refuses the REPLY.
    for (std::size_t i = 1; i < hello_size; ++i) {
        transcript good = run(alice_ka(), bob_ka());
        test_handshake ia(handshake_role::initiator, alice_ka()), rb(handshake_role::recipient, opts(bob(), std::nullopt, 0xb1, 0xb5));
        bytes hello, none, reply, proof;
        (void)ia.start(hello);
        (void)rb.start(none);
        hello[i] ^= 0x80;
        auto s = rb.consume(hello, reply);
        if (!s) {  // e.g. an all-zero X25519 result
            EXPECT_EQ(s.error(), transport::condition::handshake_failed);
            continue;
        }
        auto t = ia.consume(reply, proof);
        ASSERT_FALSE(t) << i;
        EXPECT_TRUE(t.error() == errc::bad_signature || t.error() == errc::key_confirmation_failed) << i;
    }
}

TEST(HandshakeTest, MessagesOfOneSessionDoNotVerifyInAnother) {
    transcript one = run(alice_ka(), bob_ka());
    // A REPLY recorded in session one, replayed to an initiator with a fresh HELLO.
    test_handshake i2(handshake_role::initiator, opts(alice(), bob().public_key(), 0xa2, 0xa6));
    bytes hello2, proof2;
    (void)i2.start(hello2);
    EXPECT_EQ(i2.consume(one.reply, proof2).error(), errc::bad_signature);
    // A PROOF recorded in session one, replayed to a recipient that answered a replayed HELLO.
    test_handshake r2(handshake_role::recipient, opts(bob(), alice().public_key(), 0xb2, 0xb6));
    bytes none, reply2, fin2;
    (void)r2.start(none);
    ASSERT_TRUE(r2.consume(one.hello, reply2));  // a replayed HELLO gets a fresh REPLY...
    EXPECT_EQ(r2.consume(one.proof, fin2).error(), errc::bad_signature);  // ...but the old PROOF fails
}

TEST(HandshakeTest, AnAllZeroX25519ResultIsRefused) {
    transcript good = run(alice_ka(), bob_ka());
    bytes hello = good.hello;
    std::fill(hello.begin() + 17, hello.begin() + 49, 0);  // e_i = 0
    test_handshake r(handshake_role::recipient, opts(bob(), std::nullopt, 0xb1, 0xb5));
    bytes none, reply;
    (void)r.start(none);
    auto s = r.consume(hello, reply);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error(), errc::low_order_key);
    EXPECT_TRUE(reply.empty());
}

TEST(HandshakeTest, RepeatsAreStaleAndPartialMessagesWait) {
    transcript good = run(alice_ka(), bob_ka());
    test_handshake i(handshake_role::initiator, alice_ka()), r(handshake_role::recipient, bob_ka());
    bytes hello, none, reply, proof, fin, sink;
    (void)i.start(hello);
    (void)r.start(none);
    // A byte at a time: nothing is consumed until the whole message is there.
    for (std::size_t n = 1; n < hello_size; ++n) {
        auto s = r.consume(byte_view(hello).first(n), reply);
        ASSERT_TRUE(s);
        EXPECT_EQ(s.value().consumed, 0u);
    }
    ASSERT_EQ(r.consume(hello, reply).value().consumed, hello_size);
    auto again = r.consume(hello, sink);
    ASSERT_TRUE(again);
    EXPECT_TRUE(again.value().stale);
    EXPECT_EQ(again.value().consumed, hello_size);
    EXPECT_TRUE(sink.empty());
    ASSERT_TRUE(i.consume(reply, proof));
    auto again2 = i.consume(reply, sink);
    ASSERT_TRUE(again2);
    EXPECT_TRUE(again2.value().stale);
    ASSERT_TRUE(r.consume(proof, fin).value().done);
    ASSERT_TRUE(i.consume(fin, sink).value().done);
    EXPECT_EQ(hx(i.take_secrets().initiator_key), hx(good.si.initiator_key));
    EXPECT_EQ(i.consume(fin, sink).error(), transport::errc::session_closed);
}

TEST(HandshakeTest, OutOfOrderMessagesAreRefused) {
    transcript good = run(alice_ka(), bob_ka());
    test_handshake r(handshake_role::recipient, bob_ka());
    bytes none, out;
    (void)r.start(none);
    EXPECT_EQ(r.consume(good.proof, out).error(), errc::malformed_handshake);
    test_handshake i(handshake_role::initiator, alice_ka());
    (void)i.start(out);
    EXPECT_EQ(i.consume(good.finished, out).error(), errc::malformed_handshake);
}

// Over datagrams: every tampered copy of every message is refused without
// changing anything, so the genuine messages that follow give the same
// bytes and keys as an untouched exchange.
TEST(HandshakeTest, OverDatagramsARefusedMessageChangesNothing) {
    const transcript good = run(alice_ka(), bob_ka());
    ASSERT_FALSE(good.error);
    const polywire::policies::over_datagrams dgram{};
    test_handshake i(handshake_role::initiator, alice_ka(), dgram), r(handshake_role::recipient, bob_ka(), dgram);
    bytes hello, none, reply, proof, fin, sink;
    ASSERT_FALSE(i.start(hello));
    ASSERT_FALSE(r.start(none));
    // Each flip of each byte, fed to `to` before the genuine message; `kept`
    // says which flips the receiver cannot tell from a genuine message (a
    // HELLO's session id and ephemeral key: answered, not refused).
    auto flips = [&](handshake& to, const bytes& m, auto kept) {
        for (std::size_t pos = 0; pos < m.size(); ++pos) {
            bytes t = m;
            t[pos] ^= 0x01;
            sink.clear();
            auto s = to.consume(t, sink);
            if (kept(pos)) {
                ASSERT_TRUE(s) << pos;
                continue;
            }
            ASSERT_FALSE(s) << pos;
            EXPECT_EQ(s.error(), transport::condition::handshake_failed) << pos;
            EXPECT_TRUE(sink.empty()) << pos;
        }
    };
    flips(r, good.hello, [](std::size_t pos) { return pos >= 1 && pos < 49; });
    ASSERT_EQ(r.consume(good.hello, reply).value().consumed, hello_size);
    EXPECT_EQ(reply, good.reply);  // answered as if nothing else had come
    flips(i, good.reply, [](std::size_t) { return false; });
    ASSERT_TRUE(i.consume(good.reply, proof));
    EXPECT_EQ(proof, good.proof);
    flips(r, good.proof, [](std::size_t) { return false; });
    ASSERT_TRUE(r.consume(good.proof, fin).value().done);
    EXPECT_EQ(fin, good.finished);
    flips(i, good.finished, [](std::size_t) { return false; });
    ASSERT_TRUE(i.consume(good.finished, sink).value().done);
    EXPECT_EQ(i.transcript_hash(), r.transcript_hash());
    EXPECT_EQ(hx(i.take_secrets().initiator_key), hx(good.si.initiator_key));
    EXPECT_EQ(hx(r.take_secrets().responder_key), hx(good.sr.responder_key));
}

TEST(HandshakeTest, OverAStreamARefusedMessageEndsTheHandshake) {
    const transcript good = run(alice_ka(), bob_ka());
    test_handshake i(handshake_role::initiator, alice_ka());
    bytes hello, proof;
    (void)i.start(hello);
    bytes bad = good.reply;
    bad[100] ^= 0x01;
    EXPECT_EQ(i.consume(bad, proof).error(), errc::bad_signature);
    EXPECT_EQ(i.consume(good.reply, proof).error(), transport::errc::session_closed);
    EXPECT_TRUE(proof.empty());
    // And a second, different HELLO is out of order (over datagrams it is answered).
    test_handshake r(handshake_role::recipient, opts(bob(), std::nullopt, 0xb1, 0xb5));
    bytes none, reply;
    (void)r.start(none);
    ASSERT_TRUE(r.consume(good.hello, reply));
    bytes other = good.hello;
    other[20] ^= 0x01;
    EXPECT_EQ(r.consume(other, reply).error(), errc::unexpected_handshake);
}

TEST(HandshakeTest, OverDatagramsTheResponderAnswersSeveralHellosAndKeepsTheNewest) {
    const polywire::policies::over_datagrams dgram{};
    test_handshake r(handshake_role::recipient, opts(bob(), std::nullopt, 0xb1, 0xb5), dgram);
    bytes none;
    ASSERT_FALSE(r.start(none));
    // One more initiator than the responder keeps answers for.
    constexpr std::size_t n = handshake::max_answered_hellos + 1;
    std::vector<std::unique_ptr<test_handshake>> is;
    std::vector<bytes> hellos(n), replies(n);
    for (std::size_t k = 0; k < n; ++k) {
        is.push_back(std::make_unique<test_handshake>(handshake_role::initiator,
                                                 opts(alice(), bob().public_key(), static_cast<std::uint8_t>(0x30 + k),
                                                      static_cast<std::uint8_t>(0x40 + k)),
                                                 dgram));
        ASSERT_FALSE(is[k]->start(hellos[k]));
        auto s = r.consume(hellos[k], replies[k]);
        ASSERT_TRUE(s) << k;
        EXPECT_EQ(s.value().consumed, hello_size);
        EXPECT_EQ(replies[k].size(), reply_size);
    }
    // A repeat of an older HELLO gets its own REPLY again.
    bytes again;
    auto s = r.consume(hellos[1], again);
    ASSERT_TRUE(s);
    EXPECT_FALSE(s.value().stale);
    EXPECT_EQ(again, replies[1]);
    // The first initiator's answer was forgotten: its PROOF is refused; the
    // others' would verify, and the last one's completes the handshake.
    std::vector<bytes> proofs(n);
    for (std::size_t k = 0; k < n; ++k) ASSERT_TRUE(is[k]->consume(replies[k], proofs[k])) << k;
    bytes fin;
    EXPECT_EQ(r.consume(proofs[0], fin).error(), errc::bad_signature);
    EXPECT_TRUE(fin.empty());
    ASSERT_TRUE(r.consume(proofs[n - 1], fin).value().done);
    bytes sink;
    ASSERT_TRUE(is[n - 1]->consume(fin, sink).value().done);
    EXPECT_EQ(is[n - 1]->transcript_hash(), r.transcript_hash());
    EXPECT_EQ(hx(is[n - 1]->take_secrets().initiator_key), hx(r.take_secrets().initiator_key));
}

}  // namespace
}  // namespace polywire::variants::x25519_xchacha
