#!/usr/bin/env bash
# Runs the demo (//tools:demo, the README's first command) and checks that
# every transcript ran to its end: one per variant of variants/all.hpp, each
# with both echoes and bob seeing the close; RLPx's Hello and goodbye
# reason, and x25519-xchacha-udp's refusal of a message larger than a
# datagram.
#
# Usage: demo_test.sh PATH_TO_DEMO
set -uo pipefail

demo="$1"
out="$(timeout 20 "$demo" 2>&1)"
rc=$?
failures=0
pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1" >&2; failures=$((failures + 1)); }
check() {  # check DESCRIPTION PATTERN: a line of the demo's output matches PATTERN (ERE)
    if grep -Eq -- "$2" <<<"$out"; then pass "$1"; else fail "$1"; fi
}
[[ $rc -eq 0 ]] && pass "the demo exits 0" || fail "the demo exits $rc"
check "it ends with demo complete" '^demo complete$'
for v in rlpx noise-xk sha256-per-side x25519-xchacha x25519-xchacha-udp; do
    check "$v transcript" "^polywire demo: $v, "
done
# Every transcript, whatever the variants are: both echoes, then bob sees the close.
incomplete=$(awk '
    /^polywire demo: / { if (name != "" && (echoes != 2 || !closed)) print name; name = $3; echoes = 0; closed = 0 }
    /^alice +got "echo: / { echoes++ }
    /^bob +peer closed the / { closed = 1 }
    END { if (name != "" && (echoes != 2 || !closed)) print name }' <<<"$out")
[[ -z "$incomplete" ]] && pass "every transcript echoes twice and ends in a close" ||
    fail "transcripts that did not finish: $incomplete"
check "RLPx: the Hello and the shared capability" '^alice +handshake and Hello done: bob runs polywire-demo/bob'
check "RLPx: a pong" '^alice +pong after [0-9]+ us'
check "RLPx: bob sees client quitting" '^bob +peer closed the session: reason 8 \(client_quitting'
check "x25519-xchacha-udp: refuses 65472 bytes" "^alice +sending 65472 bytes \(the largest datagram holds 65471\): the message exceeds"
if [[ $failures -ne 0 ]]; then
    echo "$failures check(s) failed; the demo printed:" >&2
    echo "$out" >&2
    exit 1
fi
echo "all checks passed"
