// Noise transport messages (noiseprotocol.org, revision 34, §5.1 and §7.9)
// as a Cipher and a FrameLayout of the session:
//
//   frame on the wire = be16 length | ENCRYPT(k, n, "", payload) (payload + 16-byte tag)
//
// Each transport message is one AEAD ciphertext under its direction's
// CipherState (the key Split() gave it, nonce n counting from 0, empty
// associated data), behind a 2-byte big-endian length of the ciphertext
// (libp2p's framing): at most 65535 bytes, so a payload holds at most
// 65519. There is no message code (max_code 0). The length travels in
// clear; the AEAD tag covers the ciphertext.
//
// One-way patterns (N, K, X) have no responder->initiator key: the
// responder's send() is refused locally (noise::errc::receive_only, through
// the Cipher's sealing check, policies/cipher.hpp; the session stays open),
// and the initiator refuses any transport message it receives
// (noise::errc::one_way_pattern).
//
// A transport cipher may rotate its keys (the `Rotation` policy):
// no_rotation (Noise: a key lasts 2^64 - 1 messages) or
// hkdf_rotation<Hash, N> (BOLT 8: when a direction's nonce reaches N,
// ck', k' = HKDF(ck, k) and n = 0, ck starting at the handshake's final
// chaining key, which the secrets give through chaining_key(secrets, direction)).
#pragma once

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>
#include <system_error>
#include <type_traits>

#include "policies/frame_layout.hpp"
#include "policies/key_agreement.hpp"
#include "policies/noise/error.hpp"
#include "policies/noise/state.hpp"
#include "transport/bytes.hpp"
#include "transport/result.hpp"

namespace polywire::noise {

/// Rotation policy: none (Noise's transport CipherState).
struct no_rotation {
    static constexpr std::uint64_t interval = 0;
    template <class Secrets>
    no_rotation(const Secrets&, policies::direction) noexcept {}
};

/// Rotation policy: when a direction's nonce reaches `Interval`, its key k
/// and its chaining key ck become ck', k' = HKDF(ck, k) (Hash's HKDF,
/// state.hpp) and the nonce restarts at 0. ck starts at
/// chaining_key(secrets, direction) (BOLT 8: the handshake's final ck for
/// both directions, each then rotating on its own).
template <class Hash, std::uint64_t Interval>
class hkdf_rotation {
    static_assert(Interval > 0, "hkdf_rotation: the interval must be at least one message");

public:
    static constexpr std::uint64_t interval = Interval;

    template <class Secrets>
        requires policies::has_chaining_key<Secrets>
    hkdf_rotation(const Secrets& s, policies::direction d) noexcept {
        ck_.assign(chaining_key(s, d));
    }

    /// ck', k' = HKDF(ck, k): replaces `key` and the chaining key.
    std::error_code rotate(secret<key_len>& key) noexcept {
        secret<Hash::hash_len> ck, k;
        if (auto ec = hkdf<Hash>(ck_.view(), key.view(), ck.mutable_view(), k.mutable_view())) return ec;
        ck_ = ck;
        key.assign(k.view().first(key_len));
        return {};
    }

private:
    secret<Hash::hash_len> ck_;
};

/// A transport CipherState as a policies::Cipher: `Cipher` is a suite's
/// cipher (chachapoly, aesgcm, chachapoly_on<Backend>), `Rotation` one of
/// the rotation policies above. The AEAD is keyed once (and at each
/// rotation); a message costs no allocation.
template <class Cipher, class Rotation = no_rotation>
class transport_cipher {
    static constexpr bool rotates = Rotation::interval > 0;
    struct no_key {};

public:
    static constexpr std::string_view name = Cipher::name;
    static constexpr std::size_t tag_size = tag_len;
    using suite_cipher = Cipher;
    using rotation = Rotation;
    /// The session asks sealable() before it seals (policies/cipher.hpp).
    static constexpr bool checks_sealing = true;

    template <class Secrets>
        requires policies::has_cipher_key<Secrets> && std::constructible_from<Rotation, const Secrets&, policies::direction>
    transport_cipher(const Secrets& s, policies::direction d) noexcept : rotation_(s, d) {
        const byte_view k = cipher_key(s, d);
        absent_ = k.empty();
        if (absent_) return;
        error_ = k.size() == key_len ? aead_.set_key(k) : make_error_code(errc::bad_key_size);
        keyed_ = !error_;
        if constexpr (rotates) key_.assign(k);
    }

    /// {} if seal() seals; errc::receive_only for the direction a one-way
    /// pattern does not have.
    std::error_code sealable() const noexcept {
        if (absent_) return errc::receive_only;
        return {};
    }

    void seal(mutable_byte_view inout, mutable_byte_view tag) noexcept {
        seal_with(inout, tag, [&] { return aead_.seal(Cipher::nonce(n_), {}, inout, tag); });
    }
    /// Out of place (policies/cipher.hpp), where the suite's AEAD can.
    void seal(byte_view in, mutable_byte_view out, mutable_byte_view tag) noexcept
        requires requires(typename Cipher::aead& a, byte_view b, mutable_byte_view m) { a.seal(b, b, b, m, m); }
    {
        seal_with(out, tag, [&] { return aead_.seal(Cipher::nonce(n_), {}, in, out, tag); });
    }

    std::error_code open(mutable_byte_view inout, byte_view tag) noexcept {
        if (absent_) return errc::one_way_pattern;
        if (error_) return error_;
        if (n_ == std::numeric_limits<std::uint64_t>::max()) return crypto::aead_errc::nonce_exhausted;
        if (auto ec = aead_.open(Cipher::nonce(n_), {}, inout, tag)) return ec;
        advance();
        return {};
    }

    /// The next nonce (tests, diagnostics).
    std::uint64_t nonce() const noexcept { return n_; }

private:
    template <class Seal>
    void seal_with(mutable_byte_view out, mutable_byte_view tag, Seal seal) noexcept {
        if (!keyed_ || n_ == std::numeric_limits<std::uint64_t>::max() || seal()) {
            // No key in this direction (a one-way responder), a failed
            // rotation, or the nonces are used up (2^64 - 1 messages):
            // nothing readable leaves.
            std::fill(out.begin(), out.end(), std::uint8_t{0});
            std::fill(tag.begin(), tag.end(), std::uint8_t{0});
            return;
        }
        advance();
    }

    void advance() noexcept {
        ++n_;
        if constexpr (rotates) {
            if (n_ == Rotation::interval) {
                n_ = 0;
                if (auto ec = rotation_.rotate(key_); ec || (ec = aead_.set_key(key_.view()))) {
                    error_ = ec;  // seal writes zeros, open refuses: the session ends
                    keyed_ = false;
                }
            }
        }
    }

    typename Cipher::aead aead_;
    [[no_unique_address]] Rotation rotation_;
    [[no_unique_address]] std::conditional_t<rotates, secret<key_len>, no_key> key_;
    bool keyed_ = false;
    bool absent_ = false;
    std::error_code error_{};
    std::uint64_t n_ = 0;
};

/// be16 length of the ciphertext | ciphertext (see the top).
struct frame_layout {
    static constexpr std::string_view name = "Noise transport message: be16 length | AEAD ciphertext";
    static constexpr std::size_t header_size = 2;
    static constexpr std::size_t max_frame_size = max_message_len - tag_len;  // 65519
    static constexpr std::uint64_t max_code = 0;  ///< no code on the wire
    static constexpr policies::frame_shape shape{.tags = policies::tag_placement::after_each_part,
                                                 .header_encrypted = false};

    static std::size_t padded_size(std::size_t n) noexcept { return n; }

    static void encode_header(std::size_t n, mutable_byte_view h) noexcept {
        const std::size_t len = n + tag_len;
        h[0] = static_cast<std::uint8_t>(len >> 8);
        h[1] = static_cast<std::uint8_t>(len);
    }

    static result<std::size_t> decode_header(byte_view h) noexcept {
        const std::size_t len = std::size_t{h[0]} << 8 | h[1];
        if (len < tag_len) return make_error_code(errc::short_frame);
        return len - tag_len;
    }

    static void encode_code(std::uint64_t, bytes&) {}

    static result<policies::decoded_code> decode_code(byte_view) noexcept { return policies::decoded_code{0, 0}; }
};

static_assert(policies::FrameLayout<frame_layout>);

}  // namespace polywire::noise
