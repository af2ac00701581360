// Every Noise test vector of tests/vectors/noise/ (cacophony's 944 and
// snow's 408) through two real sessions of noise::config<Pattern, Suite>
// (vector_runner.hpp): each handshake message byte for byte, the received
// payloads, the handshake hash, then the transport messages both ways.
// Prints the table of docs/noise.md, "Test vectors". A vector whose pattern
// or suite the runner does not know is counted and listed, never skipped
// silently, and fails the test.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <string>

#include "tests/support/vectors.hpp"
#include "tests/variants/noise/suite_vectors.hpp"

namespace polywire::test::noise_vectors {
namespace {

using runner = outcome (*)(std::string_view, const nlohmann::json&);

const std::map<std::string, runner>& runners() {
    static const std::map<std::string, runner> m = {
#define POLYWIRE_NOISE_ENTRY(dh, cipher, hash) {#dh "_" #cipher "_" #hash, &run_##dh##_##cipher##_##hash},
        POLYWIRE_NOISE_SUITES(POLYWIRE_NOISE_ENTRY)
#undef POLYWIRE_NOISE_ENTRY
    };
    return m;
}

struct tally {
    int passed = 0, total = 0;
};

TEST(NoiseVectors, EveryVectorThroughTheSession) {
    int all_passed = 0, all_total = 0;
    std::vector<std::string> unsupported, failed;
    for (const char* file : {"cacophony-vectors.json", "snow-vectors.json"}) {
        const nlohmann::json doc = load_vectors(std::string("noise/") + file);
        std::map<std::string, tally> by_suite;
        for (const auto& v : doc.at("vectors")) {
            const std::string name = v.at("protocol_name");
            // Noise_<pattern>_<dh>_<cipher>_<hash>
            const std::size_t p0 = name.find('_'), p1 = name.find('_', p0 + 1);
            const std::string pattern = name.substr(p0 + 1, p1 - p0 - 1), suite = name.substr(p1 + 1);
            tally& t = by_suite[suite];
            ++t.total;
            ++all_total;
            auto r = runners().find(suite);
            const outcome o = r == runners().end() ? outcome{} : r->second(pattern, v);
            if (!o.supported) {
                unsupported.push_back(std::string(file) + ": " + name);
            } else if (!o.failure.empty()) {
                failed.push_back(std::string(file) + ": " + name + ": " + o.failure);
            } else {
                ++t.passed;
                ++all_passed;
            }
        }
        for (const auto& [suite, t] : by_suite) std::printf("%-24s %-26s %4d / %4d\n", file, suite.c_str(), t.passed, t.total);
    }
    std::printf("total: %d of %d passed; %zu not runnable, %zu failed\n", all_passed, all_total, unsupported.size(),
                failed.size());
    for (const auto& u : unsupported) ADD_FAILURE() << "not runnable: " << u;
    for (std::size_t i = 0; i < failed.size() && i < 20; ++i) ADD_FAILURE() << failed[i];
    EXPECT_EQ(all_total, 1352);
    EXPECT_EQ(all_passed, all_total);
}

}  // namespace
}  // namespace polywire::test::noise_vectors
