#!/bin/sh
# Whole-process comparison on one repository's history:
#   floor:    git cat-file --batch-all-objects --batch --unordered > /dev/null  (every object read once)
#   leakgate: leakgate git REPO  (every ref, each unique blob read and scanned once, all rules)
#   diffs:    git log -p --all | rg 'sk-ant-'  (what diff-based scanners pay)
# Runs alternate (warm page cache); prints the median of each, the ratios, and leakgate's peak RSS.
# Usage: bench/compare-git.sh REPO [RUNS]     (needs scripts/install-deps.sh --bench and ./build)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
repo=${1:?usage: compare-git.sh REPO [RUNS]}
runs=${2:-5}
lg="$here/build/leakgate"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

now() { date +%s.%N; }
run_timed() {  # file, command...: appends seconds
  f=$1; shift
  t0=$(now); "$@" >/dev/null 2>&1 || true; t1=$(now)
  echo "$t1 - $t0" | bc -l >>"$f"
}
median() { sort -n "$1" | awk '{a[NR]=$1} END {m=int((NR+1)/2); printf "%.3f", a[m]}'; }

floor() { git -C "$repo" cat-file --batch-all-objects --batch --unordered >/dev/null; }
diffs() { git -C "$repo" log -p --all | rg -c 'sk-ant-' >/dev/null; }
scan() { "$lg" git "$repo" -q --no-progress; }

scan >/dev/null 2>&1 || true  # warm the page cache and the rule cache
i=0
while [ $i -lt "$runs" ]; do
  run_timed "$tmp/floor" floor
  run_timed "$tmp/lg" scan
  run_timed "$tmp/diffs" diffs
  i=$((i + 1))
done
/usr/bin/time -f '%M' "$lg" git "$repo" -q --no-progress >/dev/null 2>"$tmp/rss" || true
rss=$(tail -1 "$tmp/rss")
f=$(median "$tmp/floor"); l=$(median "$tmp/lg"); d=$(median "$tmp/diffs")
blobs=$("$lg" git "$repo" --no-progress -v --format json -o /dev/null 2>&1 | sed -n 's/.* \([0-9]*\) unique blobs.*/\1/p')
printf 'repo: %s (%s unique blobs), %s alternating runs, median wall time\n' "$repo" "${blobs:-?}" "$runs"
printf '%-58s %9.2f s\n' "git cat-file --batch-all-objects --batch --unordered" "$f"
printf '%-58s %9.2f s   %.2fx the floor, %.2fx log-p|rg\n' "leakgate git (every ref, all built-in rules)" "$l" \
  "$(echo "$l/$f" | bc -l)" "$(echo "$l/$d" | bc -l)"
printf '%-58s %9.2f s\n' "git log -p --all | rg 'sk-ant-'" "$d"
printf 'leakgate peak RSS: %s MB\n' "$(echo "$rss/1024" | bc)"
# For bench/run-all.sh: name, leakgate s, baseline s, ratio (and peak RSS in MB).
printf 'RESULT git-floor %.2f %.2f %.2f\n' "$l" "$f" "$(echo "$l/$f" | bc -l)"
printf 'RESULT git-logp %.2f %.2f %.2f\n' "$l" "$d" "$(echo "$l/$d" | bc -l)"
printf 'RESULT git-rss %s\n' "$(echo "$rss/1024" | bc)"
