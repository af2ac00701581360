#include "variants/noise_xk/handshake.hpp"

#include <algorithm>
#include <exception>
#include <new>

#include "crypto/chacha20_poly1305.hpp"
#include "crypto/hkdf.hpp"
#include "policies/models/chacha20_poly1305.hpp"
#include "transport/error.hpp"
#include "variants/noise_xk/error.hpp"

namespace polywire::variants::noise_xk {
namespace {

namespace k1 = crypto::secp256k1;
using policies::handshake_role;
using policies::handshake_step;

constexpr std::size_t key_size = 33;
constexpr std::size_t tag_size = crypto::chacha20_poly1305::tag_size;

// encryptWithAD(k, n, ad, plaintext): appends ciphertext || tag to `out`.
std::error_code encrypt_with_ad(const secret<32>& k, std::uint64_t n, byte_view ad, byte_view plaintext, bytes& out) {
    crypto::chacha20_poly1305 aead;
    if (auto ec = aead.set_key(k)) return ec;
    const std::size_t at = out.size();
    out.insert(out.end(), plaintext.begin(), plaintext.end());
    out.resize(at + plaintext.size() + tag_size);
    mutable_byte_view all(out.data() + at, plaintext.size() + tag_size);
    return aead.seal(policies::le64_nonce(n), ad, all.first(plaintext.size()), all.last(tag_size));
}

// decryptWithAD(k, n, ad, ciphertext || tag) into `plaintext`; `failure`
// when the tag does not verify.
std::error_code decrypt_with_ad(const secret<32>& k, std::uint64_t n, byte_view ad, byte_view c, mutable_byte_view plaintext,
                                errc failure) {
    crypto::chacha20_poly1305 aead;
    if (auto ec = aead.set_key(k)) return ec;
    std::copy(c.begin(), c.end() - tag_size, plaintext.begin());
    auto ec = aead.open(policies::le64_nonce(n), ad, plaintext, c.last(tag_size));
    if (ec == crypto::aead_errc::tag_mismatch) return failure;
    return ec;
}

std::error_code ecdh(const k1::private_key& k, const k1::public_key& p, secret<32>& out) {
    auto r = k1::ecdh_sha256(k, p);
    if (!r) return transport::errc::crypto_failure;
    out = r.value();
    return {};
}

}  // namespace

handshake::handshake(handshake_role role, const options& opts,
                                       const transport::key_agreement_context& context) noexcept
    : role_(role), options_(opts), random_(context.random) {}

void handshake::mix_hash(byte_view data) noexcept { h_ = crypto::sha256(h_, data); }

// ck, temp_k = HKDF(ck, ikm)
std::error_code handshake::mix_key(byte_view ikm, secret<32>& temp_k) {
    secret<64> okm;
    if (auto ec = crypto::hkdf_sha256(okm.mutable_view(), ikm, ck_)) return ec;
    ck_.assign(okm.view().first(32));
    temp_k.assign(okm.view().subspan(32));
    return {};
}

// Handshake state initialization: h = SHA256(protocol name), ck = h,
// h = SHA256(h || prologue), h = SHA256(h || responder's static key).
result<k1::compressed_public_key> handshake::local_static_key() const noexcept {
    if (options_.static_public_key) return *options_.static_public_key;
    auto s = k1::derive_compressed_public_key(options_.static_key);
    if (!s) return make_error_code(transport::errc::bad_key);
    return s.value();
}

std::error_code handshake::begin(const k1::compressed_public_key& local_static,
                                          const k1::compressed_public_key& responder_static) {
    s_pub_ = local_static;
    auto e = k1::generate_private_key(random_);
    if (!e) return e.error();
    e_ = e.value();
    auto e_pub = k1::derive_compressed_public_key(e_);
    if (!e_pub) return transport::errc::bad_key;
    e_pub_ = e_pub.value();
    h_ = crypto::sha256(as_bytes(protocol_name));
    ck_.assign(h_);
    mix_hash(as_bytes(prologue));
    mix_hash(responder_static);
    return {};
}

std::error_code handshake::start(bytes& out) noexcept {
    if (state_ != state::initial) return transport::errc::session_closed;
    std::error_code ec;
    try {
        if (role_ == handshake_role::initiator) {
            if (!options_.remote_static_key) ec = transport::errc::invalid_argument;
            else if (!k1::parse_public_key(*options_.remote_static_key)) ec = transport::errc::bad_key;
            else if (auto s = local_static_key(); !s) ec = s.error();
            else if (!(ec = begin(s.value(), *options_.remote_static_key))) ec = write_act1(out);
            if (!ec) state_ = state::awaiting_act2;
        } else {
            auto s = local_static_key();
            if (!s) ec = s.error();
            else ec = begin(s.value(), s.value());
            if (!ec) state_ = state::awaiting_act1;
        }
    } catch (const std::bad_alloc&) {
        std::terminate();  // allocation failure terminates (docs/architecture.md, "Failure policy")
    }
    if (ec) {
        state_ = state::failed;
        wipe();
    }
    return ec;
}

// Act One, initiator: h = SHA256(h || e.pub); es = ECDH(e, rs);
// ck, temp_k1 = HKDF(ck, es); c = encryptWithAD(temp_k1, 0, h, ""); h = SHA256(h || c).
std::error_code handshake::write_act1(bytes& out) {
    auto rs = k1::parse_public_key(*options_.remote_static_key);
    if (!rs) return transport::errc::bad_key;
    mix_hash(e_pub_);
    secret<32> es, temp_k1;
    if (auto ec = ecdh(e_, rs.value(), es)) return ec;
    if (auto ec = mix_key(es, temp_k1)) return ec;
    bytes c;
    if (auto ec = encrypt_with_ad(temp_k1, 0, h_, {}, c)) return ec;
    mix_hash(c);
    out.push_back(handshake_version);
    out.insert(out.end(), e_pub_.begin(), e_pub_.end());
    out.insert(out.end(), c.begin(), c.end());
    return {};
}

// Act One, responder: the mirror of write_act1 with es = ECDH(s, re).
std::error_code handshake::read_act1(byte_view m) {
    if (m[0] != handshake_version) return errc::act1_bad_version;
    const byte_view re = m.subspan(1, key_size), c = m.subspan(1 + key_size, tag_size);
    auto p = k1::parse_public_key(re);
    if (!p) return errc::act1_bad_pubkey;
    re_ = p.value();
    mix_hash(re);
    secret<32> es, temp_k1;
    if (auto ec = ecdh(options_.static_key, re_, es)) return ec;
    if (auto ec = mix_key(es, temp_k1)) return ec;
    if (auto ec = decrypt_with_ad(temp_k1, 0, h_, c, {}, errc::act1_bad_tag)) return ec;
    mix_hash(c);
    return {};
}

// Act Two, responder: h = SHA256(h || e.pub); ee = ECDH(e, re);
// ck, temp_k2 = HKDF(ck, ee); c = encryptWithAD(temp_k2, 0, h, ""); h = SHA256(h || c).
std::error_code handshake::write_act2(bytes& out) {
    mix_hash(e_pub_);
    secret<32> ee;
    if (auto ec = ecdh(e_, re_, ee)) return ec;
    if (auto ec = mix_key(ee, temp_k2_)) return ec;
    bytes c;
    if (auto ec = encrypt_with_ad(temp_k2_, 0, h_, {}, c)) return ec;
    mix_hash(c);
    out.push_back(handshake_version);
    out.insert(out.end(), e_pub_.begin(), e_pub_.end());
    out.insert(out.end(), c.begin(), c.end());
    return {};
}

std::error_code handshake::read_act2(byte_view m) {
    if (m[0] != handshake_version) return errc::act2_bad_version;
    const byte_view re = m.subspan(1, key_size), c = m.subspan(1 + key_size, tag_size);
    auto p = k1::parse_public_key(re);
    if (!p) return errc::act2_bad_pubkey;
    re_ = p.value();
    mix_hash(re);
    secret<32> ee;
    if (auto ec = ecdh(e_, re_, ee)) return ec;
    if (auto ec = mix_key(ee, temp_k2_)) return ec;
    if (auto ec = decrypt_with_ad(temp_k2_, 0, h_, c, {}, errc::act2_bad_tag)) return ec;
    mix_hash(c);
    return {};
}

// Act Three, initiator: c = encryptWithAD(temp_k2, 1, h, s.pub); h = SHA256(h || c);
// se = ECDH(s, re); ck, temp_k3 = HKDF(ck, se); t = encryptWithAD(temp_k3, 0, h, "").
std::error_code handshake::write_act3(bytes& out) {
    bytes c;
    if (auto ec = encrypt_with_ad(temp_k2_, 1, h_, s_pub_, c)) return ec;
    mix_hash(c);
    secret<32> se, temp_k3;
    if (auto ec = ecdh(options_.static_key, re_, se)) return ec;
    if (auto ec = mix_key(se, temp_k3)) return ec;
    bytes t;
    if (auto ec = encrypt_with_ad(temp_k3, 0, h_, {}, t)) return ec;
    rs_ = *options_.remote_static_key;
    if (auto ec = split(true)) return ec;
    out.push_back(handshake_version);
    out.insert(out.end(), c.begin(), c.end());
    out.insert(out.end(), t.begin(), t.end());
    return {};
}

std::error_code handshake::read_act3(byte_view m) {
    if (m[0] != handshake_version) return errc::act3_bad_version;
    const byte_view c = m.subspan(1, key_size + tag_size), t = m.subspan(1 + key_size + tag_size, tag_size);
    k1::compressed_public_key rs{};
    if (auto ec = decrypt_with_ad(temp_k2_, 1, h_, c, rs, errc::act3_bad_ciphertext)) return ec;
    auto p = k1::parse_public_key(rs);
    if (!p) return errc::act3_bad_pubkey;
    mix_hash(c);
    secret<32> se, temp_k3;
    if (auto ec = ecdh(e_, p.value(), se)) return ec;
    if (auto ec = mix_key(se, temp_k3)) return ec;
    if (auto ec = decrypt_with_ad(temp_k3, 0, h_, t, {}, errc::act3_bad_tag)) return ec;
    if (options_.remote_static_key && !constant_time_equal(*options_.remote_static_key, rs))
        return errc::wrong_remote_identity;
    rs_ = rs;
    return split(false);
}

// sk, rk = HKDF(ck, "") for the initiator; rk, sk for the responder.
std::error_code handshake::split(bool initiator) {
    secret<64> okm;
    if (auto ec = crypto::hkdf_sha256(okm.mutable_view(), {}, ck_)) return ec;
    secrets_.sk.assign(okm.view().subspan(initiator ? 0 : 32, 32));
    secrets_.rk.assign(okm.view().subspan(initiator ? 32 : 0, 32));
    secrets_.ck = ck_;
    secrets_.remote_id = rs_;
    return {};
}

result<handshake_step> handshake::consume(byte_view in, bytes& out) noexcept {
    std::size_t need = 0;
    switch (state_) {
        case state::awaiting_act1: need = act1_size; break;
        case state::awaiting_act2: need = act2_size; break;
        case state::awaiting_act3: need = act3_size; break;
        default: return make_error_code(transport::errc::session_closed);
    }
    if (in.size() < need) return handshake_step{0, false};
    const byte_view m = in.first(need);
    std::error_code ec;
    bool done = false;
    try {
        switch (state_) {
            case state::awaiting_act1:
                if (!(ec = read_act1(m)) && !(ec = write_act2(out))) state_ = state::awaiting_act3;
                break;
            case state::awaiting_act2:
                if (!(ec = read_act2(m)) && !(ec = write_act3(out))) done = true;
                break;
            case state::awaiting_act3:
                if (!(ec = read_act3(m))) done = true;
                break;
            default: break;
        }
    } catch (const std::bad_alloc&) {
        std::terminate();  // allocation failure terminates (docs/architecture.md, "Failure policy")
    }
    if (ec) {
        state_ = state::failed;
        wipe();
        return ec;
    }
    if (done) {
        state_ = state::done;
        // Nothing of the handshake is needed any more but the secrets.
        const secrets keep = secrets_;
        wipe();
        secrets_ = keep;
    }
    return handshake_step{need, done};
}

handshake::secrets handshake::take_secrets() noexcept {
    if (state_ != state::done) return {};
    state_ = state::taken;
    secrets s = secrets_;
    secrets_ = secrets{};
    return s;
}

void handshake::wipe() noexcept {
    ck_ = secret<32>{};
    temp_k2_ = secret<32>{};
    e_ = k1::private_key{};
    options_.static_key = k1::private_key{};
    h_.fill(0);
    secrets_ = secrets{};
}

}  // namespace polywire::variants::noise_xk
