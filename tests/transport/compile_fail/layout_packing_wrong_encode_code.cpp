// expect: FrameLayout policy: declares packs_messages, so it needs static void encode_code(uint64_t code, size_t payload_size, bytes& out)
// A layout that declares packs_messages but whose encode_code does not take
// the payload's size.
#include "tests/transport/compile_fail/toy.hpp"

namespace polywire::transport::compile_fail {
struct packing_layout : toy_layout {
    static constexpr bool packs_messages = true;
};
static_assert(check_config<toy_config<policies::no_base_protocol, packing_layout>>());
}  // namespace polywire::transport::compile_fail
