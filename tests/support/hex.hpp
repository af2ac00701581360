// Hex helpers for tests: h("00ff") -> bytes, throws on bad hex so a typo in
// a vector fails loudly.
#pragma once

#include <stdexcept>
#include <string_view>

#include "transport/bytes.hpp"

namespace polywire::test {

inline bytes h(std::string_view hex) {
    bytes out;
    if (!from_hex(hex, out)) throw std::invalid_argument("bad hex in test vector");
    return out;
}

template <class Range>
std::string hx(const Range& r) {
    return to_hex(byte_view(r.data(), r.size()));
}

}  // namespace polywire::test
