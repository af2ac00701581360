#include "policies/models/chacha20_poly1305.hpp"

#include <gtest/gtest.h>

#include "policies/cipher.hpp"
#include "tests/support/hex.hpp"
#include "transport/error.hpp"

namespace polywire::policies {
namespace {
using test::h;
using test::hx;

// A secrets type of the shape the model reads through ADL.
struct keys {
    secret<32> egress, ingress, ck;
};
byte_view cipher_key(const keys& k, direction d) { return d == direction::egress ? k.egress.view() : k.ingress.view(); }
byte_view chaining_key(const keys& k, direction) { return k.ck.view(); }

// BOLT 8 Appendix A "transport-message test".
keys bolt8_keys() {
    keys k;
    k.egress.assign(h("969ab31b4d288cedf6218839b27a3e2140827047f2c0f01bf5c04435d43511a9"));
    k.ingress.assign(h("969ab31b4d288cedf6218839b27a3e2140827047f2c0f01bf5c04435d43511a9"));
    k.ck.assign(h("919219dbb2920afa8db80f9a51787a840bcf111ed8d588caf9ab4be716e42b01"));
    return k;
}

static_assert(Cipher<chacha20_poly1305<>> && Cipher<chacha20_poly1305<1000>>);
static_assert(CipherFor<chacha20_poly1305<1000>, keys>);

TEST(ChaCha20Poly1305ModelTest, NonceIsFourZeroBytesThenLittleEndianCounter) {
    EXPECT_EQ(hx(le64_nonce(0)), "000000000000000000000000");
    EXPECT_EQ(hx(le64_nonce(1)), "000000000100000000000000");
    EXPECT_EQ(hx(le64_nonce(0x0102030405060708)), "000000000807060504030201");
}

TEST(ChaCha20Poly1305ModelTest, SealsTheBolt8LengthPrefix) {
    chacha20_poly1305<1000> c(bolt8_keys(), direction::egress);
    std::uint8_t len[2] = {0x00, 0x05};
    std::uint8_t tag[16];
    c.seal(len, tag);
    EXPECT_EQ(hx(byte_view(len)) + hx(byte_view(tag)), "cf2b30ddf0cf3f80e7c35a6e6730b59fe802");
    EXPECT_EQ(c.nonce(), 1u);
}

// After 1000 seals the key is HKDF(ck, k): the 1001st seal (nonce 0 under
// the rotated key) must equal a fresh cipher keyed with Appendix A's
// rotation_1 values (ck = cc2c6e46..., sk = 3fbdc101...).
TEST(ChaCha20Poly1305ModelTest, RotatesTheKeyWhenTheNonceReaches1000) {
    chacha20_poly1305<1000> c(bolt8_keys(), direction::egress);
    for (int i = 0; i < 1000; ++i) {
        std::uint8_t b[1] = {0};
        std::uint8_t tag[16];
        c.seal(b, tag);
    }
    EXPECT_EQ(c.nonce(), 0u);
    keys rotated;
    rotated.egress.assign(h("3fbdc101abd1132ca3a0ae34a669d8d9ba69a587e0bb4ddd59524541cf4813d8"));
    rotated.ck.assign(h("cc2c6e467efc8067720c2d09c139d1f77731893aad1defa14f9bf3c48d3f1d31"));
    chacha20_poly1305<1000> fresh(rotated, direction::egress);
    std::uint8_t x[3] = {1, 2, 3}, y[3] = {1, 2, 3}, tx[16], ty[16];
    c.seal(x, tx);
    fresh.seal(y, ty);
    EXPECT_EQ(hx(byte_view(x)), hx(byte_view(y)));
    EXPECT_EQ(hx(byte_view(tx)), hx(byte_view(ty)));
}

TEST(ChaCha20Poly1305ModelTest, WithoutRekeyTheCounterJustGrows) {
    chacha20_poly1305<> c(bolt8_keys(), direction::egress);
    for (int i = 0; i < 1001; ++i) {
        std::uint8_t tag[16];
        c.seal({}, tag);
    }
    EXPECT_EQ(c.nonce(), 1001u);
}

TEST(ChaCha20Poly1305ModelTest, OpenRejectsForgeriesWithoutAdvancing) {
    chacha20_poly1305<1000> tx(bolt8_keys(), direction::egress), rx(bolt8_keys(), direction::ingress);
    bytes m = {1, 2, 3, 4};
    std::uint8_t tag[16];
    tx.seal(m, tag);
    bytes forged = m;
    forged[0] ^= 1;
    EXPECT_EQ(rx.open(forged, byte_view(tag)), crypto::aead_errc::tag_mismatch);
    EXPECT_EQ(rx.open(forged, byte_view(tag)), transport::condition::authentication_failed);
    EXPECT_EQ(forged, bytes(4, 0));  // wiped
    EXPECT_EQ(rx.nonce(), 0u);
    EXPECT_FALSE(rx.open(m, byte_view(tag)));
    EXPECT_EQ(m, (bytes{1, 2, 3, 4}));
    EXPECT_EQ(rx.nonce(), 1u);
}

TEST(ChaCha20Poly1305ModelTest, TheCounterNeverWrapsAt2To64Minus1) {
    chacha20_poly1305<> tx(bolt8_keys(), direction::egress), rx(bolt8_keys(), direction::ingress);
    const std::uint64_t last = chacha20_poly1305<>::max_nonce;
    ASSERT_EQ(last, ~std::uint64_t{0});
    tx.set_nonce_for_testing_only(last - 1);
    rx.set_nonce_for_testing_only(last - 1);
    // n = 2^64 - 2 is the last nonce used.
    bytes m = {1, 2, 3, 4};
    std::uint8_t tag[16];
    tx.seal(m, tag);
    ASSERT_FALSE(rx.open(m, byte_view(tag)));
    EXPECT_EQ(m, (bytes{1, 2, 3, 4}));
    EXPECT_EQ(tx.nonce(), last);
    EXPECT_EQ(rx.nonce(), last);
    // At 2^64 - 1: seal gives zeros, no plaintext and no wrap to 0, and
    // both directions refuse from then on with a typed error.
    for (int i = 0; i < 2; ++i) {
        bytes more = {5, 6, 7, 8};
        std::uint8_t t[16];
        std::fill(std::begin(t), std::end(t), std::uint8_t{0xAA});
        tx.seal(more, t);
        EXPECT_EQ(more, bytes(4, 0));
        EXPECT_EQ(hx(byte_view(t)), std::string(32, '0'));
        EXPECT_EQ(tx.nonce(), last);
        const auto ec = rx.open(more, byte_view(t));
        EXPECT_EQ(ec, crypto::aead_errc::nonce_exhausted);
        EXPECT_EQ(ec, transport::condition::limit_exceeded);
        EXPECT_EQ(rx.nonce(), last);
    }
    // A frame sealed at 0 (what a wrapped counter would reuse) is not opened.
    chacha20_poly1305<> fresh(bolt8_keys(), direction::egress);
    bytes at_zero = {5, 6, 7, 8};
    std::uint8_t t0[16];
    fresh.seal(at_zero, t0);
    EXPECT_EQ(rx.open(at_zero, byte_view(t0)), crypto::aead_errc::nonce_exhausted);
    EXPECT_EQ(std::error_code(crypto::aead_errc::nonce_exhausted).message().find("unknown"), std::string::npos);
}

// The backend is a template parameter: Botan, OpenSSL and libsodium seal
// the same frames, across a key rotation, and open each other's.
template <class Backend>
std::string frames_across_a_rotation() {
    chacha20_poly1305<1000, Backend> c(bolt8_keys(), direction::egress);
    std::string out;
    for (int i = 0; i < 1002; ++i) {
        std::uint8_t len[2] = {0x00, 0x05};
        std::uint8_t tag[16];
        c.seal(len, tag);
        if (i == 0 || i >= 999) out += hx(byte_view(len)) + hx(byte_view(tag));
    }
    return out;
}

TEST(ChaCha20Poly1305ModelTest, EveryBackendSealsTheSameFramesAcrossARotation) {
    static_assert(std::is_same_v<chacha20_poly1305<1000>::backend, crypto::default_chacha20_poly1305_backend>);
    const std::string want = frames_across_a_rotation<crypto::botan_backend>();
    EXPECT_EQ(want.substr(0, 36), "cf2b30ddf0cf3f80e7c35a6e6730b59fe802");  // BOLT 8 Appendix A
    EXPECT_EQ(frames_across_a_rotation<crypto::openssl_backend>(), want);
    EXPECT_EQ(frames_across_a_rotation<crypto::sodium_backend>(), want);
    EXPECT_EQ(frames_across_a_rotation<crypto::size_switched_backend>(), want);

    chacha20_poly1305<1000, crypto::openssl_backend> tx(bolt8_keys(), direction::egress);
    chacha20_poly1305<1000, crypto::sodium_backend> rx(bolt8_keys(), direction::ingress);
    for (int i = 0; i < 1005; ++i) {
        bytes m = {1, 2, 3};
        std::uint8_t tag[16];
        tx.seal(m, tag);
        ASSERT_FALSE(rx.open(m, byte_view(tag))) << i;
        ASSERT_EQ(m, (bytes{1, 2, 3}));
    }
}

}  // namespace
}  // namespace polywire::policies
