// The generic session, exercised through a minimal configuration that has
// nothing to do with RLPx: preset keys, AES-256-CTR, no MAC, a 2-byte
// length header, no compression, no base protocol.
#include "transport/session.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "policies/models/aes_ctr.hpp"
#include "tests/support/pair.hpp"
#include "tests/support/preset_key_agreement.hpp"

namespace polywire::transport {
namespace {
namespace hana = boost::hana;

struct toy_secrets {
    secret<32> key;
    int remote_id = 7;
};
byte_view cipher_key(const toy_secrets& s, policies::direction) { return s.key.view(); }
byte_view cipher_iv(const toy_secrets&, policies::direction) {
    static const std::uint8_t zero[16] = {};
    return byte_view(zero, 16);
}

// be16 size; one code byte; no padding; at most 1000-byte frames.
struct toy_layout {
    static constexpr std::string_view name = "toy";
    static constexpr std::size_t header_size = 2;
    static constexpr std::size_t max_frame_size = 1000;
    static std::size_t padded_size(std::size_t n) noexcept { return n; }
    static void encode_header(std::size_t n, mutable_byte_view h) noexcept {
        h[0] = static_cast<std::uint8_t>(n >> 8);
        h[1] = static_cast<std::uint8_t>(n);
    }
    static result<std::size_t> decode_header(byte_view h) noexcept {
        std::size_t n = std::size_t{h[0]} << 8 | h[1];
        if (n == 0 || n > max_frame_size) return make_error_code(errc::message_too_large);
        return n;
    }
    static void encode_code(std::uint64_t code, bytes& out) { out.push_back(static_cast<std::uint8_t>(code)); }
    static result<policies::decoded_code> decode_code(byte_view b) noexcept {
        return policies::decoded_code{b[0], 1};
    }
};

struct toy_config {
    static constexpr std::string_view name = "toy";
    static constexpr auto policies = hana::make_map(
        hana::make_pair(hana::type_c<role::key_agreement>, hana::type_c<test::preset_key_agreement<toy_secrets>>),
        hana::make_pair(hana::type_c<role::cipher>, hana::type_c<polywire::policies::aes_ctr<32>>),
        hana::make_pair(hana::type_c<role::mac_state>, hana::type_c<polywire::policies::no_mac>),
        hana::make_pair(hana::type_c<role::frame_layout>, hana::type_c<toy_layout>),
        hana::make_pair(hana::type_c<role::compressor>, hana::type_c<polywire::policies::no_compression>));
};
using toy_session = session<toy_config>;
static_assert(toy_config::name == "toy" && toy_layout::name == "toy");

static_assert(std::is_same_v<policy_t<toy_config, role::frame_layout>, toy_layout>);
static_assert(std::is_same_v<base_protocol_t<toy_config>, polywire::policies::no_base_protocol>);
using swapped = with_policy<toy_config, role::cipher, polywire::policies::aes_ctr<16>>;
static_assert(std::is_same_v<policy_t<swapped, role::cipher>, polywire::policies::aes_ctr<16>>);
static_assert(std::is_same_v<policy_t<swapped, role::frame_layout>, toy_layout>);
static_assert(swapped::name == "toy");  // no name given: the base's
using swapped_named = with_policy<toy_config, role::cipher, polywire::policies::aes_ctr<16>, "toy, AES-128">;
static_assert(swapped_named::name == "toy, AES-128");
static_assert(std::is_same_v<policy_t<swapped_named, role::cipher>, polywire::policies::aes_ctr<16>>);
using renamed = named<toy_config, "toy again">;
static_assert(renamed::name == "toy again" && std::is_same_v<policy_t<renamed, role::frame_layout>, toy_layout>);

toy_session::options opts() {
    toy_session::options o;
    o.handshake.secrets_for_testing_only.key = secret<32>(bytes(32, 0x42));
    return o;
}

// A base protocol that opts in to the wipe_keys hook (policies/base_protocol.hpp)
// and counts the calls.
struct wiping_protocol : polywire::policies::no_base_protocol {
    using no_base_protocol::no_base_protocol;
    static constexpr bool wipes_keys = true;
    static inline int wiped = 0;
    void wipe_keys() noexcept { ++wiped; }
};
using wiping_session = session<with_policy<toy_config, role::base_protocol, wiping_protocol>>;
static_assert(polywire::policies::has_wipe_keys<wiping_protocol>);
static_assert(!polywire::policies::has_wipe_keys<polywire::policies::no_base_protocol>);

TEST(SessionTest, ADeclaredWipeKeysHookIsCalledAsTheSessionCloses) {
    wiping_session::options o;
    o.handshake.secrets_for_testing_only.key = secret<32>(bytes(32, 0x42));
    wiping_session s(policies::handshake_role::initiator, o);
    ASSERT_FALSE(s.start({}));
    ASSERT_EQ(s.state(), session_state::established);
    wiping_protocol::wiped = 0;
    ASSERT_FALSE(s.close(0, {}));
    EXPECT_EQ(wiping_protocol::wiped, 1);
    EXPECT_EQ(s.egress_codec(), nullptr);
}

// A base protocol whose ping is larger than a frame may be: the writer
// reports it instead of dropping it silently.
struct oversized_ping_protocol : polywire::policies::no_base_protocol {
    using no_base_protocol::no_base_protocol;
    static inline std::error_code ping_result{};
    void ping(polywire::policies::frame_writer& w) { ping_result = w(1, bytes(toy_layout::max_frame_size), false); }
};
using oversized_ping_session = session<with_policy<toy_config, role::base_protocol, oversized_ping_protocol>>;

TEST(SessionTest, AFrameTooLargeForTheLayoutIsReportedToItsWriter) {
    oversized_ping_session::options o;
    o.handshake.secrets_for_testing_only.key = secret<32>(bytes(32, 0x42));
    oversized_ping_session s(policies::handshake_role::initiator, o);
    ASSERT_FALSE(s.start({}));
    oversized_ping_protocol::ping_result = {};
    ASSERT_FALSE(s.ping({}));
    EXPECT_EQ(oversized_ping_protocol::ping_result, errc::message_too_large);  // 1 code byte + 1000 > 1000
    EXPECT_TRUE(s.pending_output().empty());
    EXPECT_EQ(s.state(), session_state::established);
}

TEST(SessionTest, StartsInInitialAndEstablishesWithPresetKeys) {
    toy_session s(policies::handshake_role::initiator, opts());
    EXPECT_EQ(s.state(), session_state::initial);
    EXPECT_EQ(s.send(1, {}, {}), errc::not_established);
    ASSERT_FALSE(s.start({}));
    EXPECT_EQ(s.state(), session_state::established);
    auto e = s.next_event();
    ASSERT_TRUE(e);
    EXPECT_EQ(e->kind, event_kind::handshake_complete);
    EXPECT_EQ(s.remote_id(), 7);
}

TEST(SessionTest, DatagramsKeepTheirBoundaries) {
    toy_session a(policies::handshake_role::initiator, opts());
    ASSERT_FALSE(a.start({}));
    ASSERT_FALSE(a.send(3, as_bytes("one"), {}));
    ASSERT_FALSE(a.send(4, as_bytes("two"), {}));
    const bytes both(a.pending_output().begin(), a.pending_output().end());
    toy_session reader(policies::handshake_role::recipient, opts());
    ASSERT_FALSE(reader.start({}));
    (void)reader.next_event();
    // A datagram holding two whole frames is fine...
    EXPECT_FALSE(reader.receive_datagram(both, {}));
    auto e = reader.next_event();
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, 3u);
    e = reader.next_event();
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, 4u);
    // ...one that ends inside a frame is an error.
    toy_session reader2(policies::handshake_role::recipient, opts());
    ASSERT_FALSE(reader2.start({}));
    EXPECT_EQ(reader2.receive_datagram(byte_view(both).first(5), {}), errc::truncated_datagram);
    EXPECT_EQ(reader2.state(), session_state::closed);
}

TEST(SessionTest, OutputIsConsumedPiecewise) {
    toy_session a(policies::handshake_role::initiator, opts());
    ASSERT_FALSE(a.start({}));
    ASSERT_FALSE(a.send(1, as_bytes("abc"), {}));
    const std::size_t n = a.pending_output().size();
    EXPECT_EQ(n, 2u + 1u + 3u);
    a.consume_output(2);
    EXPECT_EQ(a.pending_output().size(), n - 2);
    a.consume_output(100);
    EXPECT_TRUE(a.pending_output().empty());
}

// ---- sealing out of place -------------------------------------------------
// A transparent Cipher (the body stays in clear; a 4-byte tag, the sum of the
// body's bytes) with, if OutOfPlace, the out-of-place seal of
// policies/cipher.hpp, counting its uses; and layouts without a code (the
// body is the payload alone, as in Noise), padded to 4 bytes or not.
template <bool OutOfPlace>
struct clear_cipher {
    static constexpr std::string_view name = "clear";
    static constexpr std::size_t tag_size = 4;
    static inline int out_of_place = 0;
    clear_cipher(const toy_secrets&, policies::direction) noexcept {}
    static void sum(byte_view body, mutable_byte_view tag) noexcept {
        std::uint32_t v = 0;
        for (std::uint8_t b : body) v += b;
        for (int i = 0; i < 4; ++i) tag[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v >> (8 * i));
    }
    void seal(mutable_byte_view inout, mutable_byte_view tag) noexcept { sum(inout, tag); }
    void seal(byte_view in, mutable_byte_view out, mutable_byte_view tag) noexcept
        requires OutOfPlace
    {
        ++out_of_place;
        std::copy(in.begin(), in.end(), out.begin());
        sum(out, tag);
    }
    std::error_code open(mutable_byte_view inout, byte_view tag) noexcept {
        std::uint8_t want[4];
        sum(inout, want);
        return std::equal(want, want + 4, tag.begin()) ? std::error_code{} : make_error_code(errc::session_closed);
    }
};
static_assert(polywire::policies::seals_out_of_place<clear_cipher<true>>);
static_assert(!polywire::policies::seals_out_of_place<clear_cipher<false>>);

template <std::size_t Pad>
struct codeless_layout : toy_layout {
    static constexpr std::uint64_t max_code = 0;
    static std::size_t padded_size(std::size_t n) noexcept { return (n + Pad - 1) / Pad * Pad; }
    static void encode_code(std::uint64_t, bytes&) {}
    static result<policies::decoded_code> decode_code(byte_view) noexcept { return policies::decoded_code{0, 0}; }
};
struct padded_toy_layout : toy_layout {
    static std::size_t padded_size(std::size_t n) noexcept { return (n + 3) / 4 * 4; }
};

template <bool OutOfPlace, class Layout>
using clear_session =
    session<with_policy<with_policy<toy_config, role::cipher, clear_cipher<OutOfPlace>>, role::frame_layout, Layout>>;

template <class S>
S established_clear() {
    S s(policies::handshake_role::initiator, [] {
        typename S::options o;
        o.handshake.secrets_for_testing_only.key = secret<32>(bytes(32, 0x42));
        return o;
    }());
    EXPECT_FALSE(s.start({}));
    while (s.next_event()) {
    }
    return s;
}

bytes pattern(std::size_t n, std::uint8_t from) {
    bytes b(n);
    for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(from + i * 7);
    return b;
}

TEST(SessionTest, AFrameSealedStraightFromThePayloadIsTheFrameSealedInPlace) {
    auto oop = established_clear<clear_session<true, codeless_layout<1>>>();
    auto inplace = established_clear<clear_session<false, codeless_layout<1>>>();
    clear_cipher<true>::out_of_place = 0;
    for (std::size_t n : {std::size_t{1}, std::size_t{999}, std::size_t{0}, std::size_t{37}}) {
        const bytes m = pattern(n, static_cast<std::uint8_t>(n));
        ASSERT_FALSE(oop.send(0, m, {}));
        ASSERT_FALSE(inplace.send(0, m, {}));
        EXPECT_EQ(bytes(oop.pending_output().begin(), oop.pending_output().end()),
                  bytes(inplace.pending_output().begin(), inplace.pending_output().end()));
        if (n == 999) {  // taken: the next frames reuse the room the first ones left
            oop.consume_output(oop.pending_output().size());
            inplace.consume_output(inplace.pending_output().size());
        }
    }
    EXPECT_EQ(clear_cipher<true>::out_of_place, 4);  // every frame went the one-pass way
}

// The room a frame is sealed into held an earlier frame: every byte of the
// new one is written, the padding zero, whichever way it is sealed.
template <class S>
void expect_padding_zero_after_a_large_frame() {
    auto s = established_clear<S>();
    ASSERT_FALSE(s.send(0, bytes(900, 0xff), {}));
    s.consume_output(s.pending_output().size());
    const bool coded = polywire::policies::max_code_of<typename S::frame_layout>() != 0;
    ASSERT_FALSE(s.send(0, bytes(coded ? 4 : 5, 0x11), {}));  // a body of 5 bytes, padded to 8
    const bytes wire(s.pending_output().begin(), s.pending_output().end());
    constexpr std::size_t body = S::codec::body_offset;  // header, its tag (the "encryption" leaves it clear)
    ASSERT_EQ(body, 2u + 4u);
    ASSERT_EQ(wire.size(), body + 8u + 4u);
    EXPECT_EQ(wire[0], 0);
    EXPECT_EQ(wire[1], 5);
    EXPECT_EQ(wire[2], 5);  // the header's tag
    for (std::size_t i = 3; i < body; ++i) EXPECT_EQ(wire[i], 0) << i;
    for (std::size_t i = body + 5; i < body + 8; ++i) EXPECT_EQ(wire[i], 0) << i;
    EXPECT_EQ(wire[body + 8], coded ? 0x44 : 0x55);  // the tag covers the padded body
    for (std::size_t i = body + 9; i < wire.size(); ++i) EXPECT_EQ(wire[i], 0) << i;
}

TEST(SessionTest, PaddingIsZeroInRoomAnEarlierFrameFilled) {
    expect_padding_zero_after_a_large_frame<clear_session<true, codeless_layout<4>>>();
    expect_padding_zero_after_a_large_frame<clear_session<false, codeless_layout<4>>>();
    expect_padding_zero_after_a_large_frame<clear_session<true, padded_toy_layout>>();
}

TEST(SessionTest, SendingBackWhatPendingOutputHoldsIsSafe) {
    // A hostile caller's payload inside the session's own output, which
    // grows as the frame is sealed: the payload is taken before it moves.
    auto s = established_clear<clear_session<true, codeless_layout<1>>>();
    ASSERT_FALSE(s.send(0, pattern(600, 3), {}));
    for (int i = 0; i < 3; ++i) {
        const byte_view mine = s.pending_output().first(600);
        const bytes want(mine.begin(), mine.end());
        ASSERT_FALSE(s.send(0, mine, {}));
        const byte_view all = s.pending_output();
        const byte_view last = all.subspan(all.size() - (2 + 600 + 4), 2 + 600 + 4);
        EXPECT_EQ(bytes(last.begin() + 2, last.begin() + 602), want) << i;
    }
}

TEST(SessionTest, FrameSizeAboveTheLayoutLimitIsRefused) {
    toy_session a(policies::handshake_role::initiator, opts());
    ASSERT_FALSE(a.start({}));
    EXPECT_EQ(a.send(1, bytes(1000), {}), errc::message_too_large);  // 1 code byte + 1000 > 1000
    EXPECT_FALSE(a.send(1, bytes(999), {}));
}

TEST(SessionTest, HeaderDeclaringAnOversizedFrameIsRejectedBeforeTheBodyArrives) {
    toy_session b(policies::handshake_role::recipient, opts());
    ASSERT_FALSE(b.start({}));
    // AES-CTR keystream XOR: craft a header that decrypts to 0xffff.
    toy_session a(policies::handshake_role::initiator, opts());
    ASSERT_FALSE(a.start({}));
    ASSERT_FALSE(a.send(1, bytes(1), {}));
    bytes wire(a.pending_output().begin(), a.pending_output().end());
    wire[0] ^= 0x00 ^ 0xff;  // plaintext 0x00 -> 0xff
    wire[1] ^= 0x02 ^ 0xff;  // plaintext 0x02 -> 0xff
    EXPECT_EQ(b.receive(byte_view(wire).first(2), {}), errc::message_too_large);
}

TEST(SessionTest, InputCapacityShrinksUntilMessagesAreTaken) {
    auto o = opts();
    o.limits.max_input_buffer = 64;
    toy_session a(policies::handshake_role::initiator, o), b(policies::handshake_role::recipient, o);
    ASSERT_FALSE(a.start({}));
    ASSERT_FALSE(b.start({}));
    while (b.next_event()) {
    }
    ASSERT_FALSE(a.send(1, bytes(20, 1), {}));
    ASSERT_FALSE(a.send(1, bytes(20, 2), {}));
    const bytes wire(a.pending_output().begin(), a.pending_output().end());
    ASSERT_FALSE(b.receive(wire, {}));
    // Only the bytes of undelivered payloads stay held (headers can go).
    EXPECT_EQ(b.input_capacity(), 64u - 40u - 3u);
    auto e1 = b.next_event();
    ASSERT_TRUE(e1);
    EXPECT_EQ(e1->payload.size(), 20u);
    EXPECT_EQ(e1->payload[0], 1);
    auto e2 = b.next_event();
    ASSERT_TRUE(e2);
    EXPECT_EQ(e2->payload[0], 2);
    EXPECT_FALSE(b.next_event());
    EXPECT_EQ(b.input_capacity(), 64u);
    EXPECT_EQ(b.receive(bytes(65), {}), errc::buffer_limit_exceeded);
}

// receive_space/receive_in_place: the same events as receive() for every
// split of the stream, the same limits, and a room that cannot be overrun.
TEST(SessionTest, ReceivingInPlaceIsReceiveWithoutTheCopy) {
    toy_session a(policies::handshake_role::initiator, opts());
    ASSERT_FALSE(a.start({}));
    for (std::uint8_t i = 1; i <= 5; ++i) ASSERT_FALSE(a.send(i, bytes(100u * i, i), {}));
    const bytes wire(a.pending_output().begin(), a.pending_output().end());
    for (std::size_t piece : {std::size_t{1}, std::size_t{7}, std::size_t{100}, std::size_t{333}, wire.size()}) {
        toy_session b(policies::handshake_role::recipient, opts());
        ASSERT_FALSE(b.start({}));
        (void)b.next_event();
        std::vector<std::pair<std::uint64_t, bytes>> got;
        for (std::size_t off = 0; off < wire.size();) {
            // Ask for more room than this piece: only what was written counts.
            mutable_byte_view room = b.receive_space(piece + 5);
            ASSERT_GE(room.size(), std::min(piece, wire.size() - off));
            const std::size_t n = std::min(piece, wire.size() - off);
            std::copy_n(wire.begin() + static_cast<std::ptrdiff_t>(off), n, room.begin());
            ASSERT_FALSE(b.receive_in_place(n, {})) << piece;
            off += n;
            while (auto e = b.next_event()) got.emplace_back(e->code, bytes(e->payload.begin(), e->payload.end()));
        }
        ASSERT_EQ(got.size(), 5u) << piece;
        for (std::uint8_t i = 1; i <= 5; ++i) {
            EXPECT_EQ(got[i - 1].first, i);
            EXPECT_EQ(got[i - 1].second, bytes(100u * i, i)) << piece;
        }
    }
}

TEST(SessionTest, ReceivingInPlaceKeepsTheLimitsAndRefusesMoreThanTheRoom) {
    auto o = opts();
    o.limits.max_input_buffer = 64;
    toy_session a(policies::handshake_role::initiator, o), b(policies::handshake_role::recipient, o);
    ASSERT_FALSE(a.start({}));
    ASSERT_FALSE(b.start({}));
    while (b.next_event()) {
    }
    ASSERT_FALSE(a.send(1, bytes(20, 1), {}));
    const bytes wire(a.pending_output().begin(), a.pending_output().end());
    // Never more room than input_capacity().
    EXPECT_EQ(b.receive_space(1000).size(), 64u);
    // More than the room given is refused, and nothing is taken.
    mutable_byte_view room = b.receive_space(10);
    ASSERT_EQ(room.size(), 10u);
    EXPECT_EQ(b.receive_in_place(11, {}), errc::invalid_argument);
    EXPECT_NE(b.state(), session_state::closed);
    // A room is good for one receive_in_place: another call takes it back.
    room = b.receive_space(wire.size());
    std::copy(wire.begin(), wire.end(), room.begin());
    ASSERT_FALSE(b.receive_in_place(wire.size(), {}));
    EXPECT_EQ(b.receive_in_place(1, {}), errc::invalid_argument);
    auto e = b.next_event();
    ASSERT_TRUE(e);
    EXPECT_TRUE(std::ranges::equal(e->payload, bytes(20, 1)));
    // A header declaring an oversized frame fails as it would through receive().
    toy_session c(policies::handshake_role::recipient, o);
    ASSERT_FALSE(c.start({}));
    bytes bad = wire;
    bad[0] ^= 0xff;  // size 0x0015 -> 0xff15
    room = c.receive_space(bad.size());
    std::copy(bad.begin(), bad.end(), room.begin());
    EXPECT_EQ(c.receive_in_place(bad.size(), {}), errc::message_too_large);
    EXPECT_EQ(c.state(), session_state::closed);
    EXPECT_TRUE(c.receive_space(10).empty());
    EXPECT_EQ(c.receive_in_place(0, {}), errc::session_closed);
}

// limits::retained_buffer: a buffer a burst of large traffic grew is given
// back once the session has been quiet for release_after, at a deadline the
// session announces; while traffic keeps coming, the buffer stays.
TEST(SessionTest, BuffersGrownByABurstAreReleasedAfterAQuietSpell) {
    auto o = opts();
    o.limits.retained_buffer = 2000;
    o.limits.release_after = std::chrono::milliseconds(1000);
    toy_session a(policies::handshake_role::initiator, o), b(policies::handshake_role::recipient, o);
    const time_point t0{};
    ASSERT_FALSE(a.start(t0));
    ASSERT_FALSE(b.start(t0));
    while (b.next_event()) {
    }
    auto burst = [&](time_point now) {
        for (int i = 0; i < 20; ++i) ASSERT_FALSE(a.send(1, bytes(900, static_cast<std::uint8_t>(i)), now));
        const bytes wire(a.pending_output().begin(), a.pending_output().end());
        a.consume_output(wire.size());
        ASSERT_FALSE(b.receive(wire, now));
    };
    burst(t0);
    EXPECT_GT(b.buffered_bytes(), 18000u);
    EXPECT_GT(a.buffered_bytes(), 18000u);
    // Undelivered messages pin the input: no release deadline yet.
    ASSERT_TRUE(b.next_deadline());
    EXPECT_EQ(*b.next_deadline(), t0 + o.timeouts.read);
    int delivered = 0;
    while (auto e = b.next_event()) delivered += e->kind == event_kind::message;
    EXPECT_EQ(delivered, 20);
    ASSERT_EQ(b.next_deadline(), std::optional<time_point>(t0 + o.limits.release_after));
    ASSERT_EQ(a.next_deadline(), std::optional<time_point>(t0 + o.limits.release_after));

    // More traffic before the deadline moves it and keeps the buffer.
    const time_point t1 = t0 + std::chrono::milliseconds(900);
    burst(t1);
    while (b.next_event()) {
    }
    ASSERT_FALSE(b.on_tick(t0 + o.limits.release_after));
    EXPECT_GT(b.buffered_bytes(), 18000u);
    ASSERT_EQ(b.next_deadline(), std::optional<time_point>(t1 + o.limits.release_after));

    // A quiet spell: both sides give their buffers back, and the deadline goes.
    ASSERT_FALSE(b.on_tick(*b.next_deadline()));
    ASSERT_FALSE(a.on_tick(*a.next_deadline()));
    EXPECT_LE(b.buffered_bytes(), 3 * o.limits.retained_buffer);
    EXPECT_LE(a.buffered_bytes(), 3 * o.limits.retained_buffer);
    EXPECT_EQ(b.next_deadline(), std::optional<time_point>(t1 + o.timeouts.read));
    EXPECT_EQ(b.state(), session_state::established);

    // And the session still works.
    const time_point t2 = t1 + std::chrono::seconds(2);
    ASSERT_FALSE(a.send(7, bytes(10, 9), t2));
    ASSERT_FALSE(b.receive(bytes(a.pending_output().begin(), a.pending_output().end()), t2));
    auto e = b.next_event();
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, 7u);
    EXPECT_EQ(e->payload.size(), 10u);
}

TEST(SessionTest, CloseBeforeKeysClosesAtOnceAndAfterwardsEverythingIsRefused) {
    toy_session s(policies::handshake_role::initiator, opts());
    ASSERT_FALSE(s.start({}));
    EXPECT_FALSE(s.local_disconnect_reason());
    ASSERT_FALSE(s.close(0, {}));
    EXPECT_EQ(s.state(), session_state::closing);
    EXPECT_EQ(s.local_disconnect_reason(), std::optional<std::uint8_t>(0));
    EXPECT_EQ(s.close(0, {}), errc::session_closed);
    EXPECT_EQ(s.send(1, {}, {}), errc::session_closed);
    ASSERT_TRUE(s.next_deadline());
    EXPECT_FALSE(s.on_tick(*s.next_deadline()));
    EXPECT_EQ(s.state(), session_state::closed);
}

TEST(SessionTest, NoBaseProtocolMeansNoKeepalive) {
    toy_session s(policies::handshake_role::initiator, opts());
    ASSERT_FALSE(s.start({}));
    ASSERT_TRUE(s.next_deadline());
    EXPECT_EQ(*s.next_deadline(), time_point{} + s.settings().timeouts.read);
    EXPECT_EQ(s.on_tick(*s.next_deadline()), errc::read_timeout);
}

}  // namespace
}  // namespace polywire::transport
