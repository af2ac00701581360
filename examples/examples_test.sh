#!/usr/bin/env bash
# The examples run: the server on a free port, the client prints its Hello,
# Ctrl-C (SIGINT) stops the server cleanly.
#
# Usage: examples_test.sh PATH_TO_RLPX_SERVER PATH_TO_RLPX_CLIENT
set -uo pipefail
server="$1" client="$2"
out="${TEST_TMPDIR:-$(mktemp -d)}/server.out"
# --foreground: `timeout` then forwards our SIGINT to the server only (not a
# second time to its process group, which could land after the server has
# put back the default handler on its way out).
timeout --foreground 20 "$server" 0 >"$out" 2>&1 &
pid=$!
for _ in $(seq 1 100); do grep -q '^listening: ' "$out" && break; sleep 0.05; done
enode="$(sed -n 's/^listening: //p' "$out")"
[[ "$enode" == enode://* ]] || { echo "FAIL: the server printed no enode: $(cat "$out")"; exit 1; }
hello="$(timeout 10 "$client" "$enode")" || { echo "FAIL: the client failed"; kill "$pid"; exit 1; }
echo "$hello"
grep -q '^client id: *polywire/' <<<"$hello" || { echo "FAIL: no client id in the Hello"; kill "$pid"; exit 1; }
grep -q '^capability: *eth/68$' <<<"$hello" || { echo "FAIL: no eth/68 in the Hello"; kill "$pid"; exit 1; }
kill -INT "$pid"
wait "$pid"
rc=$?
cat "$out"
[[ $rc -eq 0 ]] || { echo "FAIL: the server exited $rc after SIGINT"; exit 1; }
grep -q '^served 1 peers' "$out" || { echo "FAIL: the server did not report its peer"; exit 1; }
echo "PASS"
