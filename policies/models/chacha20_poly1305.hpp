// chacha20_poly1305<RekeyInterval, Backend>: a Cipher model — the IETF
// ChaCha20-Poly1305 AEAD (RFC 8439) with Noise's nonce layout
//     nonce = 00000000 || LE64(n)
// where n counts every seal (egress) or open (ingress) of the direction,
// from 0; no associated data. The header and the body of a frame are two
// AEAD messages, each followed by its 16-byte tag.
//
//   chacha20_poly1305<0>     a Noise CipherState: never rekeys (n < 2^64).
//   chacha20_poly1305<1000>  BOLT 8: when n reaches 1000 the direction's key
//                            rotates, ck', k' = HKDF(ck, k), and n = 0.
//
// The key material comes from the configuration's secrets through free
// functions found by argument-dependent lookup next to the secrets type:
//     byte_view cipher_key(const Secrets&, direction);    // 32 bytes
//     byte_view chaining_key(const Secrets&, direction);  // 32 bytes, only
//                                                         // when RekeyInterval > 0
// `Backend` picks the AEAD's library (crypto/backend.hpp; the
// default is the measured fastest). The counter never wraps: n = 2^64 - 1 is
// never used (Noise reserves it); once n reaches it, `open` returns
// crypto::aead_errc::nonce_exhausted (condition limit_exceeded) and `seal`
// writes zeros (which the peer rejects) and sets that error for good —
// unreachable in practice, and with BOLT 8's rekey n stays below 1000.
// `open` verifies the tag before anything is used; on a mismatch it returns
// crypto::aead_errc::tag_mismatch (condition authentication_failed) and the
// bytes are wiped.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <system_error>

#include "crypto/backend.hpp"
#include "crypto/hkdf.hpp"
#include "policies/key_agreement.hpp"
#include "transport/bytes.hpp"

namespace polywire::policies {

/// Noise's ChaChaPoly nonce: 4 zero bytes || LE64(n).
inline std::array<std::uint8_t, 12> le64_nonce(std::uint64_t n) noexcept {
    std::array<std::uint8_t, 12> out{};
    for (std::size_t i = 0; i < 8; ++i) out[4 + i] = static_cast<std::uint8_t>(n >> (8 * i));
    return out;
}

template <std::uint64_t RekeyInterval = 0, class Backend = crypto::default_chacha20_poly1305_backend>
class chacha20_poly1305 {
    using aead = typename crypto::backend_traits<Backend>::chacha20_poly1305;

public:
    static constexpr std::string_view name =
        RekeyInterval == 0 ? "ChaCha20-Poly1305" : "ChaCha20-Poly1305, HKDF rekey";
    static constexpr std::size_t key_size = aead::key_size;
    static constexpr std::size_t tag_size = aead::tag_size;
    static constexpr std::uint64_t rekey_interval = RekeyInterval;
    using backend = Backend;

    template <class Secrets>
        requires has_cipher_key<Secrets> && (RekeyInterval == 0 || has_chaining_key<Secrets>)
    chacha20_poly1305(const Secrets& s, direction d) noexcept {
        key_.assign(cipher_key(s, d));
        if constexpr (RekeyInterval > 0) ck_.assign(chaining_key(s, d));
        error_ = aead_.set_key(key_);
    }

    void seal(mutable_byte_view inout, mutable_byte_view tag) noexcept {
        if (n_ == max_nonce) error_ = crypto::aead_errc::nonce_exhausted;
        // On a (library) failure, or with the counter used up, both are
        // zeroed: the peer then rejects the frame, and no plaintext leaves.
        if (error_ || aead_.seal(le64_nonce(n_), {}, inout, tag)) {
            polywire::detail::wipe(inout.data(), inout.size());
            polywire::detail::wipe(tag.data(), tag.size());
        }
        if (n_ != max_nonce) advance();
    }

    std::error_code open(mutable_byte_view inout, byte_view tag) noexcept {
        if (error_) return error_;
        if (n_ == max_nonce) return crypto::aead_errc::nonce_exhausted;
        if (auto ec = aead_.open(le64_nonce(n_), {}, inout, tag)) return ec;
        advance();
        return {};
    }

    /// The nonce the next seal/open uses (for tests).
    std::uint64_t nonce() const noexcept { return n_; }
    /// Test only: moves the counter (to reach its end without 2^64 messages).
    /// Kept as an entry point: the end of the counter is a property of the
    /// wire format, not a limit an option could lower.
    void set_nonce_for_testing_only(std::uint64_t n) noexcept { n_ = n; }

    /// The counter's last value, never used as a nonce.
    static constexpr std::uint64_t max_nonce = ~std::uint64_t{0};

private:
    void advance() noexcept {
        ++n_;
        if constexpr (RekeyInterval > 0) {
            if (n_ == RekeyInterval) rotate();
        }
    }

    // ck', k' = HKDF(salt = ck, ikm = k); n = 0.
    void rotate() noexcept {
        secret<64> okm;
        if (auto ec = crypto::hkdf_sha256(okm.mutable_view(), key_, ck_)) {
            error_ = ec;
            return;
        }
        ck_.assign(okm.view().first(32));
        key_.assign(okm.view().subspan(32));
        n_ = 0;
        error_ = aead_.set_key(key_);
    }

    aead aead_;
    secret<key_size> key_;
    secret<32> ck_;
    std::uint64_t n_ = 0;
    std::error_code error_{};
};

}  // namespace polywire::policies
