// p2p_protocol: RLPx's BaseProtocol model — the devp2p "p2p" capability.
//
// After the encryption handshake both sides send Hello (uncompressed),
// unless the peer's handshake key is our own node id: then, as go-ethereum
// does, no Hello is sent and the session fails with errc::connected_to_self
// and Disconnect "connected to self" (0x0a). The session is established
// once the peer's Hello is accepted: its node id must equal the handshake
// key, and at least one capability must be shared (message-id offsets from
// 0x10, geth's matchProtocols). Every message after the peer's Hello —
// including the Disconnect that refuses that Hello — is snappy-compressed
// when both Hellos say p2p version 5 or later (go-ethereum turns snappy on
// as soon as it has read a v5 Hello, before checking it). Ping is answered
// with Pong by the session itself; Disconnect is sent as go-ethereum does
// (snappy([reason]) after a v5 Hello exchange) and accepted in every form
// peers really send (rlpx/p2p/disconnect.hpp).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "policies/base_protocol.hpp"
#include "rlpx/error.hpp"
#include "rlpx/p2p/capabilities.hpp"
#include "rlpx/p2p/disconnect.hpp"
#include "rlpx/p2p/hello.hpp"
#include "rlpx/p2p/messages.hpp"
#include "rlpx/secrets.hpp"
#include "transport/error.hpp"

namespace polywire::rlpx::p2p {

class p2p_protocol {
public:
    static constexpr std::string_view name = "devp2p p2p/5";
    static constexpr bool keepalive = true;

    struct options {
        std::string client_id = "polywire/0.1.0";
        /// The p2p version our Hello advertises. Below 5, snappy stays off
        /// both ways (as go-ethereum does with a version-4 peer).
        std::uint64_t protocol_version = base_protocol_version;
        std::vector<local_capability> capabilities;
        std::uint64_t listen_port = 0;
        /// This node's id (its static public key); rlpx::make_options fills it.
        crypto::secp256k1::public_key node_id{};
        /// Sends a Hello carrying this id instead of node_id (tests only:
        /// a peer lying about its id, which the random source cannot
        /// express and no honest node does).
        std::optional<crypto::secp256k1::public_key> hello_node_id_for_testing_only;
    };

    struct peer_info {
        hello remote_hello;                    ///< the peer's Hello, as received
        std::vector<shared_capability> shared; ///< negotiated capabilities with their offsets
    };

    explicit p2p_protocol(const options& o) : opts_(o) {}

    std::error_code start(const secrets& s, policies::frame_writer& write) {
        remote_key_ = s.remote_id;
        // A dial of our own enode (or a peer holding our key): go-ethereum
        // refuses it right after the encryption handshake, before Hello.
        if (s.remote_id == opts_.node_id) return make_error_code(errc::connected_to_self);
        hello h;
        h.protocol_version = opts_.protocol_version;
        h.client_id = opts_.client_id;
        for (const auto& c : opts_.capabilities) h.caps.push_back({c.name, c.version});
        h.listen_port = opts_.listen_port;
        h.node_id = opts_.hello_node_id_for_testing_only.value_or(opts_.node_id);
        write(hello_code, encode(h), false);
        return {};
    }

    bool greeting_done() const noexcept { return hello_received_; }
    /// On from the first message after the peer's Hello, once it is read
    /// (accepted or not: the Disconnect refusing it is compressed too).
    bool compression_active() const noexcept {
        return hello_read_ && info_.remote_hello.protocol_version >= snappy_protocol_version &&
               opts_.protocol_version >= snappy_protocol_version;
    }
    bool is_control(std::uint64_t code) const noexcept { return is_base_protocol_code(code); }

    result<policies::control_result> on_control(std::uint64_t code, byte_view payload, policies::frame_writer& write) {
        using policies::control_event;
        if (code == disconnect_code) {
            auto r = decode_disconnect(payload, compression_active());
            if (!r) return r.error();
            return policies::control_result{control_event::disconnect, r.value()};
        }
        if (!hello_received_) {
            if (code != hello_code) return make_error_code(errc::message_before_hello);
            auto h = decode_hello(payload);
            if (!h) return h.error();
            info_.remote_hello = std::move(h.value());
            hello_read_ = true;  // snappy from here on if both say v5, even to refuse this Hello
            if (auto ec = check_identity(info_.remote_hello, remote_key_)) return ec;
            info_.shared = match(opts_.capabilities, info_.remote_hello.caps);
            if (info_.shared.empty()) return make_error_code(errc::no_shared_capability);
            hello_received_ = true;
            return policies::control_result{control_event::greeting};
        }
        switch (code) {
            case ping_code:
                write.reply(pong_code, pong_payload(), true);  // at most one pending
                return policies::control_result{control_event::ping};
            case pong_code: return policies::control_result{control_event::pong};
            default: return policies::control_result{};  // other reserved codes are ignored, as geth does
        }
    }

    std::error_code check_app_code(std::uint64_t code) const noexcept {
        if (!hello_received_) return errc::message_before_hello;
        if (find_by_code(info_.shared, code) == nullptr) return errc::unknown_message_code;
        return {};
    }

    void ping(policies::frame_writer& write) { write(ping_code, ping_payload(), true); }

    void disconnect(std::uint8_t reason, policies::frame_writer& write) {
        write(disconnect_code, encode_disconnect(static_cast<disconnect_reason>(reason)), true);
    }

    std::uint8_t reason_for(std::error_code ec) const noexcept {
        auto r = disconnect_reason::protocol_breach;
        if (ec == errc::hello_identity_mismatch) r = disconnect_reason::unexpected_identity;
        else if (ec == errc::no_shared_capability) r = disconnect_reason::useless_peer;
        else if (ec == errc::incompatible_version) r = disconnect_reason::incompatible_version;
        else if (ec == errc::connected_to_self) r = disconnect_reason::connected_to_self;
        else if (ec == transport::condition::timed_out) r = disconnect_reason::read_timeout;
        else if (ec == errc::bad_header_mac || ec == errc::bad_frame_mac) r = disconnect_reason::subprotocol_error;
        return static_cast<std::uint8_t>(r);
    }

    const peer_info& info() const noexcept { return info_; }

private:
    options opts_;
    peer_info info_;
    crypto::secp256k1::public_key remote_key_{};
    bool hello_read_ = false;      ///< the peer's Hello decoded (its version is known)
    bool hello_received_ = false;  ///< ... and accepted
};

}  // namespace polywire::rlpx::p2p
