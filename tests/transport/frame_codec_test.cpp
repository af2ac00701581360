// The frame shapes of transport/frame_codec.hpp through the real session:
// every combination of tag placement and header encryption round-trips,
// puts its bytes where the shape says, and rejects any tampered byte before
// delivering anything; a layout's own codec replaces the standard one; a
// layout built from the secrets gets its direction.
#include "transport/frame_codec.hpp"

#include <cerrno>

#include <gtest/gtest.h>

#include "policies/models/aes_ctr.hpp"
#include "policies/models/hmac_sha256.hpp"
#include "tests/support/hex.hpp"
#include "tests/support/pair.hpp"
#include "tests/support/preset_key_agreement.hpp"
#include "transport/session.hpp"

namespace shapes_test {
enum class errc { bad_mac = EBADMSG };
inline std::error_code make_error_code(errc e) { return {static_cast<int>(e), std::generic_category()}; }
struct secrets {
    polywire::secret<32> key;
    polywire::secret<32> mac;
    int remote_id = 0;
};
inline polywire::byte_view cipher_key(const secrets& s, polywire::policies::direction) { return s.key.view(); }
inline polywire::byte_view cipher_iv(const secrets& s, polywire::policies::direction) { return s.mac.view().first(16); }
inline polywire::byte_view mac_key(const secrets& s, polywire::policies::direction) { return s.mac.view(); }
}  // namespace shapes_test
template <>
struct std::is_error_code_enum<shapes_test::errc> : std::true_type {};

namespace polywire::transport {
namespace {
namespace hana = boost::hana;
using policies::direction;
using policies::tag_placement;
using shapes_test::secrets;
using test::hx;

// be16 size; one code byte; bodies padded to 4 bytes.
template <tag_placement Tags, bool Encrypted>
struct shaped_layout {
    static constexpr std::string_view name = "shaped";
    static constexpr std::size_t header_size = 2;
    static constexpr std::size_t max_frame_size = 1000;
    static constexpr policies::frame_shape shape{.tags = Tags, .header_encrypted = Encrypted};
    static std::size_t padded_size(std::size_t n) noexcept { return (n + 3) & ~std::size_t{3}; }
    static void encode_header(std::size_t n, mutable_byte_view h) noexcept {
        h[0] = static_cast<std::uint8_t>(n >> 8);
        h[1] = static_cast<std::uint8_t>(n);
    }
    static result<std::size_t> decode_header(byte_view h) noexcept {
        const std::size_t n = std::size_t{h[0]} << 8 | h[1];
        if (n == 0 || n > max_frame_size) return make_error_code(errc::message_too_large);
        return n;
    }
    static void encode_code(std::uint64_t code, bytes& out) { out.push_back(static_cast<std::uint8_t>(code)); }
    static result<policies::decoded_code> decode_code(byte_view b) noexcept { return policies::decoded_code{b[0], 1}; }
};

template <class Layout>
struct shaped_config {
    static constexpr std::string_view name = "shaped";
    static constexpr auto policies = hana::make_map(
        hana::make_pair(hana::type_c<role::key_agreement>, hana::type_c<test::preset_key_agreement<secrets>>),
        hana::make_pair(hana::type_c<role::cipher>, hana::type_c<polywire::policies::aes_ctr<32>>),
        hana::make_pair(hana::type_c<role::mac_state>, hana::type_c<polywire::policies::hmac_sha256<shapes_test::errc::bad_mac>>),
        hana::make_pair(hana::type_c<role::frame_layout>, hana::type_c<Layout>),
        hana::make_pair(hana::type_c<role::compressor>, hana::type_c<polywire::policies::no_compression>));
};

template <class Layout>
using shaped_session = session<shaped_config<Layout>>;

template <class Session>
typename Session::options opts() {
    typename Session::options o;
    o.handshake.secrets_for_testing_only.key = secret<32>(bytes(32, 0x42));
    o.handshake.secrets_for_testing_only.mac = secret<32>(bytes(32, 0x17));
    return o;
}

template <class Session>
Session established(policies::handshake_role r) {
    Session s(r, opts<Session>());
    EXPECT_FALSE(s.start({}));
    while (s.next_event()) {
    }
    return s;
}

using per_part_encrypted = shaped_layout<tag_placement::after_each_part, true>;
using per_part_clear = shaped_layout<tag_placement::after_each_part, false>;
using leading_clear = shaped_layout<tag_placement::leading, false>;
using leading_encrypted = shaped_layout<tag_placement::leading, true>;

template <class L>
using codec_of = typename shaped_session<L>::codec;
// [header | hmac] [body | hmac]
static_assert(codec_of<per_part_encrypted>::prefix_size == 2 + 32);
static_assert(codec_of<per_part_clear>::prefix_size == 2 + 32);
// [hmac | header] [body]
static_assert(codec_of<leading_clear>::prefix_size == 32 + 2);
static_assert(codec_of<leading_encrypted>::body_offset == 32 + 2);

template <class L>
class FrameShapeTest : public ::testing::Test {};
using all_shapes = ::testing::Types<per_part_encrypted, per_part_clear, leading_clear, leading_encrypted>;
TYPED_TEST_SUITE(FrameShapeTest, all_shapes);

TYPED_TEST(FrameShapeTest, PutsEachPartWhereTheShapeSaysAndRoundTrips) {
    using S = shaped_session<TypeParam>;
    constexpr auto shape = policies::shape_of<TypeParam>();
    constexpr bool leading = shape.tags == tag_placement::leading;
    auto a = established<S>(policies::handshake_role::initiator);
    auto b = established<S>(policies::handshake_role::recipient);
    const bytes msg = {'h', 'e', 'l', 'l', 'o'};
    ASSERT_FALSE(a.send(9, msg, {}));
    const bytes wire(a.pending_output().begin(), a.pending_output().end());
    ASSERT_EQ(wire.size(), S::codec::wire_size(6));
    EXPECT_EQ(wire.size(), leading ? 32u + 2u + 8u : 2u + 32u + 8u + 32u);  // 6 bytes padded to 8
    a.consume_output(wire.size());
    const std::size_t header_at = leading ? 32 : 0;
    const bytes header(wire.begin() + static_cast<std::ptrdiff_t>(header_at), wire.begin() + static_cast<std::ptrdiff_t>(header_at + 2));
    EXPECT_EQ(hx(header) == "0006", !shape.header_encrypted);
    // The body is never in clear.
    EXPECT_EQ(std::search(wire.begin(), wire.end(), msg.begin(), msg.end()), wire.end());
    ASSERT_FALSE(b.receive(wire, {}));
    auto e = b.next_event();
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, 9u);
    EXPECT_EQ(hx(e->payload), hx(msg));
    // The keystream and MAC stay in step across frames, in any split.
    for (int i = 0; i < 3; ++i) ASSERT_FALSE(a.send(static_cast<std::uint64_t>(i), bytes(static_cast<std::size_t>(i * 5 + 1), 0xab), {}));
    const bytes more(a.pending_output().begin(), a.pending_output().end());
    for (std::uint8_t byte : more) ASSERT_FALSE(b.receive(byte_view(&byte, 1), {}));
    for (int i = 0; i < 3; ++i) {
        auto m = b.next_event();
        ASSERT_TRUE(m);
        EXPECT_EQ(m->code, static_cast<std::uint64_t>(i));
        EXPECT_EQ(m->payload.size(), static_cast<std::size_t>(i * 5 + 1));
    }
}

TYPED_TEST(FrameShapeTest, AnyTamperedByteIsRejectedBeforeAnythingIsDelivered) {
    using S = shaped_session<TypeParam>;
    auto a = established<S>(policies::handshake_role::initiator);
    ASSERT_FALSE(a.send(9, bytes(21, 0x5a), {}));
    const bytes wire(a.pending_output().begin(), a.pending_output().end());
    for (std::size_t i = 0; i < wire.size(); ++i) {
        auto b = established<S>(policies::handshake_role::recipient);
        bytes bad = wire;
        bad[i] ^= 0x04;
        (void)b.receive(bad, {});
        if (b.state() != session_state::closed) (void)b.receive(bytes(1100, 0), {});  // a longer size: finish it
        ASSERT_EQ(b.state(), session_state::closed) << i;
        auto e = b.next_event();
        ASSERT_TRUE(e);
        EXPECT_EQ(e->kind, event_kind::error) << i;
        EXPECT_TRUE(e->error == shapes_test::errc::bad_mac || e->error == errc::message_too_large) << i << e->error.message();
        EXPECT_FALSE(b.next_event());
    }
}

// A shape of its own: the layout names a codec that frames bodies as
// be16 size | body XOR 0x5a, and ignores the configuration's Cipher and MAC.
struct xor_codec {
    static constexpr std::size_t prefix_size = 2;
    static constexpr std::size_t body_offset = 2;
    static std::size_t wire_size(std::size_t n) noexcept { return 2 + n; }
    xor_codec(const secrets&, direction) noexcept {}
    std::error_code seal(mutable_byte_view f, std::size_t n) noexcept {
        f[0] = static_cast<std::uint8_t>(n >> 8);
        f[1] = static_cast<std::uint8_t>(n);
        for (std::size_t i = 2; i < f.size(); ++i) f[i] ^= 0x5a;
        return {};
    }
    result<std::size_t> open_prefix(mutable_byte_view p) noexcept { return std::size_t{p[0]} << 8 | p[1]; }
    std::error_code open(mutable_byte_view f, std::size_t) noexcept {
        for (std::size_t i = 2; i < f.size(); ++i) f[i] ^= 0x5a;
        return {};
    }
};
struct own_codec_layout : per_part_encrypted {
    template <class Cipher, class Mac>
    using codec = xor_codec;
};
static_assert(std::is_same_v<shaped_session<own_codec_layout>::codec, xor_codec>);
static_assert(policies::FrameCodec<xor_codec, secrets>);

TEST(FrameCodecTest, ALayoutsOwnCodecReplacesTheStandardOne) {
    using S = shaped_session<own_codec_layout>;
    auto a = established<S>(policies::handshake_role::initiator);
    auto b = established<S>(policies::handshake_role::recipient);
    ASSERT_FALSE(a.send(1, bytes{0x00, 0xff}, {}));
    EXPECT_EQ(hx(a.pending_output()), "00035b5aa5");  // size 3 | (code 1, 00, ff) ^ 5a
    ASSERT_FALSE(b.receive(a.pending_output(), {}));
    auto e = b.next_event();
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, 1u);
    EXPECT_EQ(hx(e->payload), "00ff");
}

// A stateful layout built from the secrets and its direction.
struct directed_layout : per_part_encrypted {
    directed_layout(const secrets&, direction d) noexcept : dir(d) {}
    void encode_header(std::size_t n, mutable_byte_view h) noexcept {
        ++frames;
        per_part_encrypted::encode_header(n, h);
    }
    direction dir;
    int frames = 0;
};

TEST(FrameCodecTest, ALayoutConstructibleFromTheSecretsKnowsItsDirectionAndKeepsState) {
    secrets s;
    s.key = secret<32>(bytes(32, 1));
    s.mac = secret<32>(bytes(32, 2));
    using codec = shaped_session<directed_layout>::codec;
    codec out(s, direction::egress), in(s, direction::ingress);
    EXPECT_EQ(out.layout().dir, direction::egress);
    EXPECT_EQ(in.layout().dir, direction::ingress);
    bytes frame(codec::wire_size(3));
    out.seal(frame, 3);
    out.seal(frame, 3);
    EXPECT_EQ(out.layout().frames, 2);
}

TEST(FrameCodecTest, AFrameLargerThanTheInputBufferIsRefusedAtItsHeader) {
    using S = shaped_session<leading_clear>;
    auto o = opts<S>();
    o.limits.max_input_buffer = 100;
    S b(policies::handshake_role::recipient, o);
    ASSERT_FALSE(b.start({}));
    auto a = established<S>(policies::handshake_role::initiator);
    ASSERT_FALSE(a.send(1, bytes(200), {}));
    EXPECT_EQ(b.receive(a.pending_output().first(S::codec::prefix_size), {}), errc::buffer_limit_exceeded);
}

}  // namespace
}  // namespace polywire::transport
