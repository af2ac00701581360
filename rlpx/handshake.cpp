#include "rlpx/handshake.hpp"

#include <algorithm>
#include <exception>
#include <new>
#include <utility>

#include "crypto/hash.hpp"
#include "crypto/random.hpp"
#include "rlpx/ecies.hpp"
#include "rlpx/error.hpp"
#include "rlpx/rlp.hpp"
#include "transport/error.hpp"

namespace polywire::rlpx {
namespace {

namespace secp = crypto::secp256k1;
using policies::handshake_role;
using policies::handshake_step;

constexpr std::size_t signature_size = 65;
constexpr std::size_t public_key_size = 64;
constexpr std::size_t nonce_size = 32;
constexpr std::size_t hash_size = 32;
constexpr std::uint64_t handshake_version = 4;
constexpr std::size_t min_padding = 100;
constexpr std::size_t max_padding = 250;

// Pre-EIP-8 plaintexts:
//   auth = sig(65) || keccak256(ephemeral-pubk)(32) || pubk(64) || nonce(32) || 0x00
//   ack  = ephemeral-pubk(64) || nonce(32) || 0x00
constexpr std::size_t legacy_auth_plain_size = signature_size + hash_size + public_key_size + nonce_size + 1;
constexpr std::size_t legacy_ack_plain_size = public_key_size + nonce_size + 1;
static_assert(legacy_auth_plain_size + ecies::overhead == legacy_auth_size);
static_assert(legacy_ack_plain_size + ecies::overhead == legacy_ack_size);

std::error_code fail(errc e) noexcept { return make_error_code(e); }
std::error_code fail(transport::errc e) noexcept { return make_error_code(e); }

struct auth_fields {
    byte_view signature;
    byte_view initiator_pubk;
    byte_view nonce;
};

struct ack_fields {
    byte_view ephemeral_pubk;
    byte_view nonce;
};

// An EIP-8 body: the RLP list must hold well-formed items, the leading ones
// of the expected sizes and a version; any version, extra elements and data
// after the list (the padding) are accepted.
bool well_formed_tail(rlp::list_reader& r) noexcept {
    while (!r.empty())
        if (!r.next()) return false;
    return true;
}

std::optional<auth_fields> parse_auth_eip8(byte_view plaintext) noexcept {
    auto top = rlp::decode(plaintext);
    if (!top || top.value().type != rlp::kind::list) return std::nullopt;
    rlp::list_reader r(top.value().payload);
    auto sig = r.next_bytes();
    auto pubk = r.next_bytes();
    auto nonce = r.next_bytes();
    if (!sig || !pubk || !nonce || !r.next_uint() || !well_formed_tail(r)) return std::nullopt;
    if (sig.value().size() != signature_size || pubk.value().size() != public_key_size ||
        nonce.value().size() != nonce_size)
        return std::nullopt;
    return auth_fields{sig.value(), pubk.value(), nonce.value()};
}

std::optional<auth_fields> parse_auth_legacy(byte_view plaintext) noexcept {
    if (plaintext.size() != legacy_auth_plain_size) return std::nullopt;
    // The keccak256 of the ephemeral key is skipped, as geth did: the
    // signature already yields the key.
    return auth_fields{plaintext.first(signature_size),
                       plaintext.subspan(signature_size + hash_size, public_key_size),
                       plaintext.subspan(signature_size + hash_size + public_key_size, nonce_size)};
}

std::optional<ack_fields> parse_ack_eip8(byte_view plaintext) noexcept {
    auto top = rlp::decode(plaintext);
    if (!top || top.value().type != rlp::kind::list) return std::nullopt;
    rlp::list_reader r(top.value().payload);
    auto pubk = r.next_bytes();
    auto nonce = r.next_bytes();
    if (!pubk || !nonce || !r.next_uint() || !well_formed_tail(r)) return std::nullopt;
    if (pubk.value().size() != public_key_size || nonce.value().size() != nonce_size) return std::nullopt;
    return ack_fields{pubk.value(), nonce.value()};
}

std::optional<ack_fields> parse_ack_legacy(byte_view plaintext) noexcept {
    if (plaintext.size() != legacy_ack_plain_size) return std::nullopt;
    return ack_fields{plaintext.first(public_key_size), plaintext.subspan(public_key_size, nonce_size)};
}

secret<32> xor32(byte_view a, byte_view b) noexcept {
    secret<32> out;
    for (std::size_t i = 0; i < 32; ++i) out[i] = a[i] ^ b[i];
    return out;
}

// keccak256(a || b) into a secret, wiping the intermediate digest.
void keccak_into(crypto::keccak256& k, byte_view a, byte_view b, secret<32>& out) noexcept {
    k.reset();
    k.update(a);
    k.update(b);
    crypto::digest32 d = k.digest();
    out.assign(d);
    detail::wipe(d.data(), d.size());
    k.reset();
}

// A uniformly random-enough padding length in [min_padding, max_padding].
result<std::size_t> random_padding_length(const transport::random_source& random) noexcept {
    std::uint8_t r[2];
    if (auto ec = crypto::random_bytes(random, r)) return ec;
    return min_padding + (std::size_t{r[0]} << 8 | r[1]) % (max_padding - min_padding + 1);
}

}  // namespace

// A whole handshake packet found at the front of the input.
struct handshake::received {
    byte_view wire;  // as sent, including the EIP-8 size prefix
    secure_bytes plaintext;
    bool eip8;
};

handshake::handshake(handshake_role role, const options& opts,
                                 const transport::key_agreement_context& context) noexcept
    : role_(role), options_(opts), random_(context.random) {}

void handshake::send_auth_for_testing_only(bytes auth) noexcept { injected_auth_ = std::move(auth); }

std::error_code handshake::start(bytes& out) noexcept {
    if (state_ != state::initial) return fail(transport::errc::session_closed);
    if (role_ == handshake_role::recipient) {
        state_ = state::awaiting_auth;
        return {};
    }
    std::error_code ec;
    try {
        if (auto r = start_initiator(out); !r) ec = r.error();
    } catch (const std::bad_alloc&) {
        std::terminate();  // allocation failure terminates (docs/architecture.md, "Failure policy")
    } catch (...) {
        ec = fail(transport::errc::crypto_failure);
    }
    if (ec) {
        state_ = state::failed;
        wipe();
        return ec;
    }
    state_ = state::awaiting_ack;
    return {};
}

result<void> handshake::start_initiator(bytes& out) {
    if (!options_.remote_id) return fail(transport::errc::invalid_argument);
    const secp::public_key& remote = *options_.remote_id;
    if (!secp::parse_public_key(remote)) return fail(transport::errc::bad_key);
    POLYWIRE_TRY(choose_ephemeral(initiator_nonce_));

    if (injected_auth_) {
        sent_packet_ = std::move(*injected_auth_);
        injected_auth_.reset();
    } else {
        // sig = sign(ephemeral-key, static-shared-secret ^ nonce)
        auto static_shared = secp::ecdh_x(options_.static_key, remote);
        if (!static_shared) return fail(transport::errc::bad_key);
        const secret<32> signed_value = xor32(static_shared.value(), initiator_nonce_);
        POLYWIRE_TRY(sig, secp::sign_recoverable(ephemeral_key_, signed_value));
        secp::public_key own_pubk;
        if (options_.static_public_key) {
            own_pubk = *options_.static_public_key;
        } else {
            auto derived = secp::derive_public_key(options_.static_key);
            if (!derived) return fail(transport::errc::bad_key);
            own_pubk = derived.value();
        }

        if (options_.legacy_auth) {
            POLYWIRE_TRY(ephemeral_pubk, secp::derive_public_key(ephemeral_key_));
            const crypto::digest32 ephemeral_hash = crypto::keccak256::hash(ephemeral_pubk);
            bytes plain;
            plain.reserve(legacy_auth_plain_size);
            plain.insert(plain.end(), sig.begin(), sig.end());
            plain.insert(plain.end(), ephemeral_hash.begin(), ephemeral_hash.end());
            plain.insert(plain.end(), own_pubk.begin(), own_pubk.end());
            plain.insert(plain.end(), initiator_nonce_.view().begin(), initiator_nonce_.view().end());
            plain.push_back(0x00);
            POLYWIRE_TRY(packet, ecies::encrypt(remote, plain, {}, random_));
            sent_packet_ = std::move(packet);
        } else {
            bytes items;
            rlp::encode_bytes(items, sig);
            rlp::encode_bytes(items, own_pubk);
            rlp::encode_bytes(items, initiator_nonce_);
            rlp::encode_uint(items, handshake_version);
            bytes body;
            rlp::encode_list(body, items);
            POLYWIRE_TRY(packet, seal_eip8(remote, std::move(body)));
            sent_packet_ = std::move(packet);
        }
    }
    out.insert(out.end(), sent_packet_.begin(), sent_packet_.end());
    return success();
}

result<handshake_step> handshake::consume(byte_view in, bytes& out) noexcept {
    if (state_ == state::initial && role_ == handshake_role::recipient) state_ = state::awaiting_auth;
    if (state_ == state::initial) return fail(transport::errc::invalid_argument);  // initiator before start()
    if (state_ != state::awaiting_auth && state_ != state::awaiting_ack) return fail(transport::errc::session_closed);

    auto run = [&]() noexcept -> result<handshake_step> {
        try {
            return state_ == state::awaiting_auth ? consume_auth(in, out) : consume_ack(in);
        } catch (const std::bad_alloc&) {
            std::terminate();  // allocation failure terminates (docs/architecture.md, "Failure policy")
        } catch (...) {
            return fail(transport::errc::crypto_failure);
        }
    };
    result<handshake_step> step = run();
    if (!step) {
        state_ = state::failed;
        wipe();
    } else if (step.value().done) {
        state_ = state::done;
        wipe();
    }
    return step;
}

handshake::secrets handshake::take_secrets() noexcept {
    if (state_ != state::done || !secrets_) return secrets{};
    secrets s = std::move(*secrets_);
    secrets_.reset();
    state_ = state::taken;
    return s;
}

// Packet detection (EIP-8 "Implementation" pseudo-code, old geth
// readHandshakeMsg): try the first `legacy_size` bytes as a pre-EIP-8
// packet; if they do not decrypt, the first two bytes are the size of an
// EIP-8 packet. A pre-EIP-8 packet starts with R's 0x04, so any other first
// byte rules it out at once, and an oversized prefix (first byte >= 0x08) is
// rejected as soon as two bytes have arrived.
result<std::optional<handshake::received>> handshake::read_packet(byte_view in, std::size_t legacy_size) {
    if (in.size() < 2) return std::optional<received>{};
    if (in[0] != 0x04) legacy_ruled_out_ = true;
    if (!legacy_ruled_out_) {
        if (in.size() < legacy_size) return std::optional<received>{};
        auto plain = ecies::decrypt(options_.static_key, in.first(legacy_size), {});
        if (plain) return std::optional<received>{received{in.first(legacy_size), std::move(plain).value(), false}};
        legacy_ruled_out_ = true;  // remembered: the caller re-presents the same bytes until we consume them
    }
    const std::size_t size = std::size_t{in[0]} << 8 | in[1];
    if (size > max_handshake_size) return fail(errc::handshake_too_large);
    // geth: "size underflow"; every EIP-8 packet with its 100-byte padding is larger.
    if (size < legacy_size) return fail(errc::handshake_too_short);
    if (in.size() - 2 < size) return std::optional<received>{};
    POLYWIRE_TRY(plain, ecies::decrypt(options_.static_key, in.subspan(2, size), in.first(2)));
    return std::optional<received>{received{in.first(2 + size), std::move(plain), true}};
}

result<handshake_step> handshake::consume_auth(byte_view in, bytes& out) {
    POLYWIRE_TRY(packet, read_packet(in, legacy_auth_size));
    if (!packet) return handshake_step{};
    const std::optional<auth_fields> auth =
        packet->eip8 ? parse_auth_eip8(packet->plaintext) : parse_auth_legacy(packet->plaintext);
    if (!auth) return fail(errc::bad_handshake_body);

    auto initiator_id = secp::parse_public_key(auth->initiator_pubk);
    if (!initiator_id) return fail(errc::invalid_curve_point);
    if (options_.remote_id && !constant_time_equal(*options_.remote_id, initiator_id.value()))
        return fail(errc::wrong_remote_identity);

    // Recover the initiator's ephemeral key from sig over static-shared-secret ^ nonce.
    auto static_shared = secp::ecdh_x(options_.static_key, initiator_id.value());
    if (!static_shared) return fail(transport::errc::bad_key);
    initiator_nonce_.assign(auth->nonce);
    const secret<32> signed_value = xor32(static_shared.value(), initiator_nonce_);
    secp::recoverable_signature sig;
    std::copy(auth->signature.begin(), auth->signature.end(), sig.begin());
    auto remote_ephemeral = secp::recover(sig, signed_value);
    if (!remote_ephemeral) return fail(errc::bad_signature);

    // Answer in the format the initiator used.
    POLYWIRE_TRY(choose_ephemeral(recipient_nonce_));
    POLYWIRE_TRY(ephemeral_pubk, secp::derive_public_key(ephemeral_key_));
    if (packet->eip8) {
        bytes items;
        rlp::encode_bytes(items, ephemeral_pubk);
        rlp::encode_bytes(items, recipient_nonce_);
        rlp::encode_uint(items, handshake_version);
        bytes body;
        rlp::encode_list(body, items);
        POLYWIRE_TRY(ack, seal_eip8(initiator_id.value(), std::move(body)));
        sent_packet_ = std::move(ack);
    } else {
        bytes plain;
        plain.reserve(legacy_ack_plain_size);
        plain.insert(plain.end(), ephemeral_pubk.begin(), ephemeral_pubk.end());
        plain.insert(plain.end(), recipient_nonce_.view().begin(), recipient_nonce_.view().end());
        plain.push_back(0x00);
        POLYWIRE_TRY(ack, ecies::encrypt(initiator_id.value(), plain, {}, random_));
        sent_packet_ = std::move(ack);
    }
    if (auto ec = derive(remote_ephemeral.value(), packet->wire, initiator_id.value(), packet->eip8)) return ec;
    out.insert(out.end(), sent_packet_.begin(), sent_packet_.end());
    return handshake_step{packet->wire.size(), true};
}

result<handshake_step> handshake::consume_ack(byte_view in) {
    POLYWIRE_TRY(packet, read_packet(in, legacy_ack_size));
    if (!packet) return handshake_step{};
    const std::optional<ack_fields> ack =
        packet->eip8 ? parse_ack_eip8(packet->plaintext) : parse_ack_legacy(packet->plaintext);
    if (!ack) return fail(errc::bad_handshake_body);
    auto remote_ephemeral = secp::parse_public_key(ack->ephemeral_pubk);
    if (!remote_ephemeral) return fail(errc::invalid_curve_point);
    recipient_nonce_.assign(ack->nonce);
    // That the ack decrypted under our static key proves nothing about its
    // sender: anyone can encrypt to our public key. What authenticates the
    // responder as remote_id comes later: our auth was encrypted to
    // remote_id, so only the holder of its key knows our nonce and can
    // derive the frame MAC secrets; the first frame whose MAC verifies (the
    // peer's Hello) proves it. Until then the session has authenticated no
    // one (handshake_complete waits for that Hello).
    if (auto ec = derive(remote_ephemeral.value(), packet->wire, *options_.remote_id, packet->eip8)) return ec;
    return handshake_step{packet->wire.size(), true};
}

result<void> handshake::choose_ephemeral(secret<32>& nonce) {
    POLYWIRE_TRY(k, secp::generate_private_key(random_));
    ephemeral_key_ = k;
    if (auto ec = crypto::random_bytes(random_, nonce.mutable_view())) return ec;
    return success();
}

// be16(size) || ECIES(remote, body || padding, s2 = be16(size)).
result<bytes> handshake::seal_eip8(const secp::public_key& remote, bytes body) {
    std::size_t padding = 0;
    if (options_.padding_for_testing_only) {
        padding = *options_.padding_for_testing_only;
        if (padding > max_handshake_size) return fail(transport::errc::invalid_argument);
    } else {
        POLYWIRE_TRY(n, random_padding_length(random_));
        padding = n;
    }
    const std::size_t size = body.size() + padding + ecies::overhead;
    if (size > max_handshake_size) return fail(transport::errc::invalid_argument);
    const std::size_t body_size = body.size();
    body.resize(body_size + padding);
    if (auto ec = crypto::random_bytes(random_, mutable_byte_view(body).subspan(body_size))) return ec;

    const std::uint8_t prefix[2] = {static_cast<std::uint8_t>(size >> 8), static_cast<std::uint8_t>(size)};
    POLYWIRE_TRY(sealed, ecies::encrypt(remote, body, prefix, random_));
    bytes packet;
    packet.reserve(2 + sealed.size());
    packet.insert(packet.end(), prefix, prefix + 2);
    packet.insert(packet.end(), sealed.begin(), sealed.end());
    return packet;
}

// rlpx.md §Initial Handshake, "Secrets":
//   ephemeral-key = ecdh.agree(ephemeral-privkey, remote-ephemeral-pubk)
//   shared-secret = keccak256(ephemeral-key || keccak256(nonce || initiator-nonce))
//   aes-secret    = keccak256(ephemeral-key || shared-secret)
//   mac-secret    = keccak256(ephemeral-key || aes-secret)
//   egress-mac    = keccak256.init((mac-secret ^ remote nonce) || packet sent)
//   ingress-mac   = keccak256.init((mac-secret ^ own nonce) || packet received)
std::error_code handshake::derive(const secp::public_key& remote_ephemeral, byte_view received_packet,
                                        const secp::public_key& remote_id, bool remote_eip8) {
    auto ephemeral_shared = secp::ecdh_x(ephemeral_key_, remote_ephemeral);
    if (!ephemeral_shared) return fail(errc::invalid_curve_point);
    const secret<32>& ek = ephemeral_shared.value();

    secrets s;
    crypto::keccak256 k;
    secret<32> nonce_hash, shared_secret;
    keccak_into(k, recipient_nonce_, initiator_nonce_, nonce_hash);
    keccak_into(k, ek, nonce_hash, shared_secret);
    keccak_into(k, ek, shared_secret, s.aes_secret);
    keccak_into(k, ek, s.aes_secret, s.mac_secret);

    const bool initiator = role_ == handshake_role::initiator;
    const secret<32>& own_nonce = initiator ? initiator_nonce_ : recipient_nonce_;
    const secret<32>& remote_nonce = initiator ? recipient_nonce_ : initiator_nonce_;
    s.egress_mac.update(xor32(s.mac_secret, remote_nonce));
    s.egress_mac.update(sent_packet_);
    s.ingress_mac.update(xor32(s.mac_secret, own_nonce));
    s.ingress_mac.update(received_packet);
    s.remote_id = remote_id;
    s.remote_eip8 = remote_eip8;
    secrets_.emplace(std::move(s));
    return {};
}

void handshake::wipe() noexcept {
    ephemeral_key_ = {};
    initiator_nonce_ = {};
    recipient_nonce_ = {};
    options_.static_key = {};
    injected_auth_.reset();
    sent_packet_.clear();
}

}  // namespace polywire::rlpx
