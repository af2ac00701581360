#include "crypto/ed25519.hpp"

#include <algorithm>
#include <exception>
#include <new>

#include <botan/ed25519.h>
#include <botan/pubkey.h>
#include <botan/rng.h>
#include <sodium.h>

#include "crypto/random.hpp"
#include "crypto/error.hpp"

namespace polywire::crypto::ed25519 {

private_key::private_key() noexcept {
    // The public key of the all-zero seed (RFC 8032's derivation).
    static const ed25519::public_key zero_pub = [] {
        ed25519::public_key p{};
        auto k = from_seed(secret<seed_size>().view());
        if (k) p = k.value().public_key();
        return p;
    }();
    pk_ = zero_pub;
}

result<private_key> private_key::from_seed(byte_view seed) noexcept {
    if (seed.size() != seed_size) return crypto::errc::invalid_key;
    try {
        const Botan::Ed25519_PrivateKey k(Botan::secure_vector<std::uint8_t>(seed.begin(), seed.end()));
        const std::vector<std::uint8_t> pub = k.get_public_key();
        if (pub.size() != public_key_size) return crypto::errc::backend_failure;
        private_key out{uninitialized{}};
        out.seed_.assign(seed);
        std::copy(pub.begin(), pub.end(), out.pk_.begin());
        return out;
    } catch (const std::bad_alloc&) {
        std::terminate();  // allocation failure terminates (docs/architecture.md, "Failure policy")
    } catch (...) {
        return crypto::errc::backend_failure;
    }
}

result<private_key> private_key::generate() noexcept {
    secret<seed_size> seed;
    if (auto ec = random_bytes(seed.mutable_view())) return ec;
    return from_seed(seed);
}

signature private_key::sign(byte_view message) const noexcept {
    signature sig{};
    try {
        const Botan::Ed25519_PrivateKey k(Botan::secure_vector<std::uint8_t>(seed_.data(), seed_.data() + seed_size));
        Botan::Null_RNG rng;  // Ed25519 signing is deterministic
        Botan::PK_Signer signer(k, rng, "Pure");
        const std::vector<std::uint8_t> s = signer.sign_message(message.data(), message.size(), rng);
        if (s.size() == signature_size) std::copy(s.begin(), s.end(), sig.begin());
    } catch (const std::bad_alloc&) {
        std::terminate();  // allocation failure terminates (docs/architecture.md, "Failure policy")
    } catch (...) {
        sig.fill(0);
    }
    return sig;
}

bool verify(const public_key& key, byte_view message, const signature& sig) noexcept {
    // libsodium's strict verification: S < L, a public key and R that are
    // canonical and not of small order. (Botan 2 only checks S's top three
    // bits, so R = identity, S = 0 "verifies" any message under the neutral
    // point.)
    static const bool ok = sodium_init() >= 0;
    if (!ok) return false;
    return crypto_sign_ed25519_verify_detached(sig.data(), message.data(), message.size(), key.data()) == 0;
}

bool valid_public_key(const public_key& key) noexcept {
    static const bool ok = sodium_init() >= 0;
    return ok && crypto_core_ed25519_is_valid_point(key.data()) == 1;
}

}  // namespace polywire::crypto::ed25519
