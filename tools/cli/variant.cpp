#include "tools/cli/variant.hpp"

#include <charconv>

#include "rlpx/p2p/capabilities.hpp"
#include "rlpx/p2p/disconnect.hpp"

namespace polywire::cli {

namespace p2p = rlpx::p2p;

std::string describe_handshake_failure(const std::string& where, std::error_code ec,
                                       std::chrono::milliseconds handshake_timeout) {
    // What this side saw (an end of stream, a reset, silence), without
    // guessing why: a wrong node id, another protocol, or a busy or
    // restarting remote all look the same from here.
    if (ec == transport::errc::handshake_timeout)
        return "handshake with " + where + " timed out: no complete reply within " +
               std::to_string(handshake_timeout.count()) + " ms";
    if (ec == transport::errc::peer_closed || ec == variants::noise_xk::errc::handshake_truncated)
        return "the remote " + where + " closed the connection during the handshake";
    if (ec == std::errc::connection_reset) return "the remote " + where + " reset the connection during the handshake";
    return "handshake with " + where + " failed: " + ec.message();
}

std::optional<k1::compressed_public_key> compressed_key_from(const bytes& id) {
    if (id.size() != 33 || (id[0] != 2 && id[0] != 3) || !k1::parse_public_key(id)) return std::nullopt;
    k1::compressed_public_key k;
    std::copy(id.begin(), id.end(), k.begin());
    return k;
}

std::string variant_names() {
    std::string s;
    std::apply([&](auto... v) { ((s += (s.empty() ? "" : ", ") + std::string(decltype(v)::name)), ...); },
               variant_table{});
    return s;
}

std::optional<std::uint8_t> devp2p_reasons::parse_reason(std::string_view text) {
    auto r = p2p::parse_reason(text);
    if (!r) return std::nullopt;
    return static_cast<std::uint8_t>(*r);
}

// ---- x25519-xchacha --------------------------------------------------------

namespace {
constexpr std::string_view x25519_reason_names[] = {"requested", "protocol_error", "authentication_failure", "timeout"};
}  // namespace

std::optional<std::uint8_t> x25519_reasons::parse_reason(std::string_view text) {
    for (std::size_t i = 0; i < std::size(x25519_reason_names); ++i)
        if (text == x25519_reason_names[i]) return static_cast<std::uint8_t>(i);
    unsigned v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || v > 255) return std::nullopt;
    return static_cast<std::uint8_t>(v);
}

std::string x25519_reasons::describe_reason(std::uint8_t r) {
    return "reason " + std::to_string(r) + " (" +
           (r < std::size(x25519_reason_names) ? std::string(x25519_reason_names[r]) : std::string("unknown")) + ")";
}

std::optional<ed25519_key::private_key> ed25519_key::load_key(const args& a) {
    const auto in = read_key_input(a);
    if (!in) return std::nullopt;
    secret<32> seed;
    if (decode_hex32(in->text, std::span<std::uint8_t, 32>(seed.data(), 32))) {
        auto k = private_key::from_seed(seed.view());
        if (!k) throw usage_error("invalid private key from " + in->source + ": " + k.error().message());
        return k.value();
    }
    if (!in->path) throw usage_error("invalid private key from " + in->source + ": expected 64 hex digits (an Ed25519 seed)");
    // Not hex: an OpenSSH id_ed25519 or a raw 32- or 64-byte key file.
    auto k = xx::load_private_key(*in->path);
    if (!k) throw usage_error("invalid private key from " + in->source + ": " + k.error().message());
    return k.value();
}

// ---- rlpx ------------------------------------------------------------------

namespace {
rlpx::node_config rlpx_config(const node_settings<rlpx_variant>& s) {
    rlpx::node_config cfg;
    cfg.key = s.key;
    cfg.capabilities = s.caps;
    cfg.client_id = "polywire/" + std::string(version);
    cfg.timeouts = s.timeouts;
    if (!s.snappy) cfg.protocol_version = 4;  // devp2p before snappy
    cfg.key_log = s.key_log;
    return cfg;
}

connect_outcome<rlpx_variant> from(dial_outcome out) {
    connect_outcome<rlpx_variant> r;
    r.conn = std::move(out.conn);
    r.error = out.error;
    r.remote_reason = out.remote_reason;
    r.peer = out.peer;
    return r;
}
}  // namespace

std::optional<node_url> rlpx_variant::parse_url(std::string_view text, std::string& why) {
    auto e = rlpx::parse_enode(text);
    if (!e) {
        why = e.error().message();
        return std::nullopt;
    }
    return node_url{std::string(scheme), bytes(e.value().id.begin(), e.value().id.end()), e.value().host,
                    e.value().port};
}

std::string rlpx_variant::url(const remote_id& id, const std::string& host, std::uint16_t port) {
    return rlpx::to_string(rlpx::enode{id, host, port});
}

connect_outcome<rlpx_variant> rlpx_variant::dial(const node_settings<rlpx_variant>& s, const node_url& url) {
    rlpx::enode e{{}, url.host, url.port};
    std::copy(url.id.begin(), url.id.end(), e.id.begin());
    const auto cfg = rlpx_config(s);
    auto out = dial_peer(cfg, e);
    const std::string failure = out.conn ? std::string() : describe_dial_failure(out, e, cfg.timeouts.handshake);
    auto r = from(std::move(out));
    r.failure = failure;
    return r;
}

connect_outcome<rlpx_variant> rlpx_variant::accept(transport::adapters::socket_fd fd,
                                                   const node_settings<rlpx_variant>& s) {
    auto out = establish(std::move(fd), policies::handshake_role::recipient, rlpx_config(s), std::nullopt);
    std::string failure;
    if (!out.conn) {
        if (out.remote_reason)
            failure = "the remote disconnected, " + describe_reason(*out.remote_reason);
        else if (out.error == rlpx::errc::no_shared_capability && out.remote_hello)
            failure = "no capability in common (remote offers: " + join_caps(out.remote_hello->caps) + ")";
    }
    auto r = from(std::move(out));
    r.failure = failure;
    return r;
}

result<rlpx_variant::session::options> rlpx_variant::session_options(const node_settings<rlpx_variant>& s,
                                                                      std::optional<remote_id> remote) {
    return rlpx::make_options(rlpx_config(s), remote);
}

result<rlpx_variant::session> rlpx_variant::recipient_session(const node_settings<rlpx_variant>& s) {
    auto o = rlpx::make_options(rlpx_config(s), std::nullopt);
    if (!o) return o.error();
    return session(policies::handshake_role::recipient, std::move(o.value()));
}

std::optional<std::uint64_t> rlpx_variant::first_code(connection& conn, const std::vector<p2p::local_capability>& caps,
                                                      std::string& why) {
    const auto& first = caps.front();
    const auto* cap = p2p::find_by_name(conn.session().peer().shared, first.name);
    if (cap == nullptr) {
        why = "the first capability " + p2p::to_string(first) + " is not shared with the remote (remote offers: " +
              join_caps(conn.session().peer().remote_hello.caps) + "; shared: " + join_caps(conn.session().peer().shared) +
              ")";
        (void)conn.close(p2p::disconnect_reason::useless_peer);
        return std::nullopt;
    }
    return cap->offset;
}

}  // namespace polywire::cli
