// expect: BaseProtocol policy: declares updates_keys, so it needs take_key_update() noexcept -> std::optional<key_update<K>>
// Key updates declared, but the hook is misspelt (take_key_updates).
#include <optional>

#include "tests/transport/compile_fail/toy.hpp"

namespace polywire::transport::compile_fail {
struct updating_protocol : toy_protocol {
    using toy_protocol::toy_protocol;
    static constexpr bool updates_keys = true;
    std::optional<policies::key_update<int>> take_key_updates() noexcept { return std::nullopt; }
};
static_assert(check_config<toy_config<updating_protocol>>());
}  // namespace polywire::transport::compile_fail
