#include "crypto/secp256k1.hpp"

#include <gtest/gtest.h>

#include "crypto/hash.hpp"
#include "tests/support/hex.hpp"

namespace polywire::crypto::secp256k1 {
namespace {
using test::h;
using test::hx;

private_key key(std::string_view hex) { return parse_private_key(h(hex)).value(); }

// go-ethereum crypto/ecies TestSharedKeyStatic: the raw X coordinate.
TEST(Secp256k1Test, EcdhXMatchesGethVector) {
    auto k1 = key("7ebbc6a8358bc76dd73ebc557056702c8cfc34e5cfcd90eb83af0347575fd2ad");
    auto k2 = key("6a3d6396903245bba5837752b9e0348874e72db0c4e11e9c485a81b4ea4353b9");
    auto s12 = ecdh_x(k1, derive_public_key(k2).value()).value();
    auto s21 = ecdh_x(k2, derive_public_key(k1).value()).value();
    EXPECT_EQ(hx(s12), "167ccc13ac5e8a26b131c3446030c60fbfac6aa8e31149d0869f93626a4cdf62");
    EXPECT_EQ(hx(s21), hx(s12));
}

// go-ethereum TestSharedKeyPadding: a private key with a leading zero byte.
TEST(Secp256k1Test, EcdhXHandlesLeadingZeroKeys) {
    auto k0 = key("1adf5c18167d96a1f9a0b1ef63be8aa27eaf6032c233b2b38f7850cf5b859fd9");
    auto k1 = key("0097a076fc7fcd9208240668e31c9abee952cbb6e375d1b8febc7499d6e16f1a");
    EXPECT_EQ(hx(derive_public_key(k1).value()),
              "6ab3ac374251f638d0abb3ef596d1dc67955b507c104e5f2009724812dc027b8"
              "8ad915f2b503a8be6facab6588731fefeb584fd2dfa9a77a5e0bba1ec439e4fa");
    auto a = ecdh_x(k0, derive_public_key(k1).value()).value();
    auto b = ecdh_x(k1, derive_public_key(k0).value()).value();
    EXPECT_EQ(hx(a), hx(b));
    EXPECT_EQ(hx(a), "c49580bf3cb140ba4ca0a140b1eb59f00a390dcce5132176a8bc0802856c4c3f");
}

// BOLT 8 Appendix A, act one: ss = ECDH(e.priv, rs.pub), SHA256 of the point.
TEST(Secp256k1Test, EcdhSha256MatchesBolt8ActOne) {
    auto e = key("1212121212121212121212121212121212121212121212121212121212121212");
    auto rs = parse_public_key(h("028d7500dd4c12685d1f568b4c2b5048e8534b873319f3a8daa612b469132ec7f7")).value();
    EXPECT_EQ(hx(ecdh_sha256(e, rs).value()), "1e2fb3c8fe8fb9f262f649f64d26ecf0f2c0a805a767cf02dc2d77a6ef1fdcc3");
    EXPECT_EQ(hx(derive_compressed_public_key(e).value()),
              "036360e856310ce5d294e8be33fc807077dc56ac80d95d9cd4ddbd21325eff73f7");
}

TEST(Secp256k1Test, RecoverableSignatureRecoversTheSigner) {
    auto k = generate_private_key().value();
    auto digest = keccak256::hash(as_bytes("message"));
    auto sig = sign_recoverable(k, digest).value();
    EXPECT_EQ(recover(sig, digest).value(), derive_public_key(k).value());
    auto other = keccak256::hash(as_bytes("other"));
    auto r = recover(sig, other);
    EXPECT_TRUE(!r || r.value() != derive_public_key(k).value());
}

TEST(Secp256k1Test, CompactSignatureVerifies) {
    auto k = generate_private_key().value();
    auto digest = sha256(as_bytes("m"));
    auto sig = sign(k, digest).value();
    EXPECT_TRUE(verify(sig, digest, derive_public_key(k).value()));
    sig[10] ^= 1;
    EXPECT_FALSE(verify(sig, digest, derive_public_key(k).value()));
}

TEST(Secp256k1Test, RejectsPointsOffTheCurve) {
    bytes bad(64, 0);
    bad[63] = 1;
    EXPECT_EQ(parse_public_key(bad).error(), make_error_code(errc::invalid_public_key));
    EXPECT_EQ(parse_public_key(h("0500")).error(), make_error_code(errc::invalid_public_key));
    EXPECT_EQ(parse_private_key(bytes(32, 0)).error(), make_error_code(errc::invalid_private_key));
}

}  // namespace
}  // namespace polywire::crypto::secp256k1
