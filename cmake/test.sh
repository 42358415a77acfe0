#!/bin/sh
# The README's second command: builds fearsim (into build/, reusing it if present) and runs
# the whole test suite: unit, integration and validation tests (cmocka) and the analysis
# package's tests (pytest), all through ctest.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
sh "$root/cmake/install-deps.sh" --test
cmake -S "$root" -B "$root/build" >/dev/null
cmake --build "$root/build" -j "$(nproc)"
ctest --test-dir "$root/build" --output-on-failure -j "$(nproc)"
