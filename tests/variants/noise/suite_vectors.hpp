// The vector runners of the sixteen suites (suite_vectors.cpp, compiled
// once per suite).
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace polywire::test::noise_vectors {

struct outcome {
    bool supported = false;  ///< the pattern is one the runner knows
    std::string failure;     ///< empty: every byte matched
};

#define POLYWIRE_NOISE_SUITES(X)                                                                     \
    X(25519, ChaChaPoly, SHA256) X(25519, ChaChaPoly, SHA512) X(25519, ChaChaPoly, BLAKE2s)          \
    X(25519, ChaChaPoly, BLAKE2b) X(25519, AESGCM, SHA256) X(25519, AESGCM, SHA512)                  \
    X(25519, AESGCM, BLAKE2s) X(25519, AESGCM, BLAKE2b) X(448, ChaChaPoly, SHA256)                   \
    X(448, ChaChaPoly, SHA512) X(448, ChaChaPoly, BLAKE2s) X(448, ChaChaPoly, BLAKE2b)               \
    X(448, AESGCM, SHA256) X(448, AESGCM, SHA512) X(448, AESGCM, BLAKE2s) X(448, AESGCM, BLAKE2b)

#define POLYWIRE_NOISE_DECLARE(dh, cipher, hash) \
    outcome run_##dh##_##cipher##_##hash(std::string_view pattern, const nlohmann::json& vector);
POLYWIRE_NOISE_SUITES(POLYWIRE_NOISE_DECLARE)
#undef POLYWIRE_NOISE_DECLARE

}  // namespace polywire::test::noise_vectors
