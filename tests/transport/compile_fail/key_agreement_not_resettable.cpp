// expect: KeyAgreement policy: must be move-assignable: the session resets it as it closes, so that a handshake cut short leaves no key behind
// A key agreement that cannot be reset (a const member): its keys would
// outlive a session closed mid-handshake.
#include "tests/transport/compile_fail/toy.hpp"

namespace polywire::transport::compile_fail {
struct pinned_key_agreement : test::preset_key_agreement<hook_secrets> {
    using preset_key_agreement::preset_key_agreement;
    const int pinned = 0;
};
static_assert(check_config<toy_config<policies::no_base_protocol, toy_layout, pinned_key_agreement>>());
}  // namespace polywire::transport::compile_fail
