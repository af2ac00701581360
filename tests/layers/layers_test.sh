#!/usr/bin/env bash
# The layers of docs/architecture.md ("Layers"), checked on every
# `#include "..."` of the source tree. From the bottom:
#   base       transport/{bytes,error,result,random,node_url}.{hpp,cpp}
#   crypto/    primitives                includes: base
#   policies/  concepts and models       includes: crypto/, base
#   transport/ the session, adapters     includes: policies/ (and base)
#   rlpx/, variants/  the protocols      includes: transport/, policies/, crypto/
#   tools/, examples/                    includes: any of the above
# and nothing outside tests/ includes tests/. A file that includes a higher
# layer fails the test, with the file and the line.
#
#   tests/layers/layers_test.sh [ROOT]    (default: the tree this script is in)
#
# The tree is read where it is (the script's real path), not from Bazel's
# runfiles, so the test is tagged "external" (never cached).
set -uo pipefail

base_files='transport/(bytes|error|result|random|node_url)\.(hpp|cpp)'

# allowed FOLDER: the include prefixes (extended regex) that FOLDER's files may use.
allowed() {
    case "$1" in
        base) echo "$base_files" ;;
        crypto) echo "crypto/|$base_files" ;;
        policies) echo "policies/|crypto/|$base_files" ;;
        transport) echo "transport/|policies/" ;;
        rlpx | variants) echo "rlpx/|variants/|transport/|policies/|crypto/" ;;
        tools | examples) echo "tools/|examples/|rlpx/|variants/|transport/|policies/|crypto/" ;;
    esac
}

# check ROOT: prints every forbidden include; fails if there is one.
check() {
    local root="$1" bad=0 folder layer file line target
    for folder in crypto policies transport rlpx variants tools examples; do
        [ -d "$root/$folder" ] || continue
        while IFS= read -r file; do
            layer="$folder"
            [[ "${file#"$root"/}" =~ ^$base_files$ ]] && layer=base
            while IFS= read -r line; do
                target="${line#*\"}"
                target="${target%%\"*}"
                # Only the project's own folders (third-party headers use <...>).
                [[ "$target" =~ ^(crypto|policies|transport|rlpx|variants|tools|examples|tests)/ ]] || continue
                if ! [[ "$target" =~ ^($(allowed "$layer")) ]]; then
                    echo "${file#"$root"/}: $line  (the $layer layer may not include $target; docs/architecture.md, \"Layers\")"
                    bad=1
                fi
            done < <(grep -E '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$file")
        done < <(find "$root/$folder" -type f \( -name '*.hpp' -o -name '*.cpp' -o -name '*.h' -o -name '*.cc' \) | sort)
    done
    return $bad
}

root="${1:-$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)}"
[ -d "$root/transport" ] || { echo "no source tree at $root" >&2; exit 2; }

# The checker itself catches a forbidden include (a primitive including the
# session) and passes a tree that keeps the layers.
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/good/crypto" "$scratch/good/transport" "$scratch/bad/crypto"
printf '#include "transport/bytes.hpp"\n#include "crypto/hash.hpp"\n' >"$scratch/good/crypto/a.hpp"
printf '#include "policies/cipher.hpp"\n' >"$scratch/good/transport/session.hpp"
printf '#include "transport/session.hpp"\n' >"$scratch/bad/crypto/a.hpp"
check "$scratch/good" >/dev/null || { echo "self-check: a tree that keeps the layers was refused" >&2; exit 1; }
if check "$scratch/bad" >/dev/null; then
    echo "self-check: crypto/ including transport/session.hpp was not caught" >&2
    exit 1
fi

if check "$root"; then
    echo "every include keeps the layers ($root)"
else
    echo "FAILED: includes above break the layers of docs/architecture.md" >&2
    exit 1
fi
