#!/usr/bin/env bash
# The examples run: each server on a free port, its client against it, then
# Ctrl-C (SIGINT) stops the server cleanly.
#   rlpx_server + rlpx_client: the client prints the server's Hello.
#   x25519_udp server + client: identities in key directories, three echoes
#   over UDP, the server prints the client's public key.
#
# Usage: examples_test.sh RLPX_SERVER RLPX_CLIENT X25519_UDP
set -uo pipefail
server="$1" client="$2" udp="$3"
tmp="${TEST_TMPDIR:-$(mktemp -d)}"

# Starts "$@" in the background with its output in $2's file; sets $pid.
# --foreground: `timeout` then forwards our SIGINT to the server only (not a
# second time to its process group, which could land after the server has
# put back the default handler on its way out).
start() {
    local out="$1"
    shift
    timeout --foreground 20 "$@" >"$out" 2>&1 &
    pid=$!
    for _ in $(seq 1 100); do grep -q '^listening: ' "$out" && break; sleep 0.05; done
}

# Ctrl-C, a clean exit, and the server's report of one peer.
stop() {
    local out="$1"
    kill -INT "$pid"
    wait "$pid"
    local rc=$?
    cat "$out"
    [[ $rc -eq 0 ]] || { echo "FAIL: the server exited $rc after SIGINT"; exit 1; }
    grep -q '^served 1 peers' "$out" || { echo "FAIL: the server did not report its peer"; exit 1; }
}

# ---- RLPx over TCP ---------------------------------------------------------------
out="$tmp/server.out"
start "$out" "$server" 0
enode="$(sed -n 's/^listening: //p' "$out")"
[[ "$enode" == enode://* ]] || { echo "FAIL: the server printed no enode: $(cat "$out")"; exit 1; }
hello="$(timeout 10 "$client" "$enode")" || { echo "FAIL: the client failed"; kill "$pid"; exit 1; }
echo "$hello"
grep -q '^client id: *polywire/' <<<"$hello" || { echo "FAIL: no client id in the Hello"; kill "$pid"; exit 1; }
grep -q '^capability: *eth/68$' <<<"$hello" || { echo "FAIL: no eth/68 in the Hello"; kill "$pid"; exit 1; }
stop "$out"

# ---- x25519-xchacha over UDP -------------------------------------------------------
out="$tmp/udp_server.out"
start "$out" "$udp" server 0 "$tmp/server-keys"
port="$(sed -n 's/^listening: //p' "$out")"
[[ "$port" =~ ^[0-9]+$ ]] || { echo "FAIL: the UDP server printed no port: $(cat "$out")"; exit 1; }
echoes="$(timeout 10 "$udp" client 127.0.0.1 "$port" "$tmp/client-keys" "$tmp/server-keys/id_ed25519.pub")" \
    || { echo "FAIL: the UDP client failed"; kill "$pid"; exit 1; }
echo "$echoes"
[[ "$echoes" == $'echo: hello\necho: over\necho: udp' ]] || { echo "FAIL: not the three echoes"; kill "$pid"; exit 1; }
# The server authenticated the client: it printed the client's public key.
client_key="$(cut -d' ' -f2 "$tmp/client-keys/id_ed25519.pub")"
grep -q "^peer 127.0.0.1:[0-9]*: ssh-ed25519 $client_key" "$out" || { echo "FAIL: the server did not print the client's key"; cat "$out"; kill "$pid"; exit 1; }
stop "$out"
echo "PASS"
