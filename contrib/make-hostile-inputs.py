#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the hostile profiles kept as fuzz regression inputs (issue #13).

Each file reproduces one finding of the hostile-input review; the tests in
tests/unit/test_hostile.c and tests/cli/test_hostile.sh say what pgodrift
must do with it, and `make check` replays all of them through the fuzz
harnesses. The pprof files are encoded by hand (profile.proto field numbers
from proto/profile.proto) so every byte is deliberate.

usage: python3 contrib/make-hostile-inputs.py tests/fuzz/regress/profile
"""
import gzip
import os
import sys

INT64_MAX = (1 << 63) - 1


def varint(v):
    v &= (1 << 64) - 1          # int64 as two's complement, as protobuf does
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field_varint(num, v):
    return varint(num << 3) + varint(v)


def field_bytes(num, b):
    return varint(num << 3 | 2) + varint(len(b)) + b


def packed(num, values):
    return field_bytes(num, b"".join(varint(v) for v in values))


class Profile:
    """A CPU profile as Go writes it: samples/count and cpu/nanoseconds."""

    def __init__(self, types=((b"samples", b"count"), (b"cpu", b"nanoseconds"))):
        self.strings = [b""]
        self.body = bytearray()
        for t, u in types:
            self.body += field_bytes(1, field_varint(1, self.s(t)) + field_varint(2, self.s(u)))

    def s(self, text):
        if isinstance(text, str):
            text = text.encode()
        self.strings.append(text)
        return len(self.strings) - 1

    def function(self, fid, name, start_line=10, filename=b"main.go"):
        self.body += field_bytes(5, field_varint(1, fid) + field_varint(2, self.s(name)) +
                                 field_varint(3, self.s(name)) + field_varint(4, self.s(filename)) +
                                 field_varint(5, start_line))

    def location(self, lid, address, lines):
        msg = field_varint(1, lid) + field_varint(3, address)
        for fid, line in lines:
            msg += field_bytes(4, field_varint(1, fid) + field_varint(2, line))
        self.body += field_bytes(4, msg)

    def sample(self, locs, count, nanos):
        self.body += field_bytes(2, packed(1, locs) + packed(2, [count, nanos]))

    def encode(self):
        out = bytes(self.body) + field_varint(12, 10000000)
        out += field_bytes(11, field_varint(1, self.s("cpu")) + field_varint(2, self.s("nanoseconds")))
        for s in self.strings:
            out += field_bytes(6, s)
        return out


def two_frame(caller, callee, count=1, nanos=10000000, line=12):
    """caller calls callee: the smallest profile with one compiler edge."""
    p = Profile()
    p.function(1, caller)
    p.function(2, callee)
    p.location(1, 0x1000, [(2, 20)])
    p.location(2, 0x2000, [(1, line)])
    p.sample([1, 2], count, nanos)
    return p


def deep_inline(lines, samples):
    """One location holding `lines` inlined frames: quadratic in the old decoder."""
    p = Profile()
    for i in range(1, lines + 1):
        p.function(i, "main.f%d" % i, start_line=i * 10)
    p.location(1, 0x1000, [(i, i * 10 + 1) for i in range(1, lines + 1)])
    p.location(2, 0x2000, [(1, 5)])
    for _ in range(samples):
        p.sample([1, 2], 1, 10000000)
    return p


def write(d, name, data, gz=True):
    with open(os.path.join(d, name), "wb") as f:
        f.write(gzip.compress(data, 9, mtime=0) if gz else data)


def main():
    d = sys.argv[1]
    os.makedirs(d, exist_ok=True)
    # 6: sample counts (the column Go uses) whose sum overflows int64.
    p = two_frame("main.a", "main.b", count=INT64_MAX // 2 + 1)
    p.sample([1, 2], INT64_MAX // 2 + 1, 10000000)
    write(d, "overflow-values.pprof", p.encode())
    # 6: line - start_line overflows (start_line is -2^63 + 1, line is large).
    p = Profile()
    p.function(1, "main.a", start_line=-(1 << 62) * 2 + 1)
    p.function(2, "main.b")
    p.location(1, 0x1000, [(2, 20)])
    p.location(2, 0x2000, [(1, INT64_MAX - 5)])
    p.sample([1, 2], 1, 10000000)
    write(d, "overflow-offset.pprof", p.encode())
    # 7: a newline in a function name would inject a line into `edges` output.
    write(d, "name-newline.pprof",
          two_frame("main.a\nmain.injected\nmain.victim\n0 999999", "main.b").encode())
    # 7: a NUL would cut a name so two functions collide.
    write(d, "name-nul.pprof", two_frame("main.a\x00evil", "main.b").encode())
    # 7: terminal escapes (OSC title, BEL, CSI clear) in a name.
    write(d, "name-escape.pprof",
          two_frame("main.\x1b]0;pwned\x07(*T).\x1b[2JGet", "main.b").encode())
    # 7: a mention and a bare URL in a name reach the PR comment.
    write(d, "name-mention.pprof",
          two_frame("main.@octocat.https://evil.example/x.www.evil.example", "main.b").encode())
    # 7: a mention and an autolink in text that reaches markdown free text
    # (the sample type is quoted in the unusable-profile finding).
    p = Profile(types=((b"@octocat", b"https://evil.example/x"), (b"www.evil.example", b"x")))
    p.function(1, "main.a")
    p.location(1, 0x1000, [(1, 12)])
    p.sample([1], 1, 1)
    write(d, "type-mention.pprof", p.encode())
    # 7: invalid UTF-8 in a name (and a C1 CSI byte).
    write(d, "name-badutf8.pprof", two_frame(b"main.\xff\xfe\xc2\x9b31m.f", b"main.\xfe.leaf").encode())
    # 1: 4 000 inlined lines per sample, 100 samples: about 8 s in the old
    # quadratic decoder, milliseconds now.
    write(d, "deep-inline.pprof", deep_inline(4000, 100).encode())
    # 3: a small gzip bomb (64 MiB of zeros), past the harness's 32 MiB cap.
    write(d, "bomb-64m.pprof.gz", b"\0" * (64 << 20))
    # 6: preprofile weights that overflow when summed.
    write(d, "overflow-weights.preprofile",
          ("GO PREPROFILE V1\nmain.a\nmain.b\n2 %d\nmain.a\nmain.c\n3 %d\n" %
           (INT64_MAX, INT64_MAX)).encode(), gz=False)
    # 7: a NUL inside a preprofile name.
    write(d, "name-nul.preprofile", b"GO PREPROFILE V1\nmain.a\x00x\nmain.b\n2 10\n", gz=False)


if __name__ == "__main__":
    main()
