// Recursive Length Prefix (RLP), the encoding of every RLPx handshake body
// and p2p message. Encoding appends to a buffer; decoding walks a byte view
// without copying and never reads past it. Decoding is canonical where
// go-ethereum's is (no leading zeros in integers, shortest length forms,
// single bytes < 0x80 not wrapped).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "transport/bytes.hpp"
#include "transport/result.hpp"

namespace polywire::rlpx::rlp {

// ---- encoding ----------------------------------------------------------

/// Appends an RLP string (byte array).
void encode_bytes(bytes& out, byte_view b);
inline void encode_string(bytes& out, std::string_view s) { encode_bytes(out, as_bytes(s)); }
/// Appends an unsigned integer as a big-endian string without leading zeros.
void encode_uint(bytes& out, std::uint64_t v);
/// Appends a list header for a payload of `payload_size` bytes; the caller
/// appends the payload itself.
void encode_list_header(bytes& out, std::size_t payload_size);
/// Appends a list whose already-encoded items are `payload`.
void encode_list(bytes& out, byte_view payload);

// ---- decoding ----------------------------------------------------------

enum class kind { string, list };

/// One decoded item: `payload` is the string's bytes or the list's encoded
/// items; `encoded` is the whole item including its header.
struct item {
    kind type;
    byte_view payload;
    byte_view encoded;
};

/// Decodes the first item of `in`. Errors: rlpx::errc::bad_rlp.
result<item> decode(byte_view in) noexcept;

/// Iterates over the items of a list payload.
class list_reader {
public:
    explicit list_reader(byte_view list_payload) noexcept : rest_(list_payload) {}
    bool empty() const noexcept { return rest_.empty(); }
    /// The next item, or bad_rlp if malformed or none is left.
    result<item> next() noexcept;
    /// The next item as a string / unsigned integer / list payload.
    result<byte_view> next_bytes() noexcept;
    result<std::uint64_t> next_uint() noexcept;
    result<byte_view> next_list() noexcept;

private:
    byte_view rest_;
};

/// Interprets a string item as a canonical unsigned integer (up to 8 bytes).
result<std::uint64_t> to_uint(const item& it) noexcept;

}  // namespace polywire::rlpx::rlp
