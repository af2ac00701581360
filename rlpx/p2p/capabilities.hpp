// Capability negotiation: which subprotocols two peers share and where each
// one's message codes start on the wire (geth p2p/peer.go matchProtocols).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rlpx/p2p/hello.hpp"
#include "transport/result.hpp"

namespace polywire::rlpx::p2p {

/// A subprotocol this node runs.
struct local_capability {
    std::string name;
    std::uint64_t version = 0;
    /// Number of message codes the subprotocol uses (geth's Protocol.Length).
    std::uint64_t length = 0;

    friend bool operator==(const local_capability&, const local_capability&) = default;
};

/// A subprotocol both peers run, with its range of wire codes
/// [offset, offset + length).
struct shared_capability {
    std::string name;
    std::uint64_t version = 0;
    std::uint64_t offset = 0;
    std::uint64_t length = 0;

    friend bool operator==(const shared_capability&, const shared_capability&) = default;
};

/// geth's matchProtocols: the remote capabilities are sorted by name
/// (byte-wise) then version; each one equal in name and version to a local
/// capability is assigned the next offset (from base_protocol_length), and a
/// later version of an already assigned name replaces it, rewinding the
/// offset. Result: one entry per shared name with the highest version both
/// run, laid out consecutively from 0x10 in name order (the order returned).
std::vector<shared_capability> match(std::span<const local_capability> local,
                                     std::span<const capability> remote) noexcept;

/// The shared capability whose code range holds `wire_code`, or nullptr.
const shared_capability* find_by_code(const std::vector<shared_capability>& shared, std::uint64_t wire_code) noexcept;
/// The shared capability with this name, or nullptr.
const shared_capability* find_by_name(const std::vector<shared_capability>& shared, std::string_view name) noexcept;

/// Parses "NAME/VERSION:LENGTH" (e.g. "eth/68:17") as given on a command
/// line. NAME is non-empty printable ASCII without '/', ':' or spaces;
/// VERSION and LENGTH are decimal, LENGTH at least 1 and at most 2^32.
/// Errors: transport::errc::invalid_argument.
result<local_capability> parse_capability(std::string_view s) noexcept;

/// "eth/68".
std::string to_string(const capability& c) noexcept;
/// "eth/68:17" (what parse_capability reads).
std::string to_string(const local_capability& c) noexcept;
/// "eth/68@0x10+17" (for logs).
std::string to_string(const shared_capability& c) noexcept;

}  // namespace polywire::rlpx::p2p
