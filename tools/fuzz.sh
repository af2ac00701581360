#!/usr/bin/env bash
# Runs every fuzz target (tests/fuzz) under libFuzzer for SECONDS each.
#   tools/fuzz.sh [SECONDS] [TARGET...]        default: 60 s, every target
#   tools/fuzz.sh --list                       the targets, one a line
# The targets come from the build: every rule that the polywire_fuzz_target
# macro (tests/fuzz/fuzz.bzl) tags "polywire_fuzz_target", so a target
# without a checked-in corpus is fuzzed too (from an empty corpus).
# Builds with --config=fuzz (clang, ASan+UBSan, libFuzzer). Each run starts
# from the checked-in seed corpus (read-only), if there is one, and a
# scratch corpus; crashes are saved under fuzz-out/<target>/ and fail the
# run. Prints one line per target ("//tests/fuzz:<t>  PASSED ..." or
# "FAILED"), then the figures.
set -uo pipefail
cd "$(dirname "$0")/.."
list_targets() {
  ./bazelw query --noshow_progress 'attr(tags, "\bpolywire_fuzz_target\b", kind(cc_binary, //tests/fuzz:*))' \
    2>/dev/null | sed -n 's|^//tests/fuzz:||p' | sort
}
if [ "${1:-}" = "--list" ]; then
  list_targets
  exit $?
fi
secs="${1:-60}"
shift || true
if [ "$#" -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(list_targets)
  [ "${#targets[@]}" -gt 0 ] || { echo "no fuzz target found (bazel query failed?)" >&2; exit 1; }
fi
labels=()
for t in "${targets[@]}"; do labels+=("//tests/fuzz:$t"); done
./bazelw build --config=fuzz "${labels[@]}" >&2 || { echo "fuzz build failed" >&2; exit 1; }
# The bazel-bin symlink follows whatever was built last; copy the fuzzers
# out of the fuzz configuration's own output tree now.
bin="$(bazel info --config=fuzz bazel-bin 2>/dev/null)/tests/fuzz"

out="fuzz-out"
mkdir -p "$out/bin"
for t in "${targets[@]}"; do cp -f "$bin/$t" "$out/bin/$t" || { echo "no fuzzer binary for $t" >&2; exit 1; }; done
status=0
summary=()
for t in "${targets[@]}"; do
  work="$out/$t"
  rm -rf "$work"
  mkdir -p "$work/corpus" "$work/artifacts"
  log="$work/log.txt"
  seeds=()
  if [ -d "tests/fuzz/corpus/$t" ]; then
    seeds=("tests/fuzz/corpus/$t")
  else
    echo "$t: no checked-in corpus, starting from an empty one" >&2
  fi
  "$out/bin/$t" -max_total_time="$secs" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$work/artifacts/" "$work/corpus" "${seeds[@]}" >"$log" 2>&1
  rc=$?
  runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1)
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+')
  ft=$(grep -oE 'ft: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+')
  if [ "$rc" -eq 0 ] && ! ls "$work/artifacts" | grep -q .; then
    echo "//tests/fuzz:$t  PASSED  (${secs}s, ${runs:-?} runs, cov ${cov:-?}, ft ${ft:-?})"
  else
    echo "//tests/fuzz:$t  FAILED  (exit $rc; see $log and $work/artifacts)"
    tail -30 "$log" >&2
    status=1
  fi
  summary+=("| $t | ${secs} | ${runs:-?} | ${cov:-?} | ${ft:-?} |")
done
echo
echo "| target | seconds | executions | coverage (edges) | features |"
echo "| --- | --- | --- | --- | --- |"
printf '%s\n' "${summary[@]}"
exit $status
