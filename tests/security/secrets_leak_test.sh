#!/usr/bin/env bash
# No secret in the tool's output: runs polywire (key_dump_polywire: the tool
# with a key log given to its sessions) as listen and dial for every
# --variant the tool knows, with messages, a ping where the variant has one,
# and a handshake that fails (a --remote naming another node), then looks in
# every stdout and stderr for every secret the sessions dumped (hex in
# either case, and raw bytes). Fails if any appears, or if nothing was
# dumped for a variant (so it cannot pass vacuously).
#
# Usage: secrets_leak_test.sh PATH_TO_KEY_DUMP_POLYWIRE PATH_TO_FIND_SECRETS
set -uo pipefail

polywire="$1"
find_secrets="$2"
tmp="${TEST_TMPDIR:-$(mktemp -d)}/secrets_leak_test.$$"
mkdir -p "$tmp/out"
export POLYWIRE_KEY_DUMP_FILE="$tmp/dump.tsv"
: >"$POLYWIRE_KEY_DUMP_FILE"

pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
}
trap cleanup EXIT

failures=0
pass() { echo "PASS: $*"; }
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}
pw() { timeout 15 "$polywire" "$@"; }
json_field() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"; }

# Every variant the tool lists (an unknown --variant names them all).
pw keygen --variant no-such-variant >"$tmp/variants.txt" 2>&1
variants="$(sed -n 's/.*expected one of //p' "$tmp/variants.txt" | tr -d ',')"
[[ -n "$variants" ]] || { fail "could not read the variant list: $(cat "$tmp/variants.txt")"; exit 1; }
echo "variants: $variants"
# Every configuration the docs name, x25519-xchacha over UDP included.
for want in rlpx noise-xk sha256-per-side x25519-xchacha x25519-xchacha-udp libp2p-noise; do
    if grep -qx -- "$want" <<<"$(tr ' ' '\n' <<<"$variants")"; then pass "variant $want is tested"; else fail "variant $want is not listed"; fi
done
# The most verbose logging the tool offers, if it has such an option.
verbose=()
help="$(pw --help 2>&1)"
if grep -q -- '--log-level' <<<"$help"; then verbose=(--log-level debug); elif grep -q -- '--verbose' <<<"$help"; then verbose=(--verbose); fi

for v in $variants; do
    out="$tmp/out/$v"
    before=$(wc -l <"$POLYWIRE_KEY_DUMP_FILE")
    # keygen prints its own key by design: its output is not searched.
    kl="$(pw keygen --variant "$v")"
    key_l="$(json_field private_key <<<"$kl")"
    id_l="$(json_field node_id <<<"$kl")"
    key_d="$(pw keygen --variant "$v" | json_field private_key)"
    other="$(pw keygen --variant "$v" | json_field node_id)"
    [[ -n "$key_l" && -n "$key_d" && -n "$other" ]] || { fail "$v: keygen"; continue; }

    timeout 20 "$polywire" listen --variant "$v" "${verbose[@]}" --key "$key_l" --port 0 --cap test/1:8 --echo \
        --connections 2 --handshake-timeout 1000 --timeout 15 >"$out.listen.out" 2>"$out.listen.err" &
    lp=$!
    pids+=("$lp")
    url=""
    for _ in $(seq 1 200); do
        line="$(head -n 1 "$out.listen.out")"
        if [[ "$line" == LISTENING* ]]; then url="${line#LISTENING }"; break; fi
        kill -0 "$lp" 2>/dev/null || break
        sleep 0.05
    done
    [[ -n "$url" ]] || { fail "$v: no LISTENING line: $(cat "$out.listen.err")"; continue; }

    # An honest connection: messages, echoes, a ping if the variant has one.
    pw dial --variant "$v" "${verbose[@]}" --key "$key_d" --remote "$url" --cap test/1:8 --send 3 --size 700 \
        --expect-echo --ping >"$out.dial.out" 2>"$out.dial.err"
    rc=$?
    if [[ $rc -eq 2 ]]; then  # no ping in this variant: a usage error, nothing connected
        pw dial --variant "$v" "${verbose[@]}" --key "$key_d" --remote "$url" --cap test/1:8 --send 3 --size 700 \
            --expect-echo >"$out.dial.out" 2>"$out.dial.err"
        rc=$?
    fi
    if [[ $rc -eq 0 ]]; then pass "$v: dial with echoes exits 0"; else fail "$v: dial exited $rc: $(cat "$out.dial.err")"; fi

    # A failing handshake: the URL names another node.
    pw dial --variant "$v" "${verbose[@]}" --key "$key_d" --remote "${url/$id_l/$other}" --cap test/1:8 \
        --handshake-timeout 1000 >"$out.wrong.out" 2>"$out.wrong.err"
    rc=$?
    if [[ $rc -ne 0 ]]; then pass "$v: dial to a wrong node id fails"; else fail "$v: dial to a wrong node id exited 0"; fi
    wait "$lp" 2>/dev/null

    after=$(wc -l <"$POLYWIRE_KEY_DUMP_FILE")
    if ((after > before)); then
        pass "$v: the sessions dumped $((after - before)) secrets"
    else
        fail "$v: the sessions dumped no secret (the hook was not called)"
    fi
    # Both static keys were among them (the tool was handed them on the command line).
    if grep -qi "$key_l" "$POLYWIRE_KEY_DUMP_FILE" && grep -qi "$key_d" "$POLYWIRE_KEY_DUMP_FILE"; then
        pass "$v: the dump holds both static keys"
    else
        fail "$v: the dump lacks a static key"
    fi
done

echo "secrets dumped: $(wc -l <"$POLYWIRE_KEY_DUMP_FILE") lines; labels: $(cut -f1 "$POLYWIRE_KEY_DUMP_FILE" | sort -u | tr '\n' ' ')"
if "$find_secrets" "$POLYWIRE_KEY_DUMP_FILE" "$tmp"/out/*; then
    pass "no secret appears in any output or error stream"
else
    fail "secrets appear in the tool's output (above)"
fi

# The search itself finds a secret that is there (in upper case, and raw).
last="$(tail -n 1 "$POLYWIRE_KEY_DUMP_FILE")"
hex="${last##*$'\t'}"
printf 'x%sy' "${hex^^}" >"$tmp/control.txt"
"$find_secrets" "$POLYWIRE_KEY_DUMP_FILE" "$tmp/control.txt" >/dev/null
if [[ $? -eq 1 ]]; then pass "a planted secret is found"; else fail "a planted secret is not found"; fi

if ((failures > 0)); then
    echo "$failures check(s) failed" >&2
    exit 1
fi
echo "all checks passed"
