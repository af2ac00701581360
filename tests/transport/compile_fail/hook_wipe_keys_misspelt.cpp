// expect: BaseProtocol policy: declares wipes_keys, so it needs void wipe_keys() noexcept
// A base protocol that opted in to wipe_keys but misspelt it: without the
// check its chaining key would outlive the session.
#include "tests/transport/compile_fail/toy.hpp"

namespace polywire::transport::compile_fail {
struct rekeying_protocol : toy_protocol {
    using toy_protocol::toy_protocol;
    static constexpr bool wipes_keys = true;
    void wipe_key() noexcept {}
};
static_assert(check_config<toy_config<rekeying_protocol>>());
}  // namespace polywire::transport::compile_fail
