// One suite's vector runner (the BUILD file compiles this file once per
// suite, naming the suite with NOISE_DH, NOISE_CIPHER and NOISE_HASH and the
// function with NOISE_SUITE_FN), so the sixteen suites' sessions compile in
// parallel: every pattern of the vectors, looked up by name.
#include "tests/variants/noise/suite_vectors.hpp"

#include <type_traits>

#include "tests/variants/noise/vector_runner.hpp"

namespace polywire::test::noise_vectors {
namespace {

using namespace polywire::noise::pattern;
using polywire::noise::with_psk;

template <class... P>
struct pattern_list {};

// The patterns of cacophony's vectors (every suite)...
using cacophony_patterns = pattern_list<
    // one-way, fundamental, deferred
    N, K, X, NN, NK, NX, KN, KK, KX, XN, XK, XX, IN, IK, IX, NK1, NX1, X1N, X1K, XK1, X1K1, X1X, XX1, X1X1, K1N,
    K1K, KK1, K1K1, K1X, KX1, K1X1, I1N, I1K, IK1, I1K1, I1X, IX1, I1X1,
    // psk
    Npsk0, Kpsk0, Xpsk1, NNpsk0, NNpsk2, NKpsk0, NKpsk2, NXpsk2, XNpsk3, XKpsk3, XXpsk3, KNpsk0, KNpsk2, KKpsk0,
    KKpsk2, KXpsk2, INpsk1, INpsk2, IKpsk1, IKpsk2, IXpsk2>;
// ... and snow's combined psk modifiers (25519 suites only).
using snow_patterns = pattern_list<with_psk<NN, 0, 2>, with_psk<NX, 0, 1, 2>, with_psk<XN, 1, 3>, with_psk<XK, 0, 3>, with_psk<XX, 0, 1>,
    with_psk<XX, 0, 2>, with_psk<XX, 0, 3>, with_psk<XX, 0, 1, 2, 3>, with_psk<KN, 1, 2>, with_psk<KK, 0, 2>,
    with_psk<IN, 1, 2>, with_psk<IK, 0, 2>, with_psk<IX, 0, 2>>;

using this_suite = polywire::noise::suite<polywire::noise::NOISE_DH, polywire::noise::NOISE_CIPHER,
                                          polywire::noise::NOISE_HASH>;
constexpr bool snow_suite = std::is_same_v<this_suite::dh, polywire::noise::dh25519>;

template <class... P>
outcome run(pattern_list<P...>, std::string_view name, const nlohmann::json& v) {
    outcome o{.supported = false, .failure = {}};
    (void)name;  // unused for an empty list
    (void)v;
    (void)((P::name == name ? (o = {.supported = true, .failure = run_vector<P, this_suite>(v)}, true) : false) || ...);
    return o;
}

}  // namespace

outcome NOISE_SUITE_FN(std::string_view pattern, const nlohmann::json& vector) {
    outcome o = run(cacophony_patterns{}, pattern, vector);
    if (!o.supported) o = run(std::conditional_t<snow_suite, snow_patterns, pattern_list<>>{}, pattern, vector);
    return o;
}

}  // namespace polywire::test::noise_vectors
