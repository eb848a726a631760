#!/bin/sh
# Cost curves: whole-process time of `leakgate stdin` as the input grows (1-64 MB of source-like
# text from the given tree) for the built-in rules and for gitleaks' 222 rules. Linear growth with a
# small intercept (start-up) is what a streaming scanner should show.
# Usage: bench/curves.sh DIR [RUNS]
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:?usage: curves.sh DIR [RUNS]}
runs=${2:-5}
lg="$here/build/leakgate"
gl="$here/../tests/data/gitleaks/gitleaks.toml"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
find "$dir" -path '*/.git' -prune -o -type f -name '*.[ch]' -print | head -2000 | xargs cat > "$tmp/seed"
now() { date +%s%N; }
med() { sort -n | awk '{a[NR]=$1} END {m=int((NR+1)/2); printf "%.1f", a[m]/1e6}'; }
printf '%8s %16s %16s\n' "MB" "built-in ms" "gitleaks ms"
for mb in 1 4 16 64; do
  : > "$tmp/in"
  while [ "$(stat -c %s "$tmp/in")" -lt $((mb << 20)) ]; do cat "$tmp/seed" >> "$tmp/in"; done
  truncate -s $((mb << 20)) "$tmp/in"
  "$lg" stdin -q < "$tmp/in" >/dev/null 2>&1 || true
  "$lg" stdin -q -c "$gl" < "$tmp/in" >/dev/null 2>&1 || true
  b=""; g=""
  i=0
  while [ $i -lt "$runs" ]; do
    t0=$(now); "$lg" stdin -q < "$tmp/in" >/dev/null 2>&1 || true; t1=$(now); b="$b $((t1 - t0))"
    t0=$(now); "$lg" stdin -q -c "$gl" < "$tmp/in" >/dev/null 2>&1 || true; t1=$(now); g="$g $((t1 - t0))"
    i=$((i + 1))
  done
  printf '%8s %16s %16s\n' "$mb" "$(echo $b | tr ' ' '\n' | med)" "$(echo $g | tr ' ' '\n' | med)"
done
