// The multiaddrs a libp2p-noise node is dialled at, as text:
//
//   /ip4/127.0.0.1/tcp/30303/p2p/12D3KooW...
//   /ip6/::1/tcp/30303/p2p/12D3KooW...
//   /dns4/example.org/tcp/30303/p2p/12D3KooW...   (also /dns6/, /dns/)
//
// ("/ipfs/" is taken for "/p2p/", its former name.) Only this shape is
// read: an address, a TCP port, the peer id.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "transport/variant.hpp"
#include "variants/libp2p_noise/identity.hpp"

namespace polywire::variants::libp2p_noise {

/// The address and peer id of a multiaddr; nullopt and `why` if it is not one.
std::optional<transport::node_address<peer_id>> parse_multiaddr(std::string_view text, std::string& why);

/// The multiaddr of `id` at host:port: /ip4/ for an IPv4 address, /ip6/
/// for an IPv6 one, /dns4/ for a name.
std::string format_multiaddr(const peer_id& id, const std::string& host, std::uint16_t port);

}  // namespace polywire::variants::libp2p_noise
