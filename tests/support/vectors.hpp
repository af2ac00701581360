// Loads a test-vector file from tests/vectors/ (a data dependency of the
// test) as JSON.
#pragma once

#include <fstream>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace polywire::test {

inline nlohmann::json load_vectors(const std::string& file) {
    const char* srcdir = std::getenv("TEST_SRCDIR");
    const char* ws = std::getenv("TEST_WORKSPACE");
    std::string path = std::string(srcdir ? srcdir : ".") + "/" + (ws ? ws : "polywire") + "/tests/vectors/" + file;
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open test vectors " + path);
    return nlohmann::json::parse(in);
}

}  // namespace polywire::test
