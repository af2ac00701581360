#include "variants/libp2p_noise/identity.hpp"

#include <algorithm>
#include <array>
#include <new>

#include "crypto/hash.hpp"
#include "crypto/random.hpp"
#include "variants/libp2p_noise/error.hpp"

namespace polywire::variants::libp2p_noise {
namespace {

namespace ed = crypto::ed25519;
namespace k1 = crypto::secp256k1;

constexpr char alphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
constexpr std::uint64_t mh_identity = 0x00;
constexpr std::uint64_t mh_sha256 = 0x12;
constexpr std::size_t max_inline_key = 42;  // a serialized key up to this size is its own peer id

bytes serialize_key(key_type t, byte_view data) {
    bytes out;
    pb::encode(pb::key_message{t, bytes(data.begin(), data.end())}, out);
    return out;
}

std::error_code err(errc e) noexcept { return make_error_code(e); }

}  // namespace

// ---- private keys --------------------------------------------------------

private_key::private_key() {
    public_key_ = serialize_key(key_type::ed25519, ed_.public_key());
    bytes data(ed_.seed().begin(), ed_.seed().end());
    data.insert(data.end(), ed_.public_key().begin(), ed_.public_key().end());
    bytes s = serialize_key(key_type::ed25519, data);
    serialized_.assign(s.begin(), s.end());
    std::fill(data.begin(), data.end(), std::uint8_t{0});
    std::fill(s.begin(), s.end(), std::uint8_t{0});
}

result<private_key> private_key::from_ed25519_seed(byte_view seed) noexcept {
    try {
        auto k = ed::private_key::from_seed(seed);
        if (!k) return err(errc::bad_private_key);
        private_key p;
        p.type_ = key_type::ed25519;
        p.ed_ = k.value();
        p.public_key_ = serialize_key(key_type::ed25519, p.ed_.public_key());
        secure_bytes data(seed.begin(), seed.end());
        data.insert(data.end(), p.ed_.public_key().begin(), p.ed_.public_key().end());
        p.serialized_.clear();
        p.serialized_.push_back(0x08);
        p.serialized_.push_back(0x01);
        p.serialized_.push_back(0x12);
        p.serialized_.push_back(static_cast<std::uint8_t>(data.size()));
        p.serialized_.insert(p.serialized_.end(), data.begin(), data.end());
        return p;
    } catch (const std::bad_alloc&) {
        return err(errc::bad_private_key);
    }
}

result<private_key> private_key::from_secp256k1(byte_view scalar) noexcept {
    try {
        auto k = k1::parse_private_key(scalar);
        if (!k) return err(errc::bad_private_key);
        auto pub = k1::derive_compressed_public_key(k.value());
        if (!pub) return err(errc::bad_private_key);
        private_key p;
        p.type_ = key_type::secp256k1;
        p.k1_ = k.value();
        p.ed_ = {};
        p.public_key_ = serialize_key(key_type::secp256k1, pub.value());
        p.serialized_ = {0x08, 0x02, 0x12, 0x20};
        p.serialized_.insert(p.serialized_.end(), scalar.begin(), scalar.end());
        return p;
    } catch (const std::bad_alloc&) {
        return err(errc::bad_private_key);
    }
}

result<private_key> private_key::generate(key_type type, const transport::random_source& random) noexcept {
    if (type == key_type::ed25519) {
        secret<32> seed;
        if (crypto::random_bytes(random, seed.mutable_view())) return make_error_code(crypto::errc::random_failure);
        return from_ed25519_seed(seed.view());
    }
    if (type == key_type::secp256k1) {
        auto k = k1::generate_private_key(random);
        if (!k) return k.error();
        return from_secp256k1(k.value().view());
    }
    return err(errc::unsupported_key_type);
}

result<private_key> private_key::parse(byte_view serialized) noexcept {
    auto m = pb::decode_key(serialized);
    if (!m) return err(errc::bad_private_key);
    bytes& d = m.value().data;
    // Each outcome returned where it is made (no assignment between results).
    auto decoded = [&]() -> result<private_key> {
        if (m.value().type == key_type::ed25519 && (d.size() == 32 || d.size() == 64)) {
            auto k = from_ed25519_seed(byte_view(d).first(32));
            // seed || public key: the public half must be the seed's.
            if (k && d.size() == 64 && !std::equal(d.begin() + 32, d.end(), k.value().ed_.public_key().begin()))
                return err(errc::bad_private_key);
            return k;
        }
        if (m.value().type == key_type::secp256k1 && d.size() == 32) return from_secp256k1(d);
        if (m.value().type != key_type::ed25519 && m.value().type != key_type::secp256k1)
            return err(errc::unsupported_key_type);
        return err(errc::bad_private_key);
    };
    auto k = decoded();
    std::fill(d.begin(), d.end(), std::uint8_t{0});
    return k;
}

std::error_code private_key::sign(byte_view message, bytes& sig) const noexcept {
    try {
        if (type_ == key_type::ed25519) {
            const ed::signature s = ed_.sign(message);
            sig.insert(sig.end(), s.begin(), s.end());
            return {};
        }
        const crypto::digest32 d = crypto::sha256(message);
        return k1::sign_der(k1_, d, sig);
    } catch (const std::bad_alloc&) {
        return err(errc::bad_private_key);
    }
}

// ---- signatures ------------------------------------------------------------

std::error_code verify(byte_view public_key, byte_view message, byte_view sig) noexcept {
    auto m = pb::decode_key(public_key);
    if (!m) return m.error();
    if (m.value().type == key_type::ed25519) {
        if (m.value().data.size() != ed::public_key_size) return err(errc::bad_public_key);
        ed::public_key pk;
        std::copy(m.value().data.begin(), m.value().data.end(), pk.begin());
        // No separate point check: libsodium's verification refuses a key
        // that is not a canonical encoding of a curve point or has small
        // order (and a small-order R, and S >= L), as go-libp2p and
        // rust-libp2p verify. crypto::ed25519::valid_public_key would also
        // refuse keys with a torsion component, at the cost of a scalar
        // multiplication (9% of a handshake pair).
        if (sig.size() != ed::signature_size) return err(errc::bad_signature);
        ed::signature s;
        std::copy(sig.begin(), sig.end(), s.begin());
        return ed::verify(pk, message, s) ? std::error_code{} : err(errc::bad_signature);
    }
    if (m.value().type == key_type::secp256k1) {
        if (m.value().data.size() != 33) return err(errc::bad_public_key);
        auto pk = k1::parse_public_key(m.value().data);
        if (!pk) return err(errc::bad_public_key);
        const crypto::digest32 d = crypto::sha256(message);
        return k1::verify_der(sig, d, pk.value()) ? std::error_code{} : err(errc::bad_signature);
    }
    return err(errc::unsupported_key_type);
}

// ---- peer ids ----------------------------------------------------------------

result<peer_id> peer_id::from_public_key(byte_view serialized) noexcept {
    try {
        auto m = pb::decode_key(serialized);
        if (!m) return m.error();
        const bytes canonical = [&] {
            bytes b;
            pb::encode(m.value(), b);
            return b;
        }();
        peer_id id;
        if (canonical.size() <= max_inline_key) {
            pb::put_varint(mh_identity, id.mh_);
            pb::put_varint(canonical.size(), id.mh_);
            id.mh_.insert(id.mh_.end(), canonical.begin(), canonical.end());
        } else {
            const crypto::digest32 d = crypto::sha256(canonical);
            pb::put_varint(mh_sha256, id.mh_);
            pb::put_varint(d.size(), id.mh_);
            id.mh_.insert(id.mh_.end(), d.begin(), d.end());
        }
        return id;
    } catch (const std::bad_alloc&) {
        return err(errc::bad_peer_id);
    }
}

result<peer_id> peer_id::from_multihash(byte_view mh) noexcept {
    std::size_t at = 0;
    auto code = pb::get_varint(mh, at);
    if (!code) return err(errc::bad_peer_id);
    auto len = pb::get_varint(mh, at);
    if (!len || len.value() != mh.size() - at) return err(errc::bad_peer_id);
    if (code.value() == mh_identity) {
        // Its digest is a PublicKey, in its deterministic encoding.
        auto id = from_public_key(mh.subspan(at));
        if (!id || id.value().mh_.size() != mh.size() || !std::equal(mh.begin(), mh.end(), id.value().mh_.begin()))
            return err(errc::bad_peer_id);
        return id;
    }
    if (code.value() != mh_sha256 || len.value() != 32) return err(errc::bad_peer_id);
    try {
        peer_id id;
        id.mh_.assign(mh.begin(), mh.end());
        return id;
    } catch (const std::bad_alloc&) {
        return err(errc::bad_peer_id);
    }
}

result<peer_id> peer_id::parse(std::string_view text) noexcept {
    try {
        auto b = base58btc_decode(text);
        if (!b || b->empty()) return err(errc::bad_peer_id);
        return from_multihash(*b);
    } catch (const std::bad_alloc&) {
        return err(errc::bad_peer_id);
    }
}

std::string peer_id::to_string() const { return base58btc_encode(mh_); }

byte_view peer_id::public_key() const noexcept {
    if (mh_.size() < 2 || mh_[0] != mh_identity) return {};
    return byte_view(mh_).subspan(2);  // identity keys are under 128 bytes: a one-byte length
}

// ---- base58btc -----------------------------------------------------------------

std::string base58btc_encode(byte_view in) {
    std::size_t zeros = 0;
    while (zeros < in.size() && in[zeros] == 0) ++zeros;
    // Base 58 digits, least significant first (in.size() * log(256)/log(58) < 1.37 * size).
    std::vector<std::uint8_t> digits;
    digits.reserve(in.size() * 138 / 100 + 1);
    for (std::size_t i = zeros; i < in.size(); ++i) {
        unsigned carry = in[i];
        for (auto& d : digits) {
            carry += static_cast<unsigned>(d) << 8;
            d = static_cast<std::uint8_t>(carry % 58);
            carry /= 58;
        }
        while (carry) {
            digits.push_back(static_cast<std::uint8_t>(carry % 58));
            carry /= 58;
        }
    }
    std::string out(zeros, '1');
    for (auto it = digits.rbegin(); it != digits.rend(); ++it) out.push_back(alphabet[*it]);
    return out;
}

std::optional<bytes> base58btc_decode(std::string_view text, std::size_t max_len) {
    if (text.size() > max_len) return std::nullopt;
    std::size_t zeros = 0;
    while (zeros < text.size() && text[zeros] == '1') ++zeros;
    std::vector<std::uint8_t> b256;  // least significant first
    for (std::size_t i = zeros; i < text.size(); ++i) {
        const char* p = std::find(alphabet, alphabet + 58, text[i]);
        if (p == alphabet + 58) return std::nullopt;
        unsigned carry = static_cast<unsigned>(p - alphabet);
        for (auto& d : b256) {
            carry += static_cast<unsigned>(d) * 58;
            d = static_cast<std::uint8_t>(carry & 0xff);
            carry >>= 8;
        }
        while (carry) {
            b256.push_back(static_cast<std::uint8_t>(carry & 0xff));
            carry >>= 8;
        }
    }
    bytes out(zeros, 0);
    out.insert(out.end(), b256.rbegin(), b256.rend());
    return out;
}

// ---- the handshake payload ---------------------------------------------------

namespace {
// A payload read: the peer's identity fields and the signature it carries.
struct read_result {
    remote_peer peer;
    bytes sig;
};

result<read_result> read(byte_view payload) {
    auto p = pb::decode_payload(payload);
    if (!p) return p.error();
    if (!p.value().identity_key || !p.value().identity_sig) return err(errc::missing_identity);
    auto id = peer_id::from_public_key(*p.value().identity_key);
    if (!id) return id.error();
    read_result r;
    r.peer.id = std::move(id.value());
    r.peer.identity_key = std::move(*p.value().identity_key);
    auto m = pb::decode_key(r.peer.identity_key);
    if (m) r.peer.identity_type = m.value().type;
    if (p.value().extensions) {
        r.peer.stream_muxers = std::move(p.value().extensions->stream_muxers);
        r.peer.webtransport_certhashes = std::move(p.value().extensions->webtransport_certhashes);
    }
    r.sig = std::move(*p.value().identity_sig);
    return r;
}
}  // namespace

result<remote_peer> read_payload(byte_view payload) noexcept {
    try {
        auto r = read(payload);
        if (!r) return r.error();
        return std::move(r.value().peer);
    } catch (const std::bad_alloc&) {
        return err(errc::bad_payload);
    }
}

result<remote_peer> check_payload(byte_view payload, byte_view remote_static,
                                  const std::optional<peer_id>& expected) noexcept {
    try {
        auto r = read(payload);
        if (!r) return r.error();
        if (remote_static.size() != 32) return err(errc::bad_signature);
        bytes message(signature_prefix.begin(), signature_prefix.end());
        message.insert(message.end(), remote_static.begin(), remote_static.end());
        if (auto ec = verify(r.value().peer.identity_key, message, r.value().sig)) return ec;
        if (expected && *expected != r.value().peer.id) return err(errc::peer_id_mismatch);
        return std::move(r.value().peer);
    } catch (const std::bad_alloc&) {
        return err(errc::bad_payload);
    }
}

result<bytes> make_payload(const private_key& key, byte_view static_key,
                           const std::vector<std::string>& stream_muxers) noexcept {
    try {
        bytes message(signature_prefix.begin(), signature_prefix.end());
        message.insert(message.end(), static_key.begin(), static_key.end());
        pb::handshake_payload p;
        p.identity_key.emplace(key.public_key().begin(), key.public_key().end());
        p.identity_sig.emplace();
        if (auto ec = key.sign(message, *p.identity_sig)) return ec;
        if (!stream_muxers.empty()) p.extensions.emplace().stream_muxers = stream_muxers;
        bytes out;
        pb::encode(p, out);
        return out;
    } catch (const std::bad_alloc&) {
        return err(errc::bad_private_key);
    }
}

}  // namespace polywire::variants::libp2p_noise
