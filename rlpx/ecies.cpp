#include "rlpx/ecies.hpp"

#include <algorithm>
#include <exception>
#include <new>

#include "crypto/aes.hpp"
#include "crypto/hash.hpp"
#include "crypto/random.hpp"
#include "rlpx/error.hpp"
#include "transport/error.hpp"

namespace polywire::rlpx::ecies {
namespace {

namespace secp = crypto::secp256k1;

constexpr std::size_t aes_key_size = 16;  // ECIES_AES128_SHA256: KeyLen 16

// Ke (AES-128 key) and Km = SHA256(K[16:32]) (HMAC key) from the shared X.
struct keys {
    secret<32> k;   // K = Ke || K[16:32]
    secret<32> km;  // SHA256(K[16:32])
    byte_view ke() const noexcept { return k.view().first(aes_key_size); }
};

void derive_keys(const secret<32>& z, keys& out) noexcept {
    concat_kdf(z, out.k.mutable_view());
    crypto::digest32 km = crypto::sha256(out.k.view().subspan(aes_key_size));
    out.km.assign(km);
    detail::wipe(km.data(), km.size());
}

}  // namespace

void concat_kdf(byte_view z, mutable_byte_view out) noexcept {
    std::uint32_t counter = 1;
    for (std::size_t done = 0; done < out.size(); ++counter) {
        const std::uint8_t be[4] = {static_cast<std::uint8_t>(counter >> 24), static_cast<std::uint8_t>(counter >> 16),
                                    static_cast<std::uint8_t>(counter >> 8), static_cast<std::uint8_t>(counter)};
        crypto::digest32 block = crypto::sha256(byte_view(be, sizeof be), z);
        const std::size_t n = std::min(block.size(), out.size() - done);
        std::copy_n(block.begin(), n, out.begin() + static_cast<std::ptrdiff_t>(done));
        detail::wipe(block.data(), block.size());
        done += n;
    }
}

result<bytes> encrypt(const secp::public_key& remote, byte_view plaintext, byte_view shared_mac_data,
                      const transport::random_source& random) noexcept {
    try {
        POLYWIRE_TRY(r, secp::generate_private_key(random));
        POLYWIRE_TRY(r_pub, secp::derive_public_key(r));
        auto z = secp::ecdh_x(r, remote);
        if (!z) return make_error_code(errc::invalid_curve_point);
        keys k;
        derive_keys(z.value(), k);

        std::array<std::uint8_t, iv_size> iv{};
        if (auto ec = crypto::random_bytes(random, iv)) return ec;

        bytes out;
        out.reserve(overhead + plaintext.size());
        out.push_back(0x04);
        out.insert(out.end(), r_pub.begin(), r_pub.end());
        out.insert(out.end(), iv.begin(), iv.end());
        const std::size_t c_offset = out.size();
        out.resize(c_offset + plaintext.size());
        crypto::aes_ctr ctr(k.ke(), iv);
        ctr.apply(plaintext, mutable_byte_view(out).subspan(c_offset));
        // d = HMAC(Km, iv || c || s2); iv || c is contiguous in `out`.
        const crypto::digest32 d =
            crypto::hmac_sha256(k.km, byte_view(out).subspan(public_key_size), shared_mac_data);
        out.insert(out.end(), d.begin(), d.end());
        return out;
    } catch (const std::bad_alloc&) {
        std::terminate();  // allocation failure terminates (docs/architecture.md, "Failure policy")
    } catch (...) {
        return make_error_code(transport::errc::crypto_failure);
    }
}

result<secure_bytes> decrypt(const secp::private_key& key, byte_view ciphertext, byte_view shared_mac_data) noexcept {
    try {
        if (ciphertext.size() < overhead) return make_error_code(errc::handshake_too_short);
        // geth accepts 0x02/0x03 as a first byte but still reads 65 bytes of
        // R, so only the uncompressed form can ever decrypt.
        if (ciphertext[0] != 0x04) return make_error_code(errc::invalid_curve_point);
        auto r_pub = secp::parse_public_key(ciphertext.first(public_key_size));
        if (!r_pub) return make_error_code(errc::invalid_curve_point);
        auto z = secp::ecdh_x(key, r_pub.value());
        if (!z) return make_error_code(transport::errc::bad_key);  // R is valid, so our key is not
        keys k;
        derive_keys(z.value(), k);

        const byte_view iv_and_c = ciphertext.subspan(public_key_size, ciphertext.size() - public_key_size - mac_size);
        const byte_view iv = iv_and_c.first(iv_size);
        const byte_view c = iv_and_c.subspan(iv_size);
        const byte_view d = ciphertext.last(mac_size);
        const crypto::digest32 expected = crypto::hmac_sha256(k.km, iv_and_c, shared_mac_data);
        if (!constant_time_equal(expected, d)) return make_error_code(errc::bad_auth_mac);

        secure_bytes m(c.size());
        crypto::aes_ctr ctr(k.ke(), iv);
        ctr.apply(c, m);
        return m;
    } catch (const std::bad_alloc&) {
        std::terminate();  // allocation failure terminates (docs/architecture.md, "Failure policy")
    } catch (...) {
        return make_error_code(transport::errc::crypto_failure);
    }
}

}  // namespace polywire::rlpx::ecies
