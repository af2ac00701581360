#include "transport/node_url.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace polywire::transport {

namespace {
bool host_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
}
}  // namespace

std::optional<node_url> parse_node_url(std::string_view text, std::string_view scheme, std::size_t id_size,
                                       std::string* why) {
    auto bad = [why](std::string reason) -> std::optional<node_url> {
        if (why) *why = std::move(reason);
        return std::nullopt;
    };
    const std::string prefix = std::string(scheme) + "://";
    if (!text.starts_with(prefix)) return bad("expected " + prefix + "<node id>@<host>:<port>");
    text.remove_prefix(prefix.size());
    const auto at = text.find('@');
    if (at == std::string_view::npos) return bad("missing '@' between the node id and the address");
    node_url url;
    url.scheme = std::string(scheme);
    const std::string_view hex = text.substr(0, at);
    if (hex.size() != 2 * id_size || !std::all_of(hex.begin(), hex.end(), [](char c) {
            return std::isxdigit(static_cast<unsigned char>(c));
        }) || !from_hex(hex, url.id) || url.id.size() != id_size)
        return bad("the node id must be " + std::to_string(2 * id_size) + " hex digits");
    std::string_view rest = text.substr(at + 1);
    std::string_view host, port;
    if (rest.starts_with('[')) {
        const auto close = rest.find(']');
        if (close == std::string_view::npos) return bad("missing ']' after an IPv6 address");
        host = rest.substr(1, close - 1);
        if (host.empty() || !std::all_of(host.begin(), host.end(), [](char c) {
                return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.';
            }))
            return bad("malformed IPv6 address");
        rest.remove_prefix(close + 1);
        if (!rest.starts_with(':')) return bad("missing ':<port>'");
        port = rest.substr(1);
    } else {
        const auto colon = rest.rfind(':');
        if (colon == std::string_view::npos) return bad("missing ':<port>'");
        host = rest.substr(0, colon);
        port = rest.substr(colon + 1);
        if (host.empty() || !std::all_of(host.begin(), host.end(), host_char)) return bad("malformed host");
    }
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || ec != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535)
        return bad("the port must be a number from 1 to 65535");
    url.host = std::string(host);
    url.port = static_cast<std::uint16_t>(value);
    return url;
}

std::string to_string(const node_url& url) {
    const bool v6 = url.host.find(':') != std::string::npos;
    return url.scheme + "://" + to_hex(url.id) + "@" + (v6 ? "[" + url.host + "]" : url.host) + ":" +
           std::to_string(url.port);
}

}  // namespace polywire::transport
