#include "variants/libp2p_noise/error.hpp"

#include "transport/error.hpp"

namespace polywire::variants::libp2p_noise {
namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "polywire.libp2p_noise"; }
    std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
            case errc::bad_payload: return "the libp2p handshake payload is malformed";
            case errc::missing_identity: return "the libp2p handshake payload lacks its identity key or signature";
            case errc::bad_public_key: return "the libp2p identity key is not a valid key of its type";
            case errc::bad_signature: return "the libp2p identity signature over the Noise static key does not verify";
            case errc::peer_id_mismatch: return "the peer's id is not the one expected";
            case errc::unsupported_key_type: return "the libp2p identity key type is not supported (Ed25519 and secp256k1 are)";
            case errc::bad_peer_id: return "not a peer id (a base58btc multihash of a libp2p public key)";
            case errc::bad_multiaddr: return "not a multiaddr /ip4|ip6|dns4|dns6/<host>/tcp/<port>/p2p/<peer id>";
            case errc::bad_private_key: return "not a libp2p private key";
            case errc::handshake_message_too_large: return "a libp2p Noise handshake message is longer than 8192 bytes";
        }
        return "unknown polywire.libp2p_noise error";
    }
    std::error_condition default_error_condition(int ev) const noexcept override {
        switch (static_cast<errc>(ev)) {
            case errc::bad_payload:
            case errc::missing_identity:
            case errc::bad_public_key:
            case errc::bad_signature:
            case errc::peer_id_mismatch:
            case errc::unsupported_key_type:
            case errc::handshake_message_too_large: return transport::condition::handshake_failed;
            case errc::bad_peer_id:
            case errc::bad_multiaddr:
            case errc::bad_private_key: return transport::condition::misuse;
        }
        return {ev, *this};
    }
    bool equivalent(int ev, const std::error_condition& cond) const noexcept override {
        const auto e = static_cast<errc>(ev);
        if (cond == transport::condition::authentication_failed &&
            (e == errc::bad_signature || e == errc::peer_id_mismatch))
            return true;
        return default_error_condition(ev) == cond;
    }
};

}  // namespace

const std::error_category& error_category() noexcept {
    static const category c;
    return c;
}

}  // namespace polywire::variants::libp2p_noise
