#include "variants/libp2p_noise/variant.hpp"

namespace polywire::variants::libp2p_noise {

session::options make_options(const node_config& cfg, const std::optional<peer_id>& remote) {
    session::options o;
    o.handshake.identity = cfg.key;
    o.handshake.expected_peer = remote;
    o.handshake.stream_muxers = cfg.stream_muxers;
    o.timeouts = cfg.timeouts;
    o.limits = cfg.limits;
    o.random = cfg.random;
    o.key_log = cfg.key_log;
    return o;
}

std::optional<private_key> load_key_text(std::string_view text, std::string& why) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.remove_suffix(1);
    while (!text.empty() && (text.front() == ' ' || text.front() == '\n')) text.remove_prefix(1);
    key_type type = key_type::ed25519;
    bool raw = false;
    if (text.starts_with("ed25519:")) {
        text.remove_prefix(8);
        raw = true;
    } else if (text.starts_with("secp256k1:")) {
        text.remove_prefix(10);
        type = key_type::secp256k1;
        raw = true;
    }
    if (text.size() > 2 * 4096) {
        why = "too long for a key";
        return std::nullopt;
    }
    secure_bytes b;
    {
        bytes tmp;
        if (!from_hex(text, tmp)) {
            why = "expected hex digits";
            return std::nullopt;
        }
        b.assign(tmp.begin(), tmp.end());
        std::fill(tmp.begin(), tmp.end(), std::uint8_t{0});
    }
    if (raw || b.size() == 32) {
        if (b.size() != 32) {
            why = "expected 64 hex digits after the key type";
            return std::nullopt;
        }
        auto k = type == key_type::ed25519 ? private_key::from_ed25519_seed(b) : private_key::from_secp256k1(b);
        if (!k) {
            why = type == key_type::ed25519 ? "not an Ed25519 seed" : "not a valid secp256k1 scalar";
            return std::nullopt;
        }
        return k.value();
    }
    auto k = private_key::parse(b);
    if (!k) {
        why = "not a libp2p PrivateKey (Ed25519 or secp256k1): " + k.error().message();
        return std::nullopt;
    }
    return k.value();
}

}  // namespace polywire::variants::libp2p_noise
