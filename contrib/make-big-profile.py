#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes a large synthetic CPU profile for `make bench` (issue #13):
N samples (default 5 000 000) with stacks of 2-24 frames drawn from 4 000
locations in 1 500 functions (50 000 distinct stacks, repeated: Go would
merge them, a hostile or hand-made file need not), gzip'd as Go writes
profiles. Too big to commit; bench.sh generates it into build/bench/ once.

usage: python3 contrib/make-big-profile.py OUT.pprof [N]
"""
import gzip
import random
import sys

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from importlib import import_module

h = import_module("make-hostile-inputs")


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 5000000
    rnd = random.Random(13)
    p = h.Profile()
    nfunc, nloc = 1500, 4000
    for f in range(1, nfunc + 1):
        p.function(f, "example.com/svc/pkg%d.(*T%d).Method%d" % (f % 40, f % 97, f), start_line=f * 10)
    for loc in range(1, nloc + 1):
        f = rnd.randint(1, nfunc)
        lines = [(f, f * 10 + rnd.randint(1, 9))]
        if rnd.random() < 0.3:      # some inlining
            g = rnd.randint(1, nfunc)
            lines.insert(0, (g, g * 10 + 2))
        p.location(loc, 0x400000 + loc * 16, lines)
    distinct = []
    for i in range(min(n, 50000)):
        depth = rnd.randint(2, 24)
        locs = b"".join(h.varint(rnd.randint(1, nloc)) for _ in range(depth))
        vals = h.varint(1) + h.varint(10000000)
        distinct.append(h.field_bytes(2, h.field_bytes(1, locs) + h.field_bytes(2, vals)))
    block = b"".join(distinct)
    samples = block * (n // len(distinct)) + b"".join(distinct[:n % len(distinct)])
    with gzip.open(out, "wb", compresslevel=1) as f:
        f.write(samples)     # Go writes samples first; pgodrift reads any order
        f.write(p.encode())


if __name__ == "__main__":
    main()
