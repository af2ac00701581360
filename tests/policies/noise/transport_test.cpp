// noise::transport_cipher's policies: the key rotation (hkdf_rotation: ck',
// k' = HKDF(ck, k) every N nonces, checked against HKDF-SHA256 and the
// AEAD computed directly), the same cipher from another backend, and the
// sealing check of a direction without a key (a one-way responder).
#include "policies/noise/transport.hpp"

#include <gtest/gtest.h>

#include "crypto/hkdf.hpp"
#include "crypto/sodium_aead.hpp"
#include "policies/cipher.hpp"
#include "policies/noise/suite.hpp"

namespace polywire::noise {
namespace {
using polywire::policies::direction;

/// Fixed keys: `key` for both directions (empty: none), `ck` the chaining key.
struct fixed_secrets {
    bytes key;
    bytes ck;
    friend byte_view cipher_key(const fixed_secrets& s, direction) noexcept { return s.key; }
    friend byte_view chaining_key(const fixed_secrets& s, direction) noexcept { return s.ck; }
};

fixed_secrets keys() { return {bytes(32, 0x11), bytes(32, 0x22)}; }

// ENCRYPT(k, n, "", plaintext) with libsodium directly.
bytes seal_with(byte_view key, std::uint64_t n, const bytes& plaintext) {
    crypto::sodium_chacha20_poly1305 aead;
    EXPECT_FALSE(aead.set_key(key));
    bytes out = plaintext;
    out.resize(plaintext.size() + 16);
    EXPECT_FALSE(aead.seal(chachapoly::nonce(n), {}, mutable_byte_view(out.data(), plaintext.size()),
                           mutable_byte_view(out.data() + plaintext.size(), 16)));
    return out;
}

template <class C>
bytes seal(C& c, const bytes& plaintext) {
    bytes out = plaintext;
    out.resize(plaintext.size() + 16);
    c.seal(mutable_byte_view(out.data(), plaintext.size()), mutable_byte_view(out.data() + plaintext.size(), 16));
    return out;
}

TEST(NoiseTransportTest, HkdfRotationReplacesKeyAndChainingKeyEveryIntervalNonces) {
    using rotating = transport_cipher<chachapoly, hkdf_rotation<sha256, 3>>;
    const fixed_secrets s = keys();
    rotating tx(s, direction::egress), rx(s, direction::ingress);
    // ck1, k1 = HKDF(ck0, k0); ck2, k2 = HKDF(ck1, k1): RFC 5869 HKDF-SHA256, salt ck, ikm k.
    secret<64> okm1, okm2;
    ASSERT_FALSE(crypto::hkdf_sha256(okm1.mutable_view(), s.key, s.ck));
    ASSERT_FALSE(crypto::hkdf_sha256(okm2.mutable_view(), okm1.view().subspan(32), okm1.view().first(32)));
    const byte_view k[] = {s.key, okm1.view().subspan(32), okm2.view().subspan(32)};
    const bytes msg = {'h', 'e', 'l', 'l', 'o'};
    for (std::uint64_t i = 0; i < 9; ++i) {
        SCOPED_TRACE("message " + std::to_string(i));
        EXPECT_EQ(tx.nonce(), i % 3);
        const bytes wire = seal(tx, msg);
        EXPECT_EQ(to_hex(wire), to_hex(seal_with(k[i / 3], i % 3, msg)));
        bytes in = wire;
        ASSERT_FALSE(rx.open(mutable_byte_view(in.data(), msg.size()), byte_view(in).subspan(msg.size())));
        EXPECT_EQ(bytes(in.begin(), in.begin() + 5), msg);
    }
}

TEST(NoiseTransportTest, WithoutRotationTheKeyStays) {
    transport_cipher<chachapoly> tx(keys(), direction::egress);
    const bytes msg = {1, 2, 3};
    for (std::uint64_t i = 0; i < 5; ++i) EXPECT_EQ(to_hex(seal(tx, msg)), to_hex(seal_with(keys().key, i, msg)));
    EXPECT_EQ(tx.nonce(), 5u);
}

TEST(NoiseTransportTest, AnotherBackendGivesTheSameBytes) {
    transport_cipher<chachapoly> a(keys(), direction::egress);
    transport_cipher<chachapoly_on<crypto::openssl_backend>> b(keys(), direction::egress);
    transport_cipher<chachapoly_on<crypto::default_chacha20_poly1305_backend>> c(keys(), direction::egress);
    for (std::size_t n : {std::size_t{0}, std::size_t{2}, std::size_t{600}, std::size_t{5000}}) {
        const bytes msg(n, 0x5a);
        const bytes wa = seal(a, msg);
        EXPECT_EQ(to_hex(wa), to_hex(seal(b, msg))) << n;
        EXPECT_EQ(to_hex(wa), to_hex(seal(c, msg))) << n;
    }
}

TEST(NoiseTransportTest, ADirectionWithoutAKeyRefusesToSealAndToOpen) {
    static_assert(polywire::policies::has_sealing_check<transport_cipher<chachapoly>>);
    fixed_secrets none = keys();
    none.key.clear();
    transport_cipher<chachapoly> absent(none, direction::egress), present(keys(), direction::egress);
    EXPECT_EQ(absent.sealable(), errc::receive_only);
    EXPECT_EQ(absent.sealable(), transport::condition::misuse);
    EXPECT_FALSE(present.sealable());
    // Sealing anyway writes nothing readable; opening is refused.
    bytes wire = seal(absent, bytes{1, 2, 3});
    EXPECT_EQ(wire, bytes(19, 0));
    EXPECT_EQ(absent.open(mutable_byte_view(wire.data(), 3), byte_view(wire).subspan(3)), errc::one_way_pattern);
}

}  // namespace
}  // namespace polywire::noise
