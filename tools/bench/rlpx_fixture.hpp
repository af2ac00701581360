// Two sessions established in memory (real handshake, and Hello for RLPx),
// for benchmarks: `a` initiates, `b` accepts. pair_of serves every
// configuration (tools/bench/variants_fixture.hpp has the variants').
#pragma once

#include "policies/frame_layout.hpp"
#include "rlpx/config.hpp"

namespace polywire::bench {

template <class Session>
struct pair_of {
    Session a, b;
    transport::time_point now = transport::clock::now();

    pair_of(typename Session::options ao, typename Session::options bo)
        : a(policies::handshake_role::initiator, std::move(ao)), b(policies::handshake_role::recipient, std::move(bo)) {
        (void)a.start(now);
        (void)b.start(now);
        for (int round = 0; round < 16 && !established(); ++round) {
            move(a, b);
            move(b, a);
        }
        for (auto* s : {&a, &b})
            while (auto e = s->next_event())
                if (e->kind == transport::event_kind::error && !first_error) first_error = e->error;
    }

    bool established() const noexcept {
        return a.state() == transport::session_state::established && b.state() == transport::session_state::established;
    }
    /// {} once both handshakes (and greetings) completed; else why not.
    std::error_code error() const {
        if (established()) return {};
        if (first_error) return first_error;
        if (a.error()) return a.error();
        if (b.error()) return b.error();
        return make_error_code(transport::errc::handshake_timeout);
    }

    std::error_code first_error{};  ///< the first error event of the handshake, if any

    /// Hands everything `from` has to send to `to`: as one piece of a byte
    /// stream, or datagram by datagram with a datagram layout.
    static void move(Session& from, Session& to) {
        if constexpr (policies::is_datagram<typename Session::frame_layout>()) {
            for (auto out = from.pending_output(); !out.empty(); out = from.pending_output()) {
                (void)to.receive_datagram(out, transport::clock::now());
                from.consume_output(out.size());
            }
        } else {
            auto out = from.pending_output();
            if (out.empty()) return;
            (void)to.receive(out, transport::clock::now());
            from.consume_output(out.size());
        }
    }
};

template <class Session>
typename Session::options rlpx_options(const crypto::secp256k1::private_key& k,
                                       std::optional<crypto::secp256k1::public_key> remote) {
    typename Session::options o;
    o.handshake.static_key = k;
    o.handshake.remote_id = remote;
    o.protocol.capabilities = {{"bench", 1, 4}};
    o.protocol.node_id = crypto::secp256k1::derive_public_key(k).value();
    o.handshake.static_public_key = o.protocol.node_id;
    return o;
}

/// rlpx::session as shipped (snappy on after a version-5 Hello).
struct rlpx_pair : pair_of<rlpx::session> {
    rlpx_pair() : rlpx_pair(crypto::secp256k1::generate_private_key().value(), crypto::secp256k1::generate_private_key().value()) {}
    rlpx_pair(const crypto::secp256k1::private_key& ka, const crypto::secp256k1::private_key& kb)
        : pair_of(rlpx_options<rlpx::session>(ka, crypto::secp256k1::derive_public_key(kb).value()),
                  rlpx_options<rlpx::session>(kb, std::nullopt)) {}
};

/// RLPx with the compressor swapped out: framing and MACs only.
using rlpx_frames_session =
    transport::session<transport::with_policy<rlpx::config, transport::role::compressor, policies::no_compression>>;
struct rlpx_frames_pair : pair_of<rlpx_frames_session> {
    rlpx_frames_pair()
        : rlpx_frames_pair(crypto::secp256k1::generate_private_key().value(), crypto::secp256k1::generate_private_key().value()) {}
    rlpx_frames_pair(const crypto::secp256k1::private_key& ka, const crypto::secp256k1::private_key& kb)
        : pair_of(rlpx_options<rlpx_frames_session>(ka, crypto::secp256k1::derive_public_key(kb).value()),
                  rlpx_options<rlpx_frames_session>(kb, std::nullopt)) {}
};

}  // namespace polywire::bench
