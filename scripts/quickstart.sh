#!/bin/sh
# The first README command: install what is missing, build, and scan the current directory with
# the built-in rules. Exit status is leakgate's (0 clean, 1 findings, 2 error).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/install-deps.sh"
"$here/scripts/build.sh" leakgate
[ $# -eq 0 ] && set -- .
exec "$here/build/leakgate" dir "$@"
