#!/usr/bin/env bash
# The "command line" tables of docs/performance.md: `polywire bench` for
# every variant, in memory and over loopback TCP (UDP for
# x25519-xchacha-udp), at 64 B, 1 KiB and 16 KiB (1,392 B for datagrams),
# then handshakes per second both ways, then RLPx over TCP against
# go-ethereum's figures with the spread of 3 x ROUNDS runs. Prints Markdown;
# each cell is the median of ROUNDS runs (default 3). Run it on an otherwise
# idle machine:
#
#   ./bazelw build --config=opt //tools:polywire
#   tools/bench/cli_figures.sh bazel-out/k8-opt/bin/tools/polywire [ROUNDS]
set -euo pipefail

pw="${1:?usage: cli_figures.sh PATH_TO_OPT_POLYWIRE [ROUNDS]}"
rounds="${2:-3}"

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

echo "| variant | transport | 64 B | 1 KiB | 16 KiB (datagrams: 1,392 B) |"
echo "| --- | --- | --- | --- | --- |"
for v in rlpx noise-xk sha256-per-side x25519-xchacha x25519-xchacha-udp; do
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
for v in rlpx noise-xk sha256-per-side x25519-xchacha x25519-xchacha-udp; do
    net=tcp
    [[ $v == x25519-xchacha-udp ]] && net=udp
    echo "| $v | $(rate --variant "$v" --handshakes 2000) | $(rate --variant "$v" --handshakes 2000 --transport "$net") ($net) |"
done

# RLPx over TCP against go-ethereum v1.12.2 on this machine kind (the
# performance issue's figures): median, lowest and highest of 3 x ROUNDS runs.
spread() {  # spread FIELD ARGS...
    local f="$1" v=()
    shift
    for _ in $(seq $((3 * rounds))); do v+=("$("$pw" bench "$@" | field "$f")"); done
    printf '%s\n' "${v[@]}" | sort -g | awk '{ v[NR] = $1 } END { printf "%.0f (%.0f-%.0f)", v[int((NR + 1) / 2)], v[1], v[NR] }'
}
echo
echo "| RLPx over TCP, snappy on | go-ethereum | polywire: median (lowest-highest) of $((3 * rounds)) runs |"
echo "| --- | --- | --- |"
echo "| 16 KiB, MB/s | 276 | $(spread mb_per_s --transport tcp --size 16384 --count 30000) |"
echo "| 1 KiB, MB/s | 127 | $(spread mb_per_s --transport tcp --size 1024 --count 200000) |"
echo "| 64 B, messages/s | 243,000 | $(spread msgs_per_s --transport tcp --size 64 --count 400000) |"
echo "| handshakes/s | 1,170 | $(spread handshakes_per_s --transport tcp --handshakes 2000) |"
