// basic_xchacha20_poly1305<Backend>: a Cipher model — the
// XChaCha20-Poly1305 AEAD (draft-irtf-cfrg-xchacha) with a 24-byte nonce
// built from a per-direction 16-byte prefix and a 64-bit number:
//     nonce = prefix (16) || LE64(n)
// `Backend` picks the AEAD's library (crypto/backend.hpp);
// `xchacha20_poly1305` is the model on the default (measured fastest) one.
//
// Two ways to use it:
//   * as a plain Cipher (policies/cipher.hpp): `seal`/`open` count the
//     direction's messages from 0 and use that count as n, no associated
//     data — for layouts whose frames arrive in order. The count never
//     wraps: at 2^64 - 1 `open` returns crypto::aead_errc::nonce_exhausted
//     and `seal` writes zeros and sets that error for good;
//   * as a PacketCipher: `seal_packet(n, ad, ...)`/`open_packet(n, ad, ...)`
//     take n from the frame (a packet number carried on the wire) and
//     authenticate `ad` (the frame header) — what a loss-tolerant datagram
//     layout needs, since the receiver cannot count. `set_key` re-keys the
//     direction (a key update), keeping the prefix.
//
// The key material comes from the configuration's secrets through free
// functions found by argument-dependent lookup next to the secrets type:
//     byte_view cipher_key(const Secrets&, direction);    // 32 bytes
//     byte_view nonce_prefix(const Secrets&, direction);  // 16 bytes
// `open`/`open_packet` verify the tag before anything is used; on a
// mismatch they return crypto::aead_errc::tag_mismatch (condition
// authentication_failed) and the bytes are wiped. The caller must never
// seal two messages with one (key, n): the packet number is the caller's.
#pragma once

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <system_error>

#include "crypto/backend.hpp"
#include "policies/key_agreement.hpp"
#include "transport/bytes.hpp"

namespace polywire::policies {

/// A Cipher whose nonce is a packet number the frame carries, and which
/// authenticates associated data; re-keyable.
template <class C>
concept PacketCipher = requires(C c, std::uint64_t n, byte_view ad, mutable_byte_view inout, mutable_byte_view tag_out,
                                byte_view tag_in, byte_view key) {
    { C::tag_size } -> std::convertible_to<std::size_t>;
    { c.seal_packet(n, ad, inout, tag_out) } noexcept;
    { c.open_packet(n, ad, inout, tag_in) } noexcept -> std::same_as<std::error_code>;
    { c.set_key(key) } noexcept -> std::same_as<std::error_code>;
};

template <class Backend>
class basic_xchacha20_poly1305 {
    using aead = typename crypto::backend_traits<Backend>::xchacha20_poly1305;

public:
    static constexpr std::string_view name = "XChaCha20-Poly1305, nonce prefix || LE64(n)";
    static constexpr std::size_t key_size = aead::key_size;
    static constexpr std::size_t prefix_size = 16;
    static constexpr std::size_t tag_size = aead::tag_size;
    using backend = Backend;

    template <class Secrets>
        requires has_cipher_key_and_nonce_prefix<Secrets>
    basic_xchacha20_poly1305(const Secrets& s, direction d) noexcept
        : basic_xchacha20_poly1305(cipher_key(s, d), nonce_prefix(s, d)) {}

    /// A direction keyed with `key` (32 bytes) and nonce prefix `prefix` (16).
    basic_xchacha20_poly1305(byte_view key, byte_view prefix) noexcept {
        if (prefix.size() != prefix_size) error_ = crypto::aead_errc::bad_nonce_size;
        for (std::size_t i = 0; i < prefix_size && i < prefix.size(); ++i) nonce_[i] = prefix[i];
        if (auto ec = aead_.set_key(key)) error_ = ec;
    }

    // ---- Cipher: an implicit counter, no associated data ----------------
    void seal(mutable_byte_view inout, mutable_byte_view tag) noexcept {
        if (n_ == max_count) error_ = crypto::aead_errc::nonce_exhausted;
        seal_packet(n_, {}, inout, tag);
        if (n_ != max_count) ++n_;
    }

    std::error_code open(mutable_byte_view inout, byte_view tag) noexcept {
        if (!error_ && n_ == max_count) return crypto::aead_errc::nonce_exhausted;
        if (auto ec = open_packet(n_, {}, inout, tag)) return ec;
        ++n_;
        return {};
    }

    // ---- PacketCipher ----------------------------------------------------
    void seal_packet(std::uint64_t n, byte_view ad, mutable_byte_view inout, mutable_byte_view tag) noexcept {
        // On a (library) failure the wrapper zeroes both: the peer then
        // rejects the frame, and no plaintext leaves.
        if (error_ || aead_.seal(nonce(n), ad, inout, tag)) {
            polywire::detail::wipe(inout.data(), inout.size());
            polywire::detail::wipe(tag.data(), tag.size());
        }
    }

    std::error_code open_packet(std::uint64_t n, byte_view ad, mutable_byte_view inout, byte_view tag) noexcept {
        if (error_) return error_;
        return aead_.open(nonce(n), ad, inout, tag);
    }

    /// Re-keys the direction (32 bytes); the nonce prefix stays.
    std::error_code set_key(byte_view key) noexcept {
        error_ = aead_.set_key(key);
        return error_;
    }

    /// The count the next seal/open uses (Cipher use).
    std::uint64_t count() const noexcept { return n_; }
    /// Test only: moves the count (to reach its end without 2^64 messages).
    /// Kept as an entry point: the end of the count is a property of the
    /// wire format, not a limit an option could lower.
    void set_count_for_testing_only(std::uint64_t n) noexcept { n_ = n; }

    /// The count's last value, never used in Cipher use.
    static constexpr std::uint64_t max_count = ~std::uint64_t{0};

private:
    const std::array<std::uint8_t, 24>& nonce(std::uint64_t n) noexcept {
        for (std::size_t i = 0; i < 8; ++i) nonce_[prefix_size + i] = static_cast<std::uint8_t>(n >> (8 * i));
        return nonce_;
    }

    aead aead_;
    std::array<std::uint8_t, 24> nonce_{};
    std::uint64_t n_ = 0;
    std::error_code error_{};
};

using xchacha20_poly1305 = basic_xchacha20_poly1305<crypto::default_xchacha20_poly1305_backend>;

static_assert(PacketCipher<xchacha20_poly1305>);

}  // namespace polywire::policies
