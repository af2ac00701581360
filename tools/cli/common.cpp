#include "tools/cli/common.hpp"

#include "rlpx/variant.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <mutex>
#include <sstream>
#include <thread>

#include "crypto/hash.hpp"
#include "rlpx/p2p/capabilities.hpp"
#include "rlpx/p2p/disconnect.hpp"
#include "transport/error.hpp"

namespace polywire::cli {

namespace k1 = crypto::secp256k1;
namespace p2p = rlpx::p2p;

// ---- arguments -------------------------------------------------------------

std::string shown(std::string_view text) {
    std::string_view t = text;
    if (t.size() >= 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) t.remove_prefix(2);
    const bool looks_like_key =
        t.size() == 64 && std::all_of(t.begin(), t.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
    if (looks_like_key) return "(a value that looks like a private key, not shown)";
    return "'" + std::string(text) + "'";
}

args args::parse(std::string_view command, std::span<const std::string> words, std::span<const option_spec> spec,
                 std::size_t max_positional) {
    args a;
    for (std::size_t i = 0; i < words.size(); ++i) {
        const std::string& w = words[i];
        if (w.size() < 2 || w[0] != '-' || w == "-") {
            if (a.positional_.size() >= max_positional)
                throw usage_error("unexpected argument " + shown(w) + " for '" + std::string(command) + "'");
            a.positional_.push_back(w);
            continue;
        }
        if (w == "--") {
            for (++i; i < words.size(); ++i) {
                if (a.positional_.size() >= max_positional)
                    throw usage_error("unexpected argument " + shown(words[i]) + " for '" + std::string(command) + "'");
                a.positional_.push_back(words[i]);
            }
            break;
        }
        std::string_view name(w);
        if (name == "-h") name = "--help";
        if (!name.starts_with("--")) throw usage_error("unknown option " + shown(w) + " for '" + std::string(command) + "'");
        name.remove_prefix(2);
        std::optional<std::string> inline_value;
        if (auto eq = name.find('='); eq != std::string_view::npos) {
            inline_value = std::string(name.substr(eq + 1));
            name = name.substr(0, eq);
        }
        const option_spec* s = nullptr;
        for (const auto& o : spec)
            if (o.name == name) s = &o;
        if (s == nullptr)
            throw usage_error("unknown option '--" + std::string(name) + "' for '" + std::string(command) + "'");
        std::string value;
        if (s->takes_value) {
            if (inline_value) {
                value = std::move(*inline_value);
            } else {
                if (i + 1 >= words.size()) throw usage_error("option '--" + std::string(name) + "' needs a value");
                value = words[++i];
            }
        } else if (inline_value) {
            throw usage_error("option '--" + std::string(name) + "' takes no value");
        }
        auto [it, inserted] = a.opts_.try_emplace(std::string(name));
        if (!inserted && !s->repeatable)
            throw usage_error("option '--" + std::string(name) + "' given more than once");
        it->second.push_back(std::move(value));
    }
    return a;
}

args::~args() {
    for (auto& [name, vs] : opts_)
        for (auto& v : vs) ::explicit_bzero(v.data(), v.size());
}

std::optional<std::string> args::value(std::string_view name) const {
    auto it = opts_.find(name);
    if (it == opts_.end() || it->second.empty()) return std::nullopt;
    return it->second.back();
}

std::vector<std::string> args::values(std::string_view name) const {
    auto it = opts_.find(name);
    if (it == opts_.end()) return {};
    return it->second;
}

std::uint64_t parse_uint(std::string_view option, std::string_view text, std::uint64_t min, std::uint64_t max) {
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || v < min || v > max)
        throw usage_error("invalid value " + shown(text) + " for --" + std::string(option) +
                          ": expected a whole number from " + std::to_string(min) + " to " + std::to_string(max));
    return v;
}

std::chrono::milliseconds parse_seconds(std::string_view option, std::string_view text) {
    const std::string s(text);
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(v) || v <= 0 || v > 86400.0 * 365)
        throw usage_error("invalid value " + shown(s) + " for --" + std::string(option) + ": expected a positive number of seconds");
    return std::chrono::milliseconds(std::max<long long>(1, std::llround(v * 1000)));
}

// ---- output ----------------------------------------------------------------

namespace {
// Never destroyed: the watchdog may print while the process is exiting.
std::timed_mutex& output_mutex() {
    static auto* m = new std::timed_mutex;
    return *m;
}

void write_line_locked(std::string_view line, std::FILE* f) {
    std::fwrite(line.data(), 1, line.size(), f);
    std::fputc('\n', f);
    std::fflush(f);
}
}  // namespace

namespace {
thread_local std::optional<std::pair<std::string, json>> event_tag;
}  // namespace

void set_event_tag(std::string key, json value) { event_tag.emplace(std::move(key), std::move(value)); }

void emit(const json& j) {
    // Peers choose their client id: replace invalid UTF-8 instead of throwing.
    std::string line;
    if (event_tag) {
        json tagged = j;
        tagged[event_tag->first] = event_tag->second;
        line = tagged.dump(-1, ' ', false, json::error_handler_t::replace);
    } else {
        line = j.dump(-1, ' ', false, json::error_handler_t::replace);
    }
    std::lock_guard lock(output_mutex());
    write_line_locked(line, stdout);
}

void emit_error(std::string_view message) {
    json j;
    j["event"] = "error";
    j["message"] = std::string(message);
    emit(j);
}

void print_line(std::string_view line, bool to_stderr) {
    std::lock_guard lock(output_mutex());
    write_line_locked(line, to_stderr ? stderr : stdout);
}

void start_watchdog(std::chrono::milliseconds limit, output_mode mode) {
    std::thread([limit, mode] {
        std::this_thread::sleep_for(limit);
        std::ostringstream what;
        what << "timed out: the run exceeded --timeout " << static_cast<double>(limit.count()) / 1000.0 << " s";
        std::string line;
        if (mode == output_mode::json_events) {
            json j;
            j["event"] = "error";
            j["message"] = what.str();
            line = j.dump(-1, ' ', false, json::error_handler_t::replace);
        } else {
            line = "polywire: " + what.str();
        }
        // Print unless the main thread is stuck holding the output (a full pipe).
        if (output_mutex().try_lock_for(std::chrono::seconds(1)))
            write_line_locked(line, mode == output_mode::json_events ? stdout : stderr);
        ::_exit(exit_timeout);
    }).detach();
}

// ---- keys and capabilities -------------------------------------------------

key_input::~key_input() { ::explicit_bzero(text.data(), text.capacity()); }

std::optional<key_input> read_key_input(const args& a) {
    if (a.has("key") && a.has("key-file")) throw usage_error("give only one of --key and --key-file");
    key_input in;
    if (auto v = a.value("key")) {
        in.text = *v;
        in.source = "--key";
        ::explicit_bzero(v->data(), v->size());
        return in;
    }
    if (auto path = a.value("key-file")) {
        // read(2) straight into one buffer sized up front, which ~key_input
        // wipes: no stream buffer and no growing string leaves a copy of the
        // key in freed memory. A key file is small (64 KiB at most).
        constexpr std::size_t max_key_file = 64 * 1024;
        const int fd = ::open(path->c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) throw usage_error("cannot read --key-file '" + *path + "'");
        in.text.resize(max_key_file + 1);
        std::size_t done = 0;
        while (done < in.text.size()) {
            const ssize_t n = ::read(fd, in.text.data() + done, in.text.size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) {
                ::close(fd);
                throw usage_error("cannot read --key-file '" + *path + "'");
            }
            if (n == 0) break;
            done += static_cast<std::size_t>(n);
        }
        ::close(fd);
        if (done > max_key_file) throw usage_error("--key-file '" + *path + "' is too large to be a key file");
        in.text.resize(done);  // shrinking keeps the buffer
        in.source = "--key-file '" + *path + "'";
        in.path = *path;
        return in;
    }
    if (const char* env = std::getenv("POLYWIRE_KEY"); env != nullptr && *env != '\0') {
        in.text = env;
        in.source = "POLYWIRE_KEY";
        return in;
    }
    return std::nullopt;
}

std::optional<k1::private_key> load_key(const args& a) {
    const auto in = read_key_input(a);
    if (!in) return std::nullopt;
    k1::private_key raw;
    if (!decode_hex32(in->text, std::span<std::uint8_t, 32>(raw.data(), 32)))
        throw usage_error("invalid private key from " + in->source + ": expected 64 hex digits");
    auto k = k1::parse_private_key(raw.view());
    if (!k) throw usage_error("invalid private key from " + in->source + ": not a valid secp256k1 scalar");
    return k.value();
}

k1::private_key require_key(const args& a) {
    auto k = load_key(a);
    if (!k) throw usage_error("a private key is required: --key HEX, --key-file PATH or the POLYWIRE_KEY environment variable");
    return *k;
}

std::vector<p2p::local_capability> parse_caps(const args& a, bool required) {
    std::vector<p2p::local_capability> caps;
    for (const auto& s : a.values("cap")) {
        auto c = p2p::parse_capability(s);
        if (!c) throw usage_error("invalid --cap " + shown(s) + ": expected NAME/VERSION:LENGTH, e.g. eth/68:17");
        for (const auto& have : caps)
            if (have.name == c.value().name && have.version == c.value().version)
                throw usage_error("--cap " + p2p::to_string(have) + " given more than once");
        caps.push_back(c.value());
    }
    if (required && caps.empty())
        throw usage_error("at least one --cap NAME/VERSION:LENGTH is required (e.g. --cap eth/68:17)");
    return caps;
}

std::string join_caps(const std::vector<p2p::capability>& caps) {
    std::string s;
    for (const auto& c : caps) s += (s.empty() ? "" : ", ") + p2p::to_string(c);
    return s.empty() ? "none" : s;
}

std::string join_caps(const std::vector<p2p::shared_capability>& caps) {
    std::string s;
    for (const auto& c : caps) s += (s.empty() ? "" : ", ") + c.name + "/" + std::to_string(c.version);
    return s.empty() ? "none" : s;
}

// ---- connections -----------------------------------------------------------

dial_outcome establish(transport::adapters::socket_fd fd, policies::handshake_role role, const rlpx::node_config& cfg,
                       std::optional<k1::public_key> remote) {
    dial_outcome out;
    out.connected = true;
    auto opts = rlpx::make_options(cfg, remote);
    if (!opts) {
        out.error = opts.error();
        return out;
    }
    auto c = std::make_unique<rlpx::connection>(std::move(fd), rlpx::session(role, std::move(opts.value())), cfg.log);
    // As blocking_socket::handshake(), but it stops at the handshake_complete
    // event, so whatever followed the Hello (a Disconnect, messages) stays
    // queued for the caller, and it keeps the reason of a goodbye.
    if (auto ec = c->session().start(transport::clock::now())) {
        out.error = ec;
        return out;
    }
    for (;;) {
        auto e = c->next_event();
        if (!e) {
            out.error = c->session().error() ? c->session().error() : make_error_code(transport::errc::peer_closed);
            break;
        }
        if (e->kind == transport::event_kind::handshake_complete) break;
        if (e->kind == transport::event_kind::error) {
            out.error = e->error;
            break;
        }
        if (e->kind == transport::event_kind::disconnected) {
            out.remote_reason = e->reason;
            out.error = make_error_code(transport::errc::peer_closed);
            break;
        }
    }
    // The Hello is recorded once its identity check passed, even if no
    // capability turned out to be shared.
    const auto& h = c->session().peer().remote_hello;
    if (h.node_id != k1::public_key{}) out.remote_hello = h;
    out.peer = c->peer();
    if (!out.error) out.conn = std::move(c);
    return out;
}

dial_outcome dial_peer(const rlpx::node_config& cfg, const rlpx::enode& remote) {
    auto fd = transport::adapters::tcp_connect(remote.host, remote.port, transport::clock::now() + cfg.timeouts.handshake);
    if (!fd) {
        dial_outcome out;
        out.error = fd.error();
        return out;
    }
    return establish(std::move(fd.value()), policies::handshake_role::initiator, cfg, remote.id);
}

std::string describe_reason(std::uint8_t reason) { return rlpx::variant::describe_reason(reason); }

std::string describe_dial_failure(const dial_outcome& out, const rlpx::enode& remote,
                                  std::chrono::milliseconds handshake_timeout) {
    // What this side saw, and nothing more: the remote's reasons are its own.
    const std::string where = remote.host + ":" + std::to_string(remote.port);
    const auto& ec = out.error;
    if (!out.connected) {
        if (ec == transport::errc::handshake_timeout)
            return "could not connect to " + where + ": no answer within " + std::to_string(handshake_timeout.count()) +
                   " ms";
        return "could not connect to " + where + ": " + ec.message();  // the system's: "Connection refused"...
    }
    if (out.remote_reason)
        return "the remote " + where + " disconnected during the handshake: " + describe_reason(*out.remote_reason);
    if (ec == rlpx::errc::no_shared_capability && out.remote_hello)
        return "handshake with " + where + " failed: no capability in common (remote offers: " +
               join_caps(out.remote_hello->caps) + ")";
    return describe_handshake_failure(where, ec, handshake_timeout);
}

json hello_event(rlpx::connection& conn) { return hello_event(conn.session()); }

json hello_event(const rlpx::session& s) {
    const auto& h = s.peer().remote_hello;
    json caps = json::array();
    for (const auto& c : h.caps) caps.push_back(p2p::to_string(c));
    json j;
    j["event"] = "hello";
    j["client_id"] = h.client_id;
    j["protocol_version"] = h.protocol_version;
    j["caps"] = std::move(caps);
    j["remote_id"] = to_hex(s.remote_id());
    return j;
}

json message_event(std::uint64_t code, byte_view payload) {
    json j;
    j["event"] = "msg";
    j["code"] = code;
    j["size"] = payload.size();
    j["sha256"] = to_hex(crypto::sha256(payload));
    return j;
}

}  // namespace polywire::cli
