// The command-line tool's --key-file reader leaves no copy of the key in
// freed memory: this test replaces the global operator delete and looks for
// the key's text in every block freed while the key is read.
#include <malloc.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <new>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tools/cli/common.hpp"

namespace {

// While armed, every freed block is searched for `needle`.
bool armed = false;
char needle[65] = {};
int freed_with_secret = 0;

void check_and_free(void* p) noexcept {
    if (p == nullptr) return;
    if (armed) {
        const std::size_t n = ::malloc_usable_size(p);
        const char* b = static_cast<const char*>(p);
        for (std::size_t i = 0; i + 64 <= n; ++i) {
            if (std::memcmp(b + i, needle, 64) == 0) {
                ++freed_with_secret;
                break;
            }
        }
    }
    std::free(p);
}

}  // namespace

void* operator new(std::size_t n) {
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { check_and_free(p); }
void operator delete[](void* p) noexcept { check_and_free(p); }
void operator delete(void* p, std::size_t) noexcept { check_and_free(p); }
void operator delete[](void* p, std::size_t) noexcept { check_and_free(p); }

namespace polywire::cli {
namespace {

constexpr option_spec spec[] = {{"key", true}, {"key-file", true}};

std::string tmp(const std::string& name) {
    const char* d = std::getenv("TEST_TMPDIR");
    return std::string(d ? d : "/tmp") + "/" + name;
}

TEST(KeyFileTest, ReadingAKeyFileLeavesNoCopyInFreedMemory) {
    const std::string key = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
    const std::string path = tmp("node.key");
    // A key file a little larger than a stream buffer: its text crosses
    // buffer refills and string growth.
    std::ofstream(path, std::ios::binary) << std::string(9000, ' ') << key << "\n";
    std::memcpy(needle, key.data(), 64);
    const std::vector<std::string> words = {"--key-file", path};
    const args a = args::parse("dial", words, spec, 0);
    freed_with_secret = 0;
    armed = true;
    {
        auto k = load_key(a);
        armed = false;
        ASSERT_TRUE(k.has_value());
        EXPECT_EQ(to_hex(k->view()), key);
        armed = true;
    }
    armed = false;
    EXPECT_EQ(freed_with_secret, 0) << "the key's text was in a block freed without being wiped";
}

TEST(KeyFileTest, AFileTooLargeForAKeyIsRefused) {
    const std::string path = tmp("huge.key");
    std::ofstream(path, std::ios::binary) << std::string(100 * 1024, 'a');
    const std::vector<std::string> words = {"--key-file", path};
    const args a = args::parse("dial", words, spec, 0);
    EXPECT_THROW((void)load_key(a), usage_error);
    const std::vector<std::string> missing = {"--key-file", tmp("no-such.key")};
    EXPECT_THROW((void)load_key(args::parse("dial", missing, spec, 0)), usage_error);
}

}  // namespace
}  // namespace polywire::cli
