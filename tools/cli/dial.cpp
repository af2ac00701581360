// polywire dial: connects, optionally sends random messages (and checks
// their echoes), pings, then disconnects with a chosen reason. Every event is
// a JSON line; any failure is an error event and a non-zero exit. One
// implementation for every --variant (tools/cli/variant.hpp). With
// --connections K, K connections do all that at once (one thread each), their
// events tagged "connection": 1..K; the exit is 0 only if all succeed.
#include <deque>
#include <exception>
#include <thread>

#include "crypto/hash.hpp"
#include "crypto/random.hpp"
#include "tools/cli/variant.hpp"

namespace polywire::cli {

using transport::event_kind;

namespace {
constexpr option_spec dial_options[] = {
    {"key", true},        {"key-file", true},   {"remote", true},     {"cap", true, true},
    {"send", true},       {"size", true},       {"expect-echo", false}, {"ping", false},
    {"disconnect", true}, {"timeout", true},    {"handshake-timeout", true}, {"variant", true},
    {"connections", true}, {"help", false},
};

template <class V>
class dialer {
public:
    dialer(typename V::connection& conn, bool expect_echo) : conn_(conn), expect_echo_(expect_echo) {}

    // Takes one event from the connection and reports it; false (after an
    // error event) if the run has failed.
    bool step() {
        auto e = conn_.next_event();
        report_size();
        if (!e) {
            const auto ec = conn_.session().error();
            emit_error("connection closed" + (ec ? ": " + ec.message() : std::string()));
            return false;
        }
        switch (e->kind) {
            case event_kind::handshake_complete: return true;
            case event_kind::message: {
                const auto m = V::decode(e->code, e->payload);
                if (!m) {
                    emit_error("the remote sent a message without a code byte");
                    return false;
                }
                return on_message(m->first, m->second);
            }
            case event_kind::ping: emit(json{{"event", "ping"}}); return true;
            case event_kind::pong:
                emit(json{{"event", "pong"}});
                ++pongs_;
                return true;
            case event_kind::disconnected:
                emit(json{{"event", "disconnect"}, {"reason", e->reason}});
                emit_error("the remote disconnected: " + V::describe_reason(e->reason));
                return false;
            case event_kind::error: report_error(e->error, "session failed"); return false;
        }
        return true;
    }

    /// A datagram_size event if the size the connection sends changed.
    void report_size() { report_datagram_size(conn_, size_shown_); }

    // After a failed call: reports it, preceded by the events that explain it
    // (a Disconnect received meanwhile) when the session has closed.
    void fail(const std::string& what, std::error_code ec) {
        if (conn_.session().state() == transport::session_state::closed) {
            while (auto e = conn_.next_event()) {
                if (e->kind == event_kind::disconnected) {
                    emit(json{{"event", "disconnect"}, {"reason", e->reason}});
                    emit_error("the remote disconnected: " + V::describe_reason(e->reason));
                    return;
                }
                if (e->kind == event_kind::error) {
                    report_error(e->error, what);
                    return;
                }
            }
        }
        emit_error(what + ": " + ec.message());
    }

    void expect(std::uint64_t code, const crypto::digest32& digest, std::size_t size) {
        pending_.push_back({code, digest, size});
        outstanding_ += size;
    }
    bool awaiting_echo() const noexcept { return !pending_.empty(); }
    std::size_t outstanding() const noexcept { return outstanding_; }
    std::uint64_t pongs() const noexcept { return pongs_; }

private:
    std::size_t size_shown_ = 0;
    struct sent {
        std::uint64_t code;
        crypto::digest32 digest;
        std::size_t size;
    };

    void report_error(std::error_code ec, const std::string& what) {
        if (!V::has_goodbye && ec == transport::errc::peer_closed) {
            // The variant has no goodbye: the remote's close is an end of stream.
            emit(json{{"event", "disconnect"}, {"reason", 0}});
            emit_error("the remote closed the connection");
            return;
        }
        emit_error(what + ": " + ec.message());
    }

    bool on_message(std::uint64_t code, byte_view payload) {
        emit(message_event(code, payload));
        if (!expect_echo_) return true;
        ++echoes_;
        if (pending_.empty()) {
            emit_error("unexpected message with code " + std::to_string(code) + ": every echo already arrived");
            return false;
        }
        const sent want = pending_.front();
        pending_.pop_front();
        outstanding_ -= want.size;
        if (code != want.code || crypto::sha256(payload) != want.digest) {
            emit_error("echo " + std::to_string(echoes_) + " does not match the message sent (code " +
                       std::to_string(code) + " size " + std::to_string(payload.size()) + ", sent code " +
                       std::to_string(want.code) + " size " + std::to_string(want.size) + ")");
            return false;
        }
        return true;
    }

    typename V::connection& conn_;
    bool expect_echo_;
    std::deque<sent> pending_;
    std::size_t outstanding_ = 0;
    std::uint64_t echoes_ = 0;
    std::uint64_t pongs_ = 0;
};

template <class V>
int dial_with(const args& a, bool watchdog) {
    node_settings<V> cfg;
    auto key = V::load_key(a);
    if (!key) throw usage_error("a private key is required: --key HEX, --key-file PATH or the POLYWIRE_KEY environment variable");
    cfg.key = *key;
    cfg.caps = parse_caps(a, V::has_capabilities);
    const std::string url_form = transport::url_form<V>();
    const auto remote_text = a.value("remote");
    if (!remote_text) throw usage_error("dial needs --remote " + url_form);
    std::string why;
    const auto remote = V::parse_url(*remote_text, why);
    if (!remote) throw usage_error("invalid --remote " + shown(*remote_text) + " for --variant " + std::string(V::name) + ": " + why);

    std::uint64_t count = 0, size = 0;
    if (a.has("send")) {
        count = parse_uint("send", *a.value("send"), 0, UINT64_MAX);
        if (!a.has("size")) throw usage_error("--send N needs --size BYTES");
        size = parse_uint("size", *a.value("size"), 0, V::max_payload);
    } else if (a.has("size")) {
        throw usage_error("--size needs --send N");
    }
    const bool expect_echo = a.has("expect-echo");
    if (expect_echo && !a.has("send")) throw usage_error("--expect-echo needs --send N --size BYTES");
    if (!V::has_ping && a.has("ping"))
        throw usage_error("--ping: --variant " + std::string(V::name) + " has no ping message");
    std::uint8_t reason = V::default_reason;
    if (auto v = a.value("disconnect")) {
        if (!V::has_goodbye)
            throw usage_error("--disconnect: --variant " + std::string(V::name) + " has no goodbye message (a close is an end of stream)");
        auto r = V::parse_reason(*v);
        if (!r) throw usage_error("invalid --disconnect " + shown(*v) + ": expected " + std::string(V::reason_help));
        reason = *r;
    }
    const auto timeout = a.has("timeout") ? parse_seconds("timeout", *a.value("timeout")) : std::chrono::seconds(30);
    if (auto v = a.value("handshake-timeout"))
        cfg.timeouts.handshake = std::chrono::milliseconds(parse_uint("handshake-timeout", *v, 1, 3'600'000));

    if (watchdog) start_watchdog(timeout, output_mode::json_events);

    auto out = V::dial(cfg, *remote);
    if (!out.conn) {
        emit_error(out.failure);
        return exit_failure;
    }
    auto& conn = *out.conn;
    emit(V::hello_event(conn));

    const auto code = V::first_code(conn, cfg.caps, why);
    if (!code) {
        emit_error(why);
        return exit_failure;
    }

    dialer<V> d(conn, expect_echo);
    bytes payload(size), scratch;
    for (std::uint64_t i = 0; i < count; ++i) {
        if (auto ec = crypto::random_bytes(payload)) {
            emit_error("cannot generate message content: " + ec.message());
            return exit_failure;
        }
        if (expect_echo) {
            while (d.awaiting_echo() && d.outstanding() + payload.size() > echo_window<V>())
                if (!d.step()) return exit_failure;
            d.expect(*code, crypto::sha256(payload), payload.size());
        }
        const auto [wire_code, message] = V::encode(*code, payload, scratch);
        // Over UDP, a message above the floor waits for the probes (up to 2 s).
        await_message_size(conn, message.size(), std::chrono::seconds(2));
        d.report_size();
        if (auto ec = conn.send(wire_code, message)) {
            d.fail("sending message " + std::to_string(i + 1) + " failed", ec);
            // A message the session refused (too large): the session is
            // still open, so say goodbye as at the end (over UDP the
            // listener would otherwise wait for a peer that has gone).
            if (conn.session().state() == transport::session_state::established) (void)close_with(conn, reason);
            return exit_failure;
        }
    }
    while (d.awaiting_echo())
        if (!d.step()) return exit_failure;

    if (a.has("ping")) {
        const auto before = d.pongs();
        if (auto ec = conn.ping()) {
            d.fail("ping failed", ec);
            return exit_failure;
        }
        while (d.pongs() == before)
            if (!d.step()) return exit_failure;
    }

    if (auto ec = close_with(conn, reason)) {
        d.fail("disconnect failed", ec);
        return exit_failure;
    }
    return exit_ok;
}
}  // namespace

int run_dial(std::span<const std::string> words) {
    const args a = args::parse("dial", words, dial_options, 0);
    if (a.has("help")) {
        print_line(usage());
        return exit_ok;
    }
    if (!a.has("connections"))
        return with_variant(variant_name(a), [&](auto v) { return dial_with<decltype(v)>(a, true); });

    // K concurrent connections to the same node, one thread each, every one
    // doing what the other options say.
    const auto k = parse_uint("connections", *a.value("connections"), 1, 4096);
    start_watchdog(a.has("timeout") ? parse_seconds("timeout", *a.value("timeout")) : std::chrono::seconds(30),
                   output_mode::json_events);
    std::vector<int> status(k, exit_failure);
    std::vector<std::exception_ptr> errors(k);
    std::vector<std::thread> threads;
    threads.reserve(k);
    for (std::uint64_t i = 0; i < k; ++i) {
        threads.emplace_back([&, i] {
            set_event_tag("connection", i + 1);
            try {
                status[i] = with_variant(variant_name(a), [&](auto v) { return dial_with<decltype(v)>(a, false); });
            } catch (...) {
                errors[i] = std::current_exception();  // a usage error: every thread finds the same
            }
        });
    }
    for (auto& t : threads) t.join();
    for (const auto& e : errors)
        if (e) std::rethrow_exception(e);
    for (const int s : status)
        if (s != exit_ok) return exit_failure;
    return exit_ok;
}

}  // namespace polywire::cli
