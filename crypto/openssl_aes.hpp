// AES-CTR from OpenSSL 3's EVP (AES-NI/VAES where the CPU has them): the
// same keystream as crypto::aes_ctr (128-bit big-endian counter over the
// whole block), the same interface — select it with crypto::openssl_backend
// (crypto/backend.hpp). OpenSSL's headers stay in the .cpp file.
#pragma once

#include <memory>

#include "transport/bytes.hpp"

namespace polywire::crypto {

/// AES-CTR keystream; `apply` XORs the next keystream bytes into `inout`.
/// The keystream continues across calls. Key is 16 (AES-128) or 32
/// (AES-256) bytes; the IV is 16 bytes. The constructor throws
/// std::bad_alloc when OpenSSL cannot make its context and
/// std::invalid_argument for a bad key or IV size (as crypto::aes_ctr);
/// `apply` never throws or allocates.
class openssl_aes_ctr {
public:
    openssl_aes_ctr(byte_view key, byte_view iv);
    ~openssl_aes_ctr();
    openssl_aes_ctr(openssl_aes_ctr&&) noexcept;
    openssl_aes_ctr& operator=(openssl_aes_ctr&&) noexcept;

    void apply(mutable_byte_view inout) noexcept;
    /// Encrypts or decrypts `in` into `out` (same length).
    void apply(byte_view in, mutable_byte_view out) noexcept;

private:
    struct impl;
    std::unique_ptr<impl> p_;
};

}  // namespace polywire::crypto
