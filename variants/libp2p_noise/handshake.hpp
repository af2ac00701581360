// libp2p's Noise handshake: the generic noise::handshake for
// Noise_XX_25519_ChaChaPoly_SHA256 (policies/noise/handshake.hpp), given
// libp2p's handshake payload through its payload hooks. Nothing of the
// Noise handshake itself is written here:
//
//   message 1  -> e                       payload empty
//   message 2  <- e, ee, s, es            the responder's NoiseHandshakePayload
//   message 3  -> s, se                   the initiator's NoiseHandshakePayload
//
// Our payload (identity key, signature over "noise-libp2p-static-key:" and
// our Noise static key, stream muxers) is made when the handshake is built
// (options.payloads, the same for messages 2 and 3: each side sends only
// its own). The peer's payload is checked by options.check_payload before
// its message is taken: protobuf, signature against the static key of that
// same message, and the peer id against options.expected_peer. The
// secrets name the peer by its peer id (remote_peer, identity.hpp), read
// from that payload again by read_payload: the signature is verified once.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "policies/noise/handshake.hpp"
#include "transport/random.hpp"
#include "variants/libp2p_noise/error.hpp"
#include "variants/libp2p_noise/identity.hpp"

namespace polywire::variants::libp2p_noise {

namespace noise = polywire::noise;
using suite = noise::suite<noise::dh25519, noise::chachapoly, noise::sha256>;

/// The largest handshake message read: an Ed25519 or secp256k1 identity,
/// its signature and the extensions take a few hundred bytes, so a length
/// beyond this is refused at once (errc::handshake_message_too_large)
/// rather than waited for (Noise allows 65535).
inline constexpr std::size_t max_handshake_message = 8192;

/// Handshake framing: noise::length_prefixed (a 2-byte big-endian length),
/// refusing lengths over max_handshake_message.
struct framing : noise::length_prefixed {
    static result<std::size_t> body_size(byte_view h, std::size_t minimum) noexcept {
        auto n = noise::length_prefixed::body_size(h, minimum);
        if (n && n.value() > max_handshake_message) return make_error_code(errc::handshake_message_too_large);
        return n;
    }
};

using noise_handshake = noise::handshake<noise::pattern::XX, suite, framing>;

/// The transport keys and who the peer is.
struct secrets {
    noise_handshake::secrets keys;
    remote_peer remote_id;
};

/// A direction's transport key (noise::transport_cipher finds it by ADL).
inline byte_view cipher_key(const secrets& s, polywire::policies::direction d) noexcept {
    return cipher_key(s.keys, d);  // noise::basic_secrets' own
}

template <class F>
void dump_secrets(const secrets& s, F& f) {
    dump_secrets(s.keys, f);  // noise::basic_secrets' own
}

namespace detail {
/// Holds an error met while the generic handshake's options are made (a
/// base initialized before the handshake, so the error outlives its making).
struct setup_error {
    std::error_code error_;
};
}  // namespace detail

class handshake : private detail::setup_error, public noise_handshake {
public:
    struct options {
        /// Our libp2p identity key.
        libp2p_noise::private_key identity;
        /// Our Noise static key; empty: a fresh one per handshake, from the
        /// session's random source.
        std::optional<noise_handshake::private_key> static_key;
        /// The peer id the peer must have (the dialer's: the one it dialled).
        std::optional<peer_id> expected_peer;
        /// The stream muxers we offer in the extensions (e.g. "/yamux/1.0.0"); may be empty.
        std::vector<std::string> stream_muxers;
    };
    using secrets = libp2p_noise::secrets;

    handshake(polywire::policies::handshake_role role, const options& o)
        : handshake(role, o, transport::key_agreement_context{}) {}
    handshake(polywire::policies::handshake_role role, const options& o, const transport::key_agreement_context& ctx)
        : detail::setup_error{}, noise_handshake(role, noise_options(o, ctx, error_)), identity_(o.identity) {}

    std::error_code start(bytes& out) noexcept {
        if (error_) return error_;
        return noise_handshake::start(out);
    }

    secrets take_secrets() noexcept {
        secrets s;
        s.keys = noise_handshake::take_secrets();
        // The payload was checked (signature included) when its message
        // arrived: this only reads its identity fields again.
        auto peer = read_payload(s.keys.remote_id.payload);
        if (peer) s.remote_id = std::move(peer.value());
        s.remote_id.remote_static = s.keys.remote_id.remote_static;
        s.remote_id.handshake_hash = s.keys.remote_id.handshake_hash;
        return s;
    }

    /// Test only: the keys this handshake holds now (key-dump hook): the
    /// generic handshake's and our identity key (its PrivateKey protobuf).
    template <class F>
    friend void dump_secrets(const handshake& h, F& f) {
        dump_secrets(static_cast<const noise_handshake&>(h), f);
        f("NOISE_LIBP2P_IDENTITY_PRIVATE_KEY", h.identity_.serialized());
    }

private:
    static noise_handshake::options noise_options(const options& o, const transport::key_agreement_context& ctx,
                                                  std::error_code& error) {
        noise_handshake::options n;
        n.random = ctx.random;
        n.key_log = ctx.log;
        if (o.static_key) {
            n.static_key = o.static_key;
        } else {
            n.static_key.emplace();
            if (auto ec = crypto::random_bytes(ctx.random, n.static_key->mutable_view())) {
                error = ec;
                return n;
            }
        }
        auto pub = suite::dh::public_key_of(*n.static_key);
        if (!pub) {
            error = pub.error();
            return n;
        }
        n.static_public_key = pub.value();  // derived once here, not again by the handshake
        auto payload = make_payload(o.identity, pub.value(), o.stream_muxers);
        if (!payload) {
            error = payload.error();
            return n;
        }
        // Message 1 carries no payload; each side sends its own in message 2 or 3.
        n.payloads = {bytes{}, payload.value(), payload.value()};
        n.check_payload = [expected = o.expected_peer](std::size_t message, byte_view p,
                                                        byte_view remote_static) -> std::error_code {
            if (message == 0) return {};  // the initiator's first message: nothing to check
            auto peer = check_payload(p, remote_static, expected);
            return peer ? std::error_code{} : peer.error();
        };
        return n;
    }

    libp2p_noise::private_key identity_;
};

}  // namespace polywire::variants::libp2p_noise
