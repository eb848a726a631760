#!/usr/bin/env python3
"""Check leakgate's built-in rules (rules/builtin.toml) without building anything.

For every rule it expands each `examples` and `negatives` template RUNS times with a seeded RNG
and checks, with Python's `re` standing in for RE2 (the patterns use the common subset; `\\z` is
translated to `\\Z`):
  - every expanded example produces a finding: a match whose secret (capture group
    `secretGroup`, else the first non-empty group, else the whole match) contains no `{{`,
    meets the rule's `entropy`, is not allowlisted (rule or global allowlist), and whose
    match contains one of the rule's keywords; for a rule whose id starts with "generic", the
    secret must also not overlap a finding of a specific rule (the engine reports that one);
  - no expanded negative produces a finding (no match, entropy below the threshold, or
    allowlisted);
  - every regex match of any template contains at least one keyword (the engine only runs a
    rule when a keyword is present), and every keyword occurs in some example's finding;
  - the raw, unexpanded file matches no rule's regex (leakgate scans itself and must report
    nothing);
  - ids are unique, there are at least 30 rules, each has >= 2 examples and >= 2 negatives,
    keywords are lowercase, template classes are known;
  - each regex stays within what RE2 and Hyperscan accept: no lookarounds, backreferences,
    atomic groups or possessive quantifiers, no count above 1000 and no nested counts whose
    product exceeds 1000. Unbounded quantifiers are allowed: leakgate confirms a hit of an
    unbounded rule inside a capped window (16 KiB), and large counted repeats cost far more to
    compile than they buy.
With --hyperscan it also compiles each regex with the system's libhs (through ctypes) and checks
that Hyperscan reports a match in every expanded example.

Exit status: 0 when everything passes, 1 when a check fails, 2 when the file cannot be loaded.
"""

import argparse
import collections
import math
import os
import random
import re
import sys
import tomllib

try:  # Python 3.11+
    import re._parser as sre_parse
    import re._constants as sre_constants
except ImportError:  # pragma: no cover - older Pythons
    import sre_parse  # type: ignore
    import sre_constants  # type: ignore

CLASSES = {
    "lower": "abcdefghijklmnopqrstuvwxyz",
    "upper": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "digit": "0123456789",
    "alpha": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    "alnum": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
    "lalnum": "abcdefghijklmnopqrstuvwxyz0123456789",
    "ualnum": "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
    "hex": "0123456789abcdef",
    "HEX": "0123456789ABCDEF",
    "b64": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
    "b64url": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-",
}
PLACEHOLDER = re.compile(r"\{\{([A-Za-z0-9]+):(\d+)\}\}")
MIN_RULES = 30
MAX_REPEAT = 1000  # RE2's kMaxRepeat, for single and nested counts alike
SNIPPET = 60


class Failures:
    def __init__(self):
        self.items = []

    def add(self, where, message):
        self.items.append(f"FAIL {where}: {message}")


def short(text):
    """A one-line, truncated rendering of text for messages."""
    text = text.encode("unicode_escape").decode("ascii")
    return text if len(text) <= SNIPPET else text[:SNIPPET] + "..."


def expand(template, rng):
    """Replace each {{CLASS:N}} with N random characters; unknown classes stay (and are reported)."""
    def one(m):
        chars = CLASSES.get(m.group(1))
        return "".join(rng.choice(chars) for _ in range(int(m.group(2)))) if chars else m.group(0)
    return PLACEHOLDER.sub(one, template)


def shannon_entropy(text):
    if not text:
        return 0.0
    counts = collections.Counter(text)
    n = len(text)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def to_python_regex(pattern):
    """RE2 -> Python re: translate the \\z escape, leave everything else as written."""
    out = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            out.append("\\Z" if nxt == "z" else ch + nxt)
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def lint_pattern(pattern, bounded=False):
    """Problems that make a pattern unfit for RE2/Hyperscan, or (bounded=True) leave its length unbounded."""
    problems = []
    i = 0
    while i < len(pattern):  # escapes Python accepts but RE2 does not
        if pattern[i] == "\\" and i + 1 < len(pattern):
            if pattern[i + 1] == "Z":
                problems.append("\\Z is not RE2 syntax (use \\z)")
            i += 2
            continue
        i += 1
    try:
        tree = sre_parse.parse(to_python_regex(pattern))
    except re.error as exc:
        return problems + [f"does not compile: {exc}"]

    forbidden = {
        "ASSERT": "lookaround", "ASSERT_NOT": "negative lookaround",
        "GROUPREF": "backreference", "GROUPREF_EXISTS": "conditional group",
        "ATOMIC_GROUP": "atomic group", "POSSESSIVE_REPEAT": "possessive quantifier",
    }
    seen = set()

    def walk(items, budget):
        for op, av in items:
            name = str(op)
            if name in forbidden and name not in seen:
                seen.add(name)
                problems.append(f"uses a {forbidden[name]} (not RE2/Hyperscan)")
            if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
                lo, hi, sub = av
                if hi == sre_constants.MAXREPEAT:
                    if bounded:
                        problems.append("unbounded quantifier (*, + or {n,}): give it an upper bound")
                    walk(sub, budget)
                    continue
                if hi > MAX_REPEAT:
                    problems.append(f"repeat count {hi} exceeds RE2's limit of {MAX_REPEAT}")
                elif hi > 0 and budget // hi == 0:
                    problems.append(f"nested repeat counts multiply past RE2's limit of {MAX_REPEAT}")
                walk(sub, budget // hi if hi > 0 else budget)
            elif name == "SUBPATTERN":
                walk(av[-1], budget)
            elif name == "BRANCH":
                for branch in av[1]:
                    walk(branch, budget)
            elif name in ("ASSERT", "ASSERT_NOT"):
                walk(av[1], budget)
            elif name == "ATOMIC_GROUP":
                walk(av, budget)

    walk(tree, MAX_REPEAT)
    return sorted(set(problems))


def max_width(pattern):
    try:
        return sre_parse.parse(to_python_regex(pattern)).getwidth()[1]
    except re.error:
        return None


class Allowlist:
    """One gitleaks allowlist (rule-level or global), applied to a finding."""

    def __init__(self, table, where, failures):
        self.description = table.get("description", "")
        self.target = table.get("regexTarget", "secret")
        self.condition = table.get("condition", "OR").upper()
        self.stopwords = [w.lower() for w in table.get("stopwords", [])]
        self.regexes = []
        for rx in table.get("regexes", []):
            problems = lint_pattern(rx, bounded=False)
            for problem in problems:
                failures.add(where, f"allowlist regex {rx!r} {problem}")
            if not problems:
                self.regexes.append(re.compile(to_python_regex(rx)))
        for rx in table.get("paths", []):
            for problem in lint_pattern(rx, bounded=False):
                failures.add(where, f"allowlist path {rx!r} {problem}")
        if self.target not in ("secret", "match", "line"):
            failures.add(where, f"allowlist regexTarget {self.target!r} is not secret|match|line")
        if self.condition not in ("OR", "AND"):
            failures.add(where, f"allowlist condition {self.condition!r} is not OR|AND")

    def allows(self, secret, match_text, line):
        target = {"secret": secret, "match": match_text, "line": line}[self.target]
        checks = []
        if self.regexes:
            checks.append(any(rx.search(target) for rx in self.regexes))
        if self.stopwords:
            lowered = secret.lower()
            checks.append(any(w in lowered for w in self.stopwords))
        if not checks:
            return False
        return all(checks) if self.condition == "AND" else any(checks)


class Rule:
    def __init__(self, table, index, failures):
        self.id = table.get("id") or f"<rule #{index + 1}>"
        self.table = table
        self.regex_text = table.get("regex", "")
        self.secret_group = table.get("secretGroup")
        self.entropy = table.get("entropy")
        self.keywords = table.get("keywords", [])
        self.examples = table.get("examples", [])
        self.negatives = table.get("negatives", [])
        self.allowlists = [
            Allowlist(a, f"{self.id} allowlist", failures) for a in table.get("allowlists", [])
        ]
        try:
            self.regex = re.compile(to_python_regex(self.regex_text))
        except re.error as exc:
            self.regex = None
            failures.add(self.id, f"regex does not compile: {exc}")

    def secret_index(self, m):
        """Group holding the secret: secretGroup, else the first non-empty group, else 0."""
        if self.secret_group:
            return self.secret_group
        for i, g in enumerate(m.groups(), 1):
            if g:
                return i
        return 0

    def secret_of(self, m):
        return m.group(self.secret_index(m)) or ""

    @property
    def generic(self):
        """Like the engine: a rule whose id starts with "generic" yields to a specific rule on the same bytes."""
        return self.id.startswith("generic")


def line_around(text, start, end):
    lo = text.rfind("\n", 0, start) + 1
    hi = text.find("\n", end)
    return text[lo : hi if hi >= 0 else len(text)]


def judge(rule, global_allow, text):
    """Every match of rule in text, each as (match, secret, verdict); verdict None = finding."""
    results = []
    for m in rule.regex.finditer(text):
        secret = rule.secret_of(m)
        line = line_around(text, m.start(), m.end())
        if rule.entropy is not None and shannon_entropy(secret) < rule.entropy:
            verdict = f"entropy {shannon_entropy(secret):.2f} < {rule.entropy}"
        elif any(a.allows(secret, m.group(0), line) for a in rule.allowlists):
            verdict = "rule allowlist"
        elif global_allow and global_allow.allows(secret, m.group(0), line):
            verdict = "global allowlist"
        else:
            verdict = None
        results.append((m, secret, verdict))
    return results


def check_structure(config, rules, failures):
    if not config.get("title"):
        failures.add("config", "missing top-level title")
    if len(rules) < MIN_RULES:
        failures.add("config", f"{len(rules)} rules, at least {MIN_RULES} required")
    ids = collections.Counter(r.id for r in rules)
    for rid, n in ids.items():
        if n > 1:
            failures.add(rid, f"id used by {n} rules")
    for r in rules:
        if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", r.id):
            failures.add(r.id, "id must be lowercase words joined by '-'")
        if not r.table.get("description"):
            failures.add(r.id, "missing description")
        if not r.regex_text:
            failures.add(r.id, "missing regex")
        if not r.keywords:
            failures.add(r.id, "no keywords")
        for kw in r.keywords:
            if kw != kw.lower() or not kw:
                failures.add(r.id, f"keyword {kw!r} must be non-empty lowercase")
        if len(r.examples) < 2:
            failures.add(r.id, f"{len(r.examples)} examples, at least 2 required")
        if len(r.negatives) < 2:
            failures.add(r.id, f"{len(r.negatives)} negatives, at least 2 required")
        if r.entropy is not None and not isinstance(r.entropy, (int, float)):
            failures.add(r.id, "entropy must be a number")
        if r.regex is not None and r.secret_group is not None:
            if not isinstance(r.secret_group, int) or not 0 <= r.secret_group <= r.regex.groups:
                failures.add(r.id, f"secretGroup {r.secret_group!r} but the regex has {r.regex.groups} groups")
        for problem in lint_pattern(r.regex_text) if r.regex_text else []:
            failures.add(r.id, f"regex {problem}")
        for kind in ("examples", "negatives"):
            for t in getattr(r, kind):
                for m in PLACEHOLDER.finditer(t):
                    if m.group(1) not in CLASSES:
                        failures.add(r.id, f"{kind[:-1]} {short(t)!r}: unknown template class {m.group(1)!r}")


def specific_spans(rules, global_allow, text):
    """Secret spans of the findings of every non-generic rule in text."""
    spans = []
    for r in rules:
        if r.regex is None or r.generic:
            continue
        for m, _, verdict in judge(r, global_allow, text):
            if verdict is None:
                spans.append(m.span(r.secret_index(m)))
    return spans


def check_templates(rules, global_allow, seeds, runs, failures):
    expansions = 0
    for r in rules:
        if r.regex is None:
            continue
        keywords_seen = set()
        for kind in ("examples", "negatives"):
            for index, template in enumerate(getattr(r, kind)):
                for seed in seeds:
                    rng = random.Random(f"{seed}/{r.id}/{kind}/{index}")
                    bad = None
                    for _ in range(runs):
                        text = expand(template, rng)
                        expansions += 1
                        results = judge(r, global_allow, text)
                        for m, _, _ in results:
                            found = m.group(0).lower()
                            if not any(kw in found for kw in r.keywords):
                                bad = f"match {short(m.group(0))!r} contains none of the keywords {r.keywords}"
                        findings = [(m, s) for m, s, v in results if v is None]
                        if r.generic and findings:
                            spans = specific_spans(rules, global_allow, text)
                            kept = []
                            for m, sec in findings:
                                a, b = m.span(r.secret_index(m))
                                if any(a < e and s0 < b for s0, e in spans):
                                    results.append((m, sec, "a specific rule reports the same bytes"))
                                else:
                                    kept.append((m, sec))
                            findings = kept
                        if kind == "examples":
                            real = [(m, s) for m, s in findings if "{{" not in s]
                            if not real:
                                if not results:
                                    bad = bad or "no match"
                                elif findings:
                                    bad = bad or f"secret still holds a template: {short(findings[0][1])!r}"
                                else:
                                    why = [v for _, _, v in results if v][-1]
                                    bad = bad or f"matched but filtered out ({why}): {short(results[0][1])!r}"
                            for m, _ in real:
                                found = m.group(0).lower()
                                keywords_seen.update(kw for kw in r.keywords if kw in found)
                        elif findings:
                            bad = bad or f"produces a finding: {short(findings[0][1])!r}"
                        if bad:
                            failures.add(r.id, f"{kind[:-1]} #{index + 1} {short(template)!r} (seed {seed}): {bad}; expanded: {short(text)!r}")
                            break
                    if bad:
                        break
        for kw in r.keywords:
            if kw not in keywords_seen:
                failures.add(r.id, f"keyword {kw!r} occurs in no example's finding: add an example that uses it")
    return expansions


def check_raw_file(raw, rules, failures):
    for r in rules:
        if r.regex is None:
            continue
        for m in r.regex.finditer(raw):
            line = raw.count("\n", 0, m.start()) + 1
            failures.add(r.id, f"the raw file matches this rule at line {line}: {short(m.group(0))!r} (write the value as a {{{{CLASS:N}}}} template or break it with a \\uXXXX escape)")


def check_hyperscan(rules, raw, seeds, runs, failures):
    """Compile every regex with libhs; Hyperscan must match every expanded example and not the raw file."""
    import ctypes
    import ctypes.util

    path = ctypes.util.find_library("hs") or "libhs.so.5"
    try:
        hs = ctypes.CDLL(path)
    except OSError as exc:
        failures.add("hyperscan", f"cannot load libhs ({exc}); install libhyperscan5 or drop --hyperscan")
        return

    class CompileError(ctypes.Structure):
        _fields_ = [("message", ctypes.c_char_p), ("expression", ctypes.c_int)]

    class ExprInfo(ctypes.Structure):
        _fields_ = [("min_width", ctypes.c_uint), ("max_width", ctypes.c_uint),
                    ("unordered_matches", ctypes.c_char), ("matches_at_eod", ctypes.c_char),
                    ("matches_only_at_eod", ctypes.c_char)]

    on_match_t = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_uint, ctypes.c_ulonglong,
                                  ctypes.c_ulonglong, ctypes.c_uint, ctypes.c_void_p)
    hs.hs_compile.argtypes = [ctypes.c_char_p, ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p,
                              ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.POINTER(CompileError))]
    hs.hs_expression_info.argtypes = [ctypes.c_char_p, ctypes.c_uint, ctypes.POINTER(ctypes.POINTER(ExprInfo)),
                                      ctypes.POINTER(ctypes.POINTER(CompileError))]
    hs.hs_alloc_scratch.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p)]
    hs.hs_scan.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_uint, ctypes.c_uint,
                           ctypes.c_void_p, on_match_t, ctypes.c_void_p]
    hs.hs_free_database.argtypes = [ctypes.c_void_p]
    hs.hs_free_scratch.argtypes = [ctypes.c_void_p]
    hs.hs_free_compile_error.argtypes = [ctypes.POINTER(CompileError)]
    libc = ctypes.CDLL(None)
    libc.free.argtypes = [ctypes.c_void_p]

    hits = []
    on_match = on_match_t(lambda *args: hits.append(1) or 1)  # stop at the first match
    HS_MODE_BLOCK = 1
    for r in rules:
        expr = r.regex_text.encode()
        info, err = ctypes.POINTER(ExprInfo)(), ctypes.POINTER(CompileError)()
        if hs.hs_expression_info(expr, 0, ctypes.byref(info), ctypes.byref(err)) != 0:
            failures.add(r.id, f"Hyperscan rejects the regex: {err.contents.message.decode()}")
            hs.hs_free_compile_error(err)
            continue
        libc.free(ctypes.cast(info, ctypes.c_void_p))
        db, scratch = ctypes.c_void_p(), ctypes.c_void_p()
        if hs.hs_compile(expr, 0, HS_MODE_BLOCK, None, ctypes.byref(db), ctypes.byref(err)) != 0:
            failures.add(r.id, f"Hyperscan cannot compile the regex: {err.contents.message.decode()}")
            hs.hs_free_compile_error(err)
            continue
        hs.hs_alloc_scratch(db, ctypes.byref(scratch))
        hits.clear()
        hs.hs_scan(db, raw, len(raw), 0, scratch, on_match, None)
        if hits:
            failures.add(r.id, "Hyperscan matches the raw file")
        for index, template in enumerate(r.examples):
            for seed in seeds:
                rng = random.Random(f"{seed}/{r.id}/examples/{index}")
                for _ in range(runs):
                    data = expand(template, rng).encode()
                    hits.clear()
                    hs.hs_scan(db, data, len(data), 0, scratch, on_match, None)
                    if not hits:
                        failures.add(r.id, f"Hyperscan finds no match in example #{index + 1} {short(template)!r} (seed {seed})")
                        break
        hs.hs_free_scratch(scratch)
        hs.hs_free_database(db)


def main(argv=None):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("config", nargs="?", default=os.path.join(root, "rules", "builtin.toml"),
                    help="rule file (default: rules/builtin.toml)")
    ap.add_argument("--seed", type=int, nargs="+", default=[12345],
                    help="RNG seed(s) for template expansion (default: 12345)")
    ap.add_argument("--runs", type=int, default=20, help="expansions per template and seed (default: 20)")
    ap.add_argument("--hyperscan", action="store_true",
                    help="also compile the regexes with libhs and scan the examples with it")
    ap.add_argument("-v", "--verbose", action="store_true", help="list each rule's maximum match length")
    args = ap.parse_args(argv)

    try:
        with open(args.config, "rb") as f:
            raw_bytes = f.read()
        config = tomllib.loads(raw_bytes.decode("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        print(f"error: cannot load {args.config}: {exc}", file=sys.stderr)
        return 2

    failures = Failures()
    rules = [Rule(t, i, failures) for i, t in enumerate(config.get("rules", []))]
    global_allow = Allowlist(config["allowlist"], "global allowlist", failures) if "allowlist" in config else None

    check_structure(config, rules, failures)
    expansions = check_templates(rules, global_allow, args.seed, args.runs, failures)
    check_raw_file(raw_bytes.decode("utf-8"), rules, failures)
    if args.hyperscan:
        check_hyperscan(rules, raw_bytes, args.seed, args.runs, failures)

    if args.verbose:
        for r in rules:
            print(f"{r.id:34} max match length {max_width(r.regex_text)}")
    for item in failures.items:
        print(item)
    n_ex = sum(len(r.examples) for r in rules)
    n_neg = sum(len(r.negatives) for r in rules)
    status = "FAILED" if failures.items else "OK"
    print(f"{os.path.relpath(args.config)}: {len(rules)} rules, {n_ex} examples, {n_neg} negatives, "
          f"{expansions} expansions (seeds {' '.join(map(str, args.seed))}, {args.runs} runs each)"
          f"{', hyperscan' if args.hyperscan else ''}: {status}"
          f"{f' ({len(failures.items)} failures)' if failures.items else ''}")
    return 1 if failures.items else 0


if __name__ == "__main__":
    sys.exit(main())
