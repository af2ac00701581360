// FrameLayout: how a message becomes bytes on the wire.
//
// A frame on the wire is
//     header ciphertext (header_size) | header tags | body ciphertext
//     (padded_size(n)) | body tags
// where "tags" are the Cipher's tag (if an AEAD) followed by the MacState's
// tag (if any). The layout decides the header's content and the body's
// padding and how a message code is carried:
//   * `encode_header(n, header)` writes the plaintext header of a frame
//     whose body holds `n` bytes (code prefix included);
//   * `decode_header(header)` reads `n` back and rejects sizes over
//     `max_frame_size` *before* the session waits for, or allocates, the body;
//   * `encode_code(code, out)` / `decode_code(body)` put the message code in
//     front of the payload (RLPx: rlp(msg-id)).
// Who calls it: transport::session, for every frame, once keys exist.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "transport/bytes.hpp"
#include "transport/result.hpp"

namespace polywire::policies {

struct decoded_code {
    std::uint64_t code = 0;
    std::size_t prefix_size = 0;  ///< bytes of the body the code took
};

template <class L>
concept FrameLayout = requires(std::size_t n, mutable_byte_view header, byte_view in, bytes& out,
                               std::uint64_t code) {
    { L::name } -> std::convertible_to<std::string_view>;
    { L::header_size } -> std::convertible_to<std::size_t>;
    { L::max_frame_size } -> std::convertible_to<std::size_t>;
    { L::padded_size(n) } noexcept -> std::same_as<std::size_t>;
    { L::encode_header(n, header) } noexcept;
    { L::decode_header(in) } noexcept -> std::same_as<result<std::size_t>>;
    { L::encode_code(code, out) } -> std::same_as<void>;
    { L::decode_code(in) } noexcept -> std::same_as<result<decoded_code>>;
};

}  // namespace polywire::policies
