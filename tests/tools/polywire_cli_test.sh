#!/usr/bin/env bash
# End-to-end test of the polywire command-line tool over 127.0.0.1:
# keygen, listen/dial with echo and ping, handshake and capability failures,
# every --variant (keygen, URLs, echo, a wrong node id, usage errors;
# x25519-xchacha over TCP and UDP with OpenSSH key files, ping, close
# reasons and UDP's message size limit),
# listen --serve with concurrent dialers (dial --connections), its peer limit
# and graceful shutdown on SIGTERM/SIGINT (RLPx, x25519-xchacha, noise-xk), libp2p-noise with
# multiaddrs and base58btc peer ids (both key types, keygen --identity, --serve), the human-readable ping,
# bench for every variant (in memory, over TCP/UDP, handshakes), usage
# errors and the whole-run timeout.
#
# Usage: polywire_cli_test.sh PATH_TO_POLYWIRE [TESTDATA_DIR]
set -uo pipefail

polywire="$1"
testdata="${2:-$(dirname "$0")/testdata}"
[[ -x "$polywire" ]] || { echo "not executable: $polywire" >&2; exit 1; }
tmp="${TEST_TMPDIR:-$(mktemp -d)}/polywire_cli_test.$$"
mkdir -p "$tmp"

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
check() {  # check DESCRIPTION COMMAND...
    local what="$1"
    shift
    if "$@"; then pass "$what"; else fail "$what"; fi
}
now_ms() { date +%s%3N; }

# Runs polywire bounded by a hard limit, so no test can hang.
pw() { timeout 15 "$polywire" "$@"; }

# start_listener NAME ARGS...: starts `polywire listen ARGS` in the
# background writing $tmp/NAME.out, waits for its LISTENING line and sets
# listener_pid, listener_enode, listener_id and listener_port.
start_listener() {
    local name="$1"
    shift
    local out="$tmp/$name.out"
    : >"$out"
    timeout 15 "$polywire" listen "$@" >"$out" 2>"$tmp/$name.err" &
    listener_pid=$!
    pids+=("$listener_pid")
    local line=""
    for _ in $(seq 1 100); do
        line="$(head -n 1 "$out")"
        [[ "$line" == LISTENING* ]] && break
        kill -0 "$listener_pid" 2>/dev/null || break
        sleep 0.05
    done
    if [[ ! "$line" =~ ^LISTENING\ (enode://([0-9a-f]{128})|noise-xk://([0-9a-f]{66})|sha256-per-side://([0-9a-f]{66})|x25519-xchacha://([0-9a-f]{64})|x25519-xchacha-udp://([0-9a-f]{64}))@127\.0\.0\.1:([0-9]+)$ ]]; then
        fail "$name: listener did not print its LISTENING line (got '$line'; stderr: $(cat "$tmp/$name.err"))"
        listener_enode="" listener_id="" listener_port=""
        return 1
    fi
    listener_enode="${line#LISTENING }"
    listener_id="${BASH_REMATCH[2]}${BASH_REMATCH[3]}${BASH_REMATCH[4]}${BASH_REMATCH[5]}${BASH_REMATCH[6]}"
    listener_port="${BASH_REMATCH[7]}"
}

# wait_listener: waits for the last listener and sets listener_rc.
wait_listener() {
    wait "$listener_pid"
    listener_rc=$?
}

json_field() {  # json_field FIELD <<< LINE (string fields only)
    sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"
}
export -f json_field  # used inside the `bash -c` checks below

# ---- keygen ------------------------------------------------------------------

keygen_out="$(pw keygen)"
check "keygen prints private_key and node_id" \
    grep -Eqx '\{"private_key":"[0-9a-f]{64}","node_id":"[0-9a-f]{128}"\}' <<<"$keygen_out"
key_a="$(json_field private_key <<<"$keygen_out")"
id_a="$(json_field node_id <<<"$keygen_out")"

keyfile="$tmp/listener.key"
keyfile_out="$(umask 022; pw keygen --out "$keyfile")"
check "keygen --out prints only node_id" grep -Eqx '\{"node_id":"[0-9a-f]{128}"\}' <<<"$keyfile_out"
id_file="$(json_field node_id <<<"$keyfile_out")"
check "keygen --out file has mode 0600" test "$(stat -c %a "$keyfile")" = 600
check "keygen --out file holds 64 hex digits and a newline" \
    bash -c '[[ "$(wc -c <"$1")" -eq 65 ]] && grep -Eqx "[0-9a-f]{64}" "$1"' _ "$keyfile"
pw keygen --out "$keyfile" >/dev/null 2>&1
check "keygen --out refuses to overwrite a file" test $? -ne 0

# ---- listen --echo / dial --send --expect-echo --ping --disconnect -----------

if start_listener echo --key-file "$keyfile" --port 0 --cap test/1:8 --echo --timeout 10; then
    check "LISTENING shows the node id keygen --out printed" test "$listener_id" = "$id_file"
    POLYWIRE_KEY="$key_a" pw dial --remote "$listener_enode" --cap test/1:8 --send 3 --size 1024 --expect-echo \
        --ping --disconnect client_quitting >"$tmp/dial.out" 2>"$tmp/dial.err"
    dial_rc=$?
    wait_listener
    check "dial exits 0" test "$dial_rc" -eq 0
    check "listen exits 0 after the peer disconnects" test "$listener_rc" -eq 0
    lo="$tmp/echo.out" do="$tmp/dial.out"
    check "listener reports the dialer's hello" \
        grep -Eqx "\{\"event\":\"hello\",\"client_id\":\"polywire/[^\"]*\",\"protocol_version\":5,\"caps\":\[\"test/1\"\],\"remote_id\":\"$id_a\"\}" "$lo"
    check "dialer reports the listener's hello" grep -q "\"event\":\"hello\".*\"remote_id\":\"$id_file\"" "$do"
    check "listener reports 3 messages of 1024 bytes on wire code 16" \
        test "$(grep -Ec '^\{"event":"msg","code":16,"size":1024,"sha256":"[0-9a-f]{64}"\}$' "$lo")" -eq 3
    check "dialer receives 3 echoes" test "$(grep -c '"event":"msg"' "$do")" -eq 3
    check "message hashes match on both sides" \
        test "$(grep '"event":"msg"' "$lo" | json_field sha256)" = "$(grep '"event":"msg"' "$do" | json_field sha256)"
    check "the 3 messages differ (random content)" test "$(grep '"event":"msg"' "$lo" | json_field sha256 | sort -u | wc -l)" -eq 3
    check "listener reports the ping" grep -qx '{"event":"ping"}' "$lo"
    check "dialer reports the pong" grep -qx '{"event":"pong"}' "$do"
    check "listener reports disconnect reason 8" grep -qx '{"event":"disconnect","reason":8}' "$lo"
    check "no error events" bash -c '! grep -q "\"event\":\"error\"" "$1" "$2"' _ "$lo" "$do"
    check "no key material in any output" bash -c '! grep -qi -e "$1" -e "$(cat "$2")" "$3" "$4" "$5" "$6"' _ \
        "$key_a" "$keyfile" "$lo" "$do" "$tmp/echo.err" "$tmp/dial.err"
fi

# ---- a wrong node id in the enode --------------------------------------------

if start_listener wrongid --key "$key_a" --port 0 --cap test/1:8 --timeout 10; then
    other_id="$(pw keygen | json_field node_id)"
    key_b="$(pw keygen | json_field private_key)"
    start=$(now_ms)
    pw dial --key "$key_b" --remote "enode://$other_id@127.0.0.1:$listener_port" --cap test/1:8 \
        --handshake-timeout 500 >"$tmp/wrongid_dial.out" 2>&1
    rc=$?
    elapsed=$(($(now_ms) - start))
    wait_listener
    check "dial to a wrong node id fails" test "$rc" -ne 0 -a "$rc" -ne 124
    check "dial to a wrong node id fails within 2 s (took ${elapsed} ms)" test "$elapsed" -lt 2000
    check "dial to a wrong node id prints an error event" grep -q '^{"event":"error","message":".*handshake' "$tmp/wrongid_dial.out"
    check "the dialer says what it saw: the remote closed the connection during the handshake" \
        grep -qx "{\"event\":\"error\",\"message\":\"the remote 127.0.0.1:$listener_port closed the connection during the handshake\"}" \
        "$tmp/wrongid_dial.out"
    check "the dialer does not guess a cause it cannot know" \
        bash -c '! grep -qi -e "wrong node id" -e "not an RLPx" -e "another variant" "$1"' _ "$tmp/wrongid_dial.out"
    check "listener reports the failed connection and exits non-zero" \
        bash -c '[[ $1 -ne 0 ]] && grep -q "^{\"event\":\"error\"" "$2"' _ "$listener_rc" "$tmp/wrongid.out"
fi

# ---- capabilities the listener lacks -----------------------------------------

if start_listener caps --key "$key_a" --port 0 --cap test/1:8 --connections 2 --timeout 10; then
    key_b="$(pw keygen | json_field private_key)"
    pw dial --key "$key_b" --remote "$listener_enode" --cap foo/1:8 >"$tmp/nocap.out" 2>&1
    rc=$?
    check "dial sharing no capability fails" test "$rc" -ne 0 -a "$rc" -ne 124
    check "dial sharing no capability says so" grep -q '"event":"error".*no capability in common (remote offers: test/1)' "$tmp/nocap.out"
    pw dial --key "$key_b" --remote "$listener_enode" --cap foo/1:8 --cap test/1:8 --send 1 --size 10 >"$tmp/first.out" 2>&1
    rc=$?
    check "dial whose first capability is not shared fails" test "$rc" -ne 0 -a "$rc" -ne 124
    check "dial whose first capability is not shared says so" \
        grep -q '"event":"error".*first capability foo/1:8 is not shared' "$tmp/first.out"
    wait_listener
    check "listener reports the peer that shares nothing" grep -q '"event":"error".*no capability in common' "$tmp/caps.out"
    check "listener reports the peer leaving as useless (reason 3)" grep -qx '{"event":"disconnect","reason":3}' "$tmp/caps.out"
fi

# ---- a hostile connection, then a good one; --count ---------------------------

if start_listener serial --key "$key_a" --port 0 --cap test/1:8 --connections 2 --echo --count 2 --timeout 10; then
    # Not RLPx: the listener reports it and accepts the next connection.
    (exec 3<>"/dev/tcp/127.0.0.1/$listener_port" && printf 'GET / HTTP/1.0\r\n\r\n' >&3 && sleep 0.2) 2>/dev/null
    key_b="$(pw keygen | json_field private_key)"
    pw dial --key "$key_b" --remote "$listener_enode" --cap test/1:8 --send 5 --size 100 >"$tmp/serial_dial.out" 2>&1
    wait_listener
    check "a hostile connection is reported as an error event" \
        grep -q '^{"event":"error","message":"connection from 127.0.0.1:[0-9]* failed during the handshake' "$tmp/serial.out"
    check "the next connection is served after it" grep -q '"event":"hello"' "$tmp/serial.out"
    check "listen --count 2 exits 0 after 2 messages" \
        bash -c '[[ $1 -eq 0 && $(grep -c "\"event\":\"msg\"" "$2") -eq 2 ]]' _ "$listener_rc" "$tmp/serial.out"
fi

# ---- listen --serve: concurrent peers; dial --connections; SIGTERM ------------

if start_listener serve --key "$key_a" --port 0 --cap test/1:8 --serve --echo; then
    key_b="$(pw keygen | json_field private_key)"
    pw dial --key "$key_b" --remote "$listener_enode" --cap test/1:8 --connections 4 --send 5 --size 3000 \
        --expect-echo --ping --disconnect client_quitting >"$tmp/many.out" 2>&1
    rc=$?
    check "dial --connections 4 exits 0" test "$rc" -eq 0
    check "dial --connections 4: each connection reports its hello, 5 echoes and its pong" bash -c '
        for n in 1 2 3 4; do
            [[ $(grep -c "^{\"event\":\"msg\",.*,\"connection\":$n}$" "$1") -eq 5 ]] || exit 1
            grep -q "^{\"event\":\"hello\",.*,\"connection\":$n}$" "$1" || exit 1
            grep -qx "{\"event\":\"pong\",\"connection\":$n}" "$1" || exit 1
        done' _ "$tmp/many.out"
    # Three separate dialers at once as well.
    dial_pids=()
    for i in 1 2 3; do
        pw dial --key "$(pw keygen | json_field private_key)" --remote "$listener_enode" --cap test/1:8 \
            --send 3 --size 100 --expect-echo >"$tmp/par$i.out" 2>&1 &
        dial_pids+=($!)
    done
    par_failed=0
    for p in "${dial_pids[@]}"; do wait "$p" || par_failed=$((par_failed + 1)); done
    check "3 dialers at once all exit 0" test "$par_failed" -eq 0
    kill -TERM "$listener_pid"
    wait_listener
    so="$tmp/serve.out"
    check "listen --serve exits 0 on SIGTERM" test "$listener_rc" -eq 0
    check "listen --serve reports 7 peers, each hello tagged with its own peer address" \
        test "$(grep '"event":"hello"' "$so" | grep -o '"peer":"127\.0\.0\.1:[0-9]*"' | sort -u | wc -l)" -eq 7
    check "every event of listen --serve carries its peer" \
        bash -c '! grep -v -e "^LISTENING " -e "^{\"event\":\"shutdown\"" "$1" | grep -qv "\"peer\":\"127\.0\.0\.1:[0-9]*\"}$"' _ "$so"
    check "listen --serve received 29 messages, the same the dialers got back" \
        bash -c '[[ $(grep "\"event\":\"msg\"" "$1" | json_field sha256 | sort | tr "\n" " ") == \
                    $(cat "$2" "$3" "$4" "$5" | grep "\"event\":\"msg\"" | json_field sha256 | sort | tr "\n" " ") &&
                   $(grep -c "\"event\":\"msg\"" "$1") -eq 29 ]]' \
        _ "$so" "$tmp/many.out" "$tmp/par1.out" "$tmp/par2.out" "$tmp/par3.out"
    check "listen --serve sums up at shutdown" \
        grep -qx '{"event":"shutdown","peers_served":7,"rejected":0,"handshakes_failed":0,"messages_in":29,"messages_out":29}' "$so"
fi

# ---- listen --serve --connections 1: the others are told "too many peers" -----

if start_listener limit --key "$key_a" --port 0 --cap test/1:8 --serve --echo --connections 1; then
    key_b="$(pw keygen | json_field private_key)"
    # Connection 1..3 at once; the first admitted is busy with 15 MB of
    # echoes while the other two finish their handshakes.
    pw dial --key "$key_b" --remote "$listener_enode" --cap test/1:8 --connections 3 --send 60 --size 250000 \
        --expect-echo >"$tmp/limit_dial.out" 2>&1
    rc=$?
    kill -INT "$listener_pid"
    wait_listener
    check "dial --connections 3 fails when not all are served" test "$rc" -eq 1
    check "two connections are told too many peers (reason 4)" \
        test "$(grep '"event":"disconnect","reason":4' "$tmp/limit_dial.out" | grep -o '"connection":[0-9]*' | sort -u | wc -l)" -eq 2
    check "the served connection gets its 60 echoes" \
        test "$(grep '"event":"msg"' "$tmp/limit_dial.out" | grep -o '"connection":[0-9]*' | uniq -c | awk '{print $1}')" = 60
    check "listen --serve exits 0 on SIGINT" test "$listener_rc" -eq 0
    check "listen --serve counts the 2 rejected peers" grep -q '^{"event":"shutdown","peers_served":1,"rejected":2,' "$tmp/limit.out"
fi

# ---- listen --serve --count ----------------------------------------------------

if start_listener servecount --key "$key_a" --port 0 --cap test/1:8 --serve --count 6; then
    pw dial --key "$(pw keygen | json_field private_key)" --remote "$listener_enode" --cap test/1:8 --connections 3 \
        --send 2 --size 100 >/dev/null 2>&1
    wait_listener
    check "listen --serve --count 6 exits 0 after 6 messages" \
        bash -c '[[ $1 -eq 0 && $(grep -c "\"event\":\"msg\"" "$2") -eq 6 ]] && grep -q "^{\"event\":\"shutdown\"" "$2"' \
        _ "$listener_rc" "$tmp/servecount.out"
fi

# ---- listen --serve for the other TCP variants (the generic async server) -------

for v in x25519-xchacha noise-xk; do
    kv="$(pw keygen --variant "$v")"
    if start_listener "serve-$v" --variant "$v" --key "$(json_field private_key <<<"$kv")" --port 0 --serve --echo; then
        check "$v --serve: LISTENING shows its $v:// URL" test "$listener_id" = "$(json_field node_id <<<"$kv")"
        ping_opt=()
        [[ "$v" == x25519-xchacha ]] && ping_opt=(--ping)
        pw dial --variant "$v" --key "$(pw keygen --variant "$v" | json_field private_key)" --remote "$listener_enode" \
            --connections 3 --send 3 --size 2000 --expect-echo "${ping_opt[@]}" >"$tmp/serve-$v.dial.out" 2>&1
        check "$v --serve: dial --connections 3 with echoes exits 0" test $? -eq 0
        check "$v --serve: 9 echoes come back" test "$(grep -c '"event":"msg","code":16,"size":2000,' "$tmp/serve-$v.dial.out")" -eq 9
        kill -TERM "$listener_pid"
        wait_listener
        so="$tmp/serve-$v.out"
        check "$v --serve: exits 0 on SIGTERM" test "$listener_rc" -eq 0
        check "$v --serve: 3 peers, each hello tagged with its own address" \
            test "$(grep '"event":"hello"' "$so" | grep -o '"peer":"127\.0\.0\.1:[0-9]*"' | sort -u | wc -l)" -eq 3
        check "$v --serve: every peer's close is a disconnect event with reason 0" \
            test "$(grep -c '^{"event":"disconnect","reason":0,"peer":"127\.0\.0\.1:[0-9]*"}$' "$so")" -eq 3
        check "$v --serve: sums up at shutdown" \
            grep -qx '{"event":"shutdown","peers_served":3,"rejected":0,"handshakes_failed":0,"messages_in":9,"messages_out":9}' "$so"
        if [[ "$v" == x25519-xchacha ]]; then
            check "$v --serve: pings are answered" test "$(grep -c '^{"event":"pong","connection":[123]}$' "$tmp/serve-$v.dial.out")" -eq 3
        fi
    fi
done
pw listen --variant x25519-xchacha-udp --key "$(pw keygen --variant x25519-xchacha-udp | json_field private_key)" --port 0 \
    --serve >"$tmp/serve-udp.out" 2>&1
check "listen --serve over UDP is a usage error (one peer at a time)" \
    bash -c '[[ $1 -eq 2 ]] && grep -q "runs over UDP, one peer at a time" "$2"' _ $? "$tmp/serve-udp.out"

# ---- --variant: noise-xk and sha256-per-side ----------------------------------

for v in noise-xk sha256-per-side; do
    kv="$(pw keygen --variant "$v")"
    check "$v: keygen prints a private key and a 33-byte compressed node id" \
        grep -Eqx '\{"private_key":"[0-9a-f]{64}","node_id":"0[23][0-9a-f]{64}"\}' <<<"$kv"
    key_l="$(json_field private_key <<<"$kv")"
    id_l="$(json_field node_id <<<"$kv")"
    key_d="$(pw keygen --variant "$v" | json_field private_key)"
    id_d="$(POLYWIRE_KEY="$key_d" pw listen --variant "$v" --port 0 --timeout 0.01 2>/dev/null | head -n 1 | sed -n 's|^LISTENING [a-z0-9-]*://\([0-9a-f]*\)@.*|\1|p')"
    if start_listener "$v" --variant "$v" --key "$key_l" --port 0 --cap test/1:8 --echo --connections 2 --timeout 10; then
        url="$listener_enode"
        check "$v: LISTENING prints $v://<keygen's node id>@host:port" \
            test "$url" = "$v://$id_l@127.0.0.1:$listener_port"
        pw dial --variant "$v" --key "$key_d" --remote "$url" --cap test/1:8 --send 3 --size 1000 --expect-echo \
            >"$tmp/$v.dial.out" 2>"$tmp/$v.dial.err"
        check "$v: dial with echo exits 0" test $? -eq 0
        check "$v: dialer reports hello with the listener's id only" \
            grep -qx "{\"event\":\"hello\",\"remote_id\":\"$id_l\"}" "$tmp/$v.dial.out"
        check "$v: listener reports hello with the dialer's id only" \
            grep -qx "{\"event\":\"hello\",\"remote_id\":\"$id_d\"}" "$tmp/$v.out"
        check "$v: listener reports 3 messages of 1000 bytes on code 16" \
            test "$(grep -Ec '^\{"event":"msg","code":16,"size":1000,"sha256":"[0-9a-f]{64}"\}$' "$tmp/$v.out")" -eq 3
        check "$v: echoes match what the listener received" \
            test "$(grep '"event":"msg"' "$tmp/$v.out" | json_field sha256)" = \
            "$(grep '"event":"msg"' "$tmp/$v.dial.out" | json_field sha256)"
        check "$v: the peer's close is a disconnect event" grep -qx '{"event":"disconnect","reason":0}' "$tmp/$v.out"
        # A URL naming another node: the handshake fails on both sides.
        other="$(pw keygen --variant "$v" | json_field node_id)"
        pw dial --variant "$v" --key "$key_d" --remote "$v://$other@127.0.0.1:$listener_port" --handshake-timeout 1000 \
            >"$tmp/$v.wrong.out" 2>&1
        rc=$?
        wait_listener
        check "$v: dial to a wrong node id fails" test "$rc" -eq 1
        check "$v: dial to a wrong node id prints an error event" \
            grep -q '^{"event":"error","message":".*handshake' "$tmp/$v.wrong.out"
        if [[ "$v" == noise-xk ]]; then
            check "$v: listener reports the failed handshake and exits 1" \
                bash -c '[[ $1 -eq 1 ]] && grep -q "^{\"event\":\"error\",\"message\":\"connection from .* failed during the handshake" "$2"' \
                _ "$listener_rc" "$tmp/$v.out"
        else
            # The dialer judges the listener's Authenticate after sending its
            # own, so the listener may see a complete handshake and a close.
            check "$v: listener sees the wrongly-addressed dialer leave" test "$listener_rc" -le 1
        fi
    fi
    pw dial --variant "$v" --key "$key_d" --remote "$url" --ping >"$tmp/$v.ping.out" 2>&1
    check "$v: dial --ping is a usage error" \
        bash -c '[[ $1 -eq 2 ]] && grep -q "has no ping" "$2"' _ $? "$tmp/$v.ping.out"
    pw dial --variant "$v" --key "$key_d" --remote "$url" --disconnect 8 >"$tmp/$v.disc.out" 2>&1
    check "$v: dial --disconnect is a usage error" \
        bash -c '[[ $1 -eq 2 ]] && grep -q "has no goodbye" "$2"' _ $? "$tmp/$v.disc.out"
    pw dial --variant "$v" --key "$key_d" --remote "enode://$id_a@127.0.0.1:1" >"$tmp/$v.enode.out" 2>&1
    check "$v: dial --remote enode://... is a usage error" \
        bash -c '[[ $1 -eq 2 ]] && grep -q "invalid --remote" "$2"' _ $? "$tmp/$v.enode.out"
done
# ---- --variant: x25519-xchacha over TCP and over UDP ----------------------------

# The public key of testdata/id_ed25519 (an OpenSSH key file), as hex.
ssh_id="$(awk '{print $2}' "$testdata/id_ed25519.pub" | base64 -d | tail -c 32 | od -An -tx1 | tr -d ' \n')"
for v in x25519-xchacha x25519-xchacha-udp; do
    kv="$(pw keygen --variant "$v")"
    check "$v: keygen prints a 32-byte Ed25519 seed and public key" \
        grep -Eqx '\{"private_key":"[0-9a-f]{64}","node_id":"[0-9a-f]{64}"\}' <<<"$kv"
    key_l="$(json_field private_key <<<"$kv")"
    id_l="$(json_field node_id <<<"$kv")"
    keyfile_l="$tmp/$v.key"
    check "$v: keygen --out writes a key file with the same node id listen shows" \
        bash -c '"$1" keygen --variant "$2" --out "$3" | grep -Eqx "\{\"node_id\":\"[0-9a-f]{64}\"\}"' _ "$polywire" "$v" "$keyfile_l"
    # Three connections: messages, ping and close; then a message the
    # session refuses (UDP) or a large one (TCP); then a wrong node id.
    if start_listener "$v" --variant "$v" --key "$key_l" --port 0 --echo --connections 3 \
        --handshake-timeout 1000 --timeout 10; then
        url="$listener_enode"
        check "$v: LISTENING prints $v://<keygen's node id>@host:port" test "$url" = "$v://$id_l@127.0.0.1:$listener_port"
        pw dial --variant "$v" --key-file "$testdata/id_ed25519" --remote "$url" --send 20 --size 1392 --expect-echo \
            --ping --disconnect timeout >"$tmp/$v.dial.out" 2>"$tmp/$v.dial.err"
        check "$v: dial with an OpenSSH key file, echo, ping and close exits 0" test $? -eq 0
        check "$v: dialer reports hello with the listener's id only" \
            grep -qx "{\"event\":\"hello\",\"remote_id\":\"$id_l\"}" "$tmp/$v.dial.out"
        check "$v: listener reports hello with the OpenSSH key's public key" \
            grep -qx "{\"event\":\"hello\",\"remote_id\":\"$ssh_id\"}" "$tmp/$v.out"
        check "$v: listener reports 20 messages of 1392 bytes on code (channel) 16" \
            test "$(grep -Ec '^\{"event":"msg","code":16,"size":1392,"sha256":"[0-9a-f]{64}"\}$' "$tmp/$v.out")" -eq 20
        check "$v: echoes match what the listener received" \
            test "$(grep '"event":"msg"' "$tmp/$v.out" | json_field sha256)" = \
            "$(grep '"event":"msg"' "$tmp/$v.dial.out" | json_field sha256)"
        check "$v: listener reports the ping, dialer the pong" \
            bash -c 'grep -qx "{\"event\":\"ping\"}" "$1" && grep -qx "{\"event\":\"pong\"}" "$2"' _ "$tmp/$v.out" "$tmp/$v.dial.out"
        check "$v: listener reports the close with reason 3 (timeout)" grep -qx '{"event":"disconnect","reason":3}' "$tmp/$v.out"
        if [[ "$v" == x25519-xchacha-udp ]]; then
            pw dial --variant "$v" --key-file "$keyfile_l" --remote "$url" --send 1 --size 65472 >"$tmp/$v.big.out" 2>&1
            check "$v: a message above the largest datagram's 65471 bytes fails with exit 1" test $? -eq 1
            check "$v: ... with the session's message_too_large as an error event" \
                grep -q '^{"event":"error","message":"sending message 1 failed: the message exceeds the configuration.s maximum message size"}$' \
                "$tmp/$v.big.out"
        else
            pw dial --variant "$v" --key-file "$keyfile_l" --remote "$url" --send 2 --size 100000 --expect-echo \
                >"$tmp/$v.big.out" 2>&1
            check "$v: messages of 100000 bytes (more than a datagram) are echoed over TCP" \
                bash -c '[[ $1 -eq 0 && $(grep -c "\"event\":\"msg\",\"code\":16,\"size\":100000," "$2") -eq 2 ]]' _ $? "$tmp/$v.big.out"
        fi
        check "$v: the listener sees that peer close with reason 0 and serves the next" \
            test "$(grep -c '^{"event":"disconnect","reason":0}$' "$tmp/$v.out")" -eq 1
        other="$(pw keygen --variant "$v" | json_field node_id)"
        start=$(now_ms)
        pw dial --variant "$v" --key "$key_l" --remote "$v://$other@127.0.0.1:$listener_port" --handshake-timeout 1000 \
            >"$tmp/$v.wrong.out" 2>&1
        rc=$?
        elapsed=$(($(now_ms) - start))
        wait_listener
        check "$v: dial to a wrong node id fails with exit 1 within 2 s (took ${elapsed} ms)" \
            test "$rc" -eq 1 -a "$elapsed" -lt 2000
        check "$v: dial to a wrong node id prints the identity error event" \
            grep -q '^{"event":"error","message":"handshake with .* failed: the peer.s Ed25519 identity is not the one expected"}$' \
            "$tmp/$v.wrong.out"
        check "$v: listener reports the failed handshake and exits 1" \
            bash -c '[[ $1 -eq 1 ]] && grep -q "^{\"event\":\"error\",\"message\":\"connection from .* failed during the handshake" "$2"' \
            _ "$listener_rc" "$tmp/$v.out"
        check "$v: no key material in any output" bash -c '! grep -qi -e "$1" -e "$(cat "$2")" "$3" "$4" "$5"' _ \
            "$key_l" "$keyfile_l" "$tmp/$v.out" "$tmp/$v.err" "$tmp/$v.dial.out"
    fi
    pw dial --variant "$v" --key-file "$testdata/id_ed25519_encrypted" --remote "$url" >"$tmp/$v.enc.out" 2>&1
    check "$v: a passphrase-protected OpenSSH key is a usage error saying so" \
        bash -c '[[ $1 -eq 2 ]] && grep -q "encrypted: a passphrase is required" "$2"' _ $? "$tmp/$v.enc.out"
    pw dial --variant "$v" --key 1234 --remote "$url" >"$tmp/$v.badkey.out" 2>&1
    check "$v: a malformed --key exits 2 without echoing it" \
        bash -c '[[ $1 -eq 2 ]] && grep -q "invalid private key from --key" "$2" && ! grep -q 1234 "$2"' _ $? "$tmp/$v.badkey.out"
    pw dial --variant "$v" --key "$key_l" --remote "$url" --disconnect client_quitting >"$tmp/$v.disc.out" 2>&1
    check "$v: dial --disconnect with a devp2p reason name is a usage error" \
        bash -c '[[ $1 -eq 2 ]] && grep -q "requested, protocol_error, authentication_failure, timeout" "$2"' _ $? "$tmp/$v.disc.out"
    pw dial --variant "$v" --key "$key_l" --remote "noise-xk://02$id_l@127.0.0.1:1" >"$tmp/$v.url.out" 2>&1
    check "$v: dial --remote of another variant is a usage error" \
        bash -c '[[ $1 -eq 2 ]] && grep -q "invalid --remote" "$2"' _ $? "$tmp/$v.url.out"
done

# x25519-xchacha-udp: the probes find that loopback carries 65,507-byte
# datagrams; both sides report it, and 16 KiB messages are echoed whole.
key_u="$(pw keygen --variant x25519-xchacha-udp | json_field private_key)"
if start_listener dgsize --variant x25519-xchacha-udp --key "$key_u" --port 0 --echo --connections 1 --timeout 10; then
    pw dial --variant x25519-xchacha-udp --key-file "$testdata/id_ed25519" --remote "$listener_enode" --send 3 \
        --size 16384 --expect-echo >"$tmp/dgsize.dial.out" 2>&1
    dial_rc=$?
    wait_listener
    check "x25519-xchacha-udp: 16 KiB messages are echoed once the sizes are negotiated" \
        bash -c '[[ $1 -eq 0 && $(grep -c "\"event\":\"msg\",\"code\":16,\"size\":16384," "$2") -eq 3 ]]' _ "$dial_rc" \
        "$tmp/dgsize.dial.out"
    for side in dial ""; do
        f="$tmp/dgsize${side:+.$side}.out"
        check "x25519-xchacha-udp: ${side:-listen} reports the negotiated datagram size" \
            grep -qx '{"event":"datagram_size","datagram_size":65507,"max_frame":65479}' "$f"
    done
fi

pw keygen --variant nope >"$tmp/nope.out" 2>&1
check "an unknown --variant exits 2 naming the variants" \
    bash -c '[[ $1 -eq 2 ]] && grep -q "rlpx, noise-xk, sha256-per-side, x25519-xchacha, x25519-xchacha-udp, libp2p-noise" "$2"' _ $? "$tmp/nope.out"

# ---- --variant libp2p-noise: multiaddrs, peer ids, both key types, --serve ------

# start_libp2p_listener NAME ARGS...: like start_listener, for a multiaddr.
start_libp2p_listener() {
    local name="$1"
    shift
    local out="$tmp/$name.out"
    : >"$out"
    timeout 15 "$polywire" listen --variant libp2p-noise "$@" >"$out" 2>"$tmp/$name.err" &
    listener_pid=$!
    pids+=("$listener_pid")
    local line=""
    for _ in $(seq 1 100); do
        line="$(head -n 1 "$out")"
        [[ "$line" == LISTENING* ]] && break
        kill -0 "$listener_pid" 2>/dev/null || break
        sleep 0.05
    done
    if [[ ! "$line" =~ ^LISTENING\ (/ip4/127\.0\.0\.1/tcp/([0-9]+)/p2p/([1-9A-HJ-NP-Za-km-z]+))$ ]]; then
        fail "$name: listener did not print its multiaddr (got '$line'; stderr: $(cat "$tmp/$name.err"))"
        listener_enode="" listener_id="" listener_port=""
        return 1
    fi
    listener_enode="${BASH_REMATCH[1]}"
    listener_port="${BASH_REMATCH[2]}"
    listener_id="${BASH_REMATCH[3]}"
}

lp="libp2p-noise"
kv="$(pw keygen --variant $lp)"
check "$lp: keygen prints a PrivateKey protobuf (Ed25519) and a 12D3KooW peer id" \
    grep -Eqx '\{"private_key":"08011240[0-9a-f]{128}","node_id":"12D3KooW[1-9A-HJ-NP-Za-km-z]{44}"\}' <<<"$kv"
key_l="$(json_field private_key <<<"$kv")"
id_l="$(json_field node_id <<<"$kv")"
keyfile_l="$tmp/$lp.key"
check "$lp: keygen --out writes the key file and prints the peer id" \
    grep -Eqx '\{"node_id":"12D3KooW[1-9A-HJ-NP-Za-km-z]{44}"\}' <<<"$(pw keygen --variant $lp --out "$keyfile_l")"
check "$lp: keygen --identity ed25519 prints a 12D3KooW peer id" \
    grep -Eq '"node_id":"12D3KooW' <<<"$(pw keygen --variant $lp --identity ed25519)"
check "$lp: keygen --identity secp256k1 prints a secp256k1 PrivateKey protobuf and a 16Uiu2 peer id" \
    grep -Eqx '\{"private_key":"08021220[0-9a-f]{64}","node_id":"16Uiu2[1-9A-HJ-NP-Za-km-z]{47}"\}' \
    <<<"$(pw keygen --variant $lp --identity secp256k1)"
keyfile_k1="$tmp/$lp.k1.key"  # listened with by --serve below
id_k1_file="$(pw keygen --variant $lp --identity secp256k1 --out "$keyfile_k1" | json_field node_id)"
pw keygen --variant $lp --identity rsa >"$tmp/$lp.rsa.out" 2>&1
check "$lp: keygen --identity of an unknown type is a usage error" \
    bash -c '[[ $1 -eq 2 ]] && grep -q "unknown --identity .rsa." "$2"' _ $? "$tmp/$lp.rsa.out"
pw keygen --variant noise-xk --identity secp256k1 >"$tmp/$lp.idxk.out" 2>&1
check "keygen --identity with another variant is a usage error" \
    bash -c '[[ $1 -eq 2 ]] && grep -q "identity is for --variant libp2p-noise only" "$2"' _ $? "$tmp/$lp.idxk.out"
# A secp256k1 key (secp256k1:<scalar>): its peer id starts 16Uiu2.
key_k1="secp256k1:$(printf '%064x' 12345)"
id_k1="$(POLYWIRE_KEY="$key_k1" pw listen --variant $lp --port 0 --timeout 0.01 2>/dev/null | head -n 1 | sed -n 's|^LISTENING /ip4/.*/p2p/||p')"
check "$lp: a secp256k1 key's peer id starts 16Uiu2 ($id_k1)" grep -Eqx '16Uiu2[1-9A-HJ-NP-Za-km-z]{47}' <<<"$id_k1"
if start_libp2p_listener "$lp" --key "$key_l" --port 0 --echo --connections 2 --timeout 10; then
    check "$lp: LISTENING prints /ip4/127.0.0.1/tcp/<port>/p2p/<keygen's peer id>" test "$listener_id" = "$id_l"
    pw dial --variant $lp --key "$key_k1" --remote "$listener_enode" --send 3 --size 65518 --expect-echo \
        >"$tmp/$lp.dial.out" 2>"$tmp/$lp.dial.err"
    check "$lp: a secp256k1 dialer sends 3 messages of 65,518 B (the largest) and gets their echoes" \
        bash -c '[[ $1 -eq 0 && $(grep -c "\"event\":\"msg\",\"code\":16,\"size\":65518," "$2") -eq 3 ]]' _ $? "$tmp/$lp.dial.out"
    check "$lp: the dialer's hello names the listener's peer id and its stream muxers" \
        grep -qx "{\"event\":\"hello\",\"remote_id\":\"$id_l\",\"stream_muxers\":\[\]}" "$tmp/$lp.dial.out"
    check "$lp: the listener's hello names the dialer's secp256k1 peer id" \
        grep -qx "{\"event\":\"hello\",\"remote_id\":\"$id_k1\",\"stream_muxers\":\[\]}" "$tmp/$lp.out"
    other="$(pw keygen --variant $lp | json_field node_id)"
    pw dial --variant $lp --key-file "$keyfile_l" --remote "/ip4/127.0.0.1/tcp/$listener_port/p2p/$other" \
        --handshake-timeout 1000 >"$tmp/$lp.wrong.out" 2>&1
    rc=$?
    wait_listener
    check "$lp: dialling another peer id fails, saying so" \
        bash -c '[[ $1 -eq 1 ]] && grep -q "^{\"event\":\"error\",\"message\":\".*the peer.s id is not the one expected" "$2"' \
        _ "$rc" "$tmp/$lp.wrong.out"
    check "$lp: no key material in any output" bash -c '! grep -qi -e "$1" -e "$(cat "$2")" "$3" "$4" "$5"' _ \
        "$key_l" "$keyfile_l" "$tmp/$lp.out" "$tmp/$lp.err" "$tmp/$lp.dial.out"
fi
pw dial --variant $lp --key "$key_l" --remote "noise-xk://02$(printf '%064x' 1)@127.0.0.1:1" >"$tmp/$lp.url.out" 2>&1
check "$lp: dial --remote that is not a multiaddr is a usage error naming the form" \
    bash -c '[[ $1 -eq 2 ]] && grep -q "invalid --remote" "$2"' _ $? "$tmp/$lp.url.out"
pw dial --variant $lp --key "$key_l" >"$tmp/$lp.noremote.out" 2>&1
check "$lp: dial without --remote shows the multiaddr form" \
    bash -c '[[ $1 -eq 2 ]] && grep -qF "/ip4/<host>/tcp/<port>/p2p/<peer id>" "$2"' _ $? "$tmp/$lp.noremote.out"
# --serve listens with keygen's secp256k1 key file.
if start_libp2p_listener "serve-$lp" --key-file "$keyfile_k1" --port 0 --serve --echo; then
    check "$lp --serve: LISTENING names the secp256k1 key file's 16Uiu2 peer id" \
        bash -c '[[ $1 == 16Uiu2* && $1 == "$2" ]]' _ "$listener_id" "$id_k1_file"
    pw dial --variant $lp --key "$(pw keygen --variant $lp | json_field private_key)" --remote "$listener_enode" \
        --connections 3 --send 3 --size 2000 --expect-echo >"$tmp/serve-$lp.dial.out" 2>&1
    check "$lp --serve: dial --connections 3 with echoes exits 0" test $? -eq 0
    check "$lp --serve: 9 echoes come back" test "$(grep -c '"event":"msg","code":16,"size":2000,' "$tmp/serve-$lp.dial.out")" -eq 9
    check "$lp --serve: each dialer's hello names the secp256k1 listener" \
        test "$(grep -c "\"event\":\"hello\",\"remote_id\":\"$id_k1_file\"" "$tmp/serve-$lp.dial.out")" -eq 3
    kill -TERM "$listener_pid"
    wait_listener
    check "$lp --serve: sums up at shutdown" \
        grep -qx '{"event":"shutdown","peers_served":3,"rejected":0,"handshakes_failed":0,"messages_in":9,"messages_out":9}' \
        "$tmp/serve-$lp.out"
fi

# ---- ping (for a person) -----------------------------------------------------

if start_listener pinged --key "$key_a" --port 0 --cap test/1:8 --timeout 10; then
    pw ping "$listener_enode" --cap test/1:8 >"$tmp/ping.out" 2>&1
    rc=$?
    wait_listener
    check "ping exits 0" test "$rc" -eq 0
    check "ping shows the client id" grep -Eq '^ +client id: +polywire/' "$tmp/ping.out"
    check "ping shows the capabilities" grep -Eq '^ +capabilities: +test/1$' "$tmp/ping.out"
    check "ping shows the round trip in ms" grep -Eq '^ +round trip: +[0-9.]+ ms' "$tmp/ping.out"
    check "listener exits 0 after the ping" test "$listener_rc" -eq 0
    pw ping "$listener_enode" >"$tmp/refused.out" 2>&1
    rc=$?
    check "ping to a closed port fails" test "$rc" -eq 1
    check "ping to a closed port says the connection was refused" grep -q 'could not connect to 127.0.0.1:[0-9]*: Connection refused' "$tmp/refused.out"
fi

# ---- a burst of dials: queued by the server, none refused ----------------------
# listen --serve has 50 handshakes in progress at most (go-ethereum's limit):
# the rest of a burst waits in the listen backlog, and every dial succeeds.

if start_listener burst --key "$key_a" --port 0 --cap test/1:8 --serve --echo; then
    pw dial --key "$(pw keygen | json_field private_key)" --remote "$listener_enode" --cap test/1:8 --connections 200 \
        --send 2 --size 100 --expect-echo --disconnect 8 >"$tmp/burst_dial.out" 2>&1
    rc=$?
    kill -TERM "$listener_pid"
    wait_listener
    check "a burst of 200 dials against listen --serve: all succeed (exit $rc, $(grep -c '"event":"error"' "$tmp/burst_dial.out") errors)" \
        test "$rc" -eq 0
    check "a burst of 200 dials: 400 echoes" test "$(grep -c '"event":"msg"' "$tmp/burst_dial.out")" -eq 400
    check "a burst of 200 dials: the server served 200 peers and failed no handshake" \
        grep -q '"event":"shutdown","peers_served":200,"rejected":0,"handshakes_failed":0' "$tmp/burst.out"
fi

# ---- errors: the system's keep their text; --disconnect's rule -----------------

if start_listener inuse --key "$key_a" --port 0 --cap test/1:8 --timeout 10; then
    for serve in "" --serve; do
        pw listen --key "$key_a" --port "$listener_port" --cap test/1:8 $serve --timeout 2 >"$tmp/inuse$serve.out" 2>&1
        rc=$?
        check "listen $serve on a port in use exits 1 and says 'Address already in use'" \
            bash -c '[[ $1 -eq 1 ]] && grep -qx "{\"event\":\"error\",\"message\":\"cannot listen on 127.0.0.1:$2: Address already in use\"}" "$3"' \
            _ "$rc" "$listener_port" "$tmp/inuse$serve.out"
    done
    pw listen --variant noise-xk --key "$(pw keygen --variant noise-xk | json_field private_key)" --port "$listener_port" \
        --timeout 2 >"$tmp/inuse_noise.out" 2>&1
    check "listen --variant noise-xk on a port in use says 'Address already in use'" \
        grep -q "Address already in use" "$tmp/inuse_noise.out"
    kill -TERM "$listener_pid"
    wait_listener
    # The port is free now: nothing listens there.
    pw dial --key "$key_a" --remote "enode://$listener_id@127.0.0.1:$listener_port" --cap test/1:8 >"$tmp/refused.out" 2>&1
    rc=$?
    check "dial to a port nobody listens on exits 1 and says 'Connection refused'" \
        bash -c '[[ $1 -eq 1 ]] && grep -qx "{\"event\":\"error\",\"message\":\"could not connect to 127.0.0.1:$2: Connection refused\"}" "$3"' \
        _ "$rc" "$listener_port" "$tmp/refused.out"
    # --disconnect takes devp2p's reasons, 0-11 and 16, and its usage error says so.
    accepted=""
    for r in $(seq 0 17); do
        pw dial --key "$key_a" --remote "enode://$listener_id@127.0.0.1:$listener_port" --cap test/1:8 \
            --disconnect "$r" >"$tmp/reason.out" 2>&1
        rc=$?
        [[ $rc -eq 1 ]] && accepted+="$r "  # parsed, then the connection was refused
        [[ $rc -eq 2 ]] && ! grep -qF "expected a reason number (0-11 or 16, i.e. 0x00-0x0b or 0x10)" "$tmp/reason.out" &&
            fail "--disconnect $r: the usage error does not state the rule: $(cat "$tmp/reason.out")"
    done
    check "--disconnect accepts exactly 0-11 and 16 (accepted: $accepted)" test "$accepted" = "0 1 2 3 4 5 6 7 8 9 10 11 16 "
fi

# ---- usage, version, timeout -------------------------------------------------

# ---- bench -------------------------------------------------------------------
# Every variant in memory and over its network transport, handshakes both
# ways, and the command's usage errors. The figures are not judged (a
# debug build on a shared machine); the line's shape and its arithmetic are.

num_field() {  # num_field FIELD <<< LINE (numeric fields)
    sed -n "s/.*\"$1\":\([-0-9.e+]*\).*/\1/p"
}
# bench_line_ok LINE VARIANT TRANSPORT SIZE COUNT: one JSON line naming them,
# positive rates, and mb_per_s = msgs_per_s * size / 10^6.
bench_line_ok() {
    local line="$1"
    [[ "$(wc -l <<<"$line")" -eq 1 ]] &&
        [[ "$(json_field variant <<<"$line")" == "$2" ]] &&
        [[ "$(json_field transport <<<"$line")" == "$3" ]] &&
        [[ "$(num_field size <<<"$line")" == "$4" ]] &&
        [[ "$(num_field count <<<"$line")" == "$5" ]] &&
        awk -v m="$(num_field msgs_per_s <<<"$line")" -v b="$(num_field mb_per_s <<<"$line")" -v s="$4" \
            'BEGIN { d = m * s / 1e6 - b; if (d < 0) d = -d; exit !(m > 0 && d <= 1e-6 * (b + 1)) }'
}
export -f json_field num_field bench_line_ok
for v in rlpx noise-xk sha256-per-side x25519-xchacha x25519-xchacha-udp libp2p-noise; do
    net=tcp
    [[ $v == x25519-xchacha-udp ]] && net=udp
    out="$(pw bench --variant "$v" --size 100 --count 300)"
    check "bench --variant $v in memory: $out" bench_line_ok "$out" "$v" memory 100 300
    out="$(pw bench --variant "$v" --size 1000 --count 400 --transport "$net")"
    check "bench --variant $v over $net: $out" bench_line_ok "$out" "$v" "$net" 1000 400
    for t in memory "$net"; do
        out="$(pw bench --variant "$v" --handshakes 4 --transport "$t")"
        check "bench --variant $v --handshakes 4 --transport $t: $out" \
            bash -c '[[ $(json_field variant <<<"$1") == "$2" && $(num_field handshakes <<<"$1") == 4 ]] &&
                     awk -v r="$(num_field handshakes_per_s <<<"$1")" "BEGIN { exit !(r > 0) }"' _ "$out" "$v"
    done
done
out="$(pw bench --size 1048576 --count 4 --transport tcp --snappy off)"
check "bench rlpx: 1 MiB messages over tcp, snappy off: $out" \
    bash -c 'bench_line_ok "$1" rlpx tcp 1048576 4 && [[ $(json_field snappy <<<"$1") == off ]]' _ "$out"
check "bench without --variant is rlpx with snappy on" \
    bash -c '[[ $(json_field variant <<<"$1") == rlpx && $(json_field snappy <<<"$1") == on ]]' _ \
    "$(pw bench --size 0 --count 10)"
out="$(pw bench --variant x25519-xchacha --size 64 --count 1000 --transport tcp --batch 16)"
check "bench x25519-xchacha merges 16 messages a packet over tcp: $out" \
    bash -c 'bench_line_ok "$1" x25519-xchacha tcp 64 1000 && [[ $(num_field batch <<<"$1") == 16 ]]' _ "$out"
out="$(pw bench --variant x25519-xchacha-udp --size 64 --count 1000 --transport udp --batch 8)"
check "bench x25519-xchacha-udp counts what arrived and what was lost: $out" \
    bash -c 'bench_line_ok "$1" x25519-xchacha-udp udp 64 1000 &&
             (( $(num_field received <<<"$1") > 0 && $(num_field received <<<"$1") + $(num_field lost <<<"$1") == 1000 ))' \
    _ "$out"
# Datagram size negotiation: over loopback the probes find 65,507-byte
# datagrams, so 16 KiB messages travel one a datagram; off, the floor.
out="$(pw bench --variant x25519-xchacha-udp --size 16384 --count 200 --transport udp)"
check "bench x25519-xchacha-udp reports the negotiated datagram size and carries 16 KiB: $out" \
    bash -c 'bench_line_ok "$1" x25519-xchacha-udp udp 16384 200 && [[ $(num_field datagram_size <<<"$1") == 65507 ]] &&
             (( $(num_field received <<<"$1") > 0 ))' _ "$out"
out="$(pw bench --variant x25519-xchacha-udp --size 1300 --count 200 --transport udp --datagram-probes off)"
check "bench x25519-xchacha-udp --datagram-probes off keeps the 1,428-byte floor: $out" \
    bash -c 'bench_line_ok "$1" x25519-xchacha-udp udp 1300 200 && [[ $(num_field datagram_size <<<"$1") == 1428 ]]' _ "$out"
pw bench --variant x25519-xchacha-udp --size 16384 --count 10 --transport udp --datagram-probes off \
    >"$tmp/bench_off.out" 2>&1
check "bench x25519-xchacha-udp: 16 KiB without probes fails, saying what the path carries" \
    bash -c '[[ $1 -ne 0 ]] && grep -q "the path carries 1428-byte datagrams, datagram size negotiation off" "$2"' _ $? \
    "$tmp/bench_off.out"
bench_usage() {  # bench_usage MESSAGE ARGS...: exit 2 with MESSAGE on stderr, nothing on stdout
    local want="$1"
    shift
    local o e rc
    o="$(pw bench "$@" 2>"$tmp/bench_usage.err")"
    rc=$?
    [[ $rc -eq 2 && -z "$o" ]] && grep -qF -- "$want" "$tmp/bench_usage.err"
}
check "bench: a message too large for the variant is a usage error" \
    bench_usage "--size at most 65534 for --variant noise-xk" --variant noise-xk --size 65535 --count 1
check "bench: a datagram variant's size limit" \
    bench_usage "--size at most 65471" --variant x25519-xchacha-udp --size 65472 --count 1 --transport udp
check "bench: in memory, a datagram variant's floor" \
    bench_usage "--size at most 1392" --variant x25519-xchacha-udp --size 1393 --count 1
check "bench: --datagram-probes is x25519-xchacha-udp's" \
    bench_usage "--datagram-probes applies to --variant x25519-xchacha-udp" --variant x25519-xchacha --size 1 --count 1 \
    --datagram-probes off
check "bench: x25519-xchacha-udp does not run over tcp" \
    bench_usage "runs in memory or over udp" --variant x25519-xchacha-udp --size 1 --count 1 --transport tcp
check "bench: rlpx does not run over udp" bench_usage "runs in memory or over tcp" --size 1 --count 1 --transport udp
check "bench: --snappy is RLPx's" bench_usage "--snappy applies to --variant rlpx" --variant noise-xk --snappy off \
    --size 1 --count 1
check "bench: --batch needs a merging variant" bench_usage "--batch needs" --size 1 --count 1 --transport tcp --batch 4
check "bench: --handshakes takes no --size" bench_usage "takes no --size" --handshakes 2 --size 1
check "bench: --size and --count are needed" bench_usage "needs --size BYTES and --count N" --size 1
check "bench: an unknown variant" bench_usage "unknown --variant 'nope'" --variant nope --size 1 --count 1

pw --help >"$tmp/help.out" 2>&1
check "--help exits 0 with usage text" bash -c '[[ $1 -eq 0 ]] && grep -q "^Usage:" "$2"' _ $? "$tmp/help.out"
pw >/dev/null 2>&1
check "no arguments is a usage error" test $? -eq 2
pw dial --bogus >/dev/null 2>&1
check "an unknown option exits 2" test $? -eq 2
pw listen --key "$key_a" --port 0 >"$tmp/nocapopt.out" 2>&1
check "listen without --cap exits 2 with a clear message" \
    bash -c '[[ $1 -eq 2 ]] && grep -q "at least one --cap" "$2"' _ $? "$tmp/nocapopt.out"
pw listen --key 1234 --port 0 --cap test/1:8 >"$tmp/badkey.out" 2>&1
check "a malformed key exits 2 without echoing it" \
    bash -c '[[ $1 -eq 2 ]] && grep -q "invalid private key" "$2" && ! grep -q 1234 "$2"' _ $? "$tmp/badkey.out"
pw dial "$key_a" >"$tmp/poskey.out" 2>&1
check "a key given by mistake as an argument is not echoed" \
    bash -c '[[ $1 -eq 2 ]] && ! grep -q "$2" "$3"' _ $? "$key_a" "$tmp/poskey.out"
check "version prints 0.1.0" test "$(pw version)" = "0.1.0"

start=$(now_ms)
pw listen --key "$key_a" --port 0 --cap test/1:8 --timeout 0.5 >"$tmp/timeout.out" 2>&1
rc=$?
elapsed=$(($(now_ms) - start))
check "listen --timeout 0.5 with no peer exits 3 (took ${elapsed} ms)" test "$rc" -eq 3 -a "$elapsed" -lt 3000
check "the timeout is reported as an error event" grep -q '^{"event":"error","message":"timed out' "$tmp/timeout.out"

if [[ $failures -ne 0 ]]; then
    echo "$failures check(s) failed; outputs in $tmp" >&2
    exit 1
fi
echo "all checks passed"
