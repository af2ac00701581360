// Shared pieces of the polywire command-line tool: argument parsing, the
// line-oriented output (JSON events for programs, text for people), the
// whole-run watchdog, private keys and capabilities from the command line,
// and a dial that keeps what a failed handshake revealed (the remote's Hello,
// its Disconnect reason) so failures can be explained.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <nlohmann/json.hpp>

#include "crypto/secp256k1.hpp"
#include "rlpx/node.hpp"

namespace polywire::cli {

inline constexpr std::string_view version = "0.1.0";

/// Exit statuses of every command.
enum exit_code : int {
    exit_ok = 0,
    exit_failure = 1,  ///< a network or protocol failure (reported as an error event)
    exit_usage = 2,    ///< bad command line
    exit_timeout = 3,  ///< the whole-run --timeout expired
};

/// A bad command line: main prints it with a hint and exits 2.
class usage_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// ---- arguments -------------------------------------------------------------

struct option_spec {
    std::string_view name;  ///< without the leading "--"
    bool takes_value = false;
    bool repeatable = false;
};

/// A command's parsed arguments: `--name VALUE` or `--name=VALUE`, flags, and
/// positional words. Unknown options, missing values and repeated
/// non-repeatable options are usage errors.
class args {
public:
    static args parse(std::string_view command, std::span<const std::string> words,
                      std::span<const option_spec> spec, std::size_t max_positional);

    bool has(std::string_view name) const { return opts_.find(name) != opts_.end(); }
    std::optional<std::string> value(std::string_view name) const;
    std::vector<std::string> values(std::string_view name) const;
    const std::vector<std::string>& positional() const noexcept { return positional_; }

    ~args();  // wipes the values (one of them may be a private key)

    args() = default;
    args(args&&) = default;
    args& operator=(args&&) = default;

private:
    std::map<std::string, std::vector<std::string>, std::less<>> opts_;
    std::vector<std::string> positional_;
};

/// 'text' for an error message, unless it looks like a private key (64 hex
/// digits), which is never echoed.
std::string shown(std::string_view text);

/// An unsigned decimal number in [min, max]; otherwise a usage error naming `option`.
std::uint64_t parse_uint(std::string_view option, std::string_view text, std::uint64_t min, std::uint64_t max);
/// A positive number of seconds (fractions allowed).
std::chrono::milliseconds parse_seconds(std::string_view option, std::string_view text);

// ---- output ----------------------------------------------------------------

using json = nlohmann::ordered_json;

/// One JSON object on one stdout line, flushed at once (with this thread's
/// event tag, if one is set).
void emit(const json& j);
/// Adds `"key": value` to every event this thread emits from now on (dial
/// --connections K tags each connection's events with its number).
void set_event_tag(std::string key, json value);
/// {"event":"error","message":...}
void emit_error(std::string_view message);
/// A text line on stdout (or stderr), flushed at once.
void print_line(std::string_view line, bool to_stderr = false);

enum class output_mode { json_events, human };

/// Starts a thread that, once `limit` has passed, prints a timeout error
/// (an error event, or a sentence for a person) and ends the process with
/// exit_timeout. Bounds every blocking wait of a run.
void start_watchdog(std::chrono::milliseconds limit, output_mode mode);

// ---- keys and capabilities -------------------------------------------------

/// A private key as the command line gave it: the --key value, the
/// --key-file's content or POLYWIRE_KEY (wiped when destroyed).
struct key_input {
    std::string text;
    std::string source;               ///< "--key", "--key-file 'PATH'" or "POLYWIRE_KEY", for messages
    std::optional<std::string> path;  ///< the --key-file
    key_input() = default;
    key_input(key_input&&) = default;
    key_input& operator=(key_input&&) = delete;
    ~key_input();
};
/// The key text from --key, --key-file or POLYWIRE_KEY (in that order of
/// precedence; --key and --key-file together are a usage error, so is an
/// unreadable file); nullopt if none is given.
std::optional<key_input> read_key_input(const args& a);

/// The private key from --key, --key-file or POLYWIRE_KEY (in that order of
/// precedence; --key and --key-file together are a usage error); nullopt if
/// none is given. A malformed key is a usage error whose message never
/// contains the key.
std::optional<crypto::secp256k1::private_key> load_key(const args& a);
/// load_key, or a usage error when no key is given.
crypto::secp256k1::private_key require_key(const args& a);

/// Every --cap, parsed ("NAME/VERSION:LENGTH"); a usage error if one does not
/// parse or, when `required`, if there is none.
std::vector<rlpx::p2p::local_capability> parse_caps(const args& a, bool required);

/// "eth/68, snap/1" (or "none").
std::string join_caps(const std::vector<rlpx::p2p::capability>& caps);
std::string join_caps(const std::vector<rlpx::p2p::shared_capability>& caps);

// ---- connections -----------------------------------------------------------

/// The result of dial_peer: a connection, or what went wrong and what was
/// learnt before it did.
struct dial_outcome {
    std::unique_ptr<rlpx::connection> conn;
    std::error_code error;
    bool connected = false;                        ///< the TCP connection was made
    std::optional<std::uint8_t> remote_reason;     ///< the remote's Disconnect during the handshake
    std::optional<rlpx::p2p::hello> remote_hello;  ///< the remote's Hello, if one arrived
    std::string peer;                              ///< "host:port" of the remote, once connected
};

/// Runs the handshake and the Hello exchange on a connected socket (what
/// rlpx::dial and listener::accept do), keeping the remote's Hello and
/// Disconnect reason when it fails. Events after the Hello stay queued.
dial_outcome establish(transport::adapters::socket_fd fd, policies::handshake_role role, const rlpx::node_config& cfg,
                       std::optional<crypto::secp256k1::public_key> remote);

/// rlpx::dial through establish().
dial_outcome dial_peer(const rlpx::node_config& cfg, const rlpx::enode& remote);

/// A sentence for a failed handshake with `where` ("host:port"): what this
/// side saw (the remote closed or reset the connection, no complete reply
/// in time, or the error's own message), never a guess at the cause.
std::string describe_handshake_failure(const std::string& where, std::error_code ec,
                                       std::chrono::milliseconds handshake_timeout);

/// A sentence for a failed dial_peer ("could not connect to ...").
std::string describe_dial_failure(const dial_outcome& out, const rlpx::enode& remote,
                                  std::chrono::milliseconds handshake_timeout);

/// "reason 8 (client_quitting: client quitting)".
std::string describe_reason(std::uint8_t reason);

/// {"event":"hello",...} for an established connection.
json hello_event(rlpx::connection& conn);
json hello_event(const rlpx::session& s);
/// {"event":"msg","code":..,"size":..,"sha256":..}
json message_event(std::uint64_t code, byte_view payload);

// ---- commands --------------------------------------------------------------

int run_keygen(std::span<const std::string> words);
int run_listen(std::span<const std::string> words);
/// listen --serve: many peers at once over the async server, for every TCP
/// variant (tools/cli/serve.cpp).
int run_listen_serve(const args& a);
int run_dial(std::span<const std::string> words);
int run_ping(std::span<const std::string> words);
int run_bench(std::span<const std::string> words);

/// The full usage text.
std::string usage();

/// The whole tool: parses argv, runs the command, returns the exit status.
/// Never throws (usage errors print a hint and return exit_usage).
int main(int argc, char** argv);
/// The same, every session it makes telling `key_log` its secrets: for a
/// test build of the tool only (tests/security/key_dump_polywire.cpp), never
/// the shipped one, which has no way to set it.
int main(int argc, char** argv, transport::key_log key_log);
/// The key log main() was given (empty for the shipped tool).
const transport::key_log& tool_key_log() noexcept;

}  // namespace polywire::cli
