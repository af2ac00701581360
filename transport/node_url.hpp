// Node URLs: `<scheme>://<hex node id>@<host>:<port>`, the one shape every
// variant's address takes (enode:// for RLPx, noise-xk:// and
// sha256-per-side:// with the 33-byte compressed key, ...). Only the syntax
// lives here; whether the id is a valid key of the variant is the variant
// descriptor's business (its parse_url, transport/variant.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "transport/bytes.hpp"

namespace polywire::transport {

struct node_url {
    std::string scheme;  ///< without "://"
    bytes id;            ///< the node id, decoded from hex
    std::string host;    ///< IPv4, IPv6 (without brackets) or a host name
    std::uint16_t port = 0;

    friend bool operator==(const node_url&, const node_url&) = default;
};

/// Parses `<scheme>://<2*id_size hex>@<host>:<port>`; an IPv6 host is written
/// in brackets. Rejects another scheme, an id of another length or with a
/// non-hex digit, an empty or malformed host, a port outside 1..65535, and
/// anything after the port (RLPx's `?discport=N` is handled by
/// rlpx::parse_enode, not here). On failure, nullopt and `why` (if given)
/// says what is wrong.
std::optional<node_url> parse_node_url(std::string_view text, std::string_view scheme, std::size_t id_size,
                                       std::string* why = nullptr);

/// `<scheme>://<hex id>@<host>:<port>`, an IPv6 host in brackets.
std::string to_string(const node_url& url);

}  // namespace polywire::transport
