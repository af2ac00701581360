// bcrypt-pbkdf, OpenSSH's passphrase KDF for "openssh-key-v1" private keys
// (kdfname "bcrypt": a salt and a round count), wrapped from Botan 2's
// "Bcrypt-PBKDF" password hash.
#pragma once

#include <cstddef>
#include <string_view>
#include <system_error>

#include "crypto/error.hpp"
#include "transport/bytes.hpp"

namespace polywire::crypto {

/// Fills `out` (1 to 1024 bytes) from `passphrase`, `salt` and `rounds`
/// (>= 1). Errors: crypto::errc::invalid_argument for sizes or rounds out
/// of range, crypto::errc::backend_failure if Botan fails.
std::error_code bcrypt_pbkdf(mutable_byte_view out, std::string_view passphrase, byte_view salt,
                             std::size_t rounds) noexcept;

}  // namespace polywire::crypto
