#include "rlpx/rlp.hpp"

#include "rlpx/error.hpp"

namespace polywire::rlpx::rlp {
namespace {

void encode_length(bytes& out, std::size_t len, std::uint8_t short_base, std::uint8_t long_base) {
    if (len < 56) {
        out.push_back(static_cast<std::uint8_t>(short_base + len));
        return;
    }
    std::uint8_t be[8];
    int n = 0;
    for (std::size_t v = len; v != 0; v >>= 8) be[n++] = static_cast<std::uint8_t>(v);
    out.push_back(static_cast<std::uint8_t>(long_base + n));
    while (n > 0) out.push_back(be[--n]);
}

std::error_code bad() noexcept { return make_error_code(errc::bad_rlp); }

}  // namespace

void encode_bytes(bytes& out, byte_view b) {
    if (b.size() == 1 && b[0] < 0x80) {
        out.push_back(b[0]);
        return;
    }
    encode_length(out, b.size(), 0x80, 0xb7);
    out.insert(out.end(), b.begin(), b.end());
}

void encode_uint(bytes& out, std::uint64_t v) {
    std::uint8_t be[8];
    int n = 0;
    for (; v != 0; v >>= 8) be[7 - n++] = static_cast<std::uint8_t>(v);
    encode_bytes(out, byte_view(be + 8 - n, static_cast<std::size_t>(n)));
}

void encode_list_header(bytes& out, std::size_t payload_size) { encode_length(out, payload_size, 0xc0, 0xf7); }

void encode_list(bytes& out, byte_view payload) {
    encode_list_header(out, payload.size());
    out.insert(out.end(), payload.begin(), payload.end());
}

result<item> decode(byte_view in) noexcept {
    if (in.empty()) return bad();
    const std::uint8_t b0 = in[0];
    if (b0 < 0x80) return item{kind::string, in.first(1), in.first(1)};

    const bool is_list = b0 >= 0xc0;
    const std::uint8_t base = is_list ? 0xc0 : 0x80;
    std::size_t header = 1, len = 0;
    if (b0 - base < 56) {
        len = static_cast<std::size_t>(b0 - base);
    } else {
        const std::size_t n = static_cast<std::size_t>(b0 - base - 55);
        if (n > 8 || in.size() < 1 + n) return bad();
        if (in[1] == 0) return bad();  // leading zero in the length
        for (std::size_t i = 0; i < n; ++i) {
            if (len > (SIZE_MAX >> 8)) return bad();
            len = len << 8 | in[1 + i];
        }
        if (len < 56) return bad();  // should have used the short form
        header += n;
    }
    if (len > in.size() - header) return bad();
    byte_view payload = in.subspan(header, len);
    if (!is_list && len == 1 && payload[0] < 0x80) return bad();  // non-canonical single byte
    return item{is_list ? kind::list : kind::string, payload, in.first(header + len)};
}

result<item> list_reader::next() noexcept {
    POLYWIRE_TRY(it, decode(rest_));
    rest_ = rest_.subspan(it.encoded.size());
    return it;
}

result<byte_view> list_reader::next_bytes() noexcept {
    POLYWIRE_TRY(it, next());
    if (it.type != kind::string) return bad();
    return it.payload;
}

result<std::uint64_t> list_reader::next_uint() noexcept {
    POLYWIRE_TRY(it, next());
    return to_uint(it);
}

result<byte_view> list_reader::next_list() noexcept {
    POLYWIRE_TRY(it, next());
    if (it.type != kind::list) return bad();
    return it.payload;
}

result<std::uint64_t> to_uint(const item& it) noexcept {
    if (it.type != kind::string || it.payload.size() > 8) return bad();
    if (!it.payload.empty() && it.payload[0] == 0) return bad();
    std::uint64_t v = 0;
    for (std::uint8_t c : it.payload) v = v << 8 | c;
    return v;
}

}  // namespace polywire::rlpx::rlp
