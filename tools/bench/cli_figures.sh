#!/usr/bin/env bash
# The "command line" tables of docs/performance.md: `polywire bench` for
# every variant, in memory and over loopback TCP (UDP for
# x25519-xchacha-udp), at 64 B, 1 KiB and 16 KiB (1,392 B for datagrams),
# then handshakes per second both ways, then RLPx over TCP beside
# go-ethereum's own peer run by this script (when its path is given), with
# the spread of 3 x ROUNDS runs. Prints Markdown; each cell of the first two
# tables is the median of ROUNDS runs (default 3). Run it on an otherwise
# idle machine:
#
#   ./bazelw build --config=opt //tools:polywire
#   tools/bench/cli_figures.sh bazel-out/k8-opt/bin/tools/polywire [ROUNDS [GETH_PEER]]
#
# GETH_PEER: a go-ethereum RLPx peer with a `bench` command (`bench --size B
# --count N`, `bench --handshakes N`, printing one JSON line
# {"event":"bench",...,"msgs_per_s","MB_per_s"} or "handshakes_per_s").
# CLI_FIGURES_ONLY=rlpx-tcp prints only the last table (RLPx over TCP,
# beside go-ethereum when its path is given).
set -euo pipefail

pw="${1:?usage: cli_figures.sh PATH_TO_OPT_POLYWIRE [ROUNDS [GETH_PEER]]}"
rounds="${2:-3}"
geth="${3:-}"
if [[ -n $geth && ! -x $geth ]]; then
    echo "cli_figures.sh: $geth is not an executable" >&2
    exit 1
fi

field() { sed -n "s/.*\"$1\":\([-0-9.e+]*\).*/\1/p"; }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# A count that takes roughly a second in memory on this kind of machine.
count_for() {
    case "$1" in
        64) echo 400000 ;;
        1024) echo 200000 ;;
        1392) echo 150000 ;;
        16384) echo 30000 ;;
    esac
}

# cell ARGS...: "N msgs/s, M MB/s", medians over the rounds.
cell() {
    local m=() b=() line
    for _ in $(seq "$rounds"); do
        line="$("$pw" bench "$@")"
        m+=("$(field msgs_per_s <<<"$line")")
        b+=("$(field mb_per_s <<<"$line")")
    done
    printf '%s msgs/s, %s MB/s' "$(printf '%s\n' "${m[@]}" | median | xargs printf '%.0f')" \
        "$(printf '%s\n' "${b[@]}" | median | xargs printf '%.1f')"
}

rate() {
    local r=() line
    for _ in $(seq "$rounds"); do
        line="$("$pw" bench "$@")"
        r+=("$(field handshakes_per_s <<<"$line")")
    done
    printf '%s\n' "${r[@]}" | median | xargs printf '%.0f'
}

if [[ ${CLI_FIGURES_ONLY:-} != rlpx-tcp ]]; then
echo "| variant | transport | 64 B | 1 KiB | 16 KiB (datagrams: 1,392 B) |"
echo "| --- | --- | --- | --- | --- |"
for v in rlpx noise-xk sha256-per-side x25519-xchacha x25519-xchacha-udp libp2p-noise; do
    net=tcp
    big=16384
    if [[ $v == x25519-xchacha-udp ]]; then
        net=udp
        big=1392
    fi
    for t in memory "$net"; do
        row="| $v | $t"
        for size in 64 1024 "$big"; do
            row+=" | $(cell --variant "$v" --transport "$t" --size "$size" --count "$(count_for "$size")")"
        done
        echo "$row |"
    done
done
echo
echo "| variant | handshakes/s in memory | handshakes/s over the network |"
echo "| --- | --- | --- |"
for v in rlpx noise-xk sha256-per-side x25519-xchacha x25519-xchacha-udp libp2p-noise; do
    net=tcp
    [[ $v == x25519-xchacha-udp ]] && net=udp
    echo "| $v | $(rate --variant "$v" --handshakes 2000) | $(rate --variant "$v" --handshakes 2000 --transport "$net") ($net) |"
done
fi

# RLPx over TCP beside go-ethereum v1.12.2's own rlpx.Conn (its command-line
# peer, `geth-peer bench`: listener and dialer in one process over loopback
# TCP, snappy off), both run in this script, alternating, 3 x ROUNDS runs
# each: median (lowest-highest). polywire runs with snappy off too, so both
# do the same work. Without the peer, polywire's figures alone.
spread_of() {  # spread_of FIELD FILE: median (lowest-highest) of the lines
    field "$1" <"$2" | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a"; else printf "%.0f (%.0f-%.0f)", v[int((NR + 1) / 2)], v[1], v[NR] }'
}
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
side_by_side() {  # side_by_side NAME POLYWIRE_FIELD GETH_FIELD "POLYWIRE ARGS" "GETH ARGS"
    local name="$1" pf="$2" gf="$3" pargs="$4" gargs="$5"
    : >"$tmp/pw"
    : >"$tmp/geth"
    for _ in $(seq $((3 * rounds))); do
        # shellcheck disable=SC2086
        "$pw" bench $pargs >>"$tmp/pw"
        # shellcheck disable=SC2086
        [[ -n $geth ]] && "$geth" bench $gargs | grep '"event":"bench"' >>"$tmp/geth"
    done
    if [[ -n $geth ]]; then
        echo "| $name | $(spread_of "$gf" "$tmp/geth") | $(spread_of "$pf" "$tmp/pw") |"
    else
        echo "| $name | $(spread_of "$pf" "$tmp/pw") |"
    fi
}
echo
if [[ -n $geth ]]; then
    echo "RLPx over TCP, snappy off, beside go-ethereum ($(basename "$geth")), alternating: median (lowest-highest) of $((3 * rounds)) runs each"
    echo
    echo "| RLPx over TCP, snappy off | go-ethereum v1.12.2 | polywire |"
    echo "| --- | --- | --- |"
else
    echo "RLPx over TCP, snappy off: median (lowest-highest) of $((3 * rounds)) runs. No go-ethereum peer given"
    echo "(third argument): polywire's figures alone, nothing to compare with."
    echo
    echo "| RLPx over TCP, snappy off | polywire |"
    echo "| --- | --- |"
fi
side_by_side "16 KiB, MB/s" mb_per_s MB_per_s "--transport tcp --snappy off --size 16384 --count 30000" "--size 16384 --count 30000"
side_by_side "1 KiB, MB/s" mb_per_s MB_per_s "--transport tcp --snappy off --size 1024 --count 200000" "--size 1024 --count 200000"
side_by_side "64 B, messages/s" msgs_per_s msgs_per_s "--transport tcp --snappy off --size 64 --count 400000" "--size 64 --count 400000"
side_by_side "handshakes/s" handshakes_per_s handshakes_per_s "--transport tcp --snappy off --handshakes 2000" "--handshakes 2000"
