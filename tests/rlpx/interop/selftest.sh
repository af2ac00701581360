#!/usr/bin/env bash
# Runs ethjs_peer.mjs against itself on 127.0.0.1 (a few seconds).
# Usage: tests/rlpx/interop/selftest.sh   (VERBOSE=1 to see every event)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
export POLYWIRE_NODE_MODULES="${POLYWIRE_NODE_MODULES:-$root/node_modules}"
exec node "$here/selftest.mjs"
