// session_key_exchange: the KeyAgreement of c-lightning's 2016 transport
// (facts.md §C, commit 74f294e3 "1) First, each side sends a 33-byte
// session pubkey").
//
// Both sides, initiator and recipient alike, write a fresh 33-byte
// compressed secp256k1 session key at once (no length prefix in version 3)
// and read exactly the peer's 33 bytes. ECDH (SHA256 of the compressed
// shared point) and the key schedule (key_schedule.hpp) then give the
// secrets. A peer key equal to our own (our bytes echoed back) is refused
// (own_session_key). Nothing here authenticates anyone: the peer's node identity is
// proven afterwards by its Authenticate packet (authenticate.hpp), which
// signs *our* session key — and the session keys themselves stay
// unauthenticated (see docs/variants.md for what that allows).
#pragma once

#include <optional>
#include <string_view>

#include "policies/crypto/secp256k1.hpp"
#include "policies/key_agreement.hpp"
#include "transport/result.hpp"
#include "variants/sha256_per_side/authenticate.hpp"
#include "variants/sha256_per_side/key_schedule.hpp"

namespace polywire::variants::sha256_per_side {

class session_key_exchange {
public:
    static constexpr std::string_view name = "secp256k1 session keys in clear, ECDH-SHA256";
    static constexpr std::size_t session_key_size = 33;

    struct options {
        /// A fixed session key instead of a fresh random one (tests only).
        std::optional<crypto::secp256k1::private_key> session_key_for_testing_only;
    };
    using secrets = sha256_per_side::secrets;

    session_key_exchange(policies::handshake_role role, const options& o);

    /// Writes our 33-byte session key (both roles).
    std::error_code start(bytes& out) noexcept;
    /// Takes the peer's 33 bytes once they are all there.
    result<policies::handshake_step> consume(byte_view in, bytes& out) noexcept;
    secrets take_secrets() noexcept;

    /// Test only: the keys this exchange holds now (key-dump hook of
    /// transport/session.hpp, polywire::testing).
    template <class F>
    friend void dump_secrets(const session_key_exchange& k, F& f) {
        f("session_private_key", k.session_key_.view());
    }

private:
    options opts_;
    crypto::secp256k1::private_key session_key_;
    compressed_key local_{};
    secrets secrets_;
    bool started_ = false;
    bool done_ = false;
};

/// Test only: every key of `s` (key-dump hook).
template <class F>
void dump_secrets(const secrets& s, F& f) {
    f("egress_aes_key", s.egress.aes_key.view());
    f("egress_hmac_key", s.egress.hmac_key.view());
    f("egress_iv", s.egress.iv.view());
    f("ingress_aes_key", s.ingress.aes_key.view());
    f("ingress_hmac_key", s.ingress.hmac_key.view());
    f("ingress_iv", s.ingress.iv.view());
}

/// Test only: the node's static key, held by the Authenticate protocol's
/// options (key-dump hook).
template <class F>
void dump_secrets(const authenticate_protocol::options& o, F& f) {
    f("static_private_key", o.node_key.view());
}

}  // namespace polywire::variants::sha256_per_side
