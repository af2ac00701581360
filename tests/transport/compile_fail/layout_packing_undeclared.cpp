// expect: FrameLayout policy: needs static void encode_code(uint64_t code, bytes& out); a layout that packs messages declares packs_messages and takes the payload's size too
// A layout whose encode_code takes the payload's size, as a packing layout's
// does, without declaring packs_messages (packing is never guessed).
#include "tests/transport/compile_fail/toy.hpp"

namespace polywire::transport::compile_fail {
struct packing_layout : toy_layout {
    static void encode_code(std::uint64_t code, std::size_t, bytes& out) { out.push_back(static_cast<std::uint8_t>(code)); }
};
static_assert(check_config<toy_config<policies::no_base_protocol, packing_layout>>());
}  // namespace polywire::transport::compile_fail
