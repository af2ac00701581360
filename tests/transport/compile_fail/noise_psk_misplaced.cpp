// expect: Noise pattern: a psk token begins the first message (psk0) or ends a message (pskN)
// A psk in the middle of the second message.
#include "policies/noise/pattern.hpp"
using namespace polywire::noise::tok;
using polywire::noise::msg;
using polywire::noise::pre;
using bad = polywire::noise::handshake_pattern<"Bad", pre<>, pre<>, msg<e>, msg<e, psk, ee>>;
constexpr auto desc = bad::desc;
