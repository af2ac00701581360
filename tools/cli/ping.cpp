// polywire ping ENODE: for a person. Handshake, Hello, Ping, then a short
// summary of the remote node, or one clear sentence saying what failed.
#include <cstdio>

#include "tools/cli/common.hpp"

namespace polywire::cli {

namespace k1 = crypto::secp256k1;
namespace p2p = rlpx::p2p;
using transport::event_kind;

namespace {
constexpr option_spec ping_options[] = {
    {"key", true},     {"key-file", true},          {"cap", true, true},
    {"timeout", true}, {"handshake-timeout", true}, {"help", false},
};

// What a remote is likely to run, so that a Hello has something in common
// with most Ethereum nodes (a remote sharing nothing would drop us).
const p2p::local_capability broad_caps[] = {
    {"eth", 66, 17},
    {"eth", 67, 17},
    {"eth", 68, 17},
    {"snap", 1, 8},
};

std::string ms(transport::clock::duration d) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f ms", std::chrono::duration<double, std::milli>(d).count());
    return buf;
}

void say(const std::string& line) { print_line(line); }
void fail(const std::string& line) { print_line("polywire ping: " + line, true); }

void print_hello(const p2p::hello& h) {
    say("  client id:     " + h.client_id);
    say("  p2p version:   " + std::to_string(h.protocol_version));
    say("  capabilities:  " + join_caps(h.caps));
}
}  // namespace

int run_ping(std::span<const std::string> words) {
    const args a = args::parse("ping", words, ping_options, 1);
    if (a.has("help")) {
        print_line(usage());
        return exit_ok;
    }
    if (a.positional().empty()) throw usage_error("ping needs an enode URL: polywire ping enode://<node id>@<host>:<port>");
    const auto remote = rlpx::parse_enode(a.positional().front());
    if (!remote) throw usage_error("invalid enode " + shown(a.positional().front()) + ": " + remote.error().message());

    rlpx::node_config cfg;
    cfg.key_log = tool_key_log();
    if (auto k = load_key(a)) {
        cfg.key = *k;
    } else {
        auto eph = k1::generate_private_key();
        if (!eph) {
            fail("cannot generate an ephemeral key: " + eph.error().message());
            return exit_failure;
        }
        cfg.key = eph.value();
    }
    cfg.client_id = "polywire/" + std::string(version);
    cfg.capabilities.assign(std::begin(broad_caps), std::end(broad_caps));
    for (const auto& c : parse_caps(a, false)) {
        bool known = false;
        for (const auto& have : cfg.capabilities) known = known || (have.name == c.name && have.version == c.version);
        if (!known) cfg.capabilities.push_back(c);
    }
    const auto timeout = a.has("timeout") ? parse_seconds("timeout", *a.value("timeout")) : std::chrono::seconds(30);
    if (auto v = a.value("handshake-timeout"))
        cfg.timeouts.handshake = std::chrono::milliseconds(parse_uint("handshake-timeout", *v, 1, 3'600'000));

    start_watchdog(timeout, output_mode::human);

    const std::string where = remote.value().host + ":" + std::to_string(remote.value().port);
    say("PING " + rlpx::to_string(remote.value()));
    const auto t0 = transport::clock::now();
    auto out = dial_peer(cfg, remote.value());
    const auto t1 = transport::clock::now();
    if (!out.conn) {
        if (out.remote_hello) print_hello(*out.remote_hello);
        fail(describe_dial_failure(out, remote.value(), cfg.timeouts.handshake));
        return exit_failure;
    }
    auto& conn = *out.conn;
    say("  connected:     " + where + " (handshake and Hello in " + ms(t1 - t0) + ")");
    print_hello(conn.session().peer().remote_hello);
    say("  shared:        " + join_caps(conn.session().peer().shared));

    const auto t2 = transport::clock::now();
    const auto sent = conn.ping();
    if (sent && conn.session().state() != transport::session_state::closed) {
        fail("cannot send the ping: " + sent.message());
        return exit_failure;
    }
    for (;;) {
        auto e = conn.next_event();
        if (!e) {
            const auto ec = sent ? sent : conn.session().error();
            fail("the connection closed before the Pong" + (ec ? ": " + ec.message() : std::string()));
            return exit_failure;
        }
        if (e->kind == event_kind::pong) break;
        if (e->kind == event_kind::disconnected) {
            fail("the remote disconnected before answering the ping: " + describe_reason(e->reason));
            return exit_failure;
        }
        if (e->kind == event_kind::error) {
            fail(e->error == transport::condition::timed_out ? "no Pong: " + e->error.message()
                                                             : "the session failed: " + e->error.message());
            return exit_failure;
        }
        // Messages (an eth Status, say) and the remote's own pings are ignored.
    }
    const auto t3 = transport::clock::now();
    say("  round trip:    " + ms(t3 - t2) + " (Ping -> Pong)");
    (void)conn.close(p2p::disconnect_reason::requested);
    return exit_ok;
}

}  // namespace polywire::cli
