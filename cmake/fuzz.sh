#!/bin/sh
# Fuzzes the experiment, sweep and spike-time readers with libFuzzer under ASan + UBSan:
# builds build-fuzz/ with clang (FEARSIM_FUZZ=ON), then runs each harness for SECONDS seconds
# (default 20: CI's one-minute smoke run) from the seed corpus in configs/ and fuzz/corpus/.
# Any crash, leak, undefined behaviour or input slower than 60 s fails the script; the
# input that did it is left in build-fuzz/artifacts/. docs/fuzzing.md says how to run longer.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-20}
build="$root/build-fuzz"
cmake -S "$root" -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DFEARSIM_FUZZ=ON -DFEARSIM_TESTS=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" --target fuzz_experiment fuzz_sweep fuzz_spikecsv
mkdir -p "$build/artifacts"
# each harness process writes its inputs into TMPDIR/fearsim-fuzz-PID and removes it at exit;
# a crash leaves it here, inside build-fuzz/, not in /tmp
export TMPDIR="$build/tmp"
rm -rf "$TMPDIR" && mkdir -p "$TMPDIR"
configs="$root/configs"
seeds_experiment="$configs/experiments $configs/plasticity $configs/pharmacology $configs/benchmarks $configs/circuits"
seeds_sweep="$configs/sweeps"
seeds_spikecsv="$root/fuzz/corpus/spikecsv"
for harness in experiment sweep spikecsv; do
  corpus="$build/corpus/$harness" # new inputs go here, never into the source tree
  mkdir -p "$corpus"
  eval seeds=\$seeds_$harness
  echo "fuzz_$harness: $seconds s"
  # shellcheck disable=SC2086
  "$build/fuzz_$harness" -max_total_time="$seconds" -timeout=60 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$build/artifacts/$harness-" "$corpus" $seeds \
    2>"$build/fuzz_$harness.log" || { tail -n 40 "$build/fuzz_$harness.log"; exit 1; }
  grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb" "$build/fuzz_$harness.log" || true
done
