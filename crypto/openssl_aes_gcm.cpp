#include "crypto/openssl_aes_gcm.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <climits>

namespace polywire::crypto {
namespace {

EVP_CIPHER_CTX* cast(void* p) noexcept { return static_cast<EVP_CIPHER_CTX*>(p); }

void zero(mutable_byte_view b) noexcept {
    if (!b.empty()) polywire::detail::wipe(b.data(), b.size());
}

std::error_code check(const void* ctx, byte_view nonce, std::size_t tag, std::size_t n) noexcept {
    if (ctx == nullptr) return aead_errc::no_key;
    if (nonce.size() != openssl_aes256_gcm::nonce_size) return aead_errc::bad_nonce_size;
    if (tag != openssl_aes256_gcm::tag_size) return aead_errc::bad_tag_size;
    if (n > static_cast<std::size_t>(INT_MAX)) return aead_errc::library_failure;
    return {};
}

// AES-256-GCM fetched once per process: EVP_aes_256_gcm() makes OpenSSL 3
// fetch it again (a locked lookup by name) at every key set, and a Noise
// handshake sets a key per encrypted field. Null if the fetch failed (the
// built-in is used then).
const EVP_CIPHER* aes256_gcm() noexcept {
    static EVP_CIPHER* const fetched = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
    return fetched != nullptr ? fetched : EVP_aes_256_gcm();
}

}  // namespace

openssl_aes256_gcm::~openssl_aes256_gcm() { EVP_CIPHER_CTX_free(cast(ctx_)); }  // cleanses the key schedule

openssl_aes256_gcm& openssl_aes256_gcm::operator=(openssl_aes256_gcm&& o) noexcept {
    if (this != &o) {
        EVP_CIPHER_CTX_free(cast(ctx_));
        ctx_ = o.ctx_;
        o.ctx_ = nullptr;
    }
    return *this;
}

std::error_code openssl_aes256_gcm::set_key(byte_view key) noexcept {
    if (key.size() != key_size) return aead_errc::bad_key_size;
    if (ctx_ == nullptr) ctx_ = EVP_CIPHER_CTX_new();
    EVP_CIPHER_CTX* c = cast(ctx_);
    if (c == nullptr) return aead_errc::library_failure;
    // Key once (the schedule stays in the context); the nonce per message.
    if (EVP_CipherInit_ex(c, aes256_gcm(), nullptr, key.data(), nullptr, 1) != 1) {
        EVP_CIPHER_CTX_free(c);
        ctx_ = nullptr;
        return aead_errc::library_failure;
    }
    return {};
}

std::error_code openssl_aes256_gcm::seal(byte_view nonce, byte_view ad, mutable_byte_view inout,
                                         mutable_byte_view tag) noexcept {
    return seal(nonce, ad, inout, inout, tag);
}

std::error_code openssl_aes256_gcm::seal(byte_view nonce, byte_view ad, byte_view in, mutable_byte_view out,
                                         mutable_byte_view tag) noexcept {
    std::error_code ec = check(ctx_, nonce, tag.size(), std::max(ad.size(), in.size()));
    if (!ec) ec = check_out_of_place(in, out);
    EVP_CIPHER_CTX* c = cast(ctx_);
    int n = 0;
    std::uint8_t last[16];  // GCM writes nothing at the end
    if (!ec && (EVP_CipherInit_ex(c, nullptr, nullptr, nullptr, nonce.data(), 1) != 1 ||
                (!ad.empty() && EVP_CipherUpdate(c, nullptr, &n, ad.data(), static_cast<int>(ad.size())) != 1) ||
                (!in.empty() && EVP_CipherUpdate(c, out.data(), &n, in.data(), static_cast<int>(in.size())) != 1) ||
                EVP_CipherFinal_ex(c, last, &n) != 1 ||
                EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, static_cast<int>(tag_size), tag.data()) != 1))
        ec = aead_errc::library_failure;
    if (ec) {
        zero(out);
        zero(tag);
    }
    return ec;
}

std::error_code openssl_aes256_gcm::open(byte_view nonce, byte_view ad, mutable_byte_view inout,
                                         byte_view tag) noexcept {
    std::error_code ec = check(ctx_, nonce, tag.size(), std::max(ad.size(), inout.size()));
    EVP_CIPHER_CTX* c = cast(ctx_);
    int n = 0;
    std::uint8_t last[16];  // GCM writes nothing at the end
    // GCM decrypts as it goes and checks the tag at the end; on a mismatch
    // the plaintext written so far is wiped before returning.
    if (!ec && (EVP_CipherInit_ex(c, nullptr, nullptr, nullptr, nonce.data(), 0) != 1 ||
                (!ad.empty() && EVP_CipherUpdate(c, nullptr, &n, ad.data(), static_cast<int>(ad.size())) != 1) ||
                (!inout.empty() &&
                 EVP_CipherUpdate(c, inout.data(), &n, inout.data(), static_cast<int>(inout.size())) != 1) ||
                EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, static_cast<int>(tag_size),
                                    const_cast<std::uint8_t*>(tag.data())) != 1))
        ec = aead_errc::library_failure;
    if (!ec && EVP_CipherFinal_ex(c, last, &n) != 1) ec = aead_errc::tag_mismatch;
    if (ec) zero(inout);
    return ec;
}

}  // namespace polywire::crypto
