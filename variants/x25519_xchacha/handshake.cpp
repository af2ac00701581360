#include "variants/x25519_xchacha/handshake.hpp"

#include <algorithm>

#include "policies/crypto/hkdf.hpp"
#include "policies/crypto/random.hpp"
#include "transport/error.hpp"
#include "variants/x25519_xchacha/error.hpp"

namespace polywire::variants::x25519_xchacha {
namespace {

namespace x = crypto::x25519;
namespace ed = crypto::ed25519;

constexpr std::string_view responder_context = "polywire x25519-xchacha v1 responder signature";
constexpr std::string_view initiator_context = "polywire x25519-xchacha v1 initiator signature";
constexpr std::string_view keys_info = "polywire x25519-xchacha v1 keys";

template <std::size_t N>
void put(bytes& out, const std::array<std::uint8_t, N>& a) {
    out.insert(out.end(), a.begin(), a.end());
}

template <std::size_t N>
std::array<std::uint8_t, N> take(byte_view m, std::size_t at) noexcept {
    std::array<std::uint8_t, N> a{};
    std::copy_n(m.begin() + static_cast<std::ptrdiff_t>(at), N, a.begin());
    return a;
}

// The message a side signs: its role's context string, then the transcript.
bytes signed_message(std::string_view context, const crypto::digest32& h) {
    bytes m(as_bytes(context).begin(), as_bytes(context).end());
    m.insert(m.end(), h.begin(), h.end());
    return m;
}

crypto::digest32 confirmation(const secret<32>& key, std::string_view what, const crypto::digest32& h) noexcept {
    return crypto::hmac_sha256(key, as_bytes(what), h);
}

}  // namespace

handshake::handshake(policies::handshake_role role, const options& opts) noexcept : role_(role), options_(opts) {}

std::error_code handshake::fail(std::error_code ec) noexcept {
    state_ = state::failed;
    e_ = x::private_key();
    confirm_r_key_ = secret<32>();
    confirm_i_key_ = secret<32>();
    secrets_ = secrets();
    return ec;
}

void handshake::mix(byte_view data) noexcept { h_ = crypto::sha256(h_, data); }

bool handshake::repeats(byte_view m) const noexcept {
    return !last_in_.empty() && m.size() >= last_in_.size() && std::equal(last_in_.begin(), last_in_.end(), m.begin());
}

std::error_code handshake::start(bytes& out) noexcept {
    if (state_ != state::initial) return transport::errc::session_closed;
    h_ = crypto::sha256(as_bytes(protocol_label));
    if (options_.ephemeral_key_for_testing_only) {
        e_ = *options_.ephemeral_key_for_testing_only;
    } else {
        auto k = x::generate();
        if (!k) return fail(k.error());
        e_ = k.value();
    }
    e_pub_ = x::public_key_of(e_);
    if (options_.session_id_for_testing_only) {
        sid_ = *options_.session_id_for_testing_only;
    } else if (auto ec = crypto::random_bytes(sid_)) {
        return fail(ec);
    }
    secrets_.initiator = role_ == policies::handshake_role::initiator;
    if (!secrets_.initiator) {
        state_ = state::awaiting_hello;
        return {};
    }
    const std::size_t at = out.size();
    out.push_back(kind::hello);
    put(out, sid_);
    put(out, e_pub_);
    put(out, options_.identity.public_key());
    mix(byte_view(out).subspan(at));
    secrets_.initiator_sid = sid_;
    state_ = state::awaiting_reply;
    return {};
}

result<policies::handshake_step> handshake::consume(byte_view in, bytes& out) noexcept {
    if (in.empty()) return policies::handshake_step{};
    try {
        switch (state_) {
            case state::awaiting_hello: return read_hello(in, out);
            case state::awaiting_reply: return read_reply(in, out);
            case state::awaiting_proof:
                if (repeats(in)) return policies::handshake_step{.consumed = last_in_.size(), .stale = true};
                return read_proof(in, out);
            case state::awaiting_finished:
                if (repeats(in)) return policies::handshake_step{.consumed = last_in_.size(), .stale = true};
                return read_finished(in);
            default: return transport::errc::session_closed;
        }
    } catch (...) {  // allocation failure in a vector: report, do not throw
        return fail(transport::errc::crypto_failure);
    }
}

// HKDF over the X25519 secret (and the pre-shared key) with the transcript
// so far as the salt: the confirmation keys, both packet keys, the chain.
std::error_code handshake::derive(const x::public_key& peer_e) {
    auto ss = x::shared_secret(e_, peer_e);
    if (!ss) return fail(errc::low_order_key);
    secure_bytes ikm(ss.value().view().begin(), ss.value().view().end());
    if (options_.psk) ikm.insert(ikm.end(), options_.psk->view().begin(), options_.psk->view().end());
    secret<160> okm;
    if (auto ec = crypto::hkdf_sha256(okm.mutable_view(), ikm, h_, as_bytes(keys_info))) return fail(ec);
    confirm_r_key_.assign(okm.view().subspan(0, 32));
    confirm_i_key_.assign(okm.view().subspan(32, 32));
    secrets_.initiator_key.assign(okm.view().subspan(64, 32));
    secrets_.responder_key.assign(okm.view().subspan(96, 32));
    secrets_.chaining_key.assign(okm.view().subspan(128, 32));
    e_ = x::private_key();  // forward secrecy: the ephemeral is not needed any more
    return {};
}

// Responder: HELLO -> REPLY.
result<policies::handshake_step> handshake::read_hello(byte_view m, bytes& out) {
    if (m[0] != kind::hello) return fail(errc::malformed_handshake);
    if (m.size() < hello_size) return policies::handshake_step{};
    m = m.first(hello_size);
    const auto sid_i = take<16>(m, 1);
    re_ = take<32>(m, 17);
    rid_ = take<32>(m, 49);
    if (options_.expected_remote && !constant_time_equal(*options_.expected_remote, rid_))
        return fail(errc::wrong_remote_identity);
    mix(m);
    const std::size_t at = out.size();
    out.push_back(kind::reply);
    put(out, sid_);
    put(out, e_pub_);
    put(out, options_.identity.public_key());
    mix(byte_view(out).subspan(at));
    if (auto ec = derive(re_)) {
        out.resize(at);
        return ec;
    }
    const auto sig = options_.identity.sign(signed_message(responder_context, h_));
    put(out, sig);
    mix(sig);
    const auto confirm = confirmation(confirm_r_key_, "confirm", h_);
    put(out, confirm);
    mix(confirm);
    secrets_.initiator_sid = sid_i;
    secrets_.responder_sid = sid_;
    secrets_.remote_id = rid_;
    last_in_.assign(m.begin(), m.end());
    state_ = state::awaiting_proof;
    return policies::handshake_step{.consumed = hello_size};
}

// Initiator: REPLY -> PROOF.
result<policies::handshake_step> handshake::read_reply(byte_view m, bytes& out) {
    if (m[0] != kind::reply) return fail(errc::malformed_handshake);
    if (m.size() < reply_size) return policies::handshake_step{};
    m = m.first(reply_size);
    const auto sid_r = take<16>(m, 1);
    re_ = take<32>(m, 17);
    rid_ = take<32>(m, 49);
    const auto sig_r = take<64>(m, 81);
    const auto confirm_r = take<32>(m, 145);
    if (options_.expected_remote && !constant_time_equal(*options_.expected_remote, rid_))
        return fail(errc::wrong_remote_identity);
    mix(m.first(81));
    if (!ed::verify(rid_, signed_message(responder_context, h_), sig_r)) return fail(errc::bad_signature);
    if (auto ec = derive(re_)) return ec;
    mix(sig_r);
    if (!constant_time_equal(confirmation(confirm_r_key_, "confirm", h_), confirm_r))
        return fail(errc::key_confirmation_failed);
    mix(confirm_r);
    const std::size_t at = out.size();
    out.push_back(kind::proof);
    const auto sig = options_.identity.sign(signed_message(initiator_context, h_));
    put(out, sig);
    mix(sig);
    const auto confirm = confirmation(confirm_i_key_, "confirm", h_);
    put(out, confirm);
    mix(confirm);
    (void)at;
    secrets_.responder_sid = sid_r;
    secrets_.remote_id = rid_;
    last_in_.assign(m.begin(), m.end());
    state_ = state::awaiting_finished;
    return policies::handshake_step{.consumed = reply_size};
}

// Responder: PROOF -> FINISHED; done.
result<policies::handshake_step> handshake::read_proof(byte_view m, bytes& out) {
    if (m[0] != kind::proof) return fail(m[0] == kind::hello ? errc::unexpected_handshake : errc::malformed_handshake);
    if (m.size() < proof_size) return policies::handshake_step{};
    m = m.first(proof_size);
    const auto sig_i = take<64>(m, 1);
    const auto confirm_i = take<32>(m, 65);
    if (!ed::verify(rid_, signed_message(initiator_context, h_), sig_i)) return fail(errc::bad_signature);
    mix(sig_i);
    if (!constant_time_equal(confirmation(confirm_i_key_, "confirm", h_), confirm_i))
        return fail(errc::key_confirmation_failed);
    mix(confirm_i);
    const auto fin = confirmation(confirm_r_key_, "finished", h_);
    out.push_back(kind::finished);
    put(out, fin);
    mix(fin);
    last_in_.clear();
    state_ = state::done;
    return policies::handshake_step{.consumed = proof_size, .done = true};
}

// Initiator: FINISHED; done.
result<policies::handshake_step> handshake::read_finished(byte_view m) {
    if (m[0] != kind::finished) return fail(m[0] == kind::reply ? errc::unexpected_handshake : errc::malformed_handshake);
    if (m.size() < finished_size) return policies::handshake_step{};
    const auto fin = take<32>(m, 1);
    if (!constant_time_equal(confirmation(confirm_r_key_, "finished", h_), fin)) return fail(errc::key_confirmation_failed);
    mix(fin);
    last_in_.clear();
    state_ = state::done;
    return policies::handshake_step{.consumed = finished_size, .done = true};
}

handshake::secrets handshake::take_secrets() noexcept {
    if (state_ != state::done) return secrets{};
    state_ = state::taken;
    secrets out = secrets_;
    secrets_ = secrets();
    confirm_r_key_ = secret<32>();
    confirm_i_key_ = secret<32>();
    return out;
}

}  // namespace polywire::variants::x25519_xchacha
