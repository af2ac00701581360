// expect: Noise pattern: each DH token (ee, es, se, ss) appears at most once
// ee twice.
#include "policies/noise/pattern.hpp"
using namespace polywire::noise::tok;
using polywire::noise::msg;
using polywire::noise::pre;
using bad = polywire::noise::handshake_pattern<"Bad", pre<>, pre<>, msg<e>, msg<e, ee, ee>>;
constexpr auto desc = bad::desc;
