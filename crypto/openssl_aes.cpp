#include "crypto/openssl_aes.hpp"

#include <algorithm>
#include <new>
#include <stdexcept>

#include <openssl/evp.h>

namespace polywire::crypto {

struct openssl_aes_ctr::impl {
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    ~impl() { EVP_CIPHER_CTX_free(ctx); }  // cleanses the key schedule
};

openssl_aes_ctr::openssl_aes_ctr(byte_view key, byte_view iv) : p_(std::make_unique<impl>()) {
    if (!p_->ctx) throw std::bad_alloc();
    if ((key.size() != 16 && key.size() != 32) || iv.size() != 16)
        throw std::invalid_argument("AES-CTR takes a 16- or 32-byte key and a 16-byte IV");
    const EVP_CIPHER* c = key.size() == 16 ? EVP_aes_128_ctr() : EVP_aes_256_ctr();
    if (EVP_EncryptInit_ex(p_->ctx, c, nullptr, key.data(), iv.data()) != 1) throw std::bad_alloc();
}
openssl_aes_ctr::~openssl_aes_ctr() = default;
openssl_aes_ctr::openssl_aes_ctr(openssl_aes_ctr&&) noexcept = default;
openssl_aes_ctr& openssl_aes_ctr::operator=(openssl_aes_ctr&&) noexcept = default;

void openssl_aes_ctr::apply(mutable_byte_view inout) noexcept { apply(inout, inout); }

void openssl_aes_ctr::apply(byte_view in, mutable_byte_view out) noexcept {
    // EVP takes int lengths; CTR keeps its position across calls, so longer
    // inputs simply go through in pieces. In CTR mode EVP_EncryptUpdate
    // cannot fail on a context that initialised.
    const std::uint8_t* i = in.data();
    std::uint8_t* o = out.data();
    for (std::size_t left = std::min(in.size(), out.size()); left > 0;) {
        const std::size_t piece = std::min(left, std::size_t{1} << 30);
        int n = 0;
        (void)EVP_EncryptUpdate(p_->ctx, o, &n, i, static_cast<int>(piece));
        i += piece;
        o += piece;
        left -= piece;
    }
}

}  // namespace polywire::crypto
