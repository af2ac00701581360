// Entry point: the libp2p handshake payload and the texts a libp2p-noise
// node reads. The input goes through the NoiseHandshakePayload and
// PublicKey decoders (what decodes must encode deterministically to bytes
// that decode to the same value), the payload check against a fixed static
// key, and, as text, the peer id and multiaddr parsers.
#include <cstdlib>
#include <string_view>

#include "variants/libp2p_noise/identity.hpp"
#include "variants/libp2p_noise/multiaddr.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace polywire;
    namespace lp = variants::libp2p_noise;
    const byte_view in(data, size);
    if (auto p = lp::pb::decode_payload(in)) {
        bytes again;
        lp::pb::encode(p.value(), again);
        auto q = lp::pb::decode_payload(again);
        if (!q || !(q.value() == p.value())) std::abort();
    }
    if (auto k = lp::pb::decode_key(in)) {
        bytes again;
        lp::pb::encode(k.value(), again);
        auto q = lp::pb::decode_key(again);
        if (!q || !(q.value() == k.value())) std::abort();
    }
    (void)lp::check_payload(in, bytes(32, 0x5a), std::nullopt);
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    if (auto id = lp::peer_id::parse(text)) {
        if (lp::peer_id::parse(id.value().to_string()).value() != id.value()) std::abort();
    }
    std::string why;
    (void)lp::parse_multiaddr(text, why);
    return 0;
}
