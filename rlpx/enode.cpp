#include "rlpx/enode.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <exception>
#include <new>

#include "rlpx/error.hpp"

namespace polywire::rlpx {
namespace {

constexpr std::string_view scheme = "enode://";

std::error_code bad() noexcept { return make_error_code(errc::bad_enode); }

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool is_hex(char c) noexcept { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool iequal(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return (is_alpha(x) ? (x | 0x20) : x) == (is_alpha(y) ? (y | 0x20) : y);
           });
}

// A decimal port 0..65535 (at most 5 digits); the caller rejects 0 where needed.
bool parse_port(std::string_view s, std::uint16_t& out) noexcept {
    if (s.empty() || s.size() > 5) return false;
    std::uint32_t v = 0;
    for (char c : s) {
        if (!is_digit(c)) return false;
        v = v * 10 + static_cast<std::uint32_t>(c - '0');
    }
    if (v > 0xffff) return false;
    out = static_cast<std::uint16_t>(v);
    return true;
}

bool valid_ip(int family, std::string_view s) noexcept {
    char buf[64];
    if (s.size() >= sizeof buf) return false;
    std::copy(s.begin(), s.end(), buf);
    buf[s.size()] = '\0';
    unsigned char addr[16];
    return ::inet_pton(family, buf, addr) == 1;
}

// Host names: dot-separated labels of letters, digits, '-' and '_' (not at
// either end of a label), each at most 63 bytes, 253 in all. A name made only
// of digits and dots must be a valid IPv4 address instead.
bool valid_host_name(std::string_view s) noexcept {
    if (s.empty() || s.size() > 253) return false;
    if (std::all_of(s.begin(), s.end(), [](char c) { return is_digit(c) || c == '.'; })) return false;
    std::size_t start = 0;
    while (true) {
        const std::size_t dot = s.find('.', start);
        const std::string_view label = s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        if (label.empty() || label.size() > 63) return false;
        for (char c : label)
            if (!is_alpha(c) && !is_digit(c) && c != '-' && c != '_') return false;
        if (label.front() == '-' || label.back() == '-') return false;
        if (dot == std::string_view::npos) return true;
        start = dot + 1;
    }
}

// Accepts an empty query, or "discport=N" with N a port number.
bool valid_query(std::string_view q) noexcept {
    constexpr std::string_view key = "discport=";
    std::uint16_t ignored = 0;
    return q.substr(0, key.size()) == key && parse_port(q.substr(key.size()), ignored);
}

result<enode> parse(std::string_view url) {
    if (url.size() < scheme.size() || !iequal(url.substr(0, scheme.size()), scheme)) return bad();
    url.remove_prefix(scheme.size());

    // Query: only ?discport=N, and it is ignored.
    if (url.find('#') != std::string_view::npos) return bad();
    if (const auto q = url.find('?'); q != std::string_view::npos) {
        if (!valid_query(url.substr(q + 1))) return bad();
        url = url.substr(0, q);
    }

    const auto at = url.find('@');
    if (at == std::string_view::npos) return bad();
    const std::string_view id_hex = url.substr(0, at);
    std::string_view hostport = url.substr(at + 1);

    enode e;
    if (id_hex.size() != 2 * e.id.size() || !std::all_of(id_hex.begin(), id_hex.end(), is_hex)) return bad();
    bytes raw;
    if (!from_hex(id_hex, raw)) return bad();
    auto key = crypto::secp256k1::parse_public_key(raw);
    if (!key) return bad();
    e.id = key.value();

    std::string_view host, port;
    if (!hostport.empty() && hostport.front() == '[') {
        const auto close = hostport.find(']');
        if (close == std::string_view::npos) return bad();
        host = hostport.substr(1, close - 1);
        const std::string_view rest = hostport.substr(close + 1);
        if (rest.empty() || rest.front() != ':') return bad();
        port = rest.substr(1);
        if (!valid_ip(AF_INET6, host)) return bad();
    } else {
        const auto colon = hostport.rfind(':');
        if (colon == std::string_view::npos) return bad();
        host = hostport.substr(0, colon);
        port = hostport.substr(colon + 1);
        if (host.empty()) return bad();
        const bool numeric = std::all_of(host.begin(), host.end(), [](char c) { return is_digit(c) || c == '.'; });
        if (numeric ? !valid_ip(AF_INET, host) : !valid_host_name(host)) return bad();
    }
    if (!parse_port(port, e.port) || e.port == 0) return bad();
    e.host.assign(host);
    return e;
}

}  // namespace

result<enode> parse_enode(std::string_view url) noexcept {
    try {
        return parse(url);
    } catch (const std::bad_alloc&) {
        std::terminate();  // allocation failure terminates (docs/architecture.md, "Failure policy")
    }
}

std::string to_string(const enode& e) noexcept {
    const bool v6 = e.host.find(':') != std::string::npos;
    std::string s(scheme);
    s += to_hex(byte_view(e.id.data(), e.id.size()));
    s += '@';
    if (v6) s += '[';
    s += e.host;
    if (v6) s += ']';
    s += ':';
    s += std::to_string(e.port);
    return s;
}

}  // namespace polywire::rlpx
