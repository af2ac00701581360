// session_key_exchange: the KeyAgreement of c-lightning's 2016 transport
// (facts.md §C, commit 74f294e3 "1) First, each side sends a 33-byte
// session pubkey").
//
// Both sides, initiator and recipient alike, write a fresh 33-byte
// compressed secp256k1 session key at once (no length prefix in version 3)
// and read exactly the peer's 33 bytes. ECDH (SHA256 of the compressed
// shared point) and the key schedule (key_schedule.hpp) then give the
// secrets. Nothing here authenticates anyone: the peer's node identity is
// proven afterwards by its Authenticate packet (authenticate.hpp), which
// signs *our* session key — and the session keys themselves stay
// unauthenticated (see docs/variants.md for what that allows).
#pragma once

#include <optional>
#include <string_view>

#include "policies/crypto/secp256k1.hpp"
#include "policies/key_agreement.hpp"
#include "transport/result.hpp"
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

private:
    options opts_;
    crypto::secp256k1::private_key session_key_;
    compressed_key local_{};
    secrets secrets_;
    bool started_ = false;
    bool done_ = false;
};

}  // namespace polywire::variants::sha256_per_side
