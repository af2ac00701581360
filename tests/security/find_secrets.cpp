// find_secrets DUMP FILE...: looks in every FILE for every secret listed in
// DUMP (key_dump_polywire's format) as lower-case hex, upper-case hex and
// raw bytes. Prints each finding; exits 0 if none, 1 if any, 3 if DUMP
// holds no secret (a test that dumped nothing proves nothing), 2 on usage.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "transport/bytes.hpp"

namespace {

std::string read_all(const char* path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string upper(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return s;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: find_secrets DUMP FILE...\n");
        return 2;
    }
    struct secret_entry {
        std::string what;
        std::string hex;
    };
    std::vector<secret_entry> secrets;
    std::set<std::string> seen;
    std::istringstream dump(read_all(argv[1]));
    for (std::string line; std::getline(dump, line);) {
        const auto tab = line.rfind('\t');
        if (tab == std::string::npos) continue;
        std::string hex = line.substr(tab + 1);
        if (hex.size() < 32 || !seen.insert(hex).second) continue;  // 16 bytes at least: no chance match
        secrets.push_back({line.substr(0, tab), std::move(hex)});
    }
    if (secrets.empty()) {
        std::fprintf(stderr, "find_secrets: %s holds no secret\n", argv[1]);
        return 3;
    }
    int found = 0;
    for (int i = 2; i < argc; ++i) {
        const std::string text = read_all(argv[i]);
        for (const auto& s : secrets) {
            polywire::bytes raw;
            polywire::from_hex(s.hex, raw);
            const std::string raw_text(raw.begin(), raw.end());
            for (const auto& [form, needle] : {std::pair{"hex", s.hex}, std::pair{"HEX", upper(s.hex)},
                                               std::pair{"raw bytes", raw_text}}) {
                if (text.find(needle) != std::string::npos) {
                    std::printf("FOUND %s (%s) in %s\n", s.what.c_str(), form, argv[i]);
                    ++found;
                }
            }
        }
    }
    std::printf("find_secrets: %zu distinct secrets, %d files, %d findings\n", secrets.size(), argc - 2, found);
    return found == 0 ? 0 : 1;
}
