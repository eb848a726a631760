#!/bin/sh
# Builds the libFuzzer targets with clang (ASan + UBSan) in ./build-fuzz and runs each for
# SECONDS (default 60) on its seed corpus in tests/fuzz/corpus, keeping new inputs in
# build-fuzz/corpus. A crash leaves its input in build-fuzz/ and exits non-zero.
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]    (needs clang and libclang-rt-14-dev)
set -eu
cd "$(dirname "$0")/.."
secs=${1:-60}
[ $# -gt 0 ] && shift
targets=${*:-"fuzz_config fuzz_match fuzz_report fuzz_api fuzz_loose"}
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DLEAKGATE_FUZZ=ON -DLEAKGATE_BUILD_TESTS=OFF -DLEAKGATE_BUILD_BENCH=OFF >/dev/null
# shellcheck disable=SC2086
cmake --build build-fuzz --target $targets
for t in $targets; do
  seeds="tests/fuzz/corpus/${t#fuzz_}"
  mkdir -p "build-fuzz/corpus/$t"
  echo "== $t: ${secs}s" >&2
  (cd build-fuzz && "./tests/fuzz/$t" -max_total_time="$secs" -max_len=65536 -timeout=10 \
     "corpus/$t" "../$seeds" 2>&1 | tail -3)
done
