#!/bin/sh
# The second README command (and what CI runs): install what is missing, build, run every test.
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
scripts/build.sh
ctest --test-dir build --output-on-failure -j "$(nproc)"
