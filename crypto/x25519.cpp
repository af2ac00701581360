#include "crypto/x25519.hpp"

#include <botan/curve25519.h>

#include "crypto/random.hpp"
#include "crypto/error.hpp"

namespace polywire::crypto::x25519 {

result<private_key> generate() noexcept { return generate(transport::random_source{}); }

result<private_key> generate(const transport::random_source& source) noexcept {
    private_key k;
    if (auto ec = random_bytes(source, k.mutable_view())) return ec;
    return k;
}

public_key public_key_of(const private_key& k) noexcept {
    public_key out{};
    // curve25519_basepoint clamps a copy of the scalar and computes k*9.
    Botan::curve25519_basepoint(out.data(), k.data());
    return out;
}

std::array<std::uint8_t, key_size> scalar_mult(byte_view scalar32, byte_view u32) noexcept {
    std::array<std::uint8_t, key_size> out{};
    if (scalar32.size() != key_size || u32.size() != key_size) return out;
    Botan::curve25519_donna(out.data(), scalar32.data(), u32.data());
    return out;
}

result<secret<key_size>> shared_secret(const private_key& k, const public_key& peer) noexcept {
    secret<key_size> out;
    Botan::curve25519_donna(out.data(), k.data(), peer.data());
    std::uint8_t acc = 0;
    for (std::size_t i = 0; i < key_size; ++i) acc = static_cast<std::uint8_t>(acc | out[i]);
    if (acc == 0) return crypto::errc::invalid_point;
    return out;
}

}  // namespace polywire::crypto::x25519
