// expect: a test suite does not cover a listed variant: the traits named above have no specialization for the variant named above
// A suite's per-variant traits that leave out one variant of the list.
#include "tests/transport/compile_fail/toy_variant.hpp"

namespace polywire::transport::compile_fail {
struct second_variant : toy_variant {
    static constexpr std::string_view name = "second";
};
using toy_list = std::tuple<toy_variant, second_variant>;

template <class V>
struct suite_traits;  // no primary definition: each variant has its own
template <>
struct suite_traits<toy_variant> {};

static_assert(check_coverage<suite_traits, toy_list>());
}  // namespace polywire::transport::compile_fail
