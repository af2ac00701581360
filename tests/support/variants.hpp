// Test suites over the one list of variants (variants/all.hpp).
//
// A suite keeps its per-variant traits as a template without a primary
// definition, specialized for each descriptor, and makes its typed tests
// from the list:
//
//   template <class V> struct my_traits;                       // no definition
//   template <> struct my_traits<rlpx::variant> : test::peers<rlpx::variant> { ... };
//   using configurations = test::suite_types<my_traits>;      // every variant, or no compile
//   TYPED_TEST_SUITE(MyTest, configurations, test::variant_names);
//
// suite_types fails to compile, with one static_assert naming the traits
// and the variant in its instantiation context, if a listed variant has no
// specialization (transport::check_coverage).
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <tuple>

#include "variants/all.hpp"

namespace polywire::test {

namespace detail {
/// Traits whose variant this suite leaves to another one, which says so
/// (`static constexpr std::string_view tested_by = "...";`).
template <class T>
concept tested_elsewhere = requires { T::tested_by; };

template <template <class> class Traits, class List>
struct suite_types;
template <template <class> class Traits, class... V>
struct suite_types<Traits, std::tuple<V...>> {
    template <class... T>
    static ::testing::Types<T...> as_types(std::tuple<T...>*);
    using kept = decltype(std::tuple_cat(
        std::declval<std::conditional_t<tested_elsewhere<Traits<V>>, std::tuple<>, std::tuple<Traits<V>>>>()...));
    using type = decltype(as_types(static_cast<kept*>(nullptr)));
};
}  // namespace detail

/// ::testing::Types<Traits<V>...> for every V of variants::all, once
/// check_coverage has proven each is specialized. A specialization may
/// leave its variant to another suite, by naming it in `tested_by`: the
/// decision is written down, never silent.
template <template <class> class Traits>
    requires(transport::check_coverage<Traits, variants::all>())
using suite_types = typename detail::suite_types<Traits, variants::all>::type;

/// Names typed tests by their variant (Traits::variant::name).
struct variant_names {
    template <class T>
    static std::string GetName(int) {
        std::string n(T::variant::name);
        for (char& c : n)
            if (c == '-') c = '_';
        return n;
    }
};

/// Two peers of variant V, made the descriptor's way: fresh keys, and the
/// session options of the initiator (expecting the recipient), of the
/// recipient, and of an initiator expecting someone else. Variants with
/// capabilities share one ("conformance/1", 4 codes).
template <class V>
struct peers {
    using variant = V;
    using session = typename V::session;
    typename V::private_key a = V::generate_key().value(), b = V::generate_key().value();

    static typename V::node_config config(const typename V::private_key& self) {
        auto c = V::make_config(self, transport::timeouts::suggested());
        if constexpr (requires { V::set_application(c, {}, std::string(), true); })
            V::set_application(c, {{"conformance", 1, 4}}, "polywire-test", true);
        return c;
    }
    static typename session::options make(const typename V::private_key& self,
                                          std::optional<typename V::private_key> expected) {
        std::optional<typename V::remote_id> remote;
        if (expected) remote = V::node_id(*expected).value();
        return V::make_options(config(self), remote).value();
    }
    typename session::options initiator() { return make(a, b); }
    typename session::options recipient() { return make(b, std::nullopt); }
    typename session::options initiator_expecting_someone_else() { return make(a, V::generate_key().value()); }
};

}  // namespace polywire::test
