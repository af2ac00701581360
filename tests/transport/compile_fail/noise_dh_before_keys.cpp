// expect: Noise pattern: a DH token (ee, es, se, ss) comes after both of its public keys were sent
// es needs the responder's static key, which nobody sent.
#include "policies/noise/pattern.hpp"
using namespace polywire::noise::tok;
using bad = polywire::noise::handshake_pattern<"Bad", polywire::noise::pre<>, polywire::noise::pre<>,
                                               polywire::noise::msg<e, es>>;
constexpr auto desc = bad::desc;
