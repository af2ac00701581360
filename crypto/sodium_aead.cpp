#include "crypto/sodium_aead.hpp"

#include <sodium.h>

namespace polywire::crypto {
namespace {

void zero(mutable_byte_view b) noexcept {
    if (!b.empty()) polywire::detail::wipe(b.data(), b.size());
}

bool sodium_ready() noexcept {
    static const bool ok = sodium_init() >= 0;  // picks the SIMD implementations
    return ok;
}

// libsodium's detached functions, one signature for both AEADs.
using seal_fn = int (*)(unsigned char*, unsigned char*, unsigned long long*, const unsigned char*, unsigned long long,
                        const unsigned char*, unsigned long long, const unsigned char*, const unsigned char*,
                        const unsigned char*);
using open_fn = int (*)(unsigned char*, unsigned char*, const unsigned char*, unsigned long long, const unsigned char*,
                        const unsigned char*, unsigned long long, const unsigned char*, const unsigned char*);

std::error_code seal_with(seal_fn f, std::error_code ec, const secret<32>& key, byte_view nonce, byte_view ad,
                          byte_view in, mutable_byte_view out, mutable_byte_view tag) noexcept {
    // libsodium allows the ciphertext to overwrite the plaintext exactly.
    if (!ec) ec = check_out_of_place(in, out);
    if (!ec && f(out.data(), tag.data(), nullptr, in.data(), in.size(), ad.data(), ad.size(), nullptr, nonce.data(),
                 key.data()) != 0)
        ec = aead_errc::library_failure;
    if (ec) {
        zero(out);
        zero(tag);
    }
    return ec;
}

std::error_code open_with(open_fn f, std::error_code ec, const secret<32>& key, byte_view nonce, byte_view ad,
                          mutable_byte_view inout, byte_view tag) noexcept {
    // libsodium verifies the tag (in constant time) before it decrypts, and
    // writes nothing on a mismatch; the ciphertext is wiped all the same.
    if (!ec && f(inout.data(), nullptr, inout.data(), inout.size(), tag.data(), ad.data(), ad.size(), nonce.data(),
                 key.data()) != 0)
        ec = aead_errc::tag_mismatch;
    if (ec) zero(inout);
    return ec;
}

}  // namespace

namespace detail {

std::error_code sodium_aead_base::set_key(byte_view key) noexcept {
    if (key.size() != key_size) return aead_errc::bad_key_size;
    if (!sodium_ready()) return aead_errc::library_failure;
    key_.assign(key);
    keyed_ = true;
    return {};
}

std::error_code sodium_aead_base::check(byte_view nonce, std::size_t nonce_size, std::size_t tag) const noexcept {
    if (!keyed_) return aead_errc::no_key;
    if (nonce.size() != nonce_size) return aead_errc::bad_nonce_size;
    if (tag != tag_size) return aead_errc::bad_tag_size;
    return {};
}

}  // namespace detail

std::error_code sodium_chacha20_poly1305::seal(byte_view nonce, byte_view ad, mutable_byte_view inout,
                                               mutable_byte_view tag) noexcept {
    return seal(nonce, ad, inout, inout, tag);
}

std::error_code sodium_chacha20_poly1305::seal(byte_view nonce, byte_view ad, byte_view in, mutable_byte_view out,
                                               mutable_byte_view tag) noexcept {
    return seal_with(crypto_aead_chacha20poly1305_ietf_encrypt_detached, check(nonce, nonce_size, tag.size()), key_,
                     nonce, ad, in, out, tag);
}

std::error_code sodium_chacha20_poly1305::open(byte_view nonce, byte_view ad, mutable_byte_view inout,
                                               byte_view tag) noexcept {
    return open_with(crypto_aead_chacha20poly1305_ietf_decrypt_detached, check(nonce, nonce_size, tag.size()), key_,
                     nonce, ad, inout, tag);
}

std::error_code sodium_xchacha20_poly1305::seal(byte_view nonce, byte_view ad, mutable_byte_view inout,
                                                mutable_byte_view tag) noexcept {
    return seal(nonce, ad, inout, inout, tag);
}

std::error_code sodium_xchacha20_poly1305::seal(byte_view nonce, byte_view ad, byte_view in, mutable_byte_view out,
                                                mutable_byte_view tag) noexcept {
    return seal_with(crypto_aead_xchacha20poly1305_ietf_encrypt_detached, check(nonce, nonce_size, tag.size()), key_,
                     nonce, ad, in, out, tag);
}

std::error_code sodium_xchacha20_poly1305::open(byte_view nonce, byte_view ad, mutable_byte_view inout,
                                                byte_view tag) noexcept {
    return open_with(crypto_aead_xchacha20poly1305_ietf_decrypt_detached, check(nonce, nonce_size, tag.size()), key_,
                     nonce, ad, inout, tag);
}

}  // namespace polywire::crypto
