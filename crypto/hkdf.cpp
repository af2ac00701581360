#include "crypto/hkdf.hpp"

#include <exception>
#include <memory>
#include <new>

#include <botan/kdf.h>

#include "crypto/error.hpp"

namespace polywire::crypto {

std::error_code hkdf_sha256(mutable_byte_view out, byte_view ikm, byte_view salt, byte_view info) noexcept {
    if (out.empty() || out.size() > 255 * 32) return errc::invalid_argument;
    try {
        static thread_local std::unique_ptr<Botan::KDF> kdf = Botan::KDF::create_or_throw("HKDF(SHA-256)");
        // Botan's KDF::kdf(key, key_len, secret, salt, label): for HKDF the
        // secret is the IKM and the label is RFC 5869's info.
        kdf->kdf(out.data(), out.size(), ikm.data(), ikm.size(), salt.data(), salt.size(), info.data(), info.size());
        return {};
    } catch (const std::bad_alloc&) {
        std::terminate();  // allocation failure terminates (docs/architecture.md, "Failure policy")
    } catch (...) {
        detail::wipe(out.data(), out.size());
        return errc::backend_failure;
    }
}

}  // namespace polywire::crypto
