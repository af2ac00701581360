// BOLT 8's DH function as a Noise DH policy (policies/noise/suite.hpp):
// secp256k1 through libsecp256k1 (crypto/secp256k1.hpp).
//
//   public keys   33-byte compressed points (0x02/0x03 || X), on the wire
//   DH(k, P)      SHA-256 of the compressed point k*P (32 bytes)
//   keys drawn    32 bytes from the random source, again while not a valid
//                 private key (crypto::secp256k1::generate_private_key)
//   keys received must be points on the curve (prepare): the handshake
//                 refuses any other before it uses it, and keeps the point
//                 prepare decoded (a square root) for its DHs with that key
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "crypto/secp256k1.hpp"
#include "transport/bytes.hpp"
#include "transport/error.hpp"
#include "transport/random.hpp"
#include "transport/result.hpp"

namespace polywire::variants::noise_xk {

struct secp256k1_dh {
    static constexpr std::string_view name = "secp256k1";
    static constexpr std::size_t dh_len = 32;
    using private_key = crypto::secp256k1::private_key;
    using public_key = crypto::secp256k1::compressed_public_key;

    static result<public_key> public_key_of(const private_key& k) noexcept {
        auto p = crypto::secp256k1::derive_compressed_public_key(k);
        if (!p) return make_error_code(transport::errc::bad_key);
        return p.value();
    }

    /// A received key decoded: X || Y.
    using prepared_key = crypto::secp256k1::public_key;

    /// The point a received key encodes; empty if it is not a compressed
    /// point on the curve.
    static std::optional<prepared_key> prepare(const public_key& k) noexcept {
        auto p = crypto::secp256k1::parse_public_key(k);
        if (!p) return std::nullopt;
        return p.value();
    }

    static result<secret<dh_len>> dh(const private_key& k, const prepared_key& peer) noexcept {
        auto shared = crypto::secp256k1::ecdh_sha256(k, peer);
        if (!shared) return make_error_code(transport::errc::crypto_failure);
        return shared.value();
    }

    /// The DH with a key as it travels (decoded here): for callers outside
    /// the handshake, which decodes each key once (prepare).
    static result<secret<dh_len>> dh(const private_key& k, const public_key& peer) noexcept {
        auto p = prepare(peer);
        if (!p) return make_error_code(transport::errc::bad_key);
        return dh(k, *p);
    }

    static result<private_key> generate_private_key(const transport::random_source& random) noexcept {
        return crypto::secp256k1::generate_private_key(random);
    }
};

}  // namespace polywire::variants::noise_xk
