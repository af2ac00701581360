#!/bin/sh
echo "polywire: bazel coverage is not supported with the offline toolchain (see docs/building.md)" >&2
exit 1
