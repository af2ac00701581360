// Secrets never outlive their session and never reach a message: with each
// session's key log (transport/session.hpp, options.key_log) recording every
// secret its handshake made,
//   - the sessions' own bytes (placed in storage the test owns), of every
//     configuration (x25519-xchacha over TCP and over UDP too), hold none
//     of them once the session has closed (close(), a failed frame, the
//     peer's goodbye, abort()) and none once it is destroyed;
//   - secret<N> wipes its bytes when destroyed;
//   - no error message of any polywire category, and no log line of an
//     RLPx server and its clients whose handshakes and sessions fail in
//     several ways, contains any of them.
// And the two seams of the session options themselves, for every
// configuration: every random byte of a handshake comes from the random
// source (the same source, the same bytes sent; none, fresh bytes), a
// source that fails fails the handshake with its error, and the key log is
// told the derived keys under the documented labels.
#include "transport/session.hpp"

#include <algorithm>
#include <array>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include <boost/asio/detached.hpp>
#include <boost/asio/write.hpp>

#include "crypto/ed25519.hpp"
#include "crypto/secp256k1.hpp"
#include "rlpx/config.hpp"
#include "rlpx/error.hpp"
#include "rlpx/server.hpp"
#include "tests/support/asio_harness.hpp"
#include "tests/support/variants.hpp"
#include "tests/support/replay_random.hpp"
#include "variants/libp2p_noise/error.hpp"
#include "variants/libp2p_noise/variant.hpp"
#include "variants/noise_xk/config.hpp"
#include "variants/noise_xk/error.hpp"
#include "variants/sha256_per_side/config.hpp"
#include "variants/sha256_per_side/error.hpp"
#include "variants/x25519_xchacha/config.hpp"
#include "variants/x25519_xchacha/error.hpp"

namespace polywire {
namespace {
namespace k1 = crypto::secp256k1;
namespace ed = crypto::ed25519;
using namespace std::chrono_literals;
using transport::session_state;

// ---- what the key logs saw ----------------------------------------------------

using recorded_secret = test::recorded_key_log::entry;

// The key log every session of the current test is given (placed_pair and
// the RLPx nodes below set it in their options); a fresh one per test.
test::recorded_key_log* current_log = nullptr;

struct recording {
    test::recorded_key_log log;
    recording() { current_log = &log; }
    ~recording() { current_log = nullptr; }
    std::vector<recorded_secret> secrets() const { return log.entries(); }
};

transport::key_log session_key_log() { return current_log != nullptr ? current_log->sink() : transport::key_log{}; }

bool is_static(const recorded_secret& s) {
    return s.label.ends_with("_STATIC_PRIVATE_KEY") || s.label == "X25519_XCHACHA_IDENTITY_SEED";
}

bool contains(byte_view hay, byte_view needle) {
    return !needle.empty() && std::search(hay.begin(), hay.end(), needle.begin(), needle.end()) != hay.end();
}

std::string upper(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return s;
}

// The secrets (of at least 16 bytes) found in `text` as hex of either case or raw bytes.
std::vector<std::string> leaks_in(std::string_view text, const std::vector<recorded_secret>& secrets) {
    std::vector<std::string> found;
    for (const auto& s : secrets) {
        if (s.value.size() < 16) continue;
        const std::string hex = to_hex(s.value);
        if (text.find(hex) != std::string_view::npos || text.find(upper(hex)) != std::string_view::npos ||
            contains(as_bytes(text), s.value))
            found.push_back(s.label);
    }
    return found;
}

// ---- the configurations -------------------------------------------------------

/// The suite's traits of each variant; a variant of variants/all.hpp without
/// one does not compile (test::suite_types, tests/support/variants.hpp).
template <class V>
struct secrets_traits;  // no primary definition: every variant of variants/all.hpp has its own

// keys_inline: whether the codecs keep a derived key in the session's own
// bytes (else they live in Botan's key schedules on the heap, which Botan
// wipes when it frees them, and which this test cannot read without reading
// freed memory). retained: derived keys that stay until destruction.
template <>
struct secrets_traits<rlpx::variant> {
    // Key log: every label's prefix, and derived keys the two sides share
    // (the initiator's label, the recipient's).
    static constexpr std::string_view label_prefix = "RLPX_";
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 2> shared_keys{{{"RLPX_AES_SECRET", "RLPX_AES_SECRET"}, {"RLPX_MAC_SECRET", "RLPX_MAC_SECRET"}}};
    using session = rlpx::session;
    static constexpr std::uint64_t app_code = 0x10;
    static constexpr bool keys_inline = false;  // AES-CTR and the Keccak MAC chain: Botan objects
    static constexpr std::array<std::string_view, 0> retained{};
    k1::private_key a = k1::generate_private_key().value(), b = k1::generate_private_key().value();
    session::options make(const k1::private_key& self, std::optional<k1::private_key> remote) {
        session::options o;
        o.handshake.static_key = self;
        if (remote) o.handshake.remote_id = k1::derive_public_key(*remote).value();
        o.protocol.capabilities = {{"test", 1, 4}};
        o.protocol.node_id = k1::derive_public_key(self).value();
        return o;
    }
};
using rlpx_config = secrets_traits<rlpx::variant>;

template <>
struct secrets_traits<variants::noise_xk::variant> {
    // Key log: every label's prefix, and derived keys the two sides share
    // (the initiator's label, the recipient's).
    static constexpr std::string_view label_prefix = "NOISE_XK_";
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 3> shared_keys{{{"NOISE_XK_SK", "NOISE_XK_RK"}, {"NOISE_XK_RK", "NOISE_XK_SK"}, {"NOISE_XK_CK", "NOISE_XK_CK"}}};
    using session = variants::noise_xk::session;
    static constexpr std::uint64_t app_code = 0;
    static constexpr bool keys_inline = true;
    static constexpr std::array<std::string_view, 0> retained{};
    k1::private_key a = k1::generate_private_key().value(), b = k1::generate_private_key().value();
    session::options make(const k1::private_key& self, std::optional<k1::private_key> remote) {
        session::options o;
        o.handshake.static_key = self;
        if (remote) o.handshake.remote_static = k1::derive_compressed_public_key(*remote).value();
        return o;
    }
};
using noise_xk_config = secrets_traits<variants::noise_xk::variant>;

template <>
struct secrets_traits<variants::sha256_per_side::variant> {
    // Key log: every label's prefix, and derived keys the two sides share
    // (the initiator's label, the recipient's).
    static constexpr std::string_view label_prefix = "SHA256_PER_SIDE_";
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 4> shared_keys{{{"SHA256_PER_SIDE_EGRESS_AES_KEY", "SHA256_PER_SIDE_INGRESS_AES_KEY"}, {"SHA256_PER_SIDE_EGRESS_HMAC_KEY", "SHA256_PER_SIDE_INGRESS_HMAC_KEY"}, {"SHA256_PER_SIDE_EGRESS_IV", "SHA256_PER_SIDE_INGRESS_IV"}, {"SHA256_PER_SIDE_INGRESS_AES_KEY", "SHA256_PER_SIDE_EGRESS_AES_KEY"}}};
    using session = variants::sha256_per_side::session;
    static constexpr std::uint64_t app_code = 0;
    static constexpr bool keys_inline = false;  // AES-CTR and HMAC-SHA256: Botan objects
    static constexpr std::array<std::string_view, 0> retained{};
    k1::private_key a = k1::generate_private_key().value(), b = k1::generate_private_key().value();
    session::options make(const k1::private_key& self, std::optional<k1::private_key> remote) {
        session::options o;
        o.protocol.node_key = self;
        if (remote) o.protocol.expected_remote_id = k1::derive_compressed_public_key(*remote).value();
        return o;
    }
};
using sha256_per_side_config = secrets_traits<variants::sha256_per_side::variant>;

template <>
struct secrets_traits<variants::x25519_xchacha::variant> {
    // Key log: every label's prefix, and derived keys the two sides share
    // (the initiator's label, the recipient's).
    static constexpr std::string_view label_prefix = "X25519_XCHACHA_";
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 3> shared_keys{{{"X25519_XCHACHA_INITIATOR_KEY", "X25519_XCHACHA_INITIATOR_KEY"}, {"X25519_XCHACHA_RESPONDER_KEY", "X25519_XCHACHA_RESPONDER_KEY"}, {"X25519_XCHACHA_CHAINING_KEY", "X25519_XCHACHA_CHAINING_KEY"}}};
    using session = variants::x25519_xchacha::session;
    static constexpr std::uint64_t app_code = 7;
    static constexpr bool keys_inline = true;
    // The control protocol (the base protocol) wipes its rekey chaining key
    // on close too (control_protocol::wipe_keys).
    static constexpr std::array<std::string_view, 0> retained{};
    ed::private_key a = ed::private_key::generate().value(), b = ed::private_key::generate().value();
    session::options make(const ed::private_key& self, std::optional<ed::private_key> remote) {
        session::options o;
        o.handshake.identity = self;
        if (remote) o.handshake.expected_remote = remote->public_key();
        return o;
    }
};
using x25519_xchacha_config = secrets_traits<variants::x25519_xchacha::variant>;

// The same over datagrams (x25519-xchacha-udp): one packet per datagram,
// handed over with receive_datagram.
template <>
struct secrets_traits<variants::x25519_xchacha::udp_variant> : x25519_xchacha_config {
    using session = variants::x25519_xchacha::udp_session;
    static constexpr bool datagrams = true;
    session::options make(const ed::private_key& self, std::optional<ed::private_key> remote) {
        session::options o;
        o.handshake.identity = self;
        if (remote) o.handshake.expected_remote = remote->public_key();
        return o;
    }
};
using x25519_xchacha_udp_config = secrets_traits<variants::x25519_xchacha::udp_variant>;

// libp2p's Noise (XX): the generic Noise handshake's labels; the static
// key is fresh per session (drawn from the random source).
template <>
struct secrets_traits<variants::libp2p_noise::variant> {
    static constexpr std::string_view label_prefix = "NOISE_";
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 2> shared_keys{{{"NOISE_INITIATOR_KEY", "NOISE_INITIATOR_KEY"}, {"NOISE_RESPONDER_KEY", "NOISE_RESPONDER_KEY"}}};
    using session = variants::libp2p_noise::session;
    using key = variants::libp2p_noise::private_key;
    static constexpr std::uint64_t app_code = 0;
    static constexpr bool keys_inline = true;  // libsodium's ChaCha20-Poly1305 keeps its key inline
    static constexpr std::array<std::string_view, 0> retained{};
    key a = key::generate().value(), b = key::generate(variants::libp2p_noise::key_type::secp256k1).value();
    session::options make(const key& self, std::optional<key> remote) {
        session::options o;
        o.handshake.identity = self;
        if (remote) o.handshake.expected_peer = variants::libp2p_noise::peer_id::from_public_key(remote->public_key()).value();
        return o;
    }
};
using libp2p_noise_config = secrets_traits<variants::libp2p_noise::variant>;

template <class Config>
constexpr bool over_datagrams() {
    if constexpr (requires { Config::datagrams; }) return Config::datagrams;
    return false;
}

// Two sessions placed in storage the test owns, so that their bytes can be
// read while they live and after they are destroyed.
template <class Config>
struct placed_pair {
    using session = typename Config::session;
    Config cfg;
    alignas(session) unsigned char storage_a[sizeof(session)];
    alignas(session) unsigned char storage_b[sizeof(session)];
    session* a;
    session* b;
    transport::time_point now = transport::time_point{} + 1h;

    placed_pair() {
        a = ::new (storage_a) session(policies::handshake_role::initiator, logged(cfg.make(cfg.a, cfg.b)));
        b = ::new (storage_b) session(policies::handshake_role::recipient, logged(cfg.make(cfg.b, std::nullopt)));
    }
    static typename session::options logged(typename session::options o) {
        o.key_log = session_key_log();
        return o;
    }
    ~placed_pair() { destroy(); }
    void destroy() {
        if (a) std::destroy_at(a);
        if (b) std::destroy_at(b);
        a = b = nullptr;
    }

    static std::size_t move(session& from, session& to, bool flip = false) {
        std::size_t moved = 0;
        while (!from.pending_output().empty() && to.state() != session_state::closed) {
            bytes copy(from.pending_output().begin(), from.pending_output().end());
            from.consume_output(copy.size());
            if (flip) copy[copy.size() / 2] ^= 0x01;
            flip = false;
            if constexpr (over_datagrams<Config>()) {
                (void)to.receive_datagram(copy, transport::time_point{} + 1h);
            } else {
                (void)to.receive(copy, transport::time_point{} + 1h);
            }
            moved += copy.size();
        }
        return moved;
    }
    void pump() {
        while (move(*a, *b) + move(*b, *a) > 0) {
        }
    }
    void drain() {
        while (a->next_event()) {
        }
        while (b->next_event()) {
        }
    }
    void establish() {
        (void)a->start(now);
        (void)b->start(now);
        pump();
        drain();
    }

    // How many of `secrets` appear in the bytes of `s` (its own object, not
    // what it points to).
    static std::size_t held(const unsigned char* bytes_of, const std::vector<recorded_secret>& secrets) {
        return static_cast<std::size_t>(std::count_if(secrets.begin(), secrets.end(), [&](const recorded_secret& s) {
            return contains(byte_view(bytes_of, sizeof(session)), s.value);
        }));
    }
    // The secrets held in `bytes_of`: after destruction (`destroyed`) any;
    // before, any but the static keys (the session's identity, in its
    // options) and the configuration's `retained` ones.
    std::vector<std::string> held_labels(const unsigned char* bytes_of, const std::vector<recorded_secret>& secrets,
                                         bool destroyed) const {
        std::vector<std::string> out;
        for (const auto& s : secrets) {
            const bool allowed = !destroyed && (is_static(s) || std::find(Config::retained.begin(), Config::retained.end(),
                                                                         s.label) != Config::retained.end());
            if (!allowed && contains(byte_view(bytes_of, sizeof(session)), s.value)) out.push_back(s.label);
        }
        return out;
    }
};

template <class Config>
class SessionSecretsTest : public ::testing::Test {};
using configurations = test::suite_types<secrets_traits>;  // every variant of variants/all.hpp
TYPED_TEST_SUITE(SessionSecretsTest, configurations);

// The established sessions hold their keys in their own bytes (the codecs
// are members), so the checks below are not vacuous.
template <class Config, class Pair>
void expect_keys_held_while_established(Pair& p, const std::vector<recorded_secret>& secrets) {
    ASSERT_EQ(p.a->state(), session_state::established);
    ASSERT_EQ(p.b->state(), session_state::established);
    ASSERT_GT(secrets.size(), 2u) << "the key log recorded nothing";
    std::vector<recorded_secret> derived;
    std::copy_if(secrets.begin(), secrets.end(), std::back_inserter(derived), [](const auto& s) { return !is_static(s); });
    if (Config::keys_inline) {
        EXPECT_GT(Pair::held(p.storage_a, derived) + Pair::held(p.storage_b, derived), 0u)
            << "no derived key is held inline: the wipe checks would prove nothing";
    } else {
        // Only handles to Botan's key schedules: the checks below still
        // prove that no copy of a key stays in the session itself.
        EXPECT_EQ(Pair::held(p.storage_a, derived) + Pair::held(p.storage_b, derived), 0u);
    }
}

TYPED_TEST(SessionSecretsTest, CloseWipesEveryDerivedKeyAndDestructionEveryKey) {
    recording rec;
    placed_pair<TypeParam> p;
    p.establish();
    const auto secrets = rec.secrets();
    expect_keys_held_while_established<TypeParam>(p, secrets);
    ASSERT_FALSE(p.a->send(TypeParam::app_code, as_bytes("hello"), p.now));
    ASSERT_FALSE(p.a->close(0, p.now));
    EXPECT_EQ(p.a->egress_codec(), nullptr);
    p.pump();
    p.drain();
    EXPECT_EQ(p.held_labels(p.storage_a, secrets, false), std::vector<std::string>{});
    if (p.b->state() == session_state::closed) {
        EXPECT_EQ(p.held_labels(p.storage_b, secrets, false), std::vector<std::string>{});
    }
    p.b->abort(transport::errc::peer_closed);
    EXPECT_EQ(p.held_labels(p.storage_b, secrets, false), std::vector<std::string>{});
    p.destroy();
    EXPECT_EQ(p.held_labels(p.storage_a, secrets, true), std::vector<std::string>{});
    EXPECT_EQ(p.held_labels(p.storage_b, secrets, true), std::vector<std::string>{});
}

TYPED_TEST(SessionSecretsTest, AFailedFrameWipesTheKeys) {
    recording rec;
    placed_pair<TypeParam> p;
    p.establish();
    const auto secrets = rec.secrets();
    expect_keys_held_while_established<TypeParam>(p, secrets);
    ASSERT_FALSE(p.a->send(TypeParam::app_code, bytes(200, 0x42), p.now));
    placed_pair<TypeParam>::move(*p.a, *p.b, /*flip=*/true);
    if constexpr (over_datagrams<TypeParam>()) {
        // Over UDP a forged datagram is discarded (anyone can send one), the
        // session goes on with its keys: the peer's goodbye then wipes them.
        ASSERT_EQ(p.b->state(), session_state::established);
        ASSERT_FALSE(p.a->close(0, p.now));
        p.pump();
        p.drain();
        ASSERT_EQ(p.b->state(), session_state::closed);
        EXPECT_EQ(p.held_labels(p.storage_b, secrets, false), std::vector<std::string>{});
        return;
    }
    ASSERT_EQ(p.b->state(), session_state::closed);
    EXPECT_TRUE(p.b->error());
    EXPECT_EQ(p.b->ingress_codec(), nullptr);
    EXPECT_EQ(p.held_labels(p.storage_b, secrets, false), std::vector<std::string>{});
    p.pump();
    p.drain();
    if (p.a->state() == session_state::closed) {
        EXPECT_EQ(p.held_labels(p.storage_a, secrets, false), std::vector<std::string>{});
    }
}

TYPED_TEST(SessionSecretsTest, DestructionOfAnEstablishedSessionWipesEveryKey) {
    recording rec;
    placed_pair<TypeParam> p;
    p.establish();
    const auto secrets = rec.secrets();
    expect_keys_held_while_established<TypeParam>(p, secrets);
    p.destroy();
    EXPECT_EQ(p.held_labels(p.storage_a, secrets, true), std::vector<std::string>{});
    EXPECT_EQ(p.held_labels(p.storage_b, secrets, true), std::vector<std::string>{});
}

TYPED_TEST(SessionSecretsTest, AHandshakeCutShortLeavesNoEphemeralKey) {
    recording rec;
    placed_pair<TypeParam> p;
    (void)p.a->start(p.now);
    (void)p.b->start(p.now);
    placed_pair<TypeParam>::move(*p.a, *p.b);  // the first message only: both hold handshake keys now
    const auto secrets = rec.secrets();
    ASSERT_FALSE(secrets.empty());
    p.a->abort(transport::errc::handshake_timeout);
    p.b->abort(transport::errc::handshake_timeout);
    EXPECT_EQ(p.held_labels(p.storage_a, secrets, false), std::vector<std::string>{});
    EXPECT_EQ(p.held_labels(p.storage_b, secrets, false), std::vector<std::string>{});
}

// ---- the random source and the key log (transport/session.hpp) -------------------

// A handshake between two sessions of `Config` with these random sources and
// key logs, then one message from the initiator: every datagram or piece of
// stream each side sent, in order, and whether both ended established.
template <class Config>
struct exchange {
    std::vector<bytes> sent;
    bool established = false;
};
template <class Config>
exchange<Config> run_exchange(Config& cfg, transport::random_source ra, transport::random_source rb,
                              transport::key_log la = {}, transport::key_log lb = {}) {
    using session = typename Config::session;
    const transport::time_point now = transport::time_point{} + 1h;
    auto oa = cfg.make(cfg.a, cfg.b);
    auto ob = cfg.make(cfg.b, std::nullopt);
    oa.random = std::move(ra);
    ob.random = std::move(rb);
    oa.key_log = std::move(la);
    ob.key_log = std::move(lb);
    session a(policies::handshake_role::initiator, std::move(oa)), b(policies::handshake_role::recipient, std::move(ob));
    exchange<Config> x;
    (void)a.start(now);
    (void)b.start(now);
    auto move = [&](session& from, session& to) {
        std::size_t n = 0;
        while (!from.pending_output().empty() && to.state() != session_state::closed) {
            bytes copy(from.pending_output().begin(), from.pending_output().end());
            from.consume_output(copy.size());
            if constexpr (over_datagrams<Config>()) {
                (void)to.receive_datagram(copy, now);
            } else {
                (void)to.receive(copy, now);
            }
            n += copy.size();
            x.sent.push_back(std::move(copy));
        }
        return n;
    };
    auto pump = [&] {
        while (move(a, b) + move(b, a) > 0) {
        }
        while (a.next_event()) {
        }
        while (b.next_event()) {
        }
    };
    pump();
    if (a.state() == session_state::established) (void)a.send(Config::app_code, as_bytes("hello"), now);
    pump();
    x.established = a.state() == session_state::established && b.state() == session_state::established;
    return x;
}

// A source that replays a fixed pseudo-random stream and fails once it is
// used up (nothing falls back to the kernel).
transport::random_source deterministic(std::uint8_t seed) {
    bytes stream(4096);
    std::uint32_t x = 0x9e3779b9u * (seed + 1u);
    for (auto& b : stream) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        b = static_cast<std::uint8_t>(x >> 24);
    }
    return test::replay(stream, /*then_os=*/false);
}

// Every random byte of a handshake comes from the session's random source:
// two runs with the same sources send the same bytes.
TYPED_TEST(SessionSecretsTest, EveryRandomByteComesFromTheRandomSource) {
    TypeParam cfg;
    const auto one = run_exchange(cfg, deterministic(1), deterministic(2));
    const auto two = run_exchange(cfg, deterministic(1), deterministic(2));
    ASSERT_TRUE(one.established);
    ASSERT_TRUE(two.established);
    EXPECT_EQ(one.sent, two.sent);
}

// Without a random source (the default) it is the kernel's: every
// handshake is fresh.
TYPED_TEST(SessionSecretsTest, WithoutARandomSourceEachHandshakeIsFresh) {
    TypeParam cfg;
    const auto one = run_exchange(cfg, {}, {});
    const auto two = run_exchange(cfg, {}, {});
    ASSERT_TRUE(one.established);
    ASSERT_TRUE(two.established);
    ASSERT_FALSE(one.sent.empty());
    EXPECT_NE(one.sent.front(), two.sent.front());
}

// A random source that fails fails the handshake with its error, on
// either side: the session is closed with that error and says so in an
// error event, and the failing side sends nothing more.
TYPED_TEST(SessionSecretsTest, ARandomSourceErrorFailsTheHandshakeWithIt) {
    using session = typename TypeParam::session;
    const std::error_code ec = std::make_error_code(std::errc::resource_unavailable_try_again);
    const transport::time_point now = transport::time_point{} + 1h;
    TypeParam cfg;
    for (const bool initiator_fails : {true, false}) {
        SCOPED_TRACE(initiator_fails ? "initiator" : "recipient");
        auto oa = cfg.make(cfg.a, cfg.b);
        auto ob = cfg.make(cfg.b, std::nullopt);
        (initiator_fails ? oa : ob).random = test::failing(ec);
        session a(policies::handshake_role::initiator, std::move(oa)), b(policies::handshake_role::recipient, std::move(ob));
        session& failing = initiator_fails ? a : b;
        (void)a.start(now);
        (void)b.start(now);
        for (int round = 0; round < 4 && failing.state() != session_state::closed; ++round) {
            for (const auto& [from, to] : {std::pair{&a, &b}, std::pair{&b, &a}}) {
                while (!from->pending_output().empty() && to->state() != session_state::closed) {
                    bytes copy(from->pending_output().begin(), from->pending_output().end());
                    from->consume_output(copy.size());
                    if constexpr (over_datagrams<TypeParam>()) {
                        (void)to->receive_datagram(copy, now);
                    } else {
                        (void)to->receive(copy, now);
                    }
                }
            }
        }
        ASSERT_EQ(failing.state(), session_state::closed);
        EXPECT_EQ(failing.error(), ec);
        EXPECT_TRUE(failing.pending_output().empty());
        EXPECT_EQ(failing.egress_codec(), nullptr);
        bool error_event = false;
        while (auto e = failing.next_event()) {
            if (e->kind == transport::event_kind::error) error_event = e->error == ec;
            EXPECT_NE(e->kind, transport::event_kind::handshake_complete);
        }
        EXPECT_TRUE(error_event);
    }
}

// Each session's key log is told the derived keys under its variant's
// labels, and what one side calls its sending key the other calls its
// receiving key.
TYPED_TEST(SessionSecretsTest, TheKeyLogIsToldTheDerivedKeysUnderTheDocumentedLabels) {
    TypeParam cfg;
    test::recorded_key_log la, lb;
    const auto x = run_exchange(cfg, {}, {}, la.sink(), lb.sink());
    ASSERT_TRUE(x.established);
    for (const auto& [label_a, label_b] : TypeParam::shared_keys) {
        const auto a = la.last(label_a), b = lb.last(label_b);
        ASSERT_TRUE(a) << label_a;
        ASSERT_TRUE(b) << label_b;
        EXPECT_EQ(*a, *b) << label_a << " / " << label_b;
        EXPECT_FALSE(std::all_of(a->begin(), a->end(), [](std::uint8_t c) { return c == 0; }));
    }
    for (const auto* log : {&la, &lb}) {
        for (const auto& e : log->entries()) {
            EXPECT_TRUE(e.label.starts_with(TypeParam::label_prefix)) << e.label;
            EXPECT_FALSE(e.value.empty()) << e.label;
        }
    }
}

TEST(SecretTest, WipesItsBytesWhenDestroyed) {
    alignas(secret<32>) unsigned char storage[sizeof(secret<32>)];
    bytes value(32);
    for (std::size_t i = 0; i < value.size(); ++i) value[i] = static_cast<std::uint8_t>(0xA0 + i);
    auto* s = ::new (storage) secret<32>(value);
    ASSERT_TRUE(contains(byte_view(storage, sizeof storage), value));
    secret<32> copy = *s;  // a copy is a secret too
    std::destroy_at(s);
    EXPECT_TRUE(std::all_of(std::begin(storage), std::end(storage), [](unsigned char c) { return c == 0; }));
    EXPECT_TRUE(constant_time_equal(copy.view(), value));
}

// ---- messages and logs ----------------------------------------------------------

// The secrets of a handshake of every configuration.
template <class Config>
void handshake() {
    placed_pair<Config> p;
    p.establish();
}
template <class... V>
void handshake_all(std::tuple<V...>*) {
    (handshake<secrets_traits<V>>(), ...);
}
TEST(SecretsInMessagesTest, NoErrorMessageOfAnyCategoryCarriesASecret) {
    recording rec;
    handshake_all(static_cast<variants::all*>(nullptr));  // every variant of the list
    const auto secrets = rec.secrets();
    ASSERT_GT(secrets.size(), 8u);
    const std::error_category* categories[] = {
        &transport::error_category(),         &rlpx::error_category(),
        &variants::noise_xk::error_category(), &variants::sha256_per_side::error_category(),
        &variants::x25519_xchacha::error_category(), &k1::error_category(),
        &crypto::error_category(),                  &variants::libp2p_noise::error_category(),
    };
    std::size_t messages = 0;
    for (const auto* c : categories) {
        for (int code = 0; code < 256; ++code) {
            const std::string m = std::error_code(code, *c).message();
            EXPECT_EQ(leaks_in(m, secrets), std::vector<std::string>{}) << c->name() << " " << code << ": " << m;
            ++messages;
        }
    }
    EXPECT_EQ(messages, std::size(categories) * 256u);
}

namespace asio = boost::asio;
using transport::adapters::awaitable;

awaitable<void> echo(rlpx::async_connection& c, std::uint64_t) {
    while (auto e = co_await c.receive()) {
        if (e->kind == transport::event_kind::message) (void)co_await c.send(e->code, e->payload);
    }
}

TEST(SecretsInMessagesTest, NoLogLineOfFailingHandshakesAndSessionsCarriesASecret) {
    recording rec;
    std::mutex lines_mutex;
    std::vector<std::string> lines;
    auto log = [&](transport::log_level, std::string_view event, std::string_view peer) {
        std::lock_guard lock(lines_mutex);
        lines.push_back(std::string(event) + " " + std::string(peer));
    };
    rlpx::node_config server_cfg;
    server_cfg.key = k1::generate_private_key().value();
    server_cfg.capabilities = {{"test", 1, 4}};
    server_cfg.timeouts.handshake = 300ms;
    server_cfg.log = log;
    server_cfg.key_log = session_key_log();
    auto client = [&] {
        rlpx::node_config c;
        c.key = k1::generate_private_key().value();
        c.capabilities = {{"test", 1, 4}};
        c.log = log;
        c.key_log = session_key_log();
        return c;
    };
    test::run_coroutine([&]() -> awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        auto srv = rlpx::server::open(ex, server_cfg, "127.0.0.1", 0, echo);
        CO_ASSERT(srv);
        asio::co_spawn(ex, srv.value().run(), asio::detached);
        const rlpx::enode where{k1::derive_public_key(server_cfg.key).value(), "127.0.0.1", srv.value().port()};
        // An honest peer: messages, then a message code the server does not
        // know, which fails the server's session.
        auto ok = co_await rlpx::async_dial(client(), where);
        CO_ASSERT(ok);
        CO_ASSERT(!co_await ok.value().send(0x10, bytes(64, 1)));
        auto e = co_await ok.value().receive();
        CO_ASSERT(e && e->kind == transport::event_kind::message);
        CO_ASSERT(!co_await ok.value().send(0x10 + 3, bytes(8, 2)));  // within our capability: the server shares it
        (void)co_await ok.value().send(0x10 + 40, bytes(8, 3));       // beyond every capability
        while (co_await ok.value().receive()) {
        }
        // A dialler expecting another node: the handshake fails on both sides.
        auto wrong = where;
        wrong.id = k1::derive_public_key(k1::generate_private_key().value()).value();
        EXPECT_FALSE(co_await rlpx::async_dial(client(), wrong));
        // Garbage instead of an auth, and a connection that never speaks.
        auto garbage = co_await transport::adapters::async_tcp_connect("127.0.0.1", where.port, transport::clock::now() + 1s);
        auto mute = co_await transport::adapters::async_tcp_connect("127.0.0.1", where.port, transport::clock::now() + 1s);
        CO_ASSERT(garbage && mute);
        boost::system::error_code ec;
        asio::write(garbage.value(), asio::buffer(std::string(700, 'x')), ec);
        CO_ASSERT(co_await test::wait_until([&] { return srv.value().metrics().handshakes_failed >= 3; }, 3s));
        srv.value().stop();
    });
    const auto secrets = rec.secrets();
    ASSERT_GT(secrets.size(), 8u) << "the key log recorded nothing";
    std::lock_guard lock(lines_mutex);
    ASSERT_GT(lines.size(), 5u);
    const auto has = [&](std::string_view what) {
        return std::any_of(lines.begin(), lines.end(), [&](const std::string& l) { return l.find(what) != std::string::npos; });
    };
    EXPECT_TRUE(has("handshake failed")) << "no failed handshake was logged";
    EXPECT_TRUE(has("session closed")) << "no failed session was logged";
    for (const auto& l : lines) EXPECT_EQ(leaks_in(l, secrets), std::vector<std::string>{}) << l;
}

}  // namespace
}  // namespace polywire
