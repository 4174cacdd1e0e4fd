#!/bin/sh
# test_field.sh: the real-program field fixtures (testdata/field/, derived by
# contrib/field-fixtures.sh from contrib/field-check.sh), from the repository
# root:
#
#   sh tests/cli/test_field.sh BUILD_DIR
#
# The files are what they were (MANIFEST); `pgodrift edges` equals
# `go tool preprofile` byte for byte on every workload capture of gofmt,
# cmd/compile and cmd/link; the compiler's oracle records are well formed;
# pgodrift reads the archived gofmt with its own capture. The rules
# themselves (classification, choice, outcome) are tested against these
# oracles by the tests of the check module.

BUILD=${1:-build}
PGODRIFT=$BUILD/pgodrift
FIELD=testdata/field
pass=0
fail=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pgd-test-field.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

ok() { pass=$((pass + 1)); echo "ok - $1"; }
not_ok() { fail=$((fail + 1)); echo "not ok - $1${2:+: $2}"; }

if [ ! -x "$PGODRIFT" ]; then
    not_ok "pgodrift binary" "$PGODRIFT is missing (make all)"
    echo "$pass passed, $fail failed"
    exit 1
fi

if (cd "$FIELD" && sha256sum --quiet -c MANIFEST) >"$tmp/err" 2>&1; then
    ok "field MANIFEST"
else
    not_ok "field MANIFEST" "$(head -c 300 "$tmp/err")"
fi

n=0
for golden in "$FIELD"/go*/*/*.preprofile; do
    [ -f "$golden" ] || continue
    n=$((n + 1))
    profile=${golden%.preprofile}.pprof
    name=${golden#"$FIELD"/}
    if "$PGODRIFT" edges "$profile" >"$tmp/out" 2>"$tmp/err" && cmp -s "$tmp/out" "$golden"; then
        ok "edges $name = go tool preprofile"
    else
        not_ok "edges $name = go tool preprofile" "$(head -c 200 "$tmp/err")"
    fi
done
if [ "$n" -ge 2 ]; then
    ok "field preprofile goldens ($n)"
else
    not_ok "field preprofile goldens" "found $n"
fi

# Every oracle record has the CallStat keys, and each build devirtualized
# something with weight (else the capture did not reach the compiler).
for oracle in "$FIELD"/go*/*/pgo*.oracle.jsonl; do
    [ -f "$oracle" ] || continue
    name=${oracle#"$FIELD"/}
    bad=$(jq -c 'select((.Pos|type) != "string" or (.Caller|type) != "string"
        or (.Direct|type) != "boolean" or (.Interface|type) != "boolean"
        or (.Weight|type) != "number" or (.Devirtualized|type) != "string"
        or (.Name|type) != "string")' "$oracle" | head -n 1)
    devirt=$(jq -c 'select(.Devirtualized != "" and .Weight > 0)' "$oracle" | wc -l)
    if [ -z "$bad" ] && [ "$devirt" -gt 0 ]; then
        ok "oracle $name ($devirt weighted devirtualizations)"
    else
        not_ok "oracle $name" "bad record: $bad; weighted devirtualizations: $devirt"
    fi
done

bin=$BUILD/testdata/bin/field-gofmt-go1.26.11.pgoA
prof=$FIELD/go1.26.11/gofmt/A.pprof
if [ -f "$bin" ]; then
    if "$PGODRIFT" sites --format json --binary "$bin" "$prof" >"$tmp/sites.json" 2>"$tmp/err" &&
       [ "$(jq '[.sites[] | select(.kind == "interface")] | length' "$tmp/sites.json")" -gt 10 ]; then
        ok "sites on the field gofmt finds interface sites"
    else
        not_ok "sites on the field gofmt" "$(head -c 200 "$tmp/err")"
    fi
else
    not_ok "field gofmt binary" "$bin is missing (make fixtures)"
fi

# No false alarm when --fresh is --base, even with --min-samples 1 (every
# site judged): on Go 1.26 gofmt built from each workload, only
# never-dominant. pgoB is where the mirrored rules pick *bytes.Buffer on a
# tie at (*trimmer).Write while the compiler guarded *sizeCounter: a
# refresh with the same pick chooses as the build did (drift.c).
for w in A B; do
    bin=$BUILD/testdata/bin/field-gofmt-go1.26.11.pgo$w
    prof=$FIELD/go1.26.11/gofmt/$w.pprof
    "$PGODRIFT" check --format json --min-samples 1 --binary "$bin" --base "$prof" --fresh "$prof" \
        >"$tmp/same.json" 2>"$tmp/err"
    rc=$?
    verdicts=$(jq -r '[.sites[] | select(.severity != "none") | .verdict] | unique | join(",")' "$tmp/same.json" 2>/dev/null)
    if [ "$rc" -eq 3 ] && [ "$verdicts" = never-dominant ]; then
        ok "gofmt pgo$w, fresh = base, --min-samples 1: only never-dominant (exit 3: the input repeats)"
    else
        not_ok "gofmt pgo$w, fresh = base" "exit $rc, verdicts '$verdicts' $(head -c 200 "$tmp/err")"
    fi
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
