#!/bin/sh
# Configures and builds leakgate (Release) in ./build.
# Usage: scripts/build.sh [TARGET...]   (default: everything, including tests and benchmarks)
set -eu
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
if [ $# -eq 0 ]; then
  cmake --build build
else
  cmake --build build --target "$@"
fi
