#include "crypto/secp256k1.hpp"

#include <cstring>

#include <secp256k1.h>
#include <secp256k1_ecdh.h>
#include <secp256k1_recovery.h>

#include "crypto/random.hpp"
#include "crypto/error.hpp"
#include "transport/error.hpp"

namespace polywire::crypto::secp256k1 {
namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "polywire.secp256k1"; }
    std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
            case errc::invalid_private_key: return "the private key is not a valid secp256k1 scalar";
            case errc::invalid_public_key: return "the public key is malformed or not on the secp256k1 curve";
            case errc::invalid_signature: return "the signature is malformed or does not verify";
            case errc::recovery_failed: return "no public key could be recovered from the signature";
        }
        return "unknown secp256k1 error";
    }
    std::error_condition default_error_condition(int ev) const noexcept override {
        switch (static_cast<errc>(ev)) {
            case errc::invalid_private_key: return transport::condition::misuse;
            case errc::invalid_public_key: return transport::condition::protocol_violation;
            case errc::invalid_signature:
            case errc::recovery_failed: return transport::condition::authentication_failed;
        }
        return {ev, *this};
    }
};

// One context for signing and verification, randomized once. libsecp256k1
// contexts are safe to share between threads for these const operations.
const secp256k1_context* ctx() noexcept {
    static const secp256k1_context* c = [] {
        secp256k1_context* c = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
        std::uint8_t seed[32];
        if (!random_bytes(seed) && secp256k1_context_randomize(c, seed) != 1) {
            // Randomization only hardens against side channels; an unrandomized
            // context still computes correct results.
        }
        detail::wipe(seed, sizeof seed);
        return c;
    }();
    return c;
}

bool load(const public_key& p, secp256k1_pubkey& out) noexcept {
    std::uint8_t buf[65];
    buf[0] = 0x04;
    std::memcpy(buf + 1, p.data(), 64);
    return secp256k1_ec_pubkey_parse(secp256k1_context_static, &out, buf, sizeof buf) == 1;
}

public_key store(const secp256k1_pubkey& pk) noexcept {
    std::uint8_t buf[65];
    std::size_t len = sizeof buf;
    secp256k1_ec_pubkey_serialize(secp256k1_context_static, buf, &len, &pk, SECP256K1_EC_UNCOMPRESSED);
    public_key out;
    std::memcpy(out.data(), buf + 1, 64);
    return out;
}

int copy_x(unsigned char* out, const unsigned char* x32, const unsigned char*, void*) {
    std::memcpy(out, x32, 32);
    return 1;
}

}  // namespace

const std::error_category& error_category() noexcept {
    static const category c;
    return c;
}

result<private_key> generate_private_key() noexcept { return generate_private_key(transport::random_source{}); }

result<private_key> generate_private_key(const transport::random_source& source) noexcept {
    private_key k;
    for (int i = 0; i < 64; ++i) {
        if (auto ec = random_bytes(source, k.mutable_view())) return ec;
        if (secp256k1_ec_seckey_verify(secp256k1_context_static, k.data()) == 1) return k;
    }
    return make_error_code(crypto::errc::random_failure);
}

result<private_key> parse_private_key(byte_view raw) noexcept {
    if (raw.size() != 32 || secp256k1_ec_seckey_verify(secp256k1_context_static, raw.data()) != 1)
        return make_error_code(errc::invalid_private_key);
    return private_key(raw);
}

result<public_key> derive_public_key(const private_key& k) noexcept {
    secp256k1_pubkey pk;
    if (secp256k1_ec_pubkey_create(ctx(), &pk, k.data()) != 1) return make_error_code(errc::invalid_private_key);
    return store(pk);
}

result<compressed_public_key> derive_compressed_public_key(const private_key& k) noexcept {
    POLYWIRE_TRY(pub, derive_public_key(k));
    return compress(pub);
}

result<public_key> parse_public_key(byte_view raw) noexcept {
    secp256k1_pubkey pk;
    std::uint8_t buf[65];
    if (raw.size() == 64) {
        buf[0] = 0x04;
        std::memcpy(buf + 1, raw.data(), 64);
        raw = byte_view(buf, 65);
    }
    if ((raw.size() != 65 || raw[0] != 0x04) && raw.size() != 33) return make_error_code(errc::invalid_public_key);
    if (secp256k1_ec_pubkey_parse(secp256k1_context_static, &pk, raw.data(), raw.size()) != 1)
        return make_error_code(errc::invalid_public_key);
    return store(pk);
}

compressed_public_key compress(const public_key& k) noexcept {
    compressed_public_key out{};
    out[0] = static_cast<std::uint8_t>(0x02 | (k[63] & 1));
    std::memcpy(out.data() + 1, k.data(), 32);
    return out;
}

result<secret<32>> ecdh_x(const private_key& k, const public_key& p) noexcept {
    secp256k1_pubkey pk;
    if (!load(p, pk)) return make_error_code(errc::invalid_public_key);
    secret<32> out;
    if (secp256k1_ecdh(secp256k1_context_static, out.data(), &pk, k.data(), copy_x, nullptr) != 1)
        return make_error_code(errc::invalid_private_key);
    return out;
}

result<secret<32>> ecdh_sha256(const private_key& k, const public_key& p) noexcept {
    secp256k1_pubkey pk;
    if (!load(p, pk)) return make_error_code(errc::invalid_public_key);
    secret<32> out;
    if (secp256k1_ecdh(secp256k1_context_static, out.data(), &pk, k.data(), nullptr, nullptr) != 1)
        return make_error_code(errc::invalid_private_key);
    return out;
}

result<recoverable_signature> sign_recoverable(const private_key& k, byte_view digest32) noexcept {
    if (digest32.size() != 32) return make_error_code(crypto::errc::invalid_argument);
    secp256k1_ecdsa_recoverable_signature sig;
    if (secp256k1_ecdsa_sign_recoverable(ctx(), &sig, digest32.data(), k.data(), nullptr, nullptr) != 1)
        return make_error_code(errc::invalid_private_key);
    recoverable_signature out;
    int recid = 0;
    secp256k1_ecdsa_recoverable_signature_serialize_compact(secp256k1_context_static, out.data(), &recid, &sig);
    out[64] = static_cast<std::uint8_t>(recid);
    return out;
}

result<public_key> recover(const recoverable_signature& sig, byte_view digest32) noexcept {
    if (digest32.size() != 32) return make_error_code(crypto::errc::invalid_argument);
    if (sig[64] > 3) return make_error_code(errc::invalid_signature);
    secp256k1_ecdsa_recoverable_signature s;
    if (secp256k1_ecdsa_recoverable_signature_parse_compact(secp256k1_context_static, &s, sig.data(), sig[64]) != 1)
        return make_error_code(errc::invalid_signature);
    secp256k1_pubkey pk;
    if (secp256k1_ecdsa_recover(ctx(), &pk, &s, digest32.data()) != 1) return make_error_code(errc::recovery_failed);
    return store(pk);
}

result<compact_signature> sign(const private_key& k, byte_view digest32) noexcept {
    if (digest32.size() != 32) return make_error_code(crypto::errc::invalid_argument);
    secp256k1_ecdsa_signature sig;
    if (secp256k1_ecdsa_sign(ctx(), &sig, digest32.data(), k.data(), nullptr, nullptr) != 1)
        return make_error_code(errc::invalid_private_key);
    compact_signature out;
    secp256k1_ecdsa_signature_serialize_compact(secp256k1_context_static, out.data(), &sig);
    return out;
}

bool verify(const compact_signature& sig, byte_view digest32, const public_key& p) noexcept {
    if (digest32.size() != 32) return false;
    secp256k1_ecdsa_signature s;
    secp256k1_pubkey pk;
    if (secp256k1_ecdsa_signature_parse_compact(secp256k1_context_static, &s, sig.data()) != 1) return false;
    if (!load(p, pk)) return false;
    return secp256k1_ecdsa_verify(ctx(), &s, digest32.data(), &pk) == 1;
}

std::error_code sign_der(const private_key& k, byte_view digest32, bytes& out) noexcept {
    if (digest32.size() != 32) return make_error_code(crypto::errc::invalid_argument);
    secp256k1_ecdsa_signature sig;
    if (secp256k1_ecdsa_sign(ctx(), &sig, digest32.data(), k.data(), nullptr, nullptr) != 1)
        return make_error_code(errc::invalid_private_key);
    std::array<std::uint8_t, max_der_signature_size> der{};
    std::size_t len = der.size();
    if (secp256k1_ecdsa_signature_serialize_der(secp256k1_context_static, der.data(), &len, &sig) != 1)
        return make_error_code(errc::invalid_signature);
    try {
        out.assign(der.begin(), der.begin() + static_cast<std::ptrdiff_t>(len));
    } catch (...) {
        return make_error_code(crypto::errc::invalid_argument);
    }
    return {};
}

bool verify_der(byte_view der, byte_view digest32, const public_key& p) noexcept {
    if (digest32.size() != 32 || der.empty() || der.size() > max_der_signature_size) return false;
    secp256k1_ecdsa_signature s;
    secp256k1_pubkey pk;
    // libsecp256k1's parser takes strict DER only (no BER lengths, no padded integers).
    if (secp256k1_ecdsa_signature_parse_der(secp256k1_context_static, &s, der.data(), der.size()) != 1) return false;
    if (!load(p, pk)) return false;
    return secp256k1_ecdsa_verify(ctx(), &s, digest32.data(), &pk) == 1;
}

}  // namespace polywire::crypto::secp256k1
