#include "tools/cli/variant.hpp"

#include <charconv>
#include <sstream>

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
    if (ec == std::errc::connection_reset) return "the remote " + where + " reset the connection during the handshake";
    // The peer's end of stream, whatever the variant calls it
    // (transport::errc::peer_closed, noise-xk's handshake_truncated...):
    // each compares equal to condition::peer_disconnected. A goodbye
    // (errc::peer_disconnected) is left to its own message.
    if (ec == transport::condition::peer_disconnected && ec != transport::errc::peer_disconnected)
        return "the remote " + where + " closed the connection during the handshake";
    return "handshake with " + where + " failed: " + ec.message();
}

namespace {
/// `text` in lines of at most `width` characters, each after `indent` spaces
/// (the first after `first` characters already written).
std::string wrap(std::string_view text, std::size_t indent, std::size_t width, std::size_t first) {
    std::string out, word;
    std::size_t column = first;
    std::istringstream in{std::string(text)};
    bool line_empty = true;
    while (in >> word) {
        if (!line_empty && column + 1 + word.size() > width) {
            out += "\n" + std::string(indent, ' ');
            column = indent;
            line_empty = true;
        }
        if (!line_empty) {
            out += ' ';
            ++column;
        }
        out += word;
        column += word.size();
        line_empty = false;
    }
    return out;
}
}  // namespace

std::string variant_help() {
    constexpr std::size_t indent = 16, width = 80;
    std::string s = "--variant V     " +
                    wrap("the protocol (both sides must use the same), one of these, each with its URL, its "
                         "KEY, its messages and limits:",
                         indent, width, indent);
    bool first = true;
    std::apply(
        [&](auto... v) {
            auto one = [&](auto d) {
                using V = decltype(d);
                const std::string head = std::string(V::name) + (first ? " (default)" : "") + ": ";
                std::string text = head + std::string(V::summary) + ". URL " + transport::url_form<V>() +
                                   " (id: " + std::string(V::id_help) + "). KEY " +
                                   std::string(V::key_help) + ". " + std::string(V::messages_help);
                if (V::has_goodbye)
                    text += " --disconnect takes " + std::string(V::reason_help) + ".";
                text += " --size is at most " + std::to_string(V::max_payload) + ".";
                s += "\n" + std::string(indent, ' ') + wrap(text, indent + 2, width, indent);
                first = false;
            };
            (one(v), ...);
        },
        variant_table{});
    return s;
}

std::string variant_names() {
    std::string s;
    std::apply([&](auto... v) { ((s += (s.empty() ? "" : ", ") + std::string(decltype(v)::name)), ...); },
               variant_table{});
    return s;
}

// ---- rlpx ------------------------------------------------------------------

using rlpx_variant = cli_variant<rlpx::variant>;

namespace {
connect_outcome<rlpx_variant> from(dial_outcome out) {
    connect_outcome<rlpx_variant> r;
    r.conn = std::move(out.conn);
    r.error = out.error;
    r.remote_reason = out.remote_reason;
    r.peer = out.peer;
    return r;
}
}  // namespace

connect_outcome<rlpx_variant> rlpx_variant::dial(const node_settings<rlpx_variant>& s, const address<rlpx::variant>& url) {
    const rlpx::enode e{url.id, url.host, url.port};
    const auto cfg = config(s);
    auto out = dial_peer(cfg, e);
    const std::string failure = out.conn ? std::string() : describe_dial_failure(out, e, cfg.timeouts.handshake);
    auto r = from(std::move(out));
    r.failure = failure;
    return r;
}

connect_outcome<rlpx_variant> rlpx_variant::accept(transport::adapters::socket_fd fd,
                                                   const node_settings<rlpx_variant>& s) {
    auto out = establish(std::move(fd), policies::handshake_role::recipient, config(s), std::nullopt);
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
