#include "rlpx/p2p/disconnect.hpp"

#include <array>
#include <charconv>

#include "crypto/snappy.hpp"
#include "rlpx/error.hpp"
#include "rlpx/rlp.hpp"

namespace polywire::rlpx::p2p {
namespace {

struct reason_info {
    disconnect_reason reason;
    std::string_view name;
    std::string_view text;
};

constexpr std::array<reason_info, 13> reasons{{
    {disconnect_reason::requested, "requested", "disconnect requested"},
    {disconnect_reason::network_error, "network_error", "network error"},
    {disconnect_reason::protocol_breach, "protocol_breach", "breach of protocol"},
    {disconnect_reason::useless_peer, "useless_peer", "useless peer"},
    {disconnect_reason::too_many_peers, "too_many_peers", "too many peers"},
    {disconnect_reason::already_connected, "already_connected", "already connected"},
    {disconnect_reason::incompatible_version, "incompatible_version", "incompatible p2p protocol version"},
    {disconnect_reason::invalid_identity, "invalid_identity", "invalid node identity"},
    {disconnect_reason::client_quitting, "client_quitting", "client quitting"},
    {disconnect_reason::unexpected_identity, "unexpected_identity", "unexpected identity"},
    {disconnect_reason::connected_to_self, "connected_to_self", "connected to self"},
    {disconnect_reason::read_timeout, "read_timeout", "read timeout"},
    {disconnect_reason::subprotocol_error, "subprotocol_error", "subprotocol error"},
}};

const reason_info* find(disconnect_reason r) noexcept {
    for (const reason_info& i : reasons)
        if (i.reason == r) return &i;
    return nullptr;
}

char fold(char c) noexcept {
    if (c >= 'A' && c <= 'Z') return static_cast<char>(c - 'A' + 'a');
    if (c == '-') return '_';
    return c;
}

bool name_equal(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (fold(a[i]) != fold(b[i])) return false;
    return true;
}

// An RLP string holding a reason: empty means 0; one byte is the value
// (`00` is accepted as 0 although RLP would write `80`); longer strings
// cannot hold a uint8 canonically and are rejected.
std::optional<std::uint8_t> reason_from_string(byte_view s) noexcept {
    if (s.empty()) return std::uint8_t{0};
    if (s.size() == 1) return s[0];
    return std::nullopt;
}

// One of: [reason, ...], [], reason, "" (bytes after the item ignored).
std::optional<std::uint8_t> decode_plain(byte_view in) noexcept {
    auto outer = rlp::decode(in);
    if (!outer) return std::nullopt;
    if (outer.value().type == rlp::kind::string) return reason_from_string(outer.value().payload);
    if (outer.value().payload.empty()) return std::uint8_t{0};
    auto first = rlp::decode(outer.value().payload);
    if (!first || first.value().type != rlp::kind::string) return std::nullopt;
    return reason_from_string(first.value().payload);
}

std::optional<std::uint8_t> decode_compressed(byte_view in) noexcept {
    auto n = crypto::snappy::declared_length(in);
    if (!n || n.value() == 0 || n.value() > max_disconnect_decompressed_size) return std::nullopt;
    std::array<std::uint8_t, max_disconnect_decompressed_size> buf;
    mutable_byte_view out(buf.data(), n.value());
    if (crypto::snappy::uncompress(in, out)) return std::nullopt;
    return decode_plain(out);
}

}  // namespace

std::string_view reason_name(disconnect_reason r) noexcept {
    const reason_info* i = find(r);
    return i ? i->name : "unknown";
}

std::string_view reason_text(disconnect_reason r) noexcept {
    const reason_info* i = find(r);
    return i ? i->text : "unknown disconnect reason";
}

std::optional<disconnect_reason> known_reason(std::uint8_t value) noexcept {
    const reason_info* i = find(static_cast<disconnect_reason>(value));
    if (!i) return std::nullopt;
    return i->reason;
}

std::optional<disconnect_reason> parse_reason(std::string_view s) noexcept {
    if (s.empty()) return std::nullopt;
    if (s[0] >= '0' && s[0] <= '9') {
        int base = 10;
        if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
            s.remove_prefix(2);
            base = 16;
        }
        unsigned value = 0;
        auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value, base);
        if (ec != std::errc{} || end != s.data() + s.size() || value > 0xff) return std::nullopt;
        return known_reason(static_cast<std::uint8_t>(value));
    }
    for (const reason_info& i : reasons)
        if (name_equal(s, i.name)) return i.reason;
    return std::nullopt;
}

bytes encode_disconnect(disconnect_reason r) noexcept {
    bytes item;
    rlp::encode_uint(item, static_cast<std::uint8_t>(r));
    bytes out;
    rlp::encode_list(out, item);
    return out;
}

result<std::uint8_t> decode_disconnect(byte_view payload, bool snappy_active) noexcept {
    if (snappy_active) {
        if (auto r = decode_compressed(payload)) return *r;
    }
    if (auto r = decode_plain(payload)) return *r;
    return make_error_code(errc::bad_disconnect_rlp);
}

}  // namespace polywire::rlpx::p2p
