#!/usr/bin/env bash
# `polywire bench` with two builds of the tool, in the same run on the same
# machine, alternating: for every round and every configuration one run of
# each build, the build that goes first switching from round to round (so
# that a drift of the machine's load falls on both). Prints Markdown: for
# each configuration the median of the rounds with the lowest and highest
# run, the ratio of the medians (second build / first build) and whether the
# two builds' ranges overlap (if they do, the difference is within the
# spread across rounds, i.e. within noise).
#
#   ./bazelw build --config=opt //tools:polywire   (in each tree; copy the binary out)
#   tools/bench/before_after.sh BIN_BEFORE BIN_AFTER [ROUNDS]
#
# ROUNDS defaults to 3. Configurations: every variant in memory and over
# loopback (tcp; udp for x25519-xchacha-udp), 64 B, 1 KiB and 16 KiB
# messages (1,300 B for x25519-xchacha-udp, whose messages hold at most
# 1,392 bytes), and handshakes per second; only flags both builds accept.
# Each run starts in its own session whose autogroup is set to nice -15
# when the kernel allows it (less interference from other work on the
# machine); the load average is printed before and after.
# BEFORE_AFTER_RAW=FILE keeps every run's JSON line, tagged with the build.
# BEFORE_AFTER_RUN_LIMIT=S: a run still going after S seconds (default 120)
# is killed and listed as failed; its round is left out of that cell.
# BEFORE_AFTER_VARIANTS="rlpx noise-xk" limits the variants;
# BEFORE_AFTER_ONLY=REGEX keeps the configurations whose key ("VARIANT
# TRANSPORT SIZE", SIZE "hs" for handshakes) matches, e.g. ' tcp 1024$'.
# A second table gives each run's CPU time (user + system, both sides, from
# /usr/bin/time) per message or per handshake: less disturbed than the rates
# by other work taking the cores, though not immune to it (caches, context
# switches).
set -euo pipefail

before="${1:?usage: before_after.sh BIN_BEFORE BIN_AFTER [ROUNDS]}"
after="${2:?usage: before_after.sh BIN_BEFORE BIN_AFTER [ROUNDS]}"
rounds="${3:-3}"
variants="${BEFORE_AFTER_VARIANTS:-rlpx noise-xk sha256-per-side x25519-xchacha x25519-xchacha-udp}"
only="${BEFORE_AFTER_ONLY:-.}"
run_limit="${BEFORE_AFTER_RUN_LIMIT:-120}"
for b in "$before" "$after"; do
    if [[ ! -x $b ]]; then
        echo "before_after.sh: $b is not an executable" >&2
        exit 1
    fi
done

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
raw="${BEFORE_AFTER_RAW:-$tmp/raw}"
: >"$raw"
: >"$tmp/failed"
: >"$tmp/values"
: >"$tmp/cpu_values"

field() { sed -n "s/.*\"$1\":\([-0-9.e+]*\).*/\1/p"; }

# A count that takes roughly a second in memory on an idle machine.
count_for() {
    case "$1" in
        64) echo 400000 ;;
        1024) echo 200000 ;;
        1300) echo 150000 ;;
        16384) echo 30000 ;;
    esac
}

# The configurations, one a line: KEY|FIELD|LABEL|ARGS.
configs() {
    local v net big t size f label
    for v in $variants; do
        net=tcp
        big=16384
        if [[ $v == x25519-xchacha-udp ]]; then
            net=udp
            big=1300
        fi
        for t in memory "$net"; do
            for size in 64 1024 "$big"; do
                if [[ $size == 64 ]]; then f=msgs_per_s label="64 B, msgs/s"; else f=mb_per_s label="$size B, MB/s"; fi
                echo "$v $t $size|$f|$label|--variant $v --transport $t --size $size --count $(count_for "$size")"
            done
            echo "$v $t hs|handshakes_per_s|handshakes/s|--variant $v --transport $t --handshakes 2000"
        done
    done
}

# run BIN ARGS...: one bench run at autogroup nice -15 (when permitted); its
# CPU time (user + system, both sides, seconds) goes to $tmp/cpu.
# A run that has not ended after $run_limit seconds is killed and counted as
# failed (listed under the tables), as is one that exits non-zero.
run() {
    /usr/bin/time -f '%U %S' -o "$tmp/cpu" timeout -k 5 "$run_limit" \
        setsid -w bash -c 'echo -15 >/proc/self/autogroup 2>/dev/null || true; exec "$@"' _ "$1" bench "${@:2}"
}

nice_ok=no
if setsid -w bash -c 'echo -15 >/proc/self/autogroup' 2>/dev/null; then nice_ok=yes; fi
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
start="$(date -u '+%Y-%m-%d %H:%M UTC')"

configs >"$tmp/configs"
for r in $(seq "$rounds"); do
    if ((r % 2)); then order="before after"; else order="after before"; fi
    while IFS='|' read -r key f _ args; do
        [[ $key =~ $only ]] || continue
        for which in $order; do
            bin="$before"
            [[ $which == after ]] && bin="$after"
            # shellcheck disable=SC2086
            line="$(run "$bin" $args)" && rc=0 || rc=$?
            if ((rc != 0)) || [[ -z $(field "$f" <<<"$line") ]]; then
                # 124: killed by timeout after run_limit seconds.
                echo "$which, $key, round $r: exit status $rc" >>"$tmp/failed"
                echo "$which|$key|failed" >>"$raw"
                continue
            fi
            echo "$which|$key|$line" >>"$raw"
            echo "$which|$key|$(field "$f" <<<"$line")|$r" >>"$tmp/values"
            # CPU microseconds per message (or per handshake) of the run.
            per="$(field count <<<"$line")"
            [[ -n $per ]] || per="$(field handshakes <<<"$line")"
            echo "$which|$key|$(awk -v n="$per" '{ printf "%.4f", ($1 + $2) * 1e6 / n }' "$tmp/cpu")|$r" >>"$tmp/cpu_values"
        done
    done <"$tmp/configs"
done
load_end="$(cut -d' ' -f1-3 /proc/loadavg)"
end="$(date -u '+%H:%M UTC')"

# stats WHICH KEY [FILE]: "median min max" of the rounds.
stats() {
    awk -F'|' -v w="$1" -v k="$2" '$1 == w && $2 == k { print $3 }' "${3:-$tmp/values}" | sort -g |
        awk '{ v[NR] = $1 } END { if (NR > 0) print v[int((NR + 1) / 2)], v[1], v[NR] }'
}
# paired KEY FILE: the rounds' own ratios (after / before of the two runs
# taken one after the other): "median-ratio rounds-after-higher rounds".
paired() {
    awk -F'|' -v k="$1" '$2 == k { v[$1, $4] = $3; r[$4] = 1 }
        END { for (i in r) if (("after", i) in v && ("before", i) in v) print v["after", i] / v["before", i] }' "$2" | sort -g |
        awk '{ v[NR] = $1; if ($1 > 1) up++ } END { printf "%.2f %d %d\n", v[int((NR + 1) / 2)], up, NR }'
}
fmt() {  # fmt VALUE FIELD
    if [[ $2 == mb_per_s ]]; then printf '%.1f' "$1"; else printf '%.0f' "$1"; fi
}

echo "Before: $before (sha256 $(sha256sum "$before" | cut -c1-12)); after: $after (sha256 $(sha256sum "$after" | cut -c1-12))."
echo "$start to $end, $rounds rounds, alternating (odd rounds before first, even rounds after first);"
echo "load average (1, 5, 15 min) $load_start at the start, $load_end at the end; $(nproc) cores;"
echo "runs at autogroup nice -15: $nice_ok. Each cell: median (lowest-highest) of the rounds;"
echo "after/before: ratio of the medians; paired: median of the rounds' own ratios (the two runs one after"
echo "the other) and in how many rounds after was higher; within noise: whether the two ranges overlap."
echo
echo "| variant | transport | measure | before | after | after/before | paired | within noise |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
while IFS='|' read -r key f label _; do
    [[ $key =~ $only ]] || continue
    read -r v t _ <<<"$key"
    read -r bm bl bh <<<"$(stats before "$key")"
    read -r am al ah <<<"$(stats after "$key")"
    if [[ -z $bm || -z $am ]]; then
        echo "| $v | $t | $label | n/a | n/a | n/a | n/a | no figure (runs failed) |"
        continue
    fi
    ratio="$(awk -v a="$am" -v b="$bm" 'BEGIN { printf "%.2f", a / b }')"
    verdict="$(awk -v bl="$bl" -v bh="$bh" -v al="$al" -v ah="$ah" 'BEGIN {
        if (al > bh) print "no: after faster"; else if (ah < bl) print "no: after slower"; else print "yes (ranges overlap)" }')"
    read -r pr pu pn <<<"$(paired "$key" "$tmp/values")"
    echo "| $v | $t | $label | $(fmt "$bm" "$f") ($(fmt "$bl" "$f")-$(fmt "$bh" "$f")) | $(fmt "$am" "$f") ($(fmt "$al" "$f")-$(fmt "$ah" "$f")) | $ratio | $pr, $pu/$pn higher | $verdict |"
done <"$tmp/configs"
echo
echo "CPU time of the same runs (user + system, both sides), microseconds per message or per handshake: lower is better."
echo
echo "| variant | transport | measure | before, µs | after, µs | after/before | paired | within noise |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
while IFS='|' read -r key f label _; do
    [[ $key =~ $only ]] || continue
    read -r v t size <<<"$key"
    if [[ $size == hs ]]; then label="per handshake"; else label="$size B, per message"; fi
    read -r bm bl bh <<<"$(stats before "$key" "$tmp/cpu_values")"
    read -r am al ah <<<"$(stats after "$key" "$tmp/cpu_values")"
    if [[ -z $bm || -z $am ]]; then
        echo "| $v | $t | $label | n/a | n/a | n/a | n/a | no figure (runs failed) |"
        continue
    fi
    ratio="$(awk -v a="$am" -v b="$bm" 'BEGIN { printf "%.2f", a / b }')"
    verdict="$(awk -v bl="$bl" -v bh="$bh" -v al="$al" -v ah="$ah" 'BEGIN {
        if (al > bh) print "no: after costlier"; else if (ah < bl) print "no: after cheaper"; else print "yes (ranges overlap)" }')"
    c() { awk -v x="$1" 'BEGIN { if (x >= 100) printf "%.0f", x; else if (x >= 10) printf "%.1f", x; else if (x >= 1) printf "%.2f", x; else printf "%.3f", x }'; }
    read -r pr pu pn <<<"$(paired "$key" "$tmp/cpu_values")"
    echo "| $v | $t | $label | $(c "$bm") ($(c "$bl")-$(c "$bh")) | $(c "$am") ($(c "$al")-$(c "$ah")) | $ratio | $pr, $pu/$pn higher | $verdict |"
done <"$tmp/configs"
if [[ -s $tmp/failed ]]; then
    echo
    echo "Runs that failed (non-zero exit, no figure, or killed after $run_limit s), left out above:"
    echo
    sed 's/^/- /' "$tmp/failed"
fi
