// expect: BaseProtocol policy: declares uses_timers, so it needs next_deadline() const noexcept -> std::optional<time_point> and on_tick(time_point, frame_writer&) -> std::error_code
// Timers declared, but on_tick returns void: without the check the session
// would silently never run them.
#include <optional>

#include "tests/transport/compile_fail/toy.hpp"

namespace polywire::transport::compile_fail {
struct timed_protocol : toy_protocol {
    using toy_protocol::toy_protocol;
    static constexpr bool uses_timers = true;
    std::optional<time_point> next_deadline() const noexcept { return std::nullopt; }
    void on_tick(time_point, policies::frame_writer&) {}
};
static_assert(check_config<toy_config<timed_protocol>>());
}  // namespace polywire::transport::compile_fail
