#!/usr/bin/env bash
# Runs the demo (//tools:demo, the README's first command) and checks that
# every transcript ran to its end: RLPx, noise-xk, sha256-per-side, and
# x25519-xchacha over TCP and over UDP (including UDP's refusal of a
# message larger than a datagram).
#
# Usage: demo_test.sh PATH_TO_DEMO
set -uo pipefail

demo="$1"
out="$(timeout 20 "$demo" 2>&1)"
rc=$?
failures=0
check() {  # check DESCRIPTION PATTERN: a line of the demo's output matches PATTERN (ERE)
    if grep -Eq -- "$2" <<<"$out"; then echo "PASS: $1"; else echo "FAIL: $1" >&2; failures=$((failures + 1)); fi
}
[[ $rc -eq 0 ]] && echo "PASS: the demo exits 0" || { echo "FAIL: the demo exits $rc" >&2; failures=$((failures + 1)); }
check "it ends with demo complete" '^demo complete$'
check "RLPx: the Hello and a pong" '^alice +ECIES handshake and Hello done'
check "RLPx: bob sees client quitting" '^bob +peer disconnected: client quitting'
check "noise-xk transcript" '^polywire demo: noise-xk'
check "sha256-per-side transcript" '^polywire demo: sha256-per-side'
check "x25519-xchacha over TCP" '^polywire demo: x25519-xchacha: .*, over TCP$'
check "x25519-xchacha over UDP" '^polywire demo: x25519-xchacha: .*, over UDP$'
check "x25519-xchacha: echoes on channels" '^alice +got "echo: each message names its channel" on channel 2$'
check "x25519-xchacha: UDP refuses 1393 bytes" "^alice +sending 1393 bytes \(one datagram holds 1392\): the message exceeds"
[[ $(grep -Ec '^bob +peer closed the session \(reason 0\)$' <<<"$out") -eq 2 ]] && echo "PASS: both x25519-xchacha closes reach bob" ||
    { echo "FAIL: both x25519-xchacha closes reach bob" >&2; failures=$((failures + 1)); }
if [[ $failures -ne 0 ]]; then
    echo "$failures check(s) failed; the demo printed:" >&2
    echo "$out" >&2
    exit 1
fi
echo "all checks passed"
