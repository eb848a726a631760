#!/bin/sh
# Differential check of two leakgate binaries: the same scans with each, reports compared byte for
# byte. For a change that must not change what is found (a restructuring, a faster read path).
#   bench/compare-reports.sh OLD NEW HISTORY_REPO [RANGE]
# HISTORY_REPO: a plain clone (its work tree is scanned with `dir`, its history with `git`);
# RANGE: also `git --range RANGE` (SARIF). Each binary gets its own rule cache. Exit 1 on any
# difference, naming the report.
set -u
old=${1:?usage: compare-reports.sh OLD NEW HISTORY_REPO [RANGE]}
new=${2:?}
repo=${3:?}
range=${4:-}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
run() {  # binary, outdir
  mkdir -p "$2"
  export LEAKGATE_CACHE_DIR="$2/cache"
  "$1" dir "$repo" -q --no-progress -f json -o "$2/dir.json"; echo "dir $?" >"$2/rc"
  "$1" git "$repo" -q --no-progress -f json -o "$2/git.json"; echo "git $?" >>"$2/rc"
  if [ -n "$range" ]; then
    "$1" git "$repo" -q --no-progress --range "$range" -f sarif -o "$2/range.sarif"; echo "range $?" >>"$2/rc"
  fi
  find "$repo" -maxdepth 1 -type f | head -1 | xargs cat | "$1" stdin -q -f json -o "$2/stdin.json"; echo "stdin $?" >>"$2/rc"
}
run "$old" "$tmp/old"
run "$new" "$tmp/new"
status=0
for f in rc dir.json git.json range.sarif stdin.json; do
  [ -f "$tmp/old/$f" ] || continue
  if cmp -s "$tmp/old/$f" "$tmp/new/$f"; then echo "same: $f"; else echo "DIFFERENT: $f"; status=1; fi
done
exit $status
