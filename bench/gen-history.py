#!/usr/bin/env python3
"""Deterministic synthetic git history for benchmarks: tens of thousands of commits with realistic
file churn (edits, adds, deletes, renames, side branches and merges), and a few generated fake
keys planted at known commits. Same seed, same repository, byte for byte.

Usage: bench/gen-history.py OUT_DIR [--commits 30000] [--files 4000] [--keys 20] [--seed 1]
Writes a bare repository at OUT_DIR through `git fast-import`.
"""
import argparse
import random
import subprocess
import sys

WORDS = ("alpha beta gamma delta config value return struct int string error result path user "
         "request response handler buffer index cache token_count parse write read open close").split()
B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"


def write_commit(out, ref, mark, t, c, parent, merge, changes):
    out.write(f"commit {ref}\nmark :{mark}\n".encode())
    out.write(f"author Bench Dev <dev{c % 50}@example.com> {t} +0000\n".encode())
    out.write(f"committer Bench Dev <dev{c % 50}@example.com> {t} +0000\n".encode())
    msg = f"change {c}\n".encode()
    out.write(b"data %d\n" % len(msg) + msg)
    if parent:
        out.write(f"from :{parent}\n".encode())
    if merge:
        out.write(f"merge :{merge}\n".encode())
    for p, body in changes:
        if body is None:
            out.write(f"D {p}\n".encode())
        else:
            data = "".join(body).encode()
            out.write(f"M 100644 inline {p}\n".encode() + b"data %d\n" % len(data) + data + b"\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--commits", type=int, default=30000)
    ap.add_argument("--files", type=int, default=4000)
    ap.add_argument("--keys", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)

    subprocess.run(["git", "init", "-q", "--bare", a.out], check=True)
    fi = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=a.out, stdin=subprocess.PIPE)
    out = fi.stdin

    def line(n):
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 12))) + f" {n}\n"

    files = {}
    dirs = [f"src/mod{d:03d}" for d in range(max(1, a.files // 40))]
    for i in range(a.files):
        files[f"{rng.choice(dirs)}/file{i:05d}.c"] = [line(j) for j in range(rng.randint(5, 80))]
    key_commits = set(rng.sample(range(10, a.commits), min(a.keys, max(0, a.commits - 10))))
    mark = 0
    t = 1_600_000_000
    main_head = None
    for c in range(a.commits):
        mark += 1
        t += rng.randint(30, 7200)
        changes = []  # (path, content or None)
        names = list(files)
        for _ in range(rng.randint(1, 5)):
            r = rng.random()
            if r < 0.75 or len(files) < 10:  # edit
                p = rng.choice(names)
                if p not in files:
                    continue
                body = files[p]
                k = rng.randrange(len(body))
                body[k] = line(c)
                if rng.random() < 0.3:
                    body.insert(k, line(c))
                changes.append((p, body))
            elif r < 0.87:  # add
                p = f"{rng.choice(dirs)}/new{c:06d}_{rng.randint(0, 99)}.c"
                files[p] = [line(j) for j in range(rng.randint(3, 40))]
                changes.append((p, files[p]))
            elif r < 0.95:  # rename
                p = rng.choice(names)
                if p in files:
                    q = f"{rng.choice(dirs)}/moved{c:06d}.c"
                    files[q] = files.pop(p)
                    changes.append((p, None))
                    changes.append((q, files[q]))
            else:  # delete
                p = rng.choice(names)
                if p in files:
                    del files[p]
                    changes.append((p, None))
        if c in key_commits:
            key = "sk-ant-api03-" + "".join(rng.choice(B64URL) for _ in range(93)) + "AA"
            p = f"config/settings{c}.env"
            files[p] = [f"ANTHROPIC_API_KEY={key}\n"]
            changes.append((p, files[p]))
        write_commit(out, "refs/heads/main", mark, t, c, main_head, None, changes)
        main_head = mark
        # Now and then a feature branch: a few commits that add files, then merged into main
        # (or, one time in four, left unmerged: a branch that only `--all` sees).
        if rng.random() < 0.01:
            base, added = main_head, []
            name = f"refs/heads/feature{c}"
            for k in range(rng.randint(1, 3)):
                mark += 1
                t += 60
                p = f"features/f{c}_{k}.c"
                body = [line(c) for _ in range(rng.randint(3, 30))]
                added.append((p, body))
                write_commit(out, name, mark, t, c, base if k == 0 else None, None, [(p, body)])
            side = mark
            if rng.random() < 0.75:
                mark += 1
                t += 60
                for p, body in added:
                    files[p] = body
                write_commit(out, "refs/heads/main", mark, t, c, main_head, side, added)
                main_head = mark
    out.close()
    if fi.wait() != 0:
        sys.exit("git fast-import failed")
    subprocess.run(["git", "repack", "-a", "-d", "-q"], cwd=a.out, check=True)
    print(f"{a.out}: {a.commits} commits, {len(files)} files at HEAD, {len(key_commits)} planted keys", file=sys.stderr)


if __name__ == "__main__":
    main()
