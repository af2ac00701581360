#include "rlpx/p2p/capabilities.hpp"

#include <algorithm>
#include <charconv>
#include <exception>
#include <new>

#include "transport/error.hpp"

namespace polywire::rlpx::p2p {
namespace {

constexpr std::uint64_t max_parsed_length = std::uint64_t{1} << 32;

bool parse_decimal(std::string_view s, std::uint64_t& out) noexcept {
    if (s.empty() || s.size() > 20) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out, 10);
    return ec == std::errc{} && end == s.data() + s.size();
}

bool valid_name(std::string_view s) noexcept {
    if (s.empty()) return false;
    for (char c : s)
        if (c <= ' ' || c > '~' || c == '/' || c == ':') return false;
    return true;
}

}  // namespace

std::vector<shared_capability> match(std::span<const local_capability> local,
                                     std::span<const capability> remote) noexcept {
    std::vector<const capability*> caps;
    caps.reserve(remote.size());
    for (const capability& c : remote) caps.push_back(&c);
    std::stable_sort(caps.begin(), caps.end(), [](const capability* a, const capability* b) {
        if (a->name != b->name) return a->name < b->name;  // char_traits<char>: byte-wise
        return a->version < b->version;
    });

    std::vector<shared_capability> result;
    std::uint64_t offset = base_protocol_length;
    for (const capability* cap : caps) {
        for (const local_capability& proto : local) {
            if (proto.name != cap->name || proto.version != cap->version) continue;
            auto old = std::find_if(result.begin(), result.end(),
                                    [&](const shared_capability& s) { return s.name == cap->name; });
            if (old != result.end()) {
                // An older version of this name matched before: geth rewinds
                // by its length and replaces it. The remote list is sorted,
                // so the old entry is the last one assigned.
                offset -= old->length;
                *old = shared_capability{proto.name, proto.version, offset, proto.length};
            } else {
                result.push_back(shared_capability{proto.name, proto.version, offset, proto.length});
            }
            offset += proto.length;
            break;  // the first matching local protocol wins
        }
    }
    return result;
}

const shared_capability* find_by_code(const std::vector<shared_capability>& shared, std::uint64_t wire_code) noexcept {
    for (const shared_capability& s : shared)
        if (wire_code >= s.offset && wire_code - s.offset < s.length) return &s;
    return nullptr;
}

const shared_capability* find_by_name(const std::vector<shared_capability>& shared, std::string_view name) noexcept {
    for (const shared_capability& s : shared)
        if (s.name == name) return &s;
    return nullptr;
}

result<local_capability> parse_capability(std::string_view s) noexcept {
    const auto invalid = make_error_code(transport::errc::invalid_argument);
    const auto slash = s.find('/');
    if (slash == std::string_view::npos) return invalid;
    const auto colon = s.find(':', slash + 1);
    if (colon == std::string_view::npos) return invalid;
    const std::string_view name = s.substr(0, slash);
    local_capability c;
    if (!valid_name(name)) return invalid;
    if (!parse_decimal(s.substr(slash + 1, colon - slash - 1), c.version)) return invalid;
    if (!parse_decimal(s.substr(colon + 1), c.length)) return invalid;
    if (c.length == 0 || c.length > max_parsed_length) return invalid;
    try {
        c.name.assign(name);
    } catch (const std::bad_alloc&) {
        std::terminate();  // allocation failure terminates (docs/architecture.md, "Failure policy")
    }
    return c;
}

std::string to_string(const capability& c) noexcept { return c.name + "/" + std::to_string(c.version); }

std::string to_string(const local_capability& c) noexcept {
    return c.name + "/" + std::to_string(c.version) + ":" + std::to_string(c.length);
}

std::string to_string(const shared_capability& c) noexcept {
    char hex[19];
    auto [end, ec] = std::to_chars(hex, hex + sizeof hex, c.offset, 16);
    (void)ec;
    return c.name + "/" + std::to_string(c.version) + "@0x" + std::string(hex, end) + "+" + std::to_string(c.length);
}

}  // namespace polywire::rlpx::p2p
