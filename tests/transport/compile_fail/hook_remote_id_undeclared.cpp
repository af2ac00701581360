// expect: BaseProtocol policy: defines remote_id but does not declare `static constexpr bool identifies_peer = true;`
// A greeting that authenticates the peer, without the declaration: the
// session would keep the key agreement's identity instead.
#include "tests/transport/compile_fail/toy.hpp"

namespace polywire::transport::compile_fail {
struct greeting_protocol : toy_protocol {
    using toy_protocol::toy_protocol;
    int remote_id() const noexcept { return 7; }
};
static_assert(check_config<toy_config<greeting_protocol>>());
}  // namespace polywire::transport::compile_fail
