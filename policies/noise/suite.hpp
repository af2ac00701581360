// Noise suites (noiseprotocol.org, revision 34, §4 and §12): the DH
// function, the cipher and the hash of a protocol, each a policy over a
// primitive of a library polywire already links. None is implemented here.
//
//   DH       dh25519    X25519, Botan 2 (crypto/x25519.hpp)         DHLEN 32
//            dh448      X448, OpenSSL 3 (crypto/x448.hpp)           DHLEN 56
//   cipher   chachapoly ChaCha20-Poly1305, libsodium                nonce 0^32 || LE64(n)
//                       (crypto/sodium_aead.hpp); chachapoly_on<Backend>
//                       the same from another library (crypto/backend.hpp)
//            aesgcm     AES-256-GCM, OpenSSL 3                      nonce 0^32 || BE64(n)
//                       (crypto/openssl_aes_gcm.hpp)
//   hash     sha256, sha512, blake2s, blake2b: OpenSSL 3 EVP digests, HMAC
//            over each (crypto/openssl_digest.hpp)                  HASHLEN 32, 64, 32, 64
//            sha256_on_stack: SHA256 from libsodium, no allocation
//            (crypto/sodium_hash.hpp)
//
// `suite<DH, Cipher, Hash>` groups them; its name is "25519_ChaChaPoly_SHA256".
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <system_error>

#include "crypto/backend.hpp"
#include "crypto/openssl_aes_gcm.hpp"
#include "crypto/openssl_digest.hpp"
#include "crypto/sodium_aead.hpp"
#include "crypto/sodium_hash.hpp"
#include "crypto/x25519.hpp"
#include "crypto/x448.hpp"
#include "transport/bytes.hpp"
#include "transport/result.hpp"

namespace polywire::noise {

// ---- DH functions ------------------------------------------------------

struct dh25519 {
    static constexpr std::string_view name = "25519";
    static constexpr std::size_t dh_len = 32;
    using private_key = secret<dh_len>;
    using public_key = std::array<std::uint8_t, dh_len>;
    static result<public_key> public_key_of(const private_key& k) noexcept { return crypto::x25519::public_key_of(k); }
    static result<secret<dh_len>> dh(const private_key& k, const public_key& peer) noexcept {
        return crypto::x25519::shared_secret(k, peer);
    }
};

struct dh448 {
    static constexpr std::string_view name = "448";
    static constexpr std::size_t dh_len = 56;
    using private_key = secret<dh_len>;
    using public_key = std::array<std::uint8_t, dh_len>;
    static result<public_key> public_key_of(const private_key& k) noexcept { return crypto::x448::public_key_of(k); }
    static result<secret<dh_len>> dh(const private_key& k, const public_key& peer) noexcept {
        return crypto::x448::shared_secret(k, peer);
    }
};

// ---- ciphers -------------------------------------------------------------

struct chachapoly {
    static constexpr std::string_view name = "ChaChaPoly";
    using aead = crypto::sodium_chacha20_poly1305;
    /// 32 bits of zeros, then the little-endian 64-bit counter.
    static std::array<std::uint8_t, 12> nonce(std::uint64_t n) noexcept {
        std::array<std::uint8_t, 12> v{};
        for (int i = 0; i < 8; ++i) v[4 + i] = static_cast<std::uint8_t>(n >> (8 * i));
        return v;
    }
};

/// ChaChaPoly computed by another backend's AEAD (crypto/backend.hpp): the
/// same cipher, the same bytes; e.g. a transport cipher on
/// crypto::default_chacha20_poly1305_backend, which switches libraries by
/// message size.
template <class Backend>
struct chachapoly_on : chachapoly {
    using backend = Backend;
    using aead = typename crypto::backend_traits<Backend>::chacha20_poly1305;
};

struct aesgcm {
    static constexpr std::string_view name = "AESGCM";
    using aead = crypto::openssl_aes256_gcm;
    /// 32 bits of zeros, then the big-endian 64-bit counter.
    static std::array<std::uint8_t, 12> nonce(std::uint64_t n) noexcept {
        std::array<std::uint8_t, 12> v{};
        for (int i = 0; i < 8; ++i) v[11 - i] = static_cast<std::uint8_t>(n >> (8 * i));
        return v;
    }
};

// ---- hashes ----------------------------------------------------------------

template <crypto::digest_algorithm A, std::size_t BlockLen>
struct openssl_hash {
    static constexpr crypto::digest_algorithm algorithm = A;
    static constexpr std::size_t hash_len = crypto::digest_size(A);
    static constexpr std::size_t block_len = BlockLen;
    using digest = std::array<std::uint8_t, hash_len>;
    static std::error_code hash(std::initializer_list<byte_view> parts, mutable_byte_view out) noexcept {
        return crypto::openssl_digest::hash(A, parts, out);
    }
    static std::error_code hmac(byte_view key, std::initializer_list<byte_view> parts, mutable_byte_view out) noexcept {
        return crypto::openssl_digest::hmac(A, key, parts, out);
    }
};

struct sha256 : openssl_hash<crypto::digest_algorithm::sha256, 64> {
    static constexpr std::string_view name = "SHA256";
};
struct sha512 : openssl_hash<crypto::digest_algorithm::sha512, 128> {
    static constexpr std::string_view name = "SHA512";
};
struct blake2s : openssl_hash<crypto::digest_algorithm::blake2s256, 64> {
    static constexpr std::string_view name = "BLAKE2s";
};
struct blake2b : openssl_hash<crypto::digest_algorithm::blake2b512, 128> {
    static constexpr std::string_view name = "BLAKE2b";
};

/// SHA256 again, from libsodium with its state on the stack: never
/// allocates (OpenSSL 3's HMAC does at every new key), three to four times
/// slower than OpenSSL's on a CPU with SHA extensions
/// (crypto/sodium_hash.hpp). For a key rotation that must not allocate
/// (BOLT 8's, hkdf_rotation), not for handshakes.
struct sha256_on_stack {
    static constexpr std::string_view name = "SHA256";
    static constexpr std::size_t hash_len = crypto::sodium_hash::sha256_size;
    static constexpr std::size_t block_len = 64;
    using digest = std::array<std::uint8_t, hash_len>;
    static std::error_code hash(std::initializer_list<byte_view> parts, mutable_byte_view out) noexcept {
        return crypto::sodium_hash::sha256(parts, out);
    }
    static std::error_code hmac(byte_view key, std::initializer_list<byte_view> parts, mutable_byte_view out) noexcept {
        return crypto::sodium_hash::hmac_sha256(key, parts, out);
    }
};

// ---- suites ------------------------------------------------------------

template <class DH, class Cipher, class Hash>
struct suite {
    using dh = DH;
    using cipher = Cipher;
    using hash = Hash;
};

namespace detail {
/// Concatenates string_views known at compile time into one static array.
template <const std::string_view&... Parts>
struct joined {
    static constexpr std::size_t size = (Parts.size() + ...);
    static constexpr std::array<char, size> chars = [] {
        std::array<char, size> a{};
        std::size_t at = 0;
        for (std::string_view p : {Parts...})
            for (char c : p) a[at++] = c;
        return a;
    }();
    static constexpr std::string_view value{chars.data(), size};
};
inline constexpr std::string_view noise_prefix = "Noise_";
inline constexpr std::string_view underscore = "_";
}  // namespace detail

/// "Noise_<pattern>_<dh>_<cipher>_<hash>", built at compile time.
template <class Pattern, class Suite>
inline constexpr std::string_view protocol_name =
    detail::joined<detail::noise_prefix, Pattern::name, detail::underscore, Suite::dh::name, detail::underscore,
                   Suite::cipher::name, detail::underscore, Suite::hash::name>::value;

}  // namespace polywire::noise
