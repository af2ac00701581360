// expect: Noise pattern: a pskN modifier needs a pattern of at least N messages
// NN has two messages: there is no third to end with a psk.
#include "policies/noise/pattern.hpp"
constexpr auto desc = polywire::noise::with_psk<polywire::noise::pattern::NN, 3>::desc;
