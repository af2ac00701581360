#!/bin/bash
# Runs the compiler on each snippet given as an argument (paths relative to
# the runfiles root, the working directory of a Bazel test). Each must fail to
# compile with exactly one error, whose text contains the snippet's first
# line after "// expect: ".
set -u
CXX="${CXX:-g++}"
failures=0
for snippet in "$@"; do
    expected=$(sed -n '1s|^// expect: ||p' "$snippet")
    if [[ -z "$expected" ]]; then
        echo "FAIL $snippet: no '// expect: ' first line"
        failures=$((failures + 1))
        continue
    fi
    if output=$("$CXX" -std=c++20 -fsyntax-only -I. -I/usr/include/botan-2 "$snippet" 2>&1); then
        echo "FAIL $snippet: compiled, but must not"
        failures=$((failures + 1))
        continue
    fi
    errors=$(grep -c 'error:' <<<"$output")
    if ! grep -qF -- "error: static assertion failed: $expected" <<<"$output"; then
        echo "FAIL $snippet: the message"
        echo "    $expected"
        echo "  is not in the compiler's output:"
        sed 's/^/    /' <<<"$output" | head -40
        failures=$((failures + 1))
    elif [[ "$errors" -ne 1 ]]; then
        echo "FAIL $snippet: $errors errors instead of the one message:"
        grep 'error:' <<<"$output" | sed 's/^/    /' | head -20
        failures=$((failures + 1))
    else
        echo "ok   $snippet"
    fi
done
if [[ $# -eq 0 ]]; then
    echo "FAIL: no snippets given"
    exit 1
fi
exit $((failures > 0))
