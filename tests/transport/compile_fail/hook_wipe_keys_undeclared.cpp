// expect: BaseProtocol policy: defines wipe_keys but does not declare `static constexpr bool wipes_keys = true;`
// A base protocol with a wipe_keys() hook but no declaration (or a misspelt
// one): the session would never call it.
#include "tests/transport/compile_fail/toy.hpp"

namespace polywire::transport::compile_fail {
struct rekeying_protocol : toy_protocol {
    using toy_protocol::toy_protocol;
    static constexpr bool wipe_keys_please = true;
    void wipe_keys() noexcept {}
};
static_assert(check_config<toy_config<rekeying_protocol>>());
}  // namespace polywire::transport::compile_fail
