#include "variants/sha256_per_side/authenticate.hpp"

#include <algorithm>
#include <array>

#include "variants/sha256_per_side/error.hpp"

namespace polywire::variants::sha256_per_side {
namespace {

namespace k1 = crypto::secp256k1;

// ---- protobuf wire format: just what Authenticate needs ----------------

enum wire_type : std::uint8_t { varint_type = 0, fixed64_type = 1, len_type = 2, fixed32_type = 5 };

constexpr std::uint64_t pkt_auth = 50;
constexpr std::uint64_t auth_node_id = 1, auth_session_sig = 2;
constexpr std::uint64_t pubkey_key = 1;

void put_varint(bytes& out, std::uint64_t v) {
    while (v >= 0x80) {
        out.push_back(static_cast<std::uint8_t>(v | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<std::uint8_t>(v));
}
void put_key(bytes& out, std::uint64_t field, wire_type t) { put_varint(out, field << 3 | t); }
void put_len(bytes& out, std::uint64_t field, byte_view v) {
    put_key(out, field, len_type);
    put_varint(out, v.size());
    out.insert(out.end(), v.begin(), v.end());
}

/// One field as read: its number, wire type and value (the bytes of a
/// length-delimited or fixed field, or a varint's value).
struct field {
    std::uint64_t number = 0;
    wire_type type = varint_type;
    byte_view bytes_value{};
    std::uint64_t varint_value = 0;
};

class reader {
public:
    explicit reader(byte_view in) noexcept : in_(in) {}
    bool done() const noexcept { return pos_ == in_.size(); }

    /// The next field, or malformed_authenticate.
    result<field> next() noexcept {
        field f;
        std::uint64_t key = 0;
        if (!varint(key)) return bad();
        f.number = key >> 3;
        if (f.number == 0 || f.number > 0x1FFFFFFF) return bad();
        switch (key & 7) {
            case varint_type:
                f.type = varint_type;
                if (!varint(f.varint_value)) return bad();
                return f;
            case fixed64_type:
                f.type = fixed64_type;
                if (!take(8, f.bytes_value)) return bad();
                return f;
            case fixed32_type:
                f.type = fixed32_type;
                if (!take(4, f.bytes_value)) return bad();
                return f;
            case len_type: {
                f.type = len_type;
                std::uint64_t n = 0;
                if (!varint(n) || !take(n, f.bytes_value)) return bad();
                return f;
            }
            default: return bad();  // groups (3, 4) and reserved types
        }
    }

private:
    static std::error_code bad() noexcept { return make_error_code(errc::malformed_authenticate); }
    bool varint(std::uint64_t& v) noexcept {
        v = 0;
        for (unsigned shift = 0; shift < 64; shift += 7) {
            if (pos_ == in_.size()) return false;
            const std::uint8_t b = in_[pos_++];
            if (shift == 63 && b > 1) return false;  // beyond 64 bits
            v |= std::uint64_t{b & 0x7fu} << shift;
            if (!(b & 0x80)) return true;
        }
        return false;
    }
    bool take(std::uint64_t n, byte_view& out) noexcept {
        if (n > in_.size() - pos_) return false;
        out = in_.subspan(pos_, static_cast<std::size_t>(n));
        pos_ += static_cast<std::size_t>(n);
        return true;
    }

    byte_view in_;
    std::size_t pos_ = 0;
};

/// An unknown field: odd numbers are optional (ignored), even ones required.
std::error_code unknown(const field& f) noexcept {
    return f.number % 2 == 1 ? std::error_code{} : make_error_code(errc::unknown_required_field);
}

/// Reads every field of `msg`, handing known ones to `on_known(f, seen)`,
/// which returns whether it knew the field (or an error).
template <std::size_t Known, class F>
std::error_code read_message(byte_view msg, F&& on_known) noexcept {
    reader r(msg);
    std::array<bool, Known + 1> seen{};
    while (!r.done()) {
        auto f = r.next();
        if (!f) return f.error();
        if (f.value().number >= 1 && f.value().number <= Known) {
            auto& s = seen[static_cast<std::size_t>(f.value().number)];
            if (s) return make_error_code(errc::malformed_authenticate);  // repeated
            s = true;
            if (auto ec = on_known(f.value())) return ec;
        } else if (auto ec = unknown(f.value())) {
            return ec;
        }
    }
    for (std::size_t i = 1; i <= Known; ++i)
        if (!seen[i]) return make_error_code(errc::malformed_authenticate);  // a required field is missing
    return {};
}

// r and s, big-endian, <-> their limbs as they appear on the wire: each
// limb a fixed64 (little-endian), r1 the least-significant.
void put_signature(bytes& out, const k1::compact_signature& sig) {
    for (std::size_t half = 0; half < 2; ++half) {
        std::array<std::uint8_t, 32> le;
        std::reverse_copy(sig.begin() + 32 * half, sig.begin() + 32 * (half + 1), le.begin());
        for (std::size_t limb = 0; limb < 4; ++limb) {
            put_key(out, 1 + 4 * half + limb, fixed64_type);
            out.insert(out.end(), le.begin() + 8 * limb, le.begin() + 8 * (limb + 1));
        }
    }
}

}  // namespace

bytes encode_authenticate_packet(const authenticate& a) {
    bytes pubkey, sig, auth, pkt;
    put_len(pubkey, pubkey_key, a.node_id);
    put_signature(sig, a.session_sig);
    put_len(auth, auth_node_id, pubkey);
    put_len(auth, auth_session_sig, sig);
    put_len(pkt, pkt_auth, auth);
    return pkt;
}

result<authenticate> decode_authenticate_packet(byte_view pkt) noexcept {
    // Pkt: `auth` must be there; other even fields (another packet kind, or
    // unknown required ones) mean this is not an Authenticate.
    byte_view auth_bytes;
    bool have_auth = false;
    reader r(pkt);
    while (!r.done()) {
        auto f = r.next();
        if (!f) return f.error();
        if (f.value().number == pkt_auth) {
            if (have_auth || f.value().type != len_type) return make_error_code(errc::malformed_authenticate);
            auth_bytes = f.value().bytes_value;
            have_auth = true;
        } else if (f.value().number % 2 == 0) {
            return make_error_code(errc::expected_authenticate);
        }
    }
    if (!have_auth) return make_error_code(errc::expected_authenticate);

    authenticate a;
    auto ec = read_message<2>(auth_bytes, [&](const field& f) noexcept -> std::error_code {
        if (f.type != len_type) return make_error_code(errc::malformed_authenticate);
        if (f.number == auth_node_id) {
            return read_message<1>(f.bytes_value, [&](const field& k) noexcept -> std::error_code {
                if (k.type != len_type || k.bytes_value.size() != a.node_id.size())
                    return make_error_code(errc::malformed_authenticate);
                std::copy(k.bytes_value.begin(), k.bytes_value.end(), a.node_id.begin());
                return {};
            });
        }
        return read_message<8>(f.bytes_value, [&](const field& limb) noexcept -> std::error_code {
            if (limb.type != fixed64_type) return make_error_code(errc::malformed_authenticate);
            // limb n (1..8): r1..r4, s1..s4; limb 1 of each is least significant.
            const std::size_t n = static_cast<std::size_t>(limb.number) - 1;
            const std::size_t half = n / 4, index = n % 4;
            for (std::size_t i = 0; i < 8; ++i) a.session_sig[32 * half + 31 - (8 * index + i)] = limb.bytes_value[i];
            return {};
        });
    });
    if (ec) return ec;
    return a;
}

crypto::digest32 session_digest(const compressed_key& session_key) noexcept {
    const auto once = crypto::sha256(session_key);
    return crypto::sha256(once);
}

result<authenticate> make_authenticate(const k1::private_key& node_key, const compressed_key& their_session_key,
                                       const std::optional<compressed_key>& node_id) noexcept {
    authenticate a;
    if (node_id) {
        a.node_id = *node_id;
    } else {
        auto id = k1::derive_compressed_public_key(node_key);
        if (!id) return id.error();
        a.node_id = id.value();
    }
    auto sig = k1::sign(node_key, session_digest(their_session_key));
    if (!sig) return sig.error();
    a.session_sig = sig.value();
    return a;
}

std::error_code check_authenticate(const authenticate& a, const compressed_key& our_session_key,
                                   const std::optional<compressed_key>& expected_remote_id,
                                   const std::optional<compressed_key>& our_node_id) noexcept {
    if (our_node_id && constant_time_equal(*our_node_id, a.node_id)) return make_error_code(errc::own_node_id);
    if (expected_remote_id && !constant_time_equal(*expected_remote_id, a.node_id))
        return make_error_code(errc::wrong_remote_identity);
    if (a.node_id[0] != 0x02 && a.node_id[0] != 0x03) return make_error_code(errc::malformed_authenticate);
    auto key = k1::parse_public_key(a.node_id);
    if (!key) return make_error_code(errc::malformed_authenticate);
    if (!k1::verify(a.session_sig, session_digest(our_session_key), key.value()))
        return make_error_code(errc::bad_signature);
    return {};
}

std::error_code authenticate_protocol::start(const secrets& s, policies::frame_writer& write) {
    local_session_key_ = s.local_session_key;
    auto a = make_authenticate(opts_.node_key, s.remote_session_key, opts_.node_id);
    if (!a) return a.error();
    local_node_id_ = a.value().node_id;
    write(0, encode_authenticate_packet(a.value()), false);
    return {};
}

result<policies::control_result> authenticate_protocol::on_control(std::uint64_t, byte_view payload,
                                                                   policies::frame_writer&) {
    auto a = decode_authenticate_packet(payload);
    if (!a) return a.error();
    if (auto ec = check_authenticate(a.value(), local_session_key_, opts_.expected_remote_id, local_node_id_))
        return ec;
    info_.node_id = a.value().node_id;
    done_ = true;
    return policies::control_result{policies::control_event::greeting};
}

}  // namespace polywire::variants::sha256_per_side
