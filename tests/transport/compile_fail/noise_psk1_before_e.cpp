// expect: Noise pattern: with a psk, a party sends its e before it encrypts anything
// psk1 after a first message that only sends the static key in clear: the
// initiator would encrypt its payload under the psk before sending any e.
#include "policies/noise/pattern.hpp"
using namespace polywire::noise::tok;
using polywire::noise::msg;
using polywire::noise::pre;
using base = polywire::noise::handshake_pattern<"Sx", pre<>, pre<>, msg<s>, msg<e>>;
constexpr auto desc = polywire::noise::with_psk<base, 1>::desc;
