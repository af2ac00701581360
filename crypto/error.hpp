// Errors of the primitive wrappers, category "polywire.crypto".
//
// The wrappers report in categories of their own, never in the transport's:
// crypto::errc (this file) for what every wrapper shares, crypto::aead_errc
// ("polywire.aead"), crypto::secp256k1::errc ("polywire.secp256k1") and
// crypto::snappy::errc ("polywire.snappy") for what one family reports.
//
// How they relate to the transport's errors: each code's
// default_error_condition() is a transport::condition, so
//
//   if (ec == transport::condition::system_failure) ...   // backend_failure, random_failure
//
// holds whichever layer reported the failure. A crypto::errc code also
// compares equal to its transport::errc counterpart taken as a condition
// (transport_counterpart() below says which):
//
//   if (ec == crypto::as_condition(transport::errc::crypto_failure)) ...  // backend_failure
//
// so a caller written against the transport's primitive failures
// (crypto_failure, random_failure, bad_key, invalid_argument) keeps
// matching; `ec == transport::errc::crypto_failure` itself compares codes,
// category and value, and is false for a crypto::errc code.
#pragma once

#include <system_error>

#include "transport/error.hpp"

namespace polywire::crypto {

enum class errc {
    invalid_argument = 1,  ///< a size, count or round number out of the primitive's range
    invalid_key,           ///< a key (or seed) of the wrong size or form
    invalid_point,         ///< a peer's public value is not usable (X25519: a low-order point)
    backend_failure,       ///< the library (Botan, OpenSSL, libsodium, libsecp256k1) failed unexpectedly
    random_failure,        ///< the system random generator failed
};

const std::error_category& error_category() noexcept;
inline std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), error_category()}; }

/// The transport code that stood for `e` before the primitives had a
/// category of their own: invalid_argument, bad_key (invalid_key and
/// invalid_point), crypto_failure (backend_failure), random_failure.
transport::errc transport_counterpart(errc e) noexcept;

/// A transport code as a std::error_condition, to match crypto::errc codes
/// against their counterparts (and transport codes against themselves).
inline std::error_condition as_condition(transport::errc e) noexcept {
    return {static_cast<int>(e), transport::error_category()};
}

}  // namespace polywire::crypto

template <>
struct std::is_error_code_enum<polywire::crypto::errc> : std::true_type {};
