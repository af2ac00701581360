#!/usr/bin/env bash
# The golden transcript against the independent Python checker (and the
# checker against altered copies of the transcript): golden_check_test.py.
set -euo pipefail
exec python3 "$1" "$2" "$3"
