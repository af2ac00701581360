#include "crypto/aes.hpp"

#include <botan/block_cipher.h>
#include <botan/stream_cipher.h>

namespace polywire::crypto {

struct aes_ctr::impl {
    std::unique_ptr<Botan::StreamCipher> c;
};

aes_ctr::aes_ctr(byte_view key, byte_view iv) : p_(std::make_unique<impl>()) {
    p_->c = Botan::StreamCipher::create_or_throw(key.size() == 16 ? "CTR-BE(AES-128)" : "CTR-BE(AES-256)");
    p_->c->set_key(key.data(), key.size());
    p_->c->set_iv(iv.data(), iv.size());
}
aes_ctr::~aes_ctr() = default;
aes_ctr::aes_ctr(aes_ctr&&) noexcept = default;
aes_ctr& aes_ctr::operator=(aes_ctr&&) noexcept = default;

void aes_ctr::apply(mutable_byte_view inout) noexcept { p_->c->cipher1(inout.data(), inout.size()); }

void aes_ctr::apply(byte_view in, mutable_byte_view out) noexcept {
    p_->c->cipher(in.data(), out.data(), in.size());
}

struct aes256_block::impl {
    std::unique_ptr<Botan::BlockCipher> c;
};

aes256_block::aes256_block(byte_view key) : p_(std::make_unique<impl>()) {
    p_->c = Botan::BlockCipher::create_or_throw("AES-256");
    p_->c->set_key(key.data(), key.size());
}
aes256_block::~aes256_block() = default;
aes256_block::aes256_block(aes256_block&&) noexcept = default;
aes256_block& aes256_block::operator=(aes256_block&&) noexcept = default;

void aes256_block::encrypt(std::uint8_t* block16) const noexcept { p_->c->encrypt(block16); }

}  // namespace polywire::crypto
