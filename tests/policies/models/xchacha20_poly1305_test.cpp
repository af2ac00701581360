// policies::xchacha20_poly1305: the nonce is prefix || LE64(n) (checked
// against the AEAD wrapper directly), the Cipher use counts messages, the
// packet use takes n and associated data from the caller, re-keying keeps
// the prefix, and failures wipe the output.
#include "policies/models/xchacha20_poly1305.hpp"

#include <gtest/gtest.h>

#include "policies/cipher.hpp"
#include "crypto/xchacha20_poly1305.hpp"
#include "tests/support/hex.hpp"

namespace polywire::policies {
namespace {
using test::h;
using test::hx;

struct fixed_secrets {
    bytes key = bytes(32, 0x42);
    bytes prefix = h("000102030405060708090a0b0c0d0e0f");
};
byte_view cipher_key(const fixed_secrets& s, direction) noexcept { return s.key; }
byte_view nonce_prefix(const fixed_secrets& s, direction) noexcept { return s.prefix; }

static_assert(Cipher<xchacha20_poly1305>);
static_assert(PacketCipher<xchacha20_poly1305>);

// The reference: the wrapper with the nonce written out.
bytes reference_seal(byte_view key, std::uint64_t n, byte_view ad, bytes data, std::array<std::uint8_t, 16>& tag) {
    crypto::xchacha20_poly1305 aead;
    EXPECT_FALSE(aead.set_key(key));
    bytes nonce = h("000102030405060708090a0b0c0d0e0f");
    for (int i = 0; i < 8; ++i) nonce.push_back(static_cast<std::uint8_t>(n >> (8 * i)));
    EXPECT_FALSE(aead.seal(nonce, ad, data, tag));
    return data;
}

TEST(XChaCha20Poly1305ModelTest, TheCipherUseCountsMessagesFromZero) {
    fixed_secrets s;
    xchacha20_poly1305 egress(s, direction::egress), ingress(s, direction::ingress);
    for (std::uint64_t n = 0; n < 3; ++n) {
        bytes data = h("68656c6c6f");
        std::array<std::uint8_t, 16> tag{}, want_tag{};
        egress.seal(data, tag);
        EXPECT_EQ(hx(data), hx(reference_seal(s.key, n, {}, h("68656c6c6f"), want_tag)));
        EXPECT_EQ(hx(tag), hx(want_tag));
        ASSERT_FALSE(ingress.open(data, tag));
        EXPECT_EQ(hx(data), "68656c6c6f");
    }
    EXPECT_EQ(egress.count(), 3u);
    EXPECT_EQ(ingress.count(), 3u);
}

TEST(XChaCha20Poly1305ModelTest, TheCipherCountNeverWrapsAt2To64Minus1) {
    fixed_secrets s;
    xchacha20_poly1305 egress(s, direction::egress), ingress(s, direction::ingress);
    const std::uint64_t last = xchacha20_poly1305::max_count;
    ASSERT_EQ(last, ~std::uint64_t{0});
    egress.set_count_for_testing_only(last - 1);
    ingress.set_count_for_testing_only(last - 1);
    bytes data = h("68656c6c6f");
    std::array<std::uint8_t, 16> tag{};
    egress.seal(data, tag);
    ASSERT_FALSE(ingress.open(data, tag));
    EXPECT_EQ(egress.count(), last);
    EXPECT_EQ(ingress.count(), last);
    for (int i = 0; i < 2; ++i) {
        bytes more = h("68656c6c6f");
        std::array<std::uint8_t, 16> t{};
        t.fill(0xAA);
        egress.seal(more, t);
        EXPECT_EQ(hx(more), "0000000000");  // no plaintext, no nonce reused
        EXPECT_EQ(hx(t), std::string(32, '0'));
        EXPECT_EQ(egress.count(), last);
        EXPECT_EQ(ingress.open(more, t), crypto::aead_errc::nonce_exhausted);
        EXPECT_EQ(ingress.count(), last);
    }
    // What a wrapped counter would have sealed (n = 0) is not opened either.
    bytes at_zero = h("68656c6c6f");
    std::array<std::uint8_t, 16> t0{};
    xchacha20_poly1305(s, direction::egress).seal(at_zero, t0);
    EXPECT_EQ(ingress.open(at_zero, t0), crypto::aead_errc::nonce_exhausted);
}

TEST(XChaCha20Poly1305ModelTest, PacketsTakeTheirNumberAndAssociatedData) {
    fixed_secrets s;
    xchacha20_poly1305 c(s, direction::egress), d(s.key, s.prefix);
    const bytes ad = h("10000500");
    const std::uint64_t n = 0x0102030405060708;
    bytes data = h("0011223344");
    std::array<std::uint8_t, 16> tag{}, want_tag{};
    c.seal_packet(n, ad, data, tag);
    EXPECT_EQ(hx(data), hx(reference_seal(s.key, n, ad, h("0011223344"), want_tag)));
    EXPECT_EQ(hx(tag), hx(want_tag));
    bytes wrong_ad = data;
    EXPECT_EQ(d.open_packet(n, h("10000501"), wrong_ad, tag), crypto::aead_errc::tag_mismatch);
    EXPECT_EQ(wrong_ad, bytes(5, 0));  // wiped
    bytes wrong_n = data;
    EXPECT_EQ(d.open_packet(n + 1, ad, wrong_n, tag), crypto::aead_errc::tag_mismatch);
    ASSERT_FALSE(d.open_packet(n, ad, data, tag));
    EXPECT_EQ(hx(data), "0011223344");
    EXPECT_EQ(d.count(), 0u);  // packets do not move the Cipher use's counter
}

TEST(XChaCha20Poly1305ModelTest, SetKeyRekeysAndKeepsThePrefix) {
    fixed_secrets s;
    xchacha20_poly1305 c(s, direction::egress);
    ASSERT_FALSE(c.set_key(bytes(32, 0x77)));
    bytes data = h("abcdef");
    std::array<std::uint8_t, 16> tag{}, want_tag{};
    c.seal_packet(9, {}, data, tag);
    EXPECT_EQ(hx(data), hx(reference_seal(bytes(32, 0x77), 9, {}, h("abcdef"), want_tag)));
    EXPECT_EQ(c.set_key(bytes(31, 0)), crypto::aead_errc::bad_key_size);
    bytes more = h("01");
    c.seal_packet(10, {}, more, tag);  // an unusable key seals nothing readable
    EXPECT_EQ(hx(more), "00");
    EXPECT_EQ(hx(tag), std::string(32, '0'));
}

// The backend is a template parameter: every backend seals the same
// packets as the reference, and opens the default's.
template <class Backend>
void matches_the_reference() {
    fixed_secrets s;
    basic_xchacha20_poly1305<Backend> c(s, direction::egress);
    xchacha20_poly1305 d(s, direction::ingress);
    for (std::uint64_t n : {0ull, 1ull, 0xffffffffffull}) {
        const bytes ad = h("10000500");
        bytes data = h("00112233445566778899");
        std::array<std::uint8_t, 16> tag{}, want_tag{};
        c.seal_packet(n, ad, data, tag);
        EXPECT_EQ(hx(data), hx(reference_seal(s.key, n, ad, h("00112233445566778899"), want_tag))) << Backend::name;
        EXPECT_EQ(hx(tag), hx(want_tag)) << Backend::name;
        ASSERT_FALSE(d.open_packet(n, ad, data, tag)) << Backend::name;
    }
}

TEST(XChaCha20Poly1305ModelTest, EveryBackendSealsTheSamePackets) {
    static_assert(std::is_same_v<xchacha20_poly1305::backend, crypto::default_xchacha20_poly1305_backend>);
    static_assert(Cipher<basic_xchacha20_poly1305<crypto::sodium_backend>>);
    matches_the_reference<crypto::botan_backend>();
    matches_the_reference<crypto::openssl_backend>();
    matches_the_reference<crypto::sodium_backend>();
    matches_the_reference<crypto::size_switched_backend>();
}

}  // namespace
}  // namespace polywire::policies
