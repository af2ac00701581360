// The CipherState and SymmetricState objects of the Noise Protocol
// Framework (noiseprotocol.org, revision 34, §5.1 and §5.2), generic over a
// suite's cipher and hash (suite.hpp). Both are plain values (copyable), so a
// handshake can read a message into a copy and keep it only if the whole
// message checks out.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string_view>
#include <system_error>

#include "crypto/chacha20_poly1305.hpp"
#include "policies/noise/error.hpp"
#include "transport/bytes.hpp"

namespace polywire::noise {

inline constexpr std::size_t key_len = 32;
inline constexpr std::size_t tag_len = 16;
inline constexpr std::size_t max_message_len = 65535;

/// HKDF(chaining_key, ikm, n) of §4.3 (RFC 5869 with salt chaining_key and
/// empty info) from the Hash policy's HMAC: n = 2 or 3 outputs of HASHLEN
/// bytes (o3 empty: two). MixKey, Split, and BOLT 8's key rotation
/// (ck', k' = HKDF(ck, k)) use it.
template <class Hash>
std::error_code hkdf(byte_view chaining_key, byte_view ikm, mutable_byte_view o1, mutable_byte_view o2,
                     mutable_byte_view o3 = {}) noexcept {
    secret<Hash::hash_len> temp;
    const std::uint8_t one = 1, two = 2, three = 3;
    if (auto ec = Hash::hmac(chaining_key, {ikm}, temp.mutable_view())) return ec;
    if (auto ec = Hash::hmac(temp.view(), {byte_view(&one, 1)}, o1)) return ec;
    if (auto ec = Hash::hmac(temp.view(), {o1, byte_view(&two, 1)}, o2)) return ec;
    if (!o3.empty()) {
        if (auto ec = Hash::hmac(temp.view(), {o2, byte_view(&three, 1)}, o3)) return ec;
    }
    return {};
}

/// §5.1: a key k (or none) and a 64-bit nonce n. The key's AEAD object is
/// made per call: a CipherState only lives through a handshake (transport
/// messages use transport_cipher, which keys its AEAD once).
template <class Cipher>
class cipher_state {
public:
    void initialize_key(byte_view key) noexcept {
        k_.assign(key);
        has_key_ = true;
        n_ = 0;
    }
    bool has_key() const noexcept { return has_key_; }
    std::uint64_t nonce() const noexcept { return n_; }
    byte_view key() const noexcept { return k_.view(); }

    /// ENCRYPT(k, n++, ad, inout) in place, the tag into `tag`; with no key,
    /// leaves `inout` as it is (and `tag` must be empty).
    std::error_code encrypt_with_ad(byte_view ad, mutable_byte_view inout, mutable_byte_view tag) noexcept {
        if (!has_key_) return {};
        if (n_ == std::numeric_limits<std::uint64_t>::max()) return crypto::aead_errc::nonce_exhausted;
        typename Cipher::aead a;
        if (auto ec = a.set_key(k_.view())) return ec;
        if (auto ec = a.seal(Cipher::nonce(n_), ad, inout, tag)) return ec;
        ++n_;
        return {};
    }

    /// DECRYPT(k, n++, ad, inout || tag) in place; n advances only on success.
    std::error_code decrypt_with_ad(byte_view ad, mutable_byte_view inout, byte_view tag) noexcept {
        if (!has_key_) return {};
        if (n_ == std::numeric_limits<std::uint64_t>::max()) return crypto::aead_errc::nonce_exhausted;
        typename Cipher::aead a;
        if (auto ec = a.set_key(k_.view())) return ec;
        if (a.open(Cipher::nonce(n_), ad, inout, tag)) return errc::decrypt_failed;
        ++n_;
        return {};
    }

private:
    secret<key_len> k_;
    bool has_key_ = false;
    std::uint64_t n_ = 0;
};

/// §5.2: the chaining key ck, the handshake hash h and a CipherState.
template <class Suite>
class symmetric_state {
    using hash = typename Suite::hash;
    static constexpr std::size_t hash_len = hash::hash_len;

public:
    /// InitializeSymmetric(protocol_name).
    std::error_code initialize(std::string_view protocol_name) noexcept {
        h_.fill(0);
        if (protocol_name.size() <= hash_len) {
            std::copy(protocol_name.begin(), protocol_name.end(), h_.begin());
        } else if (auto ec = hash::hash({as_bytes(protocol_name)}, h_)) {
            return ec;
        }
        ck_.assign(h_);
        cs_ = {};
        return {};
    }

    /// MixKey(ikm): ck, temp_k = HKDF(ck, ikm, 2); InitializeKey(temp_k[:32]).
    std::error_code mix_key(byte_view ikm) noexcept {
        secret<hash_len> ck, k;
        if (auto ec = hkdf(ikm, ck.mutable_view(), k.mutable_view())) return ec;
        ck_ = ck;
        cs_.initialize_key(k.view().first(key_len));
        return {};
    }

    /// MixHash(data): h = HASH(h || data).
    std::error_code mix_hash(byte_view data) noexcept { return hash::hash({h_, data}, h_); }

    /// MixKeyAndHash(ikm): ck, temp_h, temp_k = HKDF(ck, ikm, 3).
    std::error_code mix_key_and_hash(byte_view ikm) noexcept {
        secret<hash_len> ck, th, k;
        if (auto ec = hkdf(ikm, ck.mutable_view(), th.mutable_view(), k.mutable_view())) return ec;
        ck_ = ck;
        if (auto ec = mix_hash(th.view())) return ec;
        cs_.initialize_key(k.view().first(key_len));
        return {};
    }

    /// EncryptAndHash(plaintext), appended to `out`.
    std::error_code encrypt_and_hash(byte_view plaintext, bytes& out) {
        const std::size_t at = out.size();
        const std::size_t tag = cs_.has_key() ? tag_len : 0;
        out.resize(at + plaintext.size() + tag);
        if (!plaintext.empty()) std::memcpy(out.data() + at, plaintext.data(), plaintext.size());
        mutable_byte_view all(out.data() + at, plaintext.size() + tag);
        if (auto ec = cs_.encrypt_with_ad(h_, all.first(plaintext.size()), all.subspan(plaintext.size()))) return ec;
        return mix_hash(all);
    }

    /// DecryptAndHash(ciphertext) into `plaintext` (resized).
    std::error_code decrypt_and_hash(byte_view ciphertext, secure_bytes& plaintext) {
        const std::size_t tag = cs_.has_key() ? tag_len : 0;
        if (ciphertext.size() < tag) return errc::message_truncated;
        plaintext.assign(ciphertext.begin(), ciphertext.end() - static_cast<std::ptrdiff_t>(tag));
        if (auto ec = cs_.decrypt_with_ad(h_, plaintext, ciphertext.last(tag))) return ec;
        return mix_hash(ciphertext);
    }

    /// Split(): the keys of the two transport CipherStates (c1, then c2).
    std::error_code split(secret<key_len>& k1, secret<key_len>& k2) const noexcept {
        secret<hash_len> t1, t2;
        if (auto ec = hkdf({}, t1.mutable_view(), t2.mutable_view())) return ec;
        k1.assign(t1.view().first(key_len));
        k2.assign(t2.view().first(key_len));
        return {};
    }

    bool has_key() const noexcept { return cs_.has_key(); }
    byte_view handshake_hash() const noexcept { return h_; }
    byte_view chaining_key() const noexcept { return ck_.view(); }
    byte_view cipher_key() const noexcept { return cs_.key(); }

private:
    std::error_code hkdf(byte_view ikm, mutable_byte_view o1, mutable_byte_view o2,
                         mutable_byte_view o3 = {}) const noexcept {
        return noise::hkdf<hash>(ck_.view(), ikm, o1, o2, o3);
    }

    std::array<std::uint8_t, hash_len> h_{};
    secret<hash_len> ck_;
    cipher_state<typename Suite::cipher> cs_;
};

}  // namespace polywire::noise
