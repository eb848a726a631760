#!/bin/sh
# Every whole-process comparison of docs/PERFORMANCE.md in one run, then one table of ratios
# against issue 6's targets. Each comparison alternates its commands (warm page cache) and takes
# medians; see the individual scripts for what exactly runs.
# Usage: bench/run-all.sh WORKTREE SYNTHETIC_REPO [REAL_REPO] [STAGED_DIR]
#   WORKTREE        a checked-out tree for the directory scan (e.g. git/git's work tree)
#   SYNTHETIC_REPO  made by bench/gen-history.py (created there if missing)
#   REAL_REPO       optional: a real history (e.g. git/git fetched as a public snapshot)
#   STAGED_DIR      where the 60k-file pre-commit repository lives (created if missing)
# Needs scripts/install-deps.sh --bench and a built ./build. Data stays outside this repository.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tree=${1:?usage: run-all.sh WORKTREE SYNTHETIC_REPO [REAL_REPO] [STAGED_DIR]}
synth=${2:?usage: run-all.sh WORKTREE SYNTHETIC_REPO [REAL_REPO] [STAGED_DIR]}
real=${3:-}
staged=${4:-${TMPDIR:-/tmp}/leakgate-bench-staged}
out=$(mktemp); trap 'rm -f "$out"' EXIT

[ -d "$synth" ] || python3 "$here/gen-history.py" "$synth" >&2
echo "== directory scan" >&2;            "$here/compare-dir.sh" "$tree" 15 | tee -a "$out" >&2
echo "== history (synthetic)" >&2;       "$here/compare-git.sh" "$synth" 5 | sed 's/^RESULT git-/RESULT synth-/' | tee -a "$out" >&2
if [ -n "$real" ]; then
  echo "== history ($real)" >&2;         "$here/compare-git.sh" "$real" 3 | sed 's/^RESULT git-/RESULT real-/' | tee -a "$out" >&2
fi
echo "== pre-commit" >&2;                "$here/compare-staged.sh" "$staged" 60000 15 | tee -a "$out" >&2

# name  label  target-kind  target
awk '
  BEGIN {
    label["dir-builtin"] = "dir, built-in rules vs rg -uuu";          want["dir-builtin"] = 1.0
    label["dir-gitleaks"] = "dir, gitleaks rules vs rg -uuu";         want["dir-gitleaks"] = 2.0
    label["synth-floor"] = "history (synthetic) vs cat-file floor";  want["synth-floor"] = 1.25
    label["synth-logp"] = "history (synthetic) vs log -p | rg";      want["synth-logp"] = ""
    label["real-floor"] = "history (real) vs cat-file floor";        want["real-floor"] = 1.25
    label["real-logp"] = "history (real) vs log -p | rg";            want["real-logp"] = ""
    printf "%-42s %12s %12s %10s %10s %s\n", "comparison", "leakgate", "baseline", "ratio", "target", "met"
  }
  $1 == "RESULT" && ($2 in label) {
    met = want[$2] == "" ? "-" : ($5 <= want[$2] ? "yes" : "no")
    printf "%-42s %12s %12s %9sx %10s %s\n", label[$2], $3, $4, $5, (want[$2] == "" ? "-" : "<= " want[$2] "x"), met
  }
  $1 == "RESULT" && $2 ~ /-rss$/ {
    printf "%-42s %12s %12s %10s %10s %s\n", "peak RSS, " $2 " (MB)", $3, "-", "-", "<= 256", ($3 <= 256 ? "yes" : "no")
  }
  $1 == "RESULT" && $2 == "staged" {
    printf "%-42s %10s ms %9s ms %+8s ms %10s %s\n", "pre-commit --staged vs git diff --cached", $3, $4, $5, "<= +20 ms", ($5 <= 20 ? "yes" : "no")
  }
  $1 == "RESULT" && $2 == "staged-hook" {
    printf "%-42s %10s ms %9s ms %+8s ms %10s %s\n", "the installed hook (--hook pre-commit)", $3, $4, $5, "-", "-"
  }
' "$out"
