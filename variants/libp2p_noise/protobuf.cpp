#include "variants/libp2p_noise/protobuf.hpp"

#include <new>

#include "variants/libp2p_noise/error.hpp"

namespace polywire::variants::libp2p_noise::pb {
namespace {

enum wire : std::uint64_t { varint_type = 0, fixed64_type = 1, len_type = 2, fixed32_type = 5 };

std::error_code bad() noexcept { return make_error_code(errc::bad_payload); }

void put_key(std::uint64_t field, std::uint64_t wire_type, bytes& out) { put_varint(field << 3 | wire_type, out); }

void put_len(std::uint64_t field, byte_view data, bytes& out) {
    put_key(field, len_type, out);
    put_varint(data.size(), out);
    out.insert(out.end(), data.begin(), data.end());
}

struct field {
    std::uint64_t number = 0;
    std::uint64_t wire_type = 0;
    std::uint64_t value = 0;  ///< a varint field's value
    byte_view data;           ///< a length-delimited field's bytes
};

/// The next field of `in` at `at`; fixed-size fields are checked and skipped.
result<field> next_field(byte_view in, std::size_t& at) noexcept {
    auto key = get_varint(in, at);
    if (!key) return key.error();
    field f;
    f.number = key.value() >> 3;
    f.wire_type = key.value() & 7;
    if (f.number == 0 || f.number > 0x1fffffff) return bad();
    switch (f.wire_type) {
        case varint_type: {
            auto v = get_varint(in, at);
            if (!v) return v.error();
            f.value = v.value();
            return f;
        }
        case fixed64_type:
        case fixed32_type: {
            const std::size_t n = f.wire_type == fixed64_type ? 8 : 4;
            if (in.size() - at < n) return bad();
            at += n;
            return f;
        }
        case len_type: {
            auto len = get_varint(in, at);
            if (!len) return len.error();
            if (len.value() > in.size() - at) return bad();  // before anything is copied
            f.data = in.subspan(at, static_cast<std::size_t>(len.value()));
            at += f.data.size();
            return f;
        }
        default: return bad();  // groups (3, 4) and the undefined 6, 7
    }
}

std::error_code decode_extensions(byte_view in, extensions& out) {
    std::size_t at = 0;
    while (at < in.size()) {
        auto f = next_field(in, at);
        if (!f) return f.error();
        if (f.value().number != 1 && f.value().number != 2) continue;  // unknown: skipped
        if (f.value().wire_type != len_type || f.value().data.size() > max_entry_size) return bad();
        if (f.value().number == 1) {
            if (out.webtransport_certhashes.size() >= max_repeated) return bad();
            out.webtransport_certhashes.emplace_back(f.value().data.begin(), f.value().data.end());
        } else {
            if (out.stream_muxers.size() >= max_repeated) return bad();
            out.stream_muxers.emplace_back(f.value().data.begin(), f.value().data.end());
        }
    }
    return {};
}

}  // namespace

void put_varint(std::uint64_t v, bytes& out) {
    while (v >= 0x80) {
        out.push_back(static_cast<std::uint8_t>(v | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<std::uint8_t>(v));
}

result<std::uint64_t> get_varint(byte_view in, std::size_t& at) noexcept {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < 10; ++i) {
        if (at + i >= in.size()) return bad();
        const std::uint8_t b = in[at + i];
        if (i == 9 && b > 1) return bad();  // beyond 64 bits
        v |= std::uint64_t{b & 0x7fu} << (7 * i);
        if (!(b & 0x80)) {
            if (i > 0 && b == 0) return bad();  // not minimal: a trailing zero group
            at += i + 1;
            return v;
        }
    }
    return bad();  // more than 10 bytes
}

void encode(const key_message& m, bytes& out) {
    put_key(1, varint_type, out);
    put_varint(static_cast<std::uint64_t>(m.type), out);
    put_len(2, m.data, out);
}

void encode(const extensions& m, bytes& out) {
    for (const auto& c : m.webtransport_certhashes) put_len(1, c, out);
    for (const auto& s : m.stream_muxers) put_len(2, as_bytes(s), out);
}

void encode(const handshake_payload& m, bytes& out) {
    if (m.identity_key) put_len(1, *m.identity_key, out);
    if (m.identity_sig) put_len(2, *m.identity_sig, out);
    if (m.extensions) {
        bytes inner;
        encode(*m.extensions, inner);
        put_len(4, inner, out);
    }
}

result<key_message> decode_key(byte_view in) noexcept {
    try {
        key_message m;
        bool has_type = false, has_data = false;
        std::size_t at = 0;
        while (at < in.size()) {
            auto f = next_field(in, at);
            if (!f) return f.error();
            if (f.value().number == 1) {
                if (f.value().wire_type != varint_type) return bad();
                m.type = static_cast<key_type>(f.value().value);
                has_type = true;
            } else if (f.value().number == 2) {
                if (f.value().wire_type != len_type || f.value().data.size() > max_key_size) return bad();
                m.data.assign(f.value().data.begin(), f.value().data.end());
                has_data = true;
            }
        }
        if (!has_type || !has_data) return bad();
        return m;
    } catch (const std::bad_alloc&) {
        return bad();
    }
}

result<handshake_payload> decode_payload(byte_view in) noexcept {
    try {
        handshake_payload m;
        std::size_t at = 0;
        while (at < in.size()) {
            auto f = next_field(in, at);
            if (!f) return f.error();
            if (f.value().number != 1 && f.value().number != 2 && f.value().number != 4) continue;  // unknown: skipped
            if (f.value().wire_type != len_type) return bad();
            if (f.value().number == 1) {
                m.identity_key.emplace(f.value().data.begin(), f.value().data.end());
            } else if (f.value().number == 2) {
                m.identity_sig.emplace(f.value().data.begin(), f.value().data.end());
            } else {
                if (!m.extensions) m.extensions.emplace();
                if (auto ec = decode_extensions(f.value().data, *m.extensions)) return ec;
            }
        }
        return m;
    } catch (const std::bad_alloc&) {
        return bad();
    }
}

}  // namespace polywire::variants::libp2p_noise::pb
