// noise-xk's variant descriptor (transport/variant.hpp): secp256k1 keys,
// the responder's 33-byte compressed static key as its node id, the code
// in each message's first byte, no goodbye.
#pragma once

#include "variants/noise_xk/node.hpp"
#include "variants/parts.hpp"

namespace polywire::variants::noise_xk {

inline constexpr char url_scheme[] = "noise-xk";

struct variant : secp256k1_keys, compressed_key_ids<url_scheme>, code_in_first_byte, no_goodbye {
    static constexpr std::string_view name = "noise-xk";
    static constexpr std::string_view summary = "Lightning BOLT 8";
    static constexpr std::string_view messages_help =
        "No capabilities: --cap is optional and the code (16 for the first) is the first byte of each message. "
        "No ping or goodbye: a close is an end of stream.";

    using session = noise_xk::session;
    using connection = noise_xk::connection;
    using node_config = noise_xk::node_config;

    static node_config make_config(const private_key& key, const transport::timeouts& t) {
        return {.key = key, .timeouts = t};
    }
    static result<session::options> make_options(const node_config& c, std::optional<remote_id> remote) {
        return noise_xk::make_options(c, remote);
    }

    /// The peer's end of stream in the middle of the handshake (variants/node.hpp).
    static std::error_code handshake_error(std::error_code ec) {
        return ec == transport::errc::peer_closed ? make_error_code(errc::handshake_truncated) : ec;
    }

    /// One BOLT 8 message is at most 65535 bytes, the code byte included.
    static constexpr std::uint64_t max_payload = session::frame_layout::max_frame_size - 1;
};

}  // namespace polywire::variants::noise_xk
