// handshake: the KeyAgreement of c-lightning's 2016 transport
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

#include "crypto/secp256k1.hpp"
#include "policies/key_agreement.hpp"
#include "transport/random.hpp"
#include "transport/result.hpp"
#include "variants/sha256_per_side/authenticate.hpp"
#include "variants/sha256_per_side/key_schedule.hpp"

namespace polywire::variants::sha256_per_side {

class handshake {
public:
    static constexpr std::string_view name = "secp256k1 session keys in clear, ECDH-SHA256";
    static constexpr std::size_t session_key_size = 33;

    /// Nothing to choose: the session key is fresh, drawn from the random
    /// source (tests replay a vector's key through it).
    struct options {};
    using secrets = sha256_per_side::secrets;

    /// `context.random`: the session key, drawn in start() (32 bytes, again
    /// while not a valid key); nothing else is random.
    handshake(policies::handshake_role role, const options& o,
                         const transport::key_agreement_context& context = {});

    /// Writes our 33-byte session key (both roles).
    std::error_code start(bytes& out) noexcept;
    /// Takes the peer's 33 bytes once they are all there.
    result<policies::handshake_step> consume(byte_view in, bytes& out) noexcept;
    secrets take_secrets() noexcept;

    /// The keys this exchange holds now, for the session's key log
    /// (transport/session.hpp; labels in docs/architecture.md).
    template <class F>
    friend void dump_secrets(const handshake& k, F& f) {
        f("SHA256_PER_SIDE_SESSION_PRIVATE_KEY", k.session_key_.view());
    }

private:
    transport::random_source random_;
    crypto::secp256k1::private_key session_key_;
    compressed_key local_{};
    secrets secrets_;
    bool started_ = false;
    bool done_ = false;
};

/// Test only: every key of `s` (key-dump hook).
template <class F>
void dump_secrets(const secrets& s, F& f) {
    f("SHA256_PER_SIDE_EGRESS_AES_KEY", s.egress.aes_key.view());
    f("SHA256_PER_SIDE_EGRESS_HMAC_KEY", s.egress.hmac_key.view());
    f("SHA256_PER_SIDE_EGRESS_IV", s.egress.iv.view());
    f("SHA256_PER_SIDE_INGRESS_AES_KEY", s.ingress.aes_key.view());
    f("SHA256_PER_SIDE_INGRESS_HMAC_KEY", s.ingress.hmac_key.view());
    f("SHA256_PER_SIDE_INGRESS_IV", s.ingress.iv.view());
}

/// The node's static key, held by the Authenticate protocol's options
/// (the session's key log).
template <class F>
void dump_secrets(const authenticate_protocol::options& o, F& f) {
    f("SHA256_PER_SIDE_STATIC_PRIVATE_KEY", o.node_key.view());
}

}  // namespace polywire::variants::sha256_per_side
