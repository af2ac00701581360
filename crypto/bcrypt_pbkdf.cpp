#include "crypto/bcrypt_pbkdf.hpp"

#include <exception>
#include <memory>
#include <new>

#include <botan/pwdhash.h>

#include "crypto/error.hpp"

namespace polywire::crypto {

std::error_code bcrypt_pbkdf(mutable_byte_view out, std::string_view passphrase, byte_view salt,
                             std::size_t rounds) noexcept {
    if (out.empty() || out.size() > 1024 || rounds == 0 || salt.empty()) return errc::invalid_argument;
    try {
        auto family = Botan::PasswordHashFamily::create_or_throw("Bcrypt-PBKDF");
        auto kdf = family->from_iterations(rounds);
        kdf->derive_key(out.data(), out.size(), passphrase.data(), passphrase.size(), salt.data(), salt.size());
        return {};
    } catch (const std::bad_alloc&) {
        std::terminate();  // allocation failure terminates (docs/architecture.md, "Failure policy")
    } catch (...) {
        detail::wipe(out.data(), out.size());
        return errc::backend_failure;
    }
}

}  // namespace polywire::crypto
