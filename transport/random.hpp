// The two test seams a session is given through its options: where its key
// agreement draws randomness, and who is told the secrets it derives.
#pragma once

#include <functional>
#include <string_view>
#include <system_error>

#include "transport/bytes.hpp"

namespace polywire::transport {

/// Where a key agreement draws its randomness (ephemeral keys, nonces,
/// padding), in the order its protocol document lists them. Empty (the
/// default): the operating system's generator, crypto::random_bytes.
/// Tests inject a source that replays a vector's ephemeral key and nonce.
/// Returns an error if it has no bytes to give; the handshake fails with it.
using random_source = std::function<std::error_code(mutable_byte_view out)>;

/// Told each secret once it is derived: a label (upper case, NSS key-log
/// style, e.g. "RLPX_AES_SECRET") and the secret's bytes. Empty (the
/// default) in production; tests and debugging tools set it per session.
using key_log = std::function<void(std::string_view label, byte_view secret)>;

/// What a session hands its key agreement besides the configuration's
/// options: copies of its options' random source and key log (copies, as
/// the session may move). A key agreement that draws randomness takes it
/// as the last argument of its constructor (policies/key_agreement.hpp).
struct key_agreement_context {
    random_source random{};
    key_log log{};
};

}  // namespace polywire::transport
