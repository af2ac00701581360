// AES primitives from Botan: CTR mode (128-bit big-endian counter over the
// whole block, as Go's cipher.NewCTR and OpenSSL) and a single-block
// encryptor (the RLPx MAC's "AES in ECB").
#pragma once

#include <memory>

#include "transport/bytes.hpp"

namespace polywire::crypto {

/// AES-CTR keystream; `apply` XORs the next keystream bytes into `inout`.
/// The keystream continues across calls. Key is 16 (AES-128) or 32
/// (AES-256) bytes; the IV is 16 bytes.
class aes_ctr {
public:
    aes_ctr(byte_view key, byte_view iv);
    ~aes_ctr();
    aes_ctr(aes_ctr&&) noexcept;
    aes_ctr& operator=(aes_ctr&&) noexcept;

    void apply(mutable_byte_view inout) noexcept;
    /// Encrypts or decrypts `in` into `out` (same length).
    void apply(byte_view in, mutable_byte_view out) noexcept;

private:
    struct impl;
    std::unique_ptr<impl> p_;
};

/// AES-256 single-block encryption under a fixed key.
class aes256_block {
public:
    explicit aes256_block(byte_view key);
    ~aes256_block();
    aes256_block(aes256_block&&) noexcept;
    aes256_block& operator=(aes256_block&&) noexcept;

    /// Encrypts one 16-byte block in place.
    void encrypt(std::uint8_t* block16) const noexcept;

private:
    struct impl;
    std::unique_ptr<impl> p_;
};

}  // namespace polywire::crypto
