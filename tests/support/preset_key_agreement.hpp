// preset_key_agreement<Secrets>: a KeyAgreement model for tests that hands
// the session fixed secrets without any handshake, so frame-level known
// answers can be checked through the real session code.
#pragma once

#include <string_view>

#include "policies/key_agreement.hpp"

namespace polywire::test {

template <class Secrets>
class preset_key_agreement {
public:
    static constexpr std::string_view name = "preset secrets (tests only)";
    struct options {
        Secrets secrets_for_testing_only{};
    };
    using secrets = Secrets;

    preset_key_agreement(policies::handshake_role, const options& o) : s_(o.secrets_for_testing_only) {}
    std::error_code start(bytes&) noexcept { return {}; }
    result<policies::handshake_step> consume(byte_view, bytes&) noexcept { return policies::handshake_step{0, true}; }
    secrets take_secrets() noexcept { return s_; }

private:
    Secrets s_;
};

}  // namespace polywire::test
