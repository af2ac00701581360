// expect: Noise pattern: a pre-message holds e, s, or e then s
// A DH in a pre-message.
#include "policies/noise/pattern.hpp"
using namespace polywire::noise::tok;
using polywire::noise::msg;
using polywire::noise::pre;
using bad = polywire::noise::handshake_pattern<"Bad", pre<ee>, pre<>, msg<e>, msg<e, ee>>;
constexpr auto desc = bad::desc;
