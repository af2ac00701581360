// polywire: a command-line RLPx (devp2p) node for scripts and people, and
// the same commands for every other variant (--variant, tools/cli/variant.hpp).
//
//   polywire keygen [--variant V] [--out PATH] [--identity ed25519|secp256k1]
//   polywire listen [--variant V] --key HEX --port P --cap eth/68:17 [--echo] [--serve] ...
//   polywire dial [--variant V] --key HEX --remote URL --cap eth/68:17 [--send N --size B] ...
//   polywire ping ENODE
//   polywire version
//
// listen and dial print one JSON object per line (see usage()); ping prints
// a summary for a person. This file is the dispatcher; each command has its
// own file here, and tools/polywire.cpp only calls cli::main (so tests can
// link the whole tool into a binary of their own).
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "tools/cli/common.hpp"
#include "tools/cli/variant.hpp"

namespace polywire::cli {

std::string usage() {
    return R"(polywire )" + std::string(version) + R"( - RLPx (devp2p) and other secure transports from the command line

Usage:
  polywire keygen [--variant V] [--out PATH] [--identity ed25519|secp256k1]
  polywire listen [--variant V] KEY --port P [--host 127.0.0.1] --cap NAME/VERSION:LENGTH...
                  [--serve] [--echo] [--count N] [--connections K] [--timeout S] [--handshake-timeout MS]
  polywire dial [--variant V] KEY --remote URL --cap NAME/VERSION:LENGTH...
                [--send N --size BYTES [--expect-echo]] [--ping] [--disconnect REASON]
                [--connections K] [--timeout S] [--handshake-timeout MS]
  polywire ping ENODE [KEY] [--cap NAME/VERSION:LENGTH]... [--timeout S] [--handshake-timeout MS]
  polywire bench [--variant V] --size BYTES --count N [--transport memory|tcp|udp] [--snappy on|off]
                 [--batch N] [--datagram-probes on|off]
  polywire bench [--variant V] --handshakes N [--transport memory|tcp|udp]
  polywire version
  polywire --help

KEY is the variant's private key (below): --key HEX, --key-file PATH (as
written by keygen --out) or the POLYWIRE_KEY environment variable. Only
keygen prints it.

)" + variant_help() + R"(

keygen          prints {"private_key":"<64 hex>","node_id":"<hex>"} (the node id
                as the variant's URL writes it); with --out writes
                the key to a new file (mode 0600) and prints only {"node_id":...}.
                --identity ed25519|secp256k1 (libp2p-noise only): the identity
                key's type (default ed25519; peer ids 12D3KooW... and 16Uiu2...).
listen          prints "LISTENING <URL>", e.g. enode://<node id>@<host>:<port> (the chosen
                port with --port 0), then one JSON event per line. --echo sends
                every application message back; --connections K serves K
                connections one after another (default 1); --count N exits after
                N messages in all. Exits when the last connection ends: 0 if
                none failed.
                --serve (every variant over TCP): serves
                connections concurrently, up to --connections K at once
                (unlimited by default; peers beyond it are handshaken and sent
                away: RLPx Disconnect "too many peers"), until SIGINT/SIGTERM or
                --count N messages, then says goodbye to every peer (RLPx:
                "client quitting"), prints {"event":"shutdown",...} and exits 0.
                Every event carries "peer":"<host:port>". No whole-run limit
                unless --timeout.
dial            prints the same events; --send N --size BYTES sends N random
                messages on the first --cap's first code; --expect-echo waits
                for them to come back and checks their SHA-256; --ping waits for
                the Pong; then disconnects with REASON (number or name, default
                requested; for rlpx devp2p's 0-11 or 16, e.g. 8 or
                client_quitting). With rlpx the first --cap must be shared
                with the remote.
                --connections K: K connections at once, each doing all that,
                their events tagged "connection":1..K; exits 0 only if all
                succeed.
ping            handshake, Hello and Ping with a summary for a person; the key is
                optional (an ephemeral one by default); advertises eth/66-68 and
                snap/1 plus any --cap.

bench           prints one JSON line: {"variant":..,"size":..,"count":..,
                "msgs_per_s":..,"mb_per_s":..} (memory: both sessions in one
                thread; tcp, or udp for x25519-xchacha-udp: sender and receiver
                threads over 127.0.0.1; over udp also "received", "lost" and
                "datagram_size", the largest datagram the sender's probes
                found the path carries; --datagram-probes off keeps 1,428),
                or {"handshakes_per_s":..} with --handshakes. --snappy is
                RLPx's (off: devp2p version 4); --batch N merges N messages a
                packet (x25519-xchacha's send_batch). Every message is checked
                on arrival. Build with --config=opt for meaningful figures.

--cap           a capability NAME/VERSION:LENGTH, e.g. eth/68:17 (LENGTH is the
                number of message codes); listen and dial need at least one
                with rlpx.
--timeout S     bounds the whole run (default 30 s).
--handshake-timeout MS
                bounds the connection, handshake and Hello (default 5000 ms).

Events (one JSON object per line):
  {"event":"hello","client_id":..,"protocol_version":..,"caps":["eth/68",..],"remote_id":"<128 hex>"}
                                                         (other variants: {"event":"hello","remote_id":..})
  {"event":"msg","code":N,"size":N,"sha256":"<hex>"}     (code: the wire message id)
  {"event":"ping"}  {"event":"pong"}  {"event":"disconnect","reason":N}
  {"event":"datagram_size","datagram_size":N,"max_frame":N}
                                                         (x25519-xchacha-udp: the largest datagram sent changed)
  {"event":"error","message":".."}
  {"event":"shutdown","peers_served":N,"rejected":N,"handshakes_failed":N,"messages_in":N,"messages_out":N}
                                                         (listen --serve, at the end)

Exit status: 0 success, 1 failure (an error event says why), 2 usage error,
3 --timeout expired.)";
}

namespace {
int run(const std::vector<std::string>& words) {
    if (words.empty()) {
        print_line(usage(), true);
        return exit_usage;
    }
    const std::string& command = words.front();
    const std::span<const std::string> rest(words.data() + 1, words.size() - 1);
    if (command == "--help" || command == "-h" || command == "help") {
        print_line(usage());
        return exit_ok;
    }
    if (command == "version" || command == "--version") {
        if (!rest.empty()) throw usage_error("'version' takes no arguments");
        print_line(std::string(version));
        return exit_ok;
    }
    if (command == "keygen") return run_keygen(rest);
    if (command == "listen") return run_listen(rest);
    if (command == "dial") return run_dial(rest);
    if (command == "ping") return run_ping(rest);
    if (command == "bench") return run_bench(rest);
    if (command.starts_with("-")) throw usage_error("unknown option '" + command + "'");
    throw usage_error("unknown command '" + command + "'");
}

// Blanks a --key value in argv once copied, so it no longer shows in
// /proc/<pid>/cmdline or ps (prefer --key-file or POLYWIRE_KEY anyway).
void hide_key_arguments(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        const std::string_view w(argv[i]);
        if (w == "--") break;
        if (w == "--key" && i + 1 < argc) {
            ::explicit_bzero(argv[i + 1], std::strlen(argv[i + 1]));
            ++i;
        } else if (w.starts_with("--key=")) {
            ::explicit_bzero(argv[i] + 6, w.size() - 6);
        }
    }
}
}  // namespace

}  // namespace polywire::cli

namespace polywire::cli {

namespace {
transport::key_log the_key_log;  // set only by a test build's main(argc, argv, key_log)
}  // namespace

const transport::key_log& tool_key_log() noexcept { return the_key_log; }

int main(int argc, char** argv, transport::key_log key_log) {
    the_key_log = std::move(key_log);
    return main(argc, argv);
}

int main(int argc, char** argv) {
    std::vector<std::string> words;
    int status = exit_failure;
    try {
        words.assign(argv + 1, argv + argc);
        hide_key_arguments(argc, argv);
        status = run(words);
    } catch (const usage_error& e) {
        print_line(std::string("polywire: ") + e.what() + "\nTry 'polywire --help'.", true);
        status = exit_usage;
    } catch (const std::exception& e) {
        print_line(std::string("polywire: unexpected error: ") + e.what(), true);
        status = exit_failure;
    } catch (...) {
        print_line("polywire: unexpected error", true);
        status = exit_failure;
    }
    for (auto& w : words) ::explicit_bzero(w.data(), w.size());  // one of them may be a key
    return status;
}

}  // namespace polywire::cli
