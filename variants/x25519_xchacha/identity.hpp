// Ed25519 identities of x25519-xchacha: OpenSSH key files
// (`id_ed25519`, "openssh-key-v1", and `id_ed25519.pub`), raw keys, and
// secureio's "generate if missing" directory convenience.
//
//   auto key = load_private_key("/home/me/.ssh/id_ed25519");               // unencrypted
//   auto key = load_private_key(path, "passphrase");                         // bcrypt + aes*-ctr
//   auto peer = load_public_key("/home/me/from_remote_side/id_ed25519.pub");
//   auto me = load_or_create_identity("/home/me/.ssh");                      // like secureio.NewIdentity
//
// Encrypted OpenSSH keys (ssh-keygen's default: bcrypt KDF, aes256-ctr) are
// decrypted with the passphrase; without one the error is
// errc::passphrase_required, with a wrong one errc::wrong_passphrase, and
// a cipher other than aes128-ctr or aes256-ctr errc::unsupported_key_encryption.
// Raw keys: a private key file of exactly 32 bytes (the seed) or 64 bytes
// (seed || public key, Go's and libsodium's layout; the public half is
// checked), a public key file of exactly 32 bytes. Keys are written as
// OpenSSH files (private: unencrypted, mode 0600) or raw, each through a
// temporary `PATH.tmp` created exclusively (O_EXCL | O_NOFOLLOW) with its
// final mode, fsynced and renamed over PATH. Private key text (the file's
// bytes, its base64, the decoded blob) lives only in wiping buffers sized
// before they are filled.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "crypto/ed25519.hpp"
#include "transport/bytes.hpp"
#include "transport/result.hpp"

namespace polywire::variants::x25519_xchacha {

using identity_key = crypto::ed25519::private_key;

// ---- OpenSSH text forms ----------------------------------------------------
/// Parses an "-----BEGIN OPENSSH PRIVATE KEY-----" block.
result<identity_key> parse_openssh_private_key(std::string_view text,
                                               std::optional<std::string_view> passphrase = std::nullopt);
/// Formats `key` as an unencrypted OpenSSH private key (text, in a wiping
/// buffer). `checkint` is the random check word (any value; fixed in tests
/// to reproduce ssh-keygen).
secure_bytes format_openssh_private_key(const identity_key& key, std::string_view comment, std::uint32_t checkint);
/// Parses "ssh-ed25519 AAAA... [comment]".
result<crypto::ed25519::public_key> parse_openssh_public_key(std::string_view line);
std::string format_openssh_public_key(const crypto::ed25519::public_key& key, std::string_view comment);

// ---- raw keys --------------------------------------------------------------
/// A 32-byte seed, or 64 bytes seed || public key (checked).
result<identity_key> identity_from_raw(byte_view raw);
result<crypto::ed25519::public_key> public_key_from_raw(byte_view raw);

// ---- files -------------------------------------------------------------------
/// An OpenSSH private key file, or a raw one (32 or 64 bytes).
result<identity_key> load_private_key(const std::string& path,
                                      std::optional<std::string_view> passphrase = std::nullopt);
/// An OpenSSH public key file, or a raw one (32 bytes).
result<crypto::ed25519::public_key> load_public_key(const std::string& path);
/// How a private key file is written.
struct key_file_options {
    /// Called, if set, with the temporary file's name right after it is
    /// created (its mode already 0600) and before any byte is written: lets
    /// a caller (a test) check that the file is never open to others.
    std::function<void(const std::string& temp_path)> on_created{};
};
/// Writes an unencrypted OpenSSH private key (mode 0600 from its creation).
std::error_code save_private_key(const std::string& path, const identity_key& key, std::string_view comment = "",
                                 const key_file_options& how = {});
std::error_code save_public_key(const std::string& path, const crypto::ed25519::public_key& key,
                                std::string_view comment = "");
/// Writes the 32-byte seed (mode 0600 from its creation) or the 32-byte public key.
std::error_code save_raw_private_key(const std::string& path, const identity_key& key,
                                     const key_file_options& how = {});
std::error_code save_raw_public_key(const std::string& path, const crypto::ed25519::public_key& key);

/// `dir`/id_ed25519 if it exists, else a new key written there with its
/// `dir`/id_ed25519.pub (secureio's NewIdentity).
result<identity_key> load_or_create_identity(const std::string& dir,
                                             std::optional<std::string_view> passphrase = std::nullopt);

}  // namespace polywire::variants::x25519_xchacha
