#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""
Compare two API event logs line by line, for test_exajson.sh: what
ExaBGP 4.2 wrote (EXA) and what bgpshieldd wrote (OURS), from the same
message stream.

Usage: exajson_compare.py EXA OURS

Only what must differ between the two runs is normalised: time, host, pid,
ppid, counter, and the neighbor's own addresses (the two speakers listen
on different addresses).  ExaBGP 4.2 defects that bgpshieldd deliberately
does not copy (docs/API.md "Where bgpshieldd differs from ExaBGP 4.2") are
rewritten on ExaBGP's side to the form bgpshieldd writes, each counted and
printed: the rest is compared as text, byte for byte.

Lines are paired in order; each pair is counted under its kind (state,
open, keepalive, update, eor, refresh, notification).  Prints per kind
`KIND: N passed, N failed` and, for the first mismatch of each kind, both
lines and where they part.  Exit 0 when every pair matched and the two
logs have as many lines.
"""
import json
import re
import sys

NORM = [
    (re.compile(r'"time": [0-9.e+-]+'), '"time": T'),
    (re.compile(r'"host" : "[^"]*"'), '"host" : "H"'),
    (re.compile(r'"pid" : [0-9]+'), '"pid" : P'),
    (re.compile(r'"ppid" : [0-9]+'), '"ppid" : PP'),
    (re.compile(r'"counter": [0-9]+'), '"counter": C'),
    (re.compile(r'"address": \{ "local": "[^"]*", "peer": "[^"]*" \}'),
     '"address": { "local": "L", "peer": "R" }'),
]

# (name, pattern, replacement): ExaBGP 4.2 defects, see the docstring.
KNOWN = [
    ("route-refresh values double-quoted (not JSON)",
     re.compile(r'""([a-z0-9]+)""'), r'"\1"'),
    ("AS4_AGGREGATOR read with a 2-octet ASN, shown as a second aggregator key",
     re.compile(r'"aggregator": "(\d+):([0-9.]+)", "aggregator": "\d+:([0-9.]+)"'),
     None),  # filled in by fix_as4_aggregator
]


def fix_as4_aggregator(line, ours):
    """ExaBGP prints AGGREGATOR then a mangled AS4_AGGREGATOR; bgpshieldd
    one merged aggregator (RFC 6793 §4.2.3).  Take the merged value from
    bgpshieldd's line only if ExaBGP's has the duplicate-key form with the
    same speaker."""
    m = KNOWN[1][1].search(line)
    if not m:
        return line, 0
    o = re.search(r'"aggregator": "(\d+):([0-9.]+)"', ours or "")
    if not o or o.group(2) != m.group(3):
        return line, 0
    return line[:m.start()] + o.group(0) + line[m.end():], 1


def norm(line):
    for r, s in NORM:
        line = r.sub(s, line)
    return line


def kind(line):
    try:
        d = json.loads(line)
    except ValueError:
        d = None
    m = re.search(r'"type": "([a-z-]+)"', line)
    k = m.group(1) if m else "unknown"
    if k == "update" and '"eor": {' in line:
        k = "eor"
    return k, d is not None


def where(a, b):
    i = 0
    while i < len(a) and i < len(b) and a[i] == b[i]:
        i += 1
    return i


def main():
    exa = [l.rstrip("\n") for l in open(sys.argv[1]) if l.strip()]
    ours = [l.rstrip("\n") for l in open(sys.argv[2]) if l.strip()]
    kinds = ["state", "open", "keepalive", "update", "eor", "refresh",
             "notification"]
    res = {k: [0, 0] for k in kinds}
    shown = set()
    applied = {}
    invalid = []
    for i in range(max(len(exa), len(ours))):
        e = exa[i] if i < len(exa) else ""
        o = ours[i] if i < len(ours) else ""
        k, _ = kind(e or o)
        res.setdefault(k, [0, 0])
        e2 = norm(e)
        for name, rx, rep in KNOWN:
            if rep is None:
                e2, n = fix_as4_aggregator(e2, o)
            else:
                e2, n = rx.subn(rep, e2)
            if n:
                applied[name] = applied.get(name, 0) + n
        o2 = norm(o)
        if o:
            try:
                json.loads(o)
            except ValueError:
                invalid.append(i + 1)
        if e2 == o2:
            res[k][0] += 1
            continue
        res[k][1] += 1
        if k not in shown:
            shown.add(k)
            at = where(e2, o2)
            print("--- first %s mismatch, line %d, from column %d:" % (k, i + 1, at))
            print("  exabgp:     %s" % (e2 or "<no line>"))
            print("  bgpshieldd: %s" % (o2 or "<no line>"))
            print("  exabgp     ...%s" % e2[max(0, at - 30):at + 60])
            print("  bgpshieldd ...%s" % o2[max(0, at - 30):at + 60])
    for name, n in applied.items():
        print("known ExaBGP 4.2 defect rewritten: %s (%d)" % (name, n))
    if invalid:
        print("bgpshieldd lines that are not JSON: %s" % invalid)
    bad = bool(invalid) or len(exa) != len(ours)
    print("lines: exabgp %d, bgpshieldd %d" % (len(exa), len(ours)))
    for k in res:
        p, f = res[k]
        if p or f:
            print("%s: %d passed, %d failed" % (k, p, f))
        bad = bad or f > 0
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
