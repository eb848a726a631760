#!/usr/bin/env python3
"""Side-by-side comparison of whole commands: alternating runs (warm page cache), then the median
and minimum of each command's wall time and CPU time (user + system, from wait4), and the median
of its peak resident memory. The minimum is the steadiest figure on a noisy virtual machine;
compare within one run only.

Usage: bench/ab.py RUNS 'COMMAND 1' 'COMMAND 2' ...
  e.g. bench/ab.py 30 'build/leakgate dir /tmp/gitwt -q' 'rg -uuu -c sk-ant- /tmp/gitwt'
"""
import os
import shlex
import statistics
import subprocess
import sys
import time


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    runs = int(sys.argv[1])
    commands = [shlex.split(c) for c in sys.argv[2:]]
    wall = [[] for _ in commands]
    cpu = [[] for _ in commands]
    rss = [[] for _ in commands]
    for c in commands:  # warm-up, not counted
        subprocess.run(c, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    for _ in range(runs):
        for i, c in enumerate(commands):
            t0 = time.perf_counter()
            p = subprocess.Popen(c, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            _, _, usage = os.wait4(p.pid, 0)
            wall[i].append((time.perf_counter() - t0) * 1e3)
            cpu[i].append((usage.ru_utime + usage.ru_stime) * 1e3)
            rss[i].append(usage.ru_maxrss / 1024)  # KiB on Linux
    print(f"{runs} alternating runs, ms:       wall median    min   cpu median    min   peak RSS MiB (median)")
    for c, w, u, m in zip(sys.argv[2:], wall, cpu, rss):
        print(f"{c[-36:]:>36} {statistics.median(w):14.1f} {min(w):6.1f} {statistics.median(u):12.1f} {min(u):6.1f}"
              f" {statistics.median(m):10.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
