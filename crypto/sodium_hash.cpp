#include "crypto/sodium_hash.hpp"

#include <sodium.h>

#include "transport/error.hpp"

namespace polywire::crypto::sodium_hash {
namespace {
bool ready() noexcept {
    static const bool ok = sodium_init() >= 0;
    return ok;
}
}  // namespace

std::error_code sha256(std::initializer_list<byte_view> parts, mutable_byte_view out) noexcept {
    if (out.size() != sha256_size) return transport::errc::invalid_argument;
    if (!ready()) return transport::errc::crypto_failure;
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    for (byte_view p : parts) crypto_hash_sha256_update(&st, p.data(), p.size());
    crypto_hash_sha256_final(&st, out.data());
    sodium_memzero(&st, sizeof st);
    return {};
}

std::error_code hmac_sha256(byte_view key, std::initializer_list<byte_view> parts, mutable_byte_view out) noexcept {
    if (out.size() != sha256_size) return transport::errc::invalid_argument;
    if (!ready()) return transport::errc::crypto_failure;
    crypto_auth_hmacsha256_state st;  // holds the key's pads: wiped below
    crypto_auth_hmacsha256_init(&st, key.data(), key.size());
    for (byte_view p : parts) crypto_auth_hmacsha256_update(&st, p.data(), p.size());
    crypto_auth_hmacsha256_final(&st, out.data());
    sodium_memzero(&st, sizeof st);
    return {};
}

}  // namespace polywire::crypto::sodium_hash
