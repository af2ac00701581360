// noise::handshake's hooks for protocols built on a pattern (BOLT 8 is one):
// a framing with a version byte and fixed sizes that names its failures, a
// DH that draws its own keys and checks the keys it receives, a profile
// (prologue, remote id, key log labels), our static public key given, the
// peer's static key checked when it arrives, the session's random source,
// the final chaining key in the secrets, and no partial message on a failure.
#include "policies/noise/handshake.hpp"

#include <algorithm>
#include <map>

#include <gtest/gtest.h>

#include "crypto/random.hpp"
#include "tests/support/pair.hpp"
#include "tests/support/replay_random.hpp"
#include "variants/noise/config.hpp"

namespace polywire::noise {
namespace {
using policies::handshake_role;
using transport::session_state;

// ---- a toy protocol on XX ---------------------------------------------------

/// X25519 that refuses public keys with the top bit set (never an X25519
/// output, so only a tampered key) and counts the keys it draws.
struct checked25519 : dh25519 {
    static inline int drawn = 0;
    static bool check_public_key(const public_key& k) noexcept { return (k[31] & 0x80) == 0; }
    static result<private_key> generate_private_key(const transport::random_source& random) noexcept {
        ++drawn;
        private_key k;
        if (auto ec = random ? random(k.mutable_view()) : crypto::random_bytes(k.mutable_view())) return ec;
        return k;
    }
};

/// Version byte 7, then a message of exactly its tokens' size (empty
/// payloads); failures named "message * 10 + site" in the generic category.
struct versioned {
    static constexpr std::size_t header_size = 1;
    static void write_header(std::size_t, mutable_byte_view h) noexcept { h[0] = 7; }
    static result<std::size_t> body_size(byte_view h, std::size_t minimum) noexcept {
        if (h[0] != 7) return make_error_code(errc::unsupported_version);
        return minimum;
    }
    static constexpr bool names_failures = true;
    static std::error_code name_failure(std::size_t message, failure_site site, std::error_code) noexcept {
        return {static_cast<int>(1000 + message * 10 + static_cast<std::size_t>(site)), std::generic_category()};
    }
};
/// The same framing with no names: the generic errors.
struct plain_versioned {
    static constexpr std::size_t header_size = 1;
    static void write_header(std::size_t n, mutable_byte_view h) noexcept { versioned::write_header(n, h); }
    static result<std::size_t> body_size(byte_view h, std::size_t minimum) noexcept {
        return versioned::body_size(h, minimum);
    }
};

std::error_code named(std::size_t message, failure_site site) {
    return versioned::name_failure(message, site, {});
}

struct toy_profile : default_profile {
    static constexpr std::string_view prologue = "toy";
    using remote_id = dh25519::public_key;
    static remote_id make_remote_id(byte_view rs, byte_view) noexcept {
        remote_id id{};
        std::copy_n(rs.begin(), std::min(rs.size(), id.size()), id.begin());
        return id;
    }
    static constexpr key_labels labels{.ephemeral_private_key = "TOY_E", .sending_key = "TOY_SEND",
                                       .receiving_key = "TOY_RECEIVE", .final_chaining_key = "TOY_CK"};
};

using toy_suite = suite<checked25519, chachapoly, sha256>;
using toy_handshake = handshake<pattern::XX, toy_suite, versioned, toy_profile>;

struct toy_config {
    [[maybe_unused]] static constexpr std::string_view name = "toy";
    static constexpr auto policies = hana::make_map(
        hana::make_pair(hana::type_c<transport::role::key_agreement>, hana::type_c<toy_handshake>),
        hana::make_pair(hana::type_c<transport::role::cipher>,
                        hana::type_c<transport_cipher<chachapoly, hkdf_rotation<sha256, 3>>>),
        hana::make_pair(hana::type_c<transport::role::mac_state>, hana::type_c<polywire::policies::no_mac>),
        hana::make_pair(hana::type_c<transport::role::frame_layout>, hana::type_c<frame_layout>),
        hana::make_pair(hana::type_c<transport::role::compressor>, hana::type_c<polywire::policies::no_compression>));
};
using toy_session = transport::session<toy_config>;

dh25519::private_key fresh() {
    dh25519::private_key k;
    EXPECT_FALSE(crypto::random_bytes(k.mutable_view()));
    return k;
}
dh25519::public_key pub(const dh25519::private_key& k) { return dh25519::public_key_of(k).value(); }

struct toy_peers {
    dh25519::private_key si = fresh(), sr = fresh();
    toy_handshake::options i, r;
    toy_peers() {
        i.static_key = si;
        r.static_key = sr;
    }
};

struct messages {
    bytes m1, m2, m3;
};

// Runs XX between two handshakes, `tamper(message, bytes)` changing each in
// flight; returns the first error.
template <class Tamper>
std::error_code run(toy_handshake& i, toy_handshake& r, Tamper tamper, messages* seen = nullptr) {
    messages m;
    if (auto ec = i.start(m.m1)) return ec;
    if (auto ec = r.start(m.m2)) return ec;
    tamper(0, m.m1);
    auto s1 = r.consume(m.m1, m.m2);
    if (!s1) return s1.error();
    tamper(1, m.m2);
    auto s2 = i.consume(m.m2, m.m3);
    if (!s2) return s2.error();
    tamper(2, m.m3);
    bytes none;
    auto s3 = r.consume(m.m3, none);
    if (!s3) return s3.error();
    EXPECT_TRUE(s2.value().done && s3.value().done);
    if (seen) *seen = m;
    return {};
}
std::error_code run(toy_handshake& i, toy_handshake& r, messages* seen = nullptr) {
    return run(i, r, [](std::size_t, bytes&) {}, seen);
}

// ---- tests ------------------------------------------------------------------

TEST(NoiseHandshakeHooksTest, AVersionedFramingWithFixedSizes) {
    toy_peers p;
    toy_handshake i(handshake_role::initiator, p.i), r(handshake_role::recipient, p.r);
    messages m;
    ASSERT_FALSE(run(i, r, &m));
    // XX: e | e, ee, s, es | s, se — each behind its version byte.
    EXPECT_EQ(m.m1.size(), 1u + 32);
    EXPECT_EQ(m.m2.size(), 1u + 32 + 48 + 16);
    EXPECT_EQ(m.m3.size(), 1u + 48 + 16);
    EXPECT_EQ(m.m1[0], 7);
    // A message arriving in pieces is "need more" until its fixed size is there.
    toy_handshake r2(handshake_role::recipient, p.r);
    bytes out;
    ASSERT_FALSE(r2.start(out));
    for (std::size_t n = 0; n < m.m1.size(); ++n) EXPECT_EQ(r2.consume(byte_view(m.m1).first(n), out).value().consumed, 0u);
}

TEST(NoiseHandshakeHooksTest, TheFramingNamesEachFailureByMessageAndSite) {
    struct fault {
        std::size_t message, at;
        std::uint8_t mask;
        failure_site site;
    };
    const std::vector<fault> faults = {
        {0, 0, 0x01, failure_site::header},
        {0, 32, 0x80, failure_site::ephemeral_key},        // the key's top bit: checked25519 refuses it
        {1, 0, 0x01, failure_site::header},
        {1, 32, 0x80, failure_site::ephemeral_key},
        {1, 40, 0x01, failure_site::static_key_ciphertext},
        {1, 1 + 32 + 48 + 3, 0x01, failure_site::payload},
        {2, 5, 0x01, failure_site::static_key_ciphertext},
        {2, 1 + 48 + 3, 0x01, failure_site::payload},
    };
    for (const fault& f : faults) {
        toy_peers p;
        toy_handshake i(handshake_role::initiator, p.i), r(handshake_role::recipient, p.r);
        auto ec = run(i, r, [&](std::size_t which, bytes& m) {
            if (which == f.message) m[f.at] ^= f.mask;
        });
        SCOPED_TRACE("message " + std::to_string(f.message) + " byte " + std::to_string(f.at));
        EXPECT_EQ(ec, named(f.message, f.site)) << ec.message();
    }
}

TEST(NoiseHandshakeHooksTest, WithoutNamesTheGenericErrorsAreReported) {
    using plain = handshake<pattern::NN, toy_suite, plain_versioned>;
    const std::vector<std::pair<std::size_t, std::error_code>> faults = {
        {0, errc::unsupported_version}, {32, errc::invalid_public_key}, {40, errc::decrypt_failed}};
    for (const auto& [at, expected] : faults) {
        plain::options o;
        plain i(handshake_role::initiator, o), r(handshake_role::recipient, o);
        bytes m1, m2;
        ASSERT_FALSE(i.start(m1));
        ASSERT_FALSE(r.start(m2));
        ASSERT_TRUE(r.consume(m1, m2).value().done);  // NN: the responder is done after its message
        m2[at] ^= at == 32 ? 0x80 : 0x01;  // NN's second message: version | e | tag
        bytes none;
        EXPECT_EQ(i.consume(m2, none).error(), expected) << at;
    }
}

TEST(NoiseHandshakeHooksTest, TheDhDrawsItsKeysFromTheOptionsOrElseTheSessionsSource) {
    const bytes e_options(32, 0x41), e_session(32, 0x42);
    auto first_key = [](const toy_session& s) {
        const byte_view out = s.pending_output();
        return bytes(out.begin() + 1, out.begin() + 33);  // after the version byte
    };
    const auto expected = [](const bytes& k) {
        const auto p = dh25519::public_key_of(dh25519::private_key(k)).value();
        return bytes(p.begin(), p.end());
    };
    toy_peers p;
    toy_session::options o;
    o.handshake = p.i;
    o.random = test::replay(e_session, false);
    checked25519::drawn = 0;
    toy_session from_session(handshake_role::initiator, o);
    ASSERT_FALSE(from_session.start(transport::time_point{}));
    EXPECT_EQ(first_key(from_session), expected(e_session));
    EXPECT_EQ(checked25519::drawn, 1);
    o.handshake.random = test::replay(e_options, false);
    toy_session from_options(handshake_role::initiator, o);
    ASSERT_FALSE(from_options.start(transport::time_point{}));
    EXPECT_EQ(first_key(from_options), expected(e_options));
}

TEST(NoiseHandshakeHooksTest, APreMessageKeyThatIsNotAKeyIsRefused) {
    using nk = handshake<pattern::NK, toy_suite>;
    nk::options o;
    o.remote_static = pub(fresh());
    bytes out;
    EXPECT_FALSE(nk(handshake_role::initiator, o).start(out));
    (*o.remote_static)[31] |= 0x80;
    out.clear();
    EXPECT_EQ(nk(handshake_role::initiator, o).start(out), transport::errc::bad_key);
    EXPECT_TRUE(out.empty());
}

/// X25519 whose received keys are decoded once ("prepared"): the DH takes
/// only the decoded form, and the decodings are counted.
struct prepared25519 : dh25519 {
    struct prepared_key {
        public_key key;
    };
    static inline int prepared = 0;
    static std::optional<prepared_key> prepare(const public_key& k) noexcept {
        ++prepared;
        if (k[31] & 0x80) return std::nullopt;
        return prepared_key{k};
    }
    static result<secret<dh_len>> dh(const private_key& k, const prepared_key& p) noexcept {
        return dh25519::dh(k, p.key);
    }
};

TEST(NoiseHandshakeHooksTest, ADhThatPreparesKeysDecodesEachReceivedKeyOnce) {
    // XK: the initiator's pre-message key (the responder's s), then e in
    // message 2; the responder: e in message 1, s in message 3. Four keys,
    // each decoded once, though each side uses them in three DHs.
    using xk = handshake<pattern::XK, suite<prepared25519, chachapoly, sha256>>;
    xk::options oi, orr;
    const auto si = fresh(), sr = fresh();
    oi.static_key = si;
    orr.static_key = sr;
    oi.remote_static = pub(sr);
    prepared25519::prepared = 0;
    xk i(handshake_role::initiator, oi), r(handshake_role::recipient, orr);
    bytes m1, m2, m3, none;
    ASSERT_FALSE(i.start(m1));
    ASSERT_FALSE(r.start(m2));
    ASSERT_TRUE(r.consume(m1, m2));
    ASSERT_TRUE(i.consume(m2, m3).value().done);
    ASSERT_TRUE(r.consume(m3, none).value().done);
    EXPECT_EQ(prepared25519::prepared, 4);
    const auto a = i.take_secrets(), b = r.take_secrets();
    EXPECT_TRUE(std::ranges::equal(a.initiator_key.view(), b.initiator_key.view()));
    const auto pi = pub(si), pr = pub(sr);
    EXPECT_EQ(a.remote_id.remote_static, bytes(pr.begin(), pr.end()));
    EXPECT_EQ(b.remote_id.remote_static, bytes(pi.begin(), pi.end()));
    // A key prepare refuses: in a pre-message, and on the wire.
    xk::options bad = oi;
    (*bad.remote_static)[31] |= 0x80;
    bytes out;
    EXPECT_EQ(xk(handshake_role::initiator, bad).start(out), transport::errc::bad_key);
    xk r2(handshake_role::recipient, orr);
    bytes m1b, m2b;
    ASSERT_FALSE(xk(handshake_role::initiator, oi).start(m1b));
    ASSERT_FALSE(r2.start(m2b));
    m1b[2 + 31] |= 0x80;  // after the 2-byte length: e's last byte
    EXPECT_EQ(r2.consume(m1b, m2b).error(), errc::invalid_public_key);
}

TEST(NoiseHandshakeHooksTest, ThePeersStaticKeyMustBeTheExpectedOneWhenItArrives) {
    {
        toy_peers p;
        p.i.remote_static = pub(p.sr);
        p.r.remote_static = pub(p.si);
        toy_handshake i(handshake_role::initiator, p.i), r(handshake_role::recipient, p.r);
        EXPECT_FALSE(run(i, r));
    }
    {
        toy_peers p;
        p.i.remote_static = pub(fresh());  // the initiator expects someone else
        toy_handshake i(handshake_role::initiator, p.i), r(handshake_role::recipient, p.r);
        EXPECT_EQ(run(i, r), named(1, failure_site::remote_static));
    }
    {
        toy_peers p;
        p.r.remote_static = pub(fresh());  // the responder expects someone else
        toy_handshake i(handshake_role::initiator, p.i), r(handshake_role::recipient, p.r);
        EXPECT_EQ(run(i, r), named(2, failure_site::remote_static));
    }
    // Unnamed: the generic error, a handshake failure.
    using plain = handshake<pattern::XX, suite<dh25519, chachapoly, sha256>>;
    plain::options oi, orr;
    oi.static_key = fresh();
    orr.static_key = fresh();
    oi.remote_static = pub(fresh());
    plain i(handshake_role::initiator, oi), r(handshake_role::recipient, orr);
    bytes m1, m2, m3;
    ASSERT_FALSE(i.start(m1));
    ASSERT_FALSE(r.start(m2));
    ASSERT_TRUE(r.consume(m1, m2));
    const auto ec = i.consume(m2, m3).error();
    EXPECT_EQ(ec, errc::wrong_remote_static);
    EXPECT_EQ(ec, transport::condition::handshake_failed);
    EXPECT_TRUE(m3.empty());
}

TEST(NoiseHandshakeHooksTest, AGivenStaticPublicKeyIsUsedAsItIs) {
    {
        toy_peers p;
        p.r.static_public_key = pub(p.sr);
        toy_handshake i(handshake_role::initiator, p.i), r(handshake_role::recipient, p.r);
        ASSERT_FALSE(run(i, r));
        EXPECT_EQ(i.take_secrets().remote_id, pub(p.sr));
    }
    toy_peers p;
    p.r.static_public_key = pub(fresh());  // not static_key's: the initiator's es does not match
    toy_handshake i(handshake_role::initiator, p.i), r(handshake_role::recipient, p.r);
    EXPECT_EQ(run(i, r), named(1, failure_site::payload));
}

TEST(NoiseHandshakeHooksTest, TheProfileGivesThePrologueTheRemoteIdAndTheLabels) {
    EXPECT_EQ(toy_handshake::options{}.prologue, (bytes{'t', 'o', 'y'}));
    EXPECT_TRUE((handshake<pattern::XX, toy_suite>::options{}.prologue.empty()));
    toy_peers p;
    test::recorded_key_log log_i, log_r;
    toy_session::options oi, orr;
    oi.handshake = p.i;
    orr.handshake = p.r;
    oi.key_log = log_i.sink();
    orr.key_log = log_r.sink();
    test::session_pair<toy_session> pair(oi, orr);
    pair.start();
    ASSERT_EQ(pair.a.state(), session_state::established);
    ASSERT_EQ(pair.b.state(), session_state::established);
    EXPECT_EQ(pair.a.remote_id(), pub(p.sr));
    EXPECT_EQ(pair.b.remote_id(), pub(p.si));
    for (const auto& e : log_i.entries())
        EXPECT_TRUE(e.label == "TOY_E" || e.label == "TOY_SEND" || e.label == "TOY_RECEIVE" || e.label == "TOY_CK") << e.label;
    EXPECT_EQ(log_i.last("TOY_SEND"), log_r.last("TOY_RECEIVE"));
    EXPECT_EQ(log_i.last("TOY_RECEIVE"), log_r.last("TOY_SEND"));
    EXPECT_EQ(log_i.last("TOY_CK"), log_r.last("TOY_CK"));
    EXPECT_TRUE(log_i.last("TOY_E"));
    // Another prologue is another handshake.
    toy_peers q;
    q.r.prologue = bytes{'n', 'o', 't'};
    toy_handshake i(handshake_role::initiator, q.i), r(handshake_role::recipient, q.r);
    EXPECT_EQ(run(i, r), named(1, failure_site::static_key_ciphertext));
}

TEST(NoiseHandshakeHooksTest, TheSecretsCarryTheFinalChainingKey) {
    toy_peers p;
    toy_handshake i(handshake_role::initiator, p.i), r(handshake_role::recipient, p.r);
    ASSERT_FALSE(run(i, r));
    const auto si = i.take_secrets(), sr = r.take_secrets();
    EXPECT_EQ(to_hex(si.final_chaining_key.view()), to_hex(sr.final_chaining_key.view()));
    EXPECT_NE(to_hex(si.final_chaining_key.view()), std::string(64, '0'));
    EXPECT_EQ(to_hex(chaining_key(si, polywire::policies::direction::egress)), to_hex(si.final_chaining_key.view()));
    EXPECT_EQ(to_hex(chaining_key(si, polywire::policies::direction::ingress)), to_hex(si.final_chaining_key.view()));
    // ... which is not a transport key.
    EXPECT_NE(to_hex(si.final_chaining_key.view()), to_hex(si.initiator_key.view()));
}

// A message that cannot be made (here: the random source fails) leaves
// nothing of itself behind: not even its header.
TEST(NoiseHandshakeHooksTest, AFailedMessageLeavesNoPartOfItInTheOutput) {
    const std::error_code ec = std::make_error_code(std::errc::resource_unavailable_try_again);
    {
        toy_peers p;
        p.i.random = test::failing(ec);
        toy_handshake i(handshake_role::initiator, p.i);
        bytes out{0xaa};
        EXPECT_EQ(i.start(out), ec);
        EXPECT_EQ(out, bytes{0xaa});
    }
    using plain = handshake<pattern::XX, suite<dh25519, chachapoly, sha256>>;
    plain::options o;
    o.static_key = fresh();
    o.random = test::failing(ec);
    plain i(handshake_role::initiator, o);
    bytes out;
    EXPECT_EQ(i.start(out), ec);
    EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace polywire::noise
