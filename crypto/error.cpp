#include "crypto/error.hpp"

#include <string>

namespace polywire::crypto {
namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "polywire.crypto"; }
    std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
            case errc::invalid_argument: return "an argument is out of range for this primitive";
            case errc::invalid_key: return "a key has the wrong size or form";
            case errc::invalid_point: return "a public value is not a usable point (low order or off the curve)";
            case errc::backend_failure: return "the cryptographic library failed unexpectedly";
            case errc::random_failure: return "the system random number generator failed";
        }
        return "unknown polywire.crypto error";
    }
    std::error_condition default_error_condition(int ev) const noexcept override {
        switch (static_cast<errc>(ev)) {
            case errc::invalid_argument:
            case errc::invalid_key: return transport::condition::misuse;
            case errc::invalid_point: return transport::condition::protocol_violation;
            case errc::backend_failure:
            case errc::random_failure: return transport::condition::system_failure;
        }
        return {ev, *this};
    }
    // Besides its transport::condition, a code is equivalent to the
    // condition made of its transport::errc counterpart.
    bool equivalent(int ev, const std::error_condition& cond) const noexcept override {
        if (default_error_condition(ev) == cond) return true;
        if (cond.category() != transport::error_category()) return false;
        switch (static_cast<errc>(ev)) {
            case errc::invalid_argument:
            case errc::invalid_key:
            case errc::invalid_point:
            case errc::backend_failure:
            case errc::random_failure:
                return cond.value() == static_cast<int>(transport_counterpart(static_cast<errc>(ev)));
        }
        return false;
    }
};

}  // namespace

const std::error_category& error_category() noexcept {
    static const category c;
    return c;
}

transport::errc transport_counterpart(errc e) noexcept {
    switch (e) {
        case errc::invalid_argument: return transport::errc::invalid_argument;
        case errc::invalid_key:
        case errc::invalid_point: return transport::errc::bad_key;
        case errc::backend_failure: return transport::errc::crypto_failure;
        case errc::random_failure: return transport::errc::random_failure;
    }
    return transport::errc::crypto_failure;
}

}  // namespace polywire::crypto
