// Entry point: OpenSSH key text (private and public) and raw keys, as
// x25519-xchacha's identity.hpp reads them (the seeds are ssh-keygen's
// files in tests/variants/x25519_xchacha/testdata). Encrypted keys are
// parsed up to the KDF, not decrypted: their round count is the file's, so
// a fuzzed one could run bcrypt for hours (identity_test decrypts real ones).
#include <string_view>

#include "variants/x25519_xchacha/identity.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace xx = polywire::variants::x25519_xchacha;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    (void)xx::parse_openssh_private_key(text);
    (void)xx::parse_openssh_public_key(text);
    (void)xx::identity_from_raw(polywire::byte_view(data, size));
    return 0;
}
