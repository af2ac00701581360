// The one list of variants. The polywire tool (--variant, its help text),
// `polywire bench`, the demo and the test suites read it; adding a variant
// is adding its descriptor (transport/variant.hpp) here. Every descriptor
// listed is checked member by member (check_variant), and a suite that keeps
// per-variant traits proves it covers the whole list with
// static_assert(transport::check_coverage<its_traits, variants::all>()).
#pragma once

#include <tuple>

#include "rlpx/variant.hpp"
#include "transport/variant.hpp"
#include "variants/libp2p_noise/variant.hpp"
#include "variants/noise_xk/variant.hpp"
#include "variants/sha256_per_side/variant.hpp"
#include "variants/x25519_xchacha/variant.hpp"

namespace polywire::variants {

/// Every variant; the first is the tool's default.
using all = std::tuple<rlpx::variant, noise_xk::variant, sha256_per_side::variant, x25519_xchacha::variant,
                       x25519_xchacha::udp_variant, libp2p_noise::variant>;

/// Calls f(V{}) for each variant of the list, in order.
template <class F>
constexpr void for_each_variant(F&& f) {
    std::apply([&](auto... v) { (f(v), ...); }, all{});
}

namespace detail {
template <class... V>
consteval bool check_all(std::tuple<V...>*) {
    return (transport::check_variant<V>() && ...);
}
}  // namespace detail
static_assert(detail::check_all(static_cast<all*>(nullptr)));

}  // namespace polywire::variants
