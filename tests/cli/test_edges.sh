#!/bin/sh
# test_edges.sh: `pgodrift edges` end to end, from the repository root:
#
#   sh tests/cli/test_edges.sh BUILD_DIR
#
# Every testdata/golden/preprofile/NAME.preprofile is what
# `go tool preprofile -i testdata/profiles/NAME.pprof` wrote
# (contrib/gen-testdata.sh), so `cmp` here compares with Go byte for byte.
# Bad inputs must exit 2 with one stderr line "pgodrift: ...FILE...".

BUILD=${1:-build}
PGODRIFT=$BUILD/pgodrift
GOLDEN=testdata/golden/preprofile
PROFILES=testdata/profiles
pass=0
fail=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pgd-test-edges.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

ok() { pass=$((pass + 1)); echo "ok - $1"; }
not_ok() { fail=$((fail + 1)); echo "not ok - $1${2:+: $2}"; }

if [ ! -x "$PGODRIFT" ]; then
    not_ok "pgodrift binary" "$PGODRIFT is missing (make all)"
    echo "$pass passed, $fail failed"
    exit 1
fi

# Byte equality with go tool preprofile, and the golden read back as input.
ngolden=0
for golden in "$GOLDEN"/*.preprofile; do
    [ -f "$golden" ] || continue
    name=$(basename "$golden" .preprofile)
    profile=$PROFILES/$name.pprof
    [ -f "$profile" ] || continue
    ngolden=$((ngolden + 1))
    if "$PGODRIFT" edges "$profile" >"$tmp/out" 2>"$tmp/err" && cmp -s "$tmp/out" "$golden"; then
        ok "edges $name = go tool preprofile"
    else
        not_ok "edges $name = go tool preprofile" "$(head -c 200 "$tmp/err")"
    fi
    if "$PGODRIFT" edges "$golden" >"$tmp/out" 2>"$tmp/err" && cmp -s "$tmp/out" "$golden"; then
        ok "edges $name.preprofile round trip"
    else
        not_ok "edges $name.preprofile round trip" "$(head -c 200 "$tmp/err")"
    fi
done
if [ "$ngolden" -ge 5 ]; then
    ok "at least 5 goldens ($ngolden)"
else
    not_ok "at least 5 goldens" "found $ngolden"
fi

# Merging two pprof inputs equals merging their two goldens (weights summed).
a=fresh-even-a
b=fresh-even-b
if "$PGODRIFT" edges "$PROFILES/$a.pprof" "$PROFILES/$b.pprof" >"$tmp/m1" 2>"$tmp/err" &&
   "$PGODRIFT" edges "$GOLDEN/$a.preprofile" "$GOLDEN/$b.preprofile" >"$tmp/m2" 2>>"$tmp/err" &&
   cmp -s "$tmp/m1" "$tmp/m2" && [ "$(wc -l <"$tmp/m1")" -gt "$(wc -l <"$GOLDEN/$a.preprofile")" ]; then
    ok "edges $a $b = sum of their goldens"
else
    not_ok "edges $a $b = sum of their goldens" "$(head -c 200 "$tmp/err")"
fi

# Bad input: exit 2, nothing on stdout, one stderr line naming the file.
bad_case() {
    file=$1
    "$PGODRIFT" edges "$file" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    lines=$(wc -l <"$tmp/err")
    if [ "$rc" -ne 2 ]; then
        not_ok "bad input $file" "exit $rc, want 2"
    elif [ "$lines" -ne 1 ]; then
        not_ok "bad input $file" "$lines stderr lines, want 1"
    elif ! grep -q '^pgodrift: ' "$tmp/err"; then
        not_ok "bad input $file" "stderr does not start with 'pgodrift: '"
    elif ! grep -qF "$file" "$tmp/err"; then
        not_ok "bad input $file" "stderr does not name the file"
    elif [ -s "$tmp/out" ]; then
        not_ok "bad input $file" "wrote to stdout"
    else
        ok "bad input $file: $(cat "$tmp/err")"
    fi
}

for f in testdata/bad/empty.pprof testdata/bad/html.pprof testdata/bad/truncated.pprof \
         testdata/bad/notpprof.pprof "$PROFILES/heap.pprof" "$PROFILES/go119.pprof"; do
    if [ -f "$f" ]; then
        bad_case "$f"
    else
        not_ok "bad input $f" "fixture missing"
    fi
done
bad_case "$PROFILES/no-such-profile.pprof"
bad_case "$PROFILES"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
