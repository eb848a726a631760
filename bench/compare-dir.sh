#!/bin/sh
# Whole-process comparison on one work tree: `leakgate dir` (all built-in rules, every file,
# binaries included) against `rg -uuu` searching for the Anthropic key pattern alone, and
# leakgate with gitleaks' 222 rules. Runs alternate (warm page cache) and the median of each is
# printed with its ratio to rg.
# Usage: bench/compare-dir.sh DIR [RUNS]      (needs: scripts/install-deps.sh --bench; a built ./build)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:?usage: compare-dir.sh DIR [RUNS]}
runs=${2:-7}
lg="$here/build/leakgate"
gitleaks_cfg="$here/../tests/data/gitleaks/gitleaks.toml"
command -v rg >/dev/null || { echo "rg not found: scripts/install-deps.sh --bench" >&2; exit 2; }

now() { date +%s.%N; }
time_cmd() {  # prints seconds
  t0=$(now); "$@" >/dev/null 2>&1 || true; t1=$(now)
  echo "$t1 - $t0" | bc -l
}
median() { sort -n | awk '{a[NR]=$1} END {m=int((NR+1)/2); printf "%.4f", a[m]}'; }

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# Warm the page cache once.
"$lg" dir -q "$dir" >/dev/null 2>&1 || true
rg -uuu -c 'x' "$dir" >/dev/null 2>&1 || true
i=0
while [ $i -lt "$runs" ]; do
  time_cmd rg -uuu -c 'sk-ant-(api03|admin01)-[A-Za-z0-9_-]{93}AA' "$dir" >>"$tmp/rg"
  time_cmd "$lg" dir -q "$dir" >>"$tmp/lg"
  time_cmd "$lg" dir -q -c "$gitleaks_cfg" "$dir" >>"$tmp/lg_gl"
  i=$((i + 1))
done
rg_t=$(median <"$tmp/rg"); lg_t=$(median <"$tmp/lg"); gl_t=$(median <"$tmp/lg_gl")
size=$(du -sb --exclude=.git "$dir" | cut -f1)
files=$(find "$dir" -path '*/.git' -prune -o -type f -print | wc -l)
printf 'tree: %s (%s files, %s bytes), %s alternating runs, median wall time\n' "$dir" "$files" "$size" "$runs"
printf '%-48s %8.1f ms  ratio\n' "rg -uuu -c <anthropic pattern>" "$(echo "$rg_t*1000" | bc -l)"
printf '%-48s %8.1f ms  %.2f\n' "leakgate dir (built-in rules)" "$(echo "$lg_t*1000" | bc -l)" "$(echo "$lg_t/$rg_t" | bc -l)"
printf '%-48s %8.1f ms  %.2f\n' "leakgate dir -c gitleaks.toml (222 rules)" "$(echo "$gl_t*1000" | bc -l)" "$(echo "$gl_t/$rg_t" | bc -l)"
# For bench/run-all.sh: name, leakgate ms, baseline ms, ratio.
printf 'RESULT dir-builtin %.1f %.1f %.2f\n' "$(echo "$lg_t*1000" | bc -l)" "$(echo "$rg_t*1000" | bc -l)" "$(echo "$lg_t/$rg_t" | bc -l)"
printf 'RESULT dir-gitleaks %.1f %.1f %.2f\n' "$(echo "$gl_t*1000" | bc -l)" "$(echo "$rg_t*1000" | bc -l)" "$(echo "$gl_t/$rg_t" | bc -l)"
