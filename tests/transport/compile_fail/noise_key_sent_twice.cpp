// expect: Noise pattern: a party sends its e or its s at most once (pre-messages included)
// The initiator sends its ephemeral key again in the third message.
#include "policies/noise/pattern.hpp"
using namespace polywire::noise::tok;
using polywire::noise::msg;
using polywire::noise::pre;
using bad = polywire::noise::handshake_pattern<"Bad", pre<>, pre<>, msg<e>, msg<e, ee>, msg<e>>;
constexpr auto desc = bad::desc;
