#include "variants/libp2p_noise/multiaddr.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <vector>

namespace polywire::variants::libp2p_noise {
namespace {

std::vector<std::string_view> split(std::string_view text) {
    std::vector<std::string_view> parts;
    while (!text.empty()) {
        const auto slash = text.find('/');
        parts.push_back(text.substr(0, slash));
        if (slash == std::string_view::npos) break;
        text.remove_prefix(slash + 1);
    }
    return parts;
}

bool is_ipv4(const std::string& h) {
    in_addr a{};
    return inet_pton(AF_INET, h.c_str(), &a) == 1;
}
bool is_ipv6(const std::string& h) {
    in6_addr a{};
    return inet_pton(AF_INET6, h.c_str(), &a) == 1;
}
bool is_dns_name(std::string_view h) {
    if (h.empty() || h.size() > 253) return false;
    for (char c : h)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'))
            return false;
    return true;
}

}  // namespace

std::optional<transport::node_address<peer_id>> parse_multiaddr(std::string_view text, std::string& why) {
    if (text.size() > 512 || text.empty() || text[0] != '/') {
        why = "expected /ip4/<address>/tcp/<port>/p2p/<peer id>";
        return std::nullopt;
    }
    const auto p = split(text.substr(1));
    if (p.size() != 6) {
        why = "expected 6 components: /ip4|ip6|dns4|dns6|dns/<host>/tcp/<port>/p2p/<peer id>";
        return std::nullopt;
    }
    transport::node_address<peer_id> a;
    a.host = std::string(p[1]);
    if (p[0] == "ip4") {
        if (!is_ipv4(a.host)) {
            why = "not an IPv4 address: " + a.host;
            return std::nullopt;
        }
    } else if (p[0] == "ip6") {
        if (!is_ipv6(a.host)) {
            why = "not an IPv6 address: " + a.host;
            return std::nullopt;
        }
    } else if (p[0] == "dns4" || p[0] == "dns6" || p[0] == "dns") {
        if (!is_dns_name(a.host)) {
            why = "not a host name: " + a.host;
            return std::nullopt;
        }
    } else {
        why = "unsupported address protocol /" + std::string(p[0]) + " (ip4, ip6, dns4, dns6, dns are)";
        return std::nullopt;
    }
    if (p[2] != "tcp") {
        why = "expected /tcp/<port> after the address";
        return std::nullopt;
    }
    unsigned port = 0;
    const auto [end, ec] = std::from_chars(p[3].data(), p[3].data() + p[3].size(), port);
    if (ec != std::errc{} || end != p[3].data() + p[3].size() || port == 0 || port > 65535 ||
        (p[3].size() > 1 && p[3][0] == '0')) {
        why = "not a TCP port (1..65535): " + std::string(p[3]);
        return std::nullopt;
    }
    a.port = static_cast<std::uint16_t>(port);
    if (p[4] != "p2p" && p[4] != "ipfs") {
        why = "expected /p2p/<peer id> after the port";
        return std::nullopt;
    }
    auto id = peer_id::parse(p[5]);
    if (!id) {
        why = "not a peer id: " + std::string(p[5]).substr(0, 80);
        return std::nullopt;
    }
    a.id = std::move(id.value());
    return a;
}

std::string format_multiaddr(const peer_id& id, const std::string& host, std::uint16_t port) {
    const std::string proto = is_ipv4(host) ? "ip4" : is_ipv6(host) ? "ip6" : "dns4";
    return "/" + proto + "/" + host + "/tcp/" + std::to_string(port) + "/p2p/" + id.to_string();
}

}  // namespace polywire::variants::libp2p_noise
