// result<T>: a value or a std::error_code. One alias, so a later move to
// std::expected touches one header (clang 14 cannot see std::expected).
#pragma once

#include <boost/outcome/std_result.hpp>
#include <boost/outcome/try.hpp>

namespace polywire {

template <class T>
using result = boost::outcome_v2::std_result<T>;

using boost::outcome_v2::success;

}  // namespace polywire

/// POLYWIRE_TRY(var, expr): assigns the value of `expr` to a new `var`, or
/// returns its error from the enclosing function.
#define POLYWIRE_TRY(...) BOOST_OUTCOME_TRY(__VA_ARGS__)
