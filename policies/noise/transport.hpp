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
// initiator refuses any transport message it receives
// (noise::errc::one_way_pattern), and the responder's messages go under no
// key (zeros) — the application of a one-way responder does not send.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>
#include <system_error>

#include "policies/frame_layout.hpp"
#include "policies/key_agreement.hpp"
#include "policies/noise/error.hpp"
#include "policies/noise/state.hpp"
#include "transport/bytes.hpp"
#include "transport/result.hpp"

namespace polywire::noise {

/// A transport CipherState as a policies::Cipher: `Cipher` is a suite's
/// cipher (chachapoly, aesgcm). The AEAD is keyed once; a message costs no
/// allocation.
template <class Cipher>
class transport_cipher {
public:
    static constexpr std::string_view name = Cipher::name;
    static constexpr std::size_t tag_size = tag_len;

    template <class Secrets>
        requires policies::has_cipher_key<Secrets>
    transport_cipher(const Secrets& s, policies::direction d) noexcept {
        const byte_view k = cipher_key(s, d);
        keyed_ = k.size() == key_len && !aead_.set_key(k);
    }

    void seal(mutable_byte_view inout, mutable_byte_view tag) noexcept {
        if (!keyed_ || n_ == std::numeric_limits<std::uint64_t>::max() ||
            aead_.seal(Cipher::nonce(n_), {}, inout, tag)) {
            // No key in this direction (a one-way responder), or the nonces
            // are used up (2^64 - 1 messages): nothing readable leaves.
            std::fill(inout.begin(), inout.end(), std::uint8_t{0});
            std::fill(tag.begin(), tag.end(), std::uint8_t{0});
            return;
        }
        ++n_;
    }

    std::error_code open(mutable_byte_view inout, byte_view tag) noexcept {
        if (!keyed_) return errc::one_way_pattern;
        if (n_ == std::numeric_limits<std::uint64_t>::max()) return crypto::aead_errc::nonce_exhausted;
        if (auto ec = aead_.open(Cipher::nonce(n_), {}, inout, tag)) return ec;
        ++n_;
        return {};
    }

    /// The next nonce (tests, diagnostics).
    std::uint64_t nonce() const noexcept { return n_; }

private:
    typename Cipher::aead aead_;
    bool keyed_ = false;
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
