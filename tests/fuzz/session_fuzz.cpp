// Entry point: a variant's session as an untrusted peer reaches it, in both
// roles, during and after the handshake (session_harness.hpp). Built once
// per variant of variants/all.hpp: tests/fuzz/BUILD makes a target per name
// of its SESSION_FUZZ_VARIANTS, compiled with
//   POLYWIRE_FUZZ_VARIANT   this target's variant name
//   POLYWIRE_FUZZ_VARIANTS  every name of that list, separated by spaces
// and a listed variant missing from that list fails every target's build.
#include <string_view>
#include <tuple>

#include "tests/fuzz/session_harness.hpp"

namespace {
using namespace polywire;

constexpr std::string_view chosen = POLYWIRE_FUZZ_VARIANT;
constexpr std::string_view fuzzed = POLYWIRE_FUZZ_VARIANTS;

consteval bool fuzzed_names(std::string_view name) {
    for (std::size_t at = 0; at < fuzzed.size();) {
        std::size_t end = fuzzed.find(' ', at);
        if (end == std::string_view::npos) end = fuzzed.size();
        if (fuzzed.substr(at, end - at) == name) return true;
        at = end + 1;
    }
    return false;
}

template <class V>
consteval bool has_target() {
    static_assert(fuzzed_names(V::name),
                  "the variant named above (variants/all.hpp) has no session fuzz target: add its name to "
                  "SESSION_FUZZ_VARIANTS in tests/fuzz/BUILD");
    return true;
}
template <class... V>
consteval bool all_have_targets(std::tuple<V...>*) {
    return (has_target<V>() && ...);
}
static_assert(all_have_targets(static_cast<variants::all*>(nullptr)));

template <class... V>
consteval std::size_t index_of_chosen(std::tuple<V...>*) {
    std::size_t i = 0, found = sizeof...(V);
    ((V::name == chosen && found == sizeof...(V) ? (found = i) : 0, ++i), ...);
    return found;
}
constexpr std::size_t chosen_index = index_of_chosen(static_cast<variants::all*>(nullptr));
static_assert(chosen_index < std::tuple_size_v<variants::all>,
              "tests/fuzz/BUILD makes a session fuzz target for a name that variants/all.hpp does not list");
using variant = std::tuple_element_t<chosen_index, variants::all>;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    (void)fuzz::session_fuzz::harness<variant>::run(data, size);
    return 0;
}
