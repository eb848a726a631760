#!/bin/sh
# CI's second pass: the whole test suite under AddressSanitizer + UndefinedBehaviorSanitizer, then a
# short libFuzzer smoke run of every fuzz target. One clang build (./build-san) serves both: the
# library and the binary are instrumented for ASan/UBSan and fuzzer coverage, the tests and fuzz
# drivers link the runtimes. -O1 with line tables keeps the build fast and the reports symbolized.
# Usage: scripts/sanitize.sh [FUZZ_SECONDS]   (default 30 per target; 0 skips the fuzz smoke)
set -eu
cd "$(dirname "$0")/.."
secs=${1:-30}
scripts/install-deps.sh --sanitize
cmake -S . -B build-san -G Ninja -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_CXX_FLAGS="-O1 -gline-tables-only" -DLEAKGATE_FUZZ=ON -DLEAKGATE_BUILD_TESTS=ON \
  -DLEAKGATE_BUILD_BENCH=OFF >/dev/null
cmake --build build-san

# Any sanitizer report fails the run; leaks too.
export ASAN_OPTIONS="abort_on_error=1:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
ctest --test-dir build-san --output-on-failure -j "$(nproc)"

[ "$secs" -gt 0 ] || exit 0
# Fuzz smoke: each target from its committed seeds for $secs seconds. New inputs go to a scratch
# corpus outside the tree (fuzzed inputs are full of key-shaped strings, and `leakgate dir .` must
# stay clean). A crash input is kept in build-san/ and fails the run.
scratch_root=$(mktemp -d)
trap 'rm -rf "$scratch_root"' EXIT
for t in fuzz_config fuzz_match fuzz_report fuzz_api fuzz_loose; do
  scratch="$scratch_root/$t"
  mkdir -p "$scratch"
  echo "== fuzz smoke: $t, ${secs}s" >&2
  ./build-san/tests/fuzz/"$t" -max_total_time="$secs" -max_len=65536 -timeout=10 \
    -print_final_stats=1 -artifact_prefix="build-san/$t-" "$scratch" "tests/fuzz/corpus/${t#fuzz_}" \
    2>build-san/"$t".log || { tail -40 build-san/"$t".log >&2; exit 1; }
  grep -E '^stat::number_of_executed_units' build-san/"$t".log >&2 || true
done
