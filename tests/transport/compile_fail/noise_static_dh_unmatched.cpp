// expect: Noise pattern: a party encrypts after a DH with its static key only once it has done the same DH with its ephemeral key
// ss without es: the initiator's payload would rest on static keys alone.
#include "policies/noise/pattern.hpp"
using namespace polywire::noise::tok;
using polywire::noise::msg;
using polywire::noise::pre;
using bad = polywire::noise::handshake_pattern<"Bad", pre<>, pre<s>, msg<s, ss>>;
constexpr auto desc = bad::desc;
