#include "variants/x25519_xchacha/handshake.hpp"

#include <algorithm>
#include <exception>
#include <new>

#include "crypto/hkdf.hpp"
#include "crypto/random.hpp"
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

handshake::handshake(policies::handshake_role role, const options& opts,
                     const transport::key_agreement_context& context) noexcept
    : role_(role), options_(opts), random_(context.random) {}

handshake::handshake(policies::handshake_role role, const options& opts, policies::over_datagrams,
                     const transport::key_agreement_context& context) noexcept
    : role_(role), options_(opts), random_(context.random), datagrams_(true) {}

std::error_code handshake::fail(std::error_code ec) noexcept {
    state_ = state::failed;
    e_ = x::private_key();
    confirm_r_key_ = secret<32>();
    confirm_i_key_ = secret<32>();
    secrets_ = secrets();
    answered_.clear();
    return ec;
}

// A message refused: nothing changed. Over a stream the handshake latches;
// over datagrams it waits for the genuine message.
std::error_code handshake::refuse(std::error_code ec) noexcept { return datagrams_ ? ec : fail(ec); }

void handshake::mix(byte_view data) noexcept { h_ = crypto::sha256(h_, data); }

namespace {
bool starts_with(byte_view m, const bytes& prefix) noexcept {
    return !prefix.empty() && m.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), m.begin());
}
}  // namespace

bool handshake::repeats(byte_view m) const noexcept {
    if (state_ == state::awaiting_proof) return !answered_.empty() && starts_with(m, answered_.back().hello);
    return starts_with(m, last_in_);
}

std::error_code handshake::start(bytes& out) noexcept {
    if (state_ != state::initial) return transport::errc::session_closed;
    h_ = crypto::sha256(as_bytes(protocol_label));
    auto k = x::generate(random_);
    if (!k) return fail(k.error());
    e_ = k.value();
    e_pub_ = x::public_key_of(e_);
    if (auto ec = crypto::random_bytes(random_, sid_)) return fail(ec);
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
        // Responder over datagrams: a HELLO carrying a cookie is read as the
        // HELLO (the listener checked the cookie before the session existed).
        std::size_t skipped = 0;
        if (datagrams_ && in[0] == kind::cookie_hello &&
            (state_ == state::awaiting_hello || state_ == state::awaiting_proof)) {
            if (in.size() < cookie_hello_size) return policies::handshake_step{};
            skipped = cookie_hello_size - hello_size;
            in = in.subspan(skipped, hello_size);
            if (in[0] != kind::hello) return refuse(errc::malformed_handshake);
            auto r = [&]() -> result<policies::handshake_step> {
                if (state_ == state::awaiting_hello) return read_hello(in, out);
                if (repeats(in)) return policies::handshake_step{.consumed = hello_size, .stale = true};
                return read_proof(in, out);  // another HELLO
            }();
            if (r && r.value().consumed > 0) r.value().consumed += skipped;
            return r;
        }
        switch (state_) {
            case state::awaiting_hello: return read_hello(in, out);
            case state::awaiting_reply: return read_reply(in, out);
            case state::awaiting_proof:
                if (repeats(in)) return policies::handshake_step{.consumed = hello_size, .stale = true};
                return read_proof(in, out);
            case state::awaiting_finished:
                if (repeats(in)) return policies::handshake_step{.consumed = last_in_.size(), .stale = true};
                return read_finished(in);
            default: return transport::errc::session_closed;
        }
    } catch (const std::bad_alloc&) {
        std::terminate();  // allocation failure terminates (docs/architecture.md, "Failure policy")
    } catch (...) {  // anything else a library throws: report, do not throw
        return fail(transport::errc::crypto_failure);
    }
}

// HKDF over the X25519 secret (and the pre-shared key) with the transcript
// so far as the salt: the confirmation keys, both packet keys, the chain.
// Changes nothing: the caller keeps the keys once the message is accepted.
std::error_code handshake::derive(const x::public_key& peer_e, const crypto::digest32& salt, derived& k) const {
    auto ss = x::shared_secret(e_, peer_e);
    if (!ss) return errc::low_order_key;
    secure_bytes ikm(ss.value().view().begin(), ss.value().view().end());
    if (options_.psk) ikm.insert(ikm.end(), options_.psk->view().begin(), options_.psk->view().end());
    secret<160> okm;
    if (auto ec = crypto::hkdf_sha256(okm.mutable_view(), ikm, salt, as_bytes(keys_info))) return ec;
    k.confirm_r.assign(okm.view().subspan(0, 32));
    k.confirm_i.assign(okm.view().subspan(32, 32));
    k.initiator_key.assign(okm.view().subspan(64, 32));
    k.responder_key.assign(okm.view().subspan(96, 32));
    k.chaining_key.assign(okm.view().subspan(128, 32));
    return {};
}

// Responder: HELLO -> REPLY. The answer is kept with what PROOF is checked
// against; h_ stays the transcript before HELLO until a PROOF verifies.
result<policies::handshake_step> handshake::read_hello(byte_view m, bytes& out) {
    if (m[0] != kind::hello) return refuse(errc::malformed_handshake);
    if (m.size() < hello_size) return policies::handshake_step{};
    m = m.first(hello_size);
    answered a;
    a.sid_i = take<16>(m, 1);
    const x::public_key e_i = take<32>(m, 17);
    a.rid = take<32>(m, 49);
    if (options_.expected_remote && !constant_time_equal(*options_.expected_remote, a.rid))
        return refuse(errc::wrong_remote_identity);
    a.hello.assign(m.begin(), m.end());
    crypto::digest32 h = crypto::sha256(h_, m);
    a.reply.push_back(kind::reply);
    put(a.reply, sid_);
    put(a.reply, e_pub_);
    put(a.reply, options_.identity.public_key());
    h = crypto::sha256(h, a.reply);
    if (auto ec = derive(e_i, h, a.keys)) return ec == errc::low_order_key ? refuse(ec) : fail(ec);
    const auto sig = options_.identity.sign(signed_message(responder_context, h));
    put(a.reply, sig);
    h = crypto::sha256(h, sig);
    const auto confirm = confirmation(a.keys.confirm_r, "confirm", h);
    put(a.reply, confirm);
    a.h = crypto::sha256(h, confirm);
    // Accepted.
    out.insert(out.end(), a.reply.begin(), a.reply.end());
    if (answered_.size() == max_answered_hellos) answered_.erase(answered_.begin());
    answered_.push_back(std::move(a));
    if (!datagrams_) e_ = x::private_key();  // forward secrecy: no other HELLO will be answered
    state_ = state::awaiting_proof;
    return policies::handshake_step{.consumed = hello_size};
}

// Responder over datagrams, after a REPLY: another HELLO. A repeat of one
// answered earlier gets its REPLY again (and becomes the newest); a new one
// is answered too — it may be the genuine one, whatever came first.
result<policies::handshake_step> handshake::another_hello(byte_view m, bytes& out) {
    if (m.size() < hello_size) return policies::handshake_step{};
    for (auto it = answered_.begin(); it != answered_.end(); ++it) {
        if (!starts_with(m, it->hello)) continue;
        out.insert(out.end(), it->reply.begin(), it->reply.end());
        std::rotate(it, it + 1, answered_.end());
        return policies::handshake_step{.consumed = hello_size};
    }
    return read_hello(m, out);
}

// Initiator over datagrams: COOKIE -> COOKIE_HELLO (still awaiting REPLY).
result<policies::handshake_step> handshake::read_cookie(byte_view m, bytes& out) {
    if (m.size() < cookie_reply_size) return policies::handshake_step{};
    m = m.first(cookie_reply_size);
    if (!constant_time_equal(m.subspan(1, 16), sid_)) return refuse(errc::unexpected_handshake);  // not for us
    out.push_back(kind::cookie_hello);
    out.insert(out.end(), m.begin() + 17, m.end());
    out.push_back(kind::hello);
    put(out, sid_);
    put(out, e_pub_);
    put(out, options_.identity.public_key());
    return policies::handshake_step{.consumed = cookie_reply_size};
}

// Initiator: REPLY -> PROOF.
result<policies::handshake_step> handshake::read_reply(byte_view m, bytes& out) {
    if (m[0] == kind::cookie && datagrams_) return read_cookie(m, out);
    if (m[0] != kind::reply) return refuse(errc::malformed_handshake);
    if (m.size() < reply_size) return policies::handshake_step{};
    m = m.first(reply_size);
    const auto sid_r = take<16>(m, 1);
    const x::public_key e_r = take<32>(m, 17);
    const identity_public_key id_r = take<32>(m, 49);
    const auto sig_r = take<64>(m, 81);
    const auto confirm_r = take<32>(m, 145);
    if (options_.expected_remote && !constant_time_equal(*options_.expected_remote, id_r))
        return refuse(errc::wrong_remote_identity);
    crypto::digest32 h = crypto::sha256(h_, m.first(81));
    if (!ed::verify(id_r, signed_message(responder_context, h), sig_r)) return refuse(errc::bad_signature);
    derived k;
    if (auto ec = derive(e_r, h, k)) return ec == errc::low_order_key ? refuse(ec) : fail(ec);
    h = crypto::sha256(h, sig_r);
    if (!constant_time_equal(confirmation(k.confirm_r, "confirm", h), confirm_r))
        return refuse(errc::key_confirmation_failed);
    // Accepted.
    h_ = crypto::sha256(h, confirm_r);
    out.push_back(kind::proof);
    const auto sig = options_.identity.sign(signed_message(initiator_context, h_));
    put(out, sig);
    mix(sig);
    const auto confirm = confirmation(k.confirm_i, "confirm", h_);
    put(out, confirm);
    mix(confirm);
    e_ = x::private_key();  // forward secrecy: the ephemeral is not needed any more
    confirm_r_key_ = k.confirm_r;
    confirm_i_key_ = k.confirm_i;
    secrets_.initiator_key = k.initiator_key;
    secrets_.responder_key = k.responder_key;
    secrets_.chaining_key = k.chaining_key;
    secrets_.responder_sid = sid_r;
    secrets_.remote_id = id_r;
    last_in_.assign(m.begin(), m.end());
    state_ = state::awaiting_finished;
    return policies::handshake_step{.consumed = reply_size};
}

// Responder: PROOF -> FINISHED; done. The PROOF must answer one of the
// REPLYs sent (the newest first).
result<policies::handshake_step> handshake::read_proof(byte_view m, bytes& out) {
    if (m[0] == kind::hello && datagrams_) return another_hello(m, out);
    if (m[0] != kind::proof) return refuse(m[0] == kind::hello ? errc::unexpected_handshake : errc::malformed_handshake);
    if (m.size() < proof_size) return policies::handshake_step{};
    m = m.first(proof_size);
    const auto sig_i = take<64>(m, 1);
    const auto confirm_i = take<32>(m, 65);
    std::error_code why = errc::bad_signature;
    for (auto a = answered_.rbegin(); a != answered_.rend(); ++a) {
        if (!ed::verify(a->rid, signed_message(initiator_context, a->h), sig_i)) continue;
        const crypto::digest32 h = crypto::sha256(a->h, sig_i);
        if (!constant_time_equal(confirmation(a->keys.confirm_i, "confirm", h), confirm_i)) {
            why = errc::key_confirmation_failed;
            continue;
        }
        // Accepted.
        h_ = crypto::sha256(h, confirm_i);
        const auto fin = confirmation(a->keys.confirm_r, "finished", h_);
        out.push_back(kind::finished);
        put(out, fin);
        mix(fin);
        confirm_r_key_ = a->keys.confirm_r;
        confirm_i_key_ = a->keys.confirm_i;
        secrets_.initiator_key = a->keys.initiator_key;
        secrets_.responder_key = a->keys.responder_key;
        secrets_.chaining_key = a->keys.chaining_key;
        secrets_.initiator_sid = a->sid_i;
        secrets_.responder_sid = sid_;
        secrets_.remote_id = a->rid;
        answered_.clear();
        e_ = x::private_key();
        state_ = state::done;
        return policies::handshake_step{.consumed = proof_size, .done = true};
    }
    return refuse(why);
}

// Initiator: FINISHED; done.
result<policies::handshake_step> handshake::read_finished(byte_view m) {
    if (m[0] != kind::finished) return refuse(m[0] == kind::reply ? errc::unexpected_handshake : errc::malformed_handshake);
    if (m.size() < finished_size) return policies::handshake_step{};
    const auto fin = take<32>(m, 1);
    if (!constant_time_equal(confirmation(confirm_r_key_, "finished", h_), fin)) return refuse(errc::key_confirmation_failed);
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
