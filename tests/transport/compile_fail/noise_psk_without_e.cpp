// expect: Noise pattern: with a psk, a party sends its e before it encrypts anything
// The initiator encrypts its payload under the psk without having sent e.
#include "policies/noise/pattern.hpp"
using namespace polywire::noise::tok;
using polywire::noise::msg;
using polywire::noise::pre;
using bad = polywire::noise::handshake_pattern<"Bad", pre<>, pre<>, msg<psk>, msg<e>>;
constexpr auto desc = bad::desc;
