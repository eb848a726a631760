#!/bin/sh
# Pre-commit latency: `leakgate git --staged` with one staged file on a large repository, next to
# `git diff --cached --name-only` (what any pre-commit hook pays to learn what is staged).
# Creates the repository (FILES tracked files) on first use; medians of RUNS alternating runs.
# Usage: bench/compare-staged.sh DIR [FILES] [RUNS]
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:?usage: compare-staged.sh DIR [FILES] [RUNS]}
files=${2:-60000}
runs=${3:-15}
lg="$here/build/leakgate"
if [ ! -d "$dir/.git" ]; then
  mkdir -p "$dir"
  git -C "$dir" init -q
  python3 - "$dir" "$files" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    d = os.path.join(root, "src", f"d{i % 500:03d}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"f{i:06d}.txt"), "w") as f:
        f.write(f"file {i}\nsome ordinary content line\n")
PY
  git -C "$dir" add -A
  git -C "$dir" -c user.name=b -c user.email=b@example.com commit -q -m initial
fi
echo "one more line $(date +%s)" >> "$dir/src/d001/f000001.txt"
git -C "$dir" add src/d001/f000001.txt
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
now() { date +%s%N; }
"$lg" git "$dir" --staged -q >/dev/null 2>&1 || true   # warm the rule cache and the page cache
i=0
while [ $i -lt "$runs" ]; do
  t0=$(now); git -C "$dir" diff --cached --name-only >/dev/null; t1=$(now); echo $(( (t1 - t0) / 1000 )) >>"$tmp/git"
  t0=$(now); "$lg" git "$dir" --staged -q >/dev/null 2>&1 || true; t1=$(now); echo $(( (t1 - t0) / 1000 )) >>"$tmp/lg"
  # What the installed hook runs (hooks/pre-commit): also warns about tracked .env files.
  t0=$(now); "$lg" git "$dir" --staged --hook pre-commit >/dev/null 2>&1 || true; t1=$(now); echo $(( (t1 - t0) / 1000 )) >>"$tmp/hook"
  i=$((i + 1))
done
med() { sort -n "$1" | awk '{a[NR]=$1} END {m=int((NR+1)/2); printf "%.1f", a[m]/1000}'; }
tracked=$(git -C "$dir" ls-files | wc -l)
printf 'repo: %s (%s tracked files, 1 staged), %s alternating runs, median wall time\n' "$dir" "$tracked" "$runs"
printf '%-40s %8s ms\n' "git diff --cached --name-only" "$(med "$tmp/git")"
printf '%-40s %8s ms\n' "leakgate git --staged" "$(med "$tmp/lg")"
printf '%-40s %8s ms\n' "leakgate git --staged --hook pre-commit" "$(med "$tmp/hook")"
# For bench/run-all.sh: name, leakgate ms, baseline ms, difference in ms.
g=$(med "$tmp/git"); l=$(med "$tmp/lg"); h=$(med "$tmp/hook")
printf 'RESULT staged %s %s %.1f\n' "$l" "$g" "$(echo "$l - $g" | bc -l)"
printf 'RESULT staged-hook %s %s %.1f\n' "$h" "$g" "$(echo "$h - $g" | bc -l)"
