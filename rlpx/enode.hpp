// enode URLs: enode://<128 hex digits of the node id>@<host>:<port>, the
// address form devp2p nodes are dialled by.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "crypto/secp256k1.hpp"
#include "transport/result.hpp"

namespace polywire::rlpx {

struct enode {
    /// The node's static public key (X || Y), checked to be on the curve.
    crypto::secp256k1::public_key id{};
    /// IPv4 dotted quad, IPv6 without brackets, or a host name (as written).
    std::string host;
    /// TCP port, 1..65535.
    std::uint16_t port = 0;

    friend bool operator==(const enode&, const enode&) = default;
};

/// Parses `enode://<128 hex>@<host>:<port>[?discport=N]`. The host is an
/// IPv4 address, an IPv6 address in brackets (`[::1]`), or a host name
/// (letters, digits, '-', '_' in dot-separated labels). `discport` (the UDP
/// discovery port) is accepted and ignored; any other query, a fragment, a
/// node id that is not 128 hex digits or not on the curve, an empty host, or
/// a missing, zero or out-of-range port is rejected.
/// Errors: errc::bad_enode.
result<enode> parse_enode(std::string_view url) noexcept;

/// `enode://<hex id>@<host>:<port>`, with an IPv6 host in brackets.
std::string to_string(const enode& e) noexcept;

}  // namespace polywire::rlpx
