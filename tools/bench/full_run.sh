#!/usr/bin/env bash
# Every figure of docs/performance.md's "Figures" section in one run, on one
# machine, into one directory: run it on an otherwise idle machine (nothing
# compiling or testing) and copy the tables from OUT_DIR.
#
#   ./bazelw build --config=opt //tools/bench //tools:polywire
#   cp bazel-out/k8-opt/bin/tools/bench/bench bazel-out/k8-opt/bin/tools/polywire /some/dir/
#   tools/bench/full_run.sh /some/dir/bench /some/dir/polywire OUT_DIR [GETH_PEER [POLYWIRE_BEFORE]]
#
# (copy the binaries out: another build would replace them under bazel-out.)
#
# OUT_DIR gets, in this order:
#   machine.txt    date, kernel, CPU, load average, library versions
#   bench.txt      the benchmark suite, three repetitions each (medians), with its
#   bench.json     five tables (limits, seal+open, heap, handshakes, TCP)
#   performance.svg  the chart (tools/bench/chart.py bench.json)
#   cli.md         `polywire bench` for every variant, and RLPx over TCP
#                  beside go-ethereum's own peer (GETH_PEER; see
#                  tools/bench/cli_figures.sh), FULL_RUN_ROUNDS rounds (3)
#   udp.md         x25519-xchacha-udp over loopback UDP at 1,300 B and 16 KiB:
#                  negotiated datagrams (the default), the 1,428-byte floor
#                  (one message a datagram), and the floor without GSO/GRO
#   before.md      with POLYWIRE_BEFORE (another build of `polywire`, e.g.
#                  the last commit of an earlier round): RLPx over TCP, both
#                  builds alternating (tools/bench/before_after.sh)
#   load.txt       the load average after each step
set -euo pipefail

bench="${1:?usage: full_run.sh BENCH POLYWIRE OUT_DIR [GETH_PEER [POLYWIRE_BEFORE]]}"
pw="${2:?usage: full_run.sh BENCH POLYWIRE OUT_DIR [GETH_PEER [POLYWIRE_BEFORE]]}"
out="${3:?usage: full_run.sh BENCH POLYWIRE OUT_DIR [GETH_PEER [POLYWIRE_BEFORE]]}"
geth="${4:-}"
before="${5:-}"
rounds="${FULL_RUN_ROUNDS:-3}"
here="$(cd "$(dirname "$0")" && pwd)"
for b in "$bench" "$pw" ${geth:+"$geth"} ${before:+"$before"}; do
    if [[ ! -x $b ]]; then
        echo "full_run.sh: $b is not an executable" >&2
        exit 1
    fi
done
mkdir -p "$out"
out="$(cd "$out" && pwd)"

step() {  # step NAME: logs the time and load average
    echo "$(date -u '+%Y-%m-%d %H:%M:%S UTC') $1: load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/load.txt" >&2
}

{
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "kernel: $(uname -sr)"
    echo "cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(nproc) cores"
    echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
    for p in libbotan-2-19 libssl3 libsodium23 libsecp256k1-1 libgcrypt20 libsnappy1v5 g++-12; do
        echo "$p: $(dpkg-query -W -f '${Version}' "$p" 2>/dev/null || echo '?')"
    done
} >"$out/machine.txt"
: >"$out/load.txt"

step "benchmark suite"
# Three repetitions of each benchmark, randomly interleaved; the tables and
# the chart take each one's median.
"$bench" --benchmark_min_time=0.3 --benchmark_repetitions=3 --benchmark_enable_random_interleaving=true \
    --benchmark_report_aggregates_only=true --benchmark_out="$out/bench.json" --benchmark_out_format=json \
    --benchmark_color=false >"$out/bench.txt"
python3 "$here/chart.py" "$out/bench.json" "$out/performance.svg"

step "polywire bench, every variant; RLPx beside go-ethereum"
"$here/cli_figures.sh" "$pw" "$rounds" ${geth:+"$geth"} >"$out/cli.md"

step "UDP"
field() { sed -n "s/.*\"$1\":\([-0-9.e+]*\).*/\1/p"; }
spread() {  # spread FIELD ARGS...: median (lowest-highest) of 3 x rounds runs, and the lost messages
    local f="$1" v=() lost=0 line
    shift
    for _ in $(seq $((3 * rounds))); do
        line="$("$@")"
        v+=("$(field "$f" <<<"$line")")
        lost=$((lost + $(field lost <<<"$line")))
        dg="$(field datagram_size <<<"$line")"
    done
    printf '%s\n' "${v[@]}" | sort -g | awk -v lost="$lost" -v dg="$dg" -v n="${#v[@]}" \
        '{ v[NR] = $1 } END { printf "%.0f (%.0f-%.0f), %s-byte datagrams, %d lost in %d runs", v[int((NR + 1) / 2)], v[1], v[NR], dg, lost, n }'
}
udp() { "$pw" bench --variant x25519-xchacha-udp --transport udp "$@"; }
{
    echo "x25519-xchacha-udp over loopback UDP, MB/s: median (lowest-highest) of $((3 * rounds)) runs"
    echo
    echo "| messages | negotiated datagrams (default) | 1,428-byte floor (\`--datagram-probes off\`) | floor, no GSO/GRO (\`POLYWIRE_UDP_GSO=0 POLYWIRE_UDP_GRO=0\`) |"
    echo "| --- | --- | --- | --- |"
    a=(--size 1300 --count 200000 --batch 64)
    echo "| 1,300 B, \`--batch 64\` | $(spread mb_per_s udp "${a[@]}") | $(spread mb_per_s udp "${a[@]}" --datagram-probes off) | $(POLYWIRE_UDP_GSO=0 POLYWIRE_UDP_GRO=0 spread mb_per_s udp "${a[@]}" --datagram-probes off) |"
    a=(--size 1300 --count 100000)
    echo "| 1,300 B, one at a time | $(spread mb_per_s udp "${a[@]}") | $(spread mb_per_s udp "${a[@]}" --datagram-probes off) | $(POLYWIRE_UDP_GSO=0 POLYWIRE_UDP_GRO=0 spread mb_per_s udp "${a[@]}" --datagram-probes off) |"
    echo "| 16 KiB | $(spread mb_per_s udp --size 16384 --count 50000) | no fragmentation: refused | — |"
    echo
    echo "The same in memory (one thread, no system calls), 1,300 B: $(spread mb_per_s "$pw" bench --variant x25519-xchacha-udp --transport memory --size 1300 --count 200000 | sed 's/, -byte datagrams//')"
} >"$out/udp.md"

if [[ -n $before ]]; then
    step "RLPx over TCP, $before beside $pw"
    BEFORE_AFTER_VARIANTS=rlpx BEFORE_AFTER_ONLY='^rlpx tcp ' "$here/before_after.sh" "$before" "$pw" "$rounds" \
        >"$out/before.md"
fi
step "done"
