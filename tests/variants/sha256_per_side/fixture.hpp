// Shared by the sha256-per-side tests: the derived vectors
// (tests/vectors/clightning-v3-derived-vectors.json) and session options
// built from them.
#pragma once

#include <string>

#include "tests/support/hex.hpp"
#include "tests/support/replay_random.hpp"
#include "tests/support/vectors.hpp"
#include "variants/sha256_per_side/config.hpp"

namespace polywire::variants::sha256_per_side::test {

using polywire::test::h;
using polywire::test::hx;
namespace k1 = crypto::secp256k1;

inline const nlohmann::json& vectors() {
    static const nlohmann::json v = polywire::test::load_vectors("clightning-v3-derived-vectors.json");
    return v;
}
inline std::string input(const char* name) { return vectors()["vectors"]["inputs"][name].get<std::string>(); }
inline k1::private_key key(const char* name) { return k1::parse_private_key(h(input(name))).value(); }
inline compressed_key compressed(const std::string& hex) {
    compressed_key k{};
    const bytes b = h(hex);
    std::copy(b.begin(), b.end(), k.begin());
    return k;
}
/// The vectors' packets of one direction ("A->B" or "B->A").
inline const nlohmann::json& packets(const std::string& direction) {
    for (const auto& p : vectors()["vectors"]["packets"])
        if (p["direction"] == direction) return p;
    throw std::runtime_error("no packets for " + direction);
}

/// Options of node A or B of the vectors ('a' or 'b'), expecting the other.
template <class Session = session>
typename Session::options node_options(char who) {
    typename Session::options o;
    const bool a = who == 'a';
    o.random = polywire::test::replay(key(a ? "a_session_priv" : "b_session_priv").view());  // the vector's session key
    if constexpr (requires { o.protocol.node_key; }) {
        o.protocol.node_key = key(a ? "a_node_priv" : "b_node_priv");
        o.protocol.expected_remote_id = compressed(input(a ? "b_node_id" : "a_node_id"));
    }
    return o;
}

}  // namespace polywire::variants::sha256_per_side::test
