// XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha: HChaCha20 subkey from the
// first 16 nonce bytes, then the RFC 8439 AEAD with nonce 0^32 || the last 8
// bytes; 192-bit nonce, 16-byte tag), wrapped from Botan 2's
// "ChaCha20Poly1305" AEAD mode, which selects XChaCha20Poly1305 when it is
// given a 24-byte nonce.
//
//   crypto::xchacha20_poly1305 aead;
//   aead.set_key(key);                                // 32 bytes
//   aead.seal(nonce24, ad, inout, tag);               // encrypts in place, writes the tag
//   if (auto ec = aead.open(nonce24, ad, inout, tag)) // crypto::aead_errc::tag_mismatch
//       ...;                                          // inout is wiped: no plaintext escapes
//
// Errors are crypto::aead_errc (crypto/chacha20_poly1305.hpp).
// A 24-byte nonce is large enough to be random; protocols may also build it
// from a session id and a counter. Nothing here throws.
#pragma once

#include "crypto/chacha20_poly1305.hpp"

namespace polywire::crypto {

/// XChaCha20-Poly1305: botan_chacha20_poly1305 (chacha20_poly1305.hpp)
/// with a 24-byte nonce; the same interface, errors and guarantees.
using xchacha20_poly1305 = botan_chacha20_poly1305<24>;

}  // namespace polywire::crypto
