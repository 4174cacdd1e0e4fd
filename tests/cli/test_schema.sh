#!/bin/sh
# Every JSON document the suite produces, validated against its schema in
# doc/schema/ (tests/cli/validate_json.py, python3-jsonschema): the CLI
# goldens, check, sites and doctor on the fixtures (every profile of
# testdata/profiles through doctor, the unusable ones included), and
# contrib/drift-report.sh's fleet report with each service's check
# report. A negative control shows the validator rejects a broken document.
# Without python3-jsonschema every test here reports SKIP with the reason.
#
#   sh tests/cli/test_schema.sh BUILD_DIR     (from the repository root)
set -u
BUILD=${1:-build}
PGD="$BUILD/pgodrift"
BIN="$BUILD/testdata/bin"
P=testdata/profiles
S=doc/schema
SOURCE_DATE_EPOCH=1795000000
export SOURCE_DATE_EPOCH
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { pass=$((pass + 1)); echo "ok - $1"; }
notok() { fail=$((fail + 1)); echo "not ok - $1"; }
skip() { pass=$((pass + 1)); echo "ok - $1 # SKIP $2"; }

# valid NAME SCHEMA FILE...: the schema for each file by its "schema" key when SCHEMA is "auto".
valid() {
	name=$1; schema=$2; shift 2
	python3 tests/cli/validate_json.py "$schema" "$@" >"$tmp/v.log" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ]; then ok "$name"
	elif [ "$rc" -eq 77 ]; then skip "$name" "$(tail -n 1 "$tmp/v.log")"
	else notok "$name"; sed 's/^/# /' "$tmp/v.log" | head -20; fi
}

schema_of() { # the schema file a report names: pgodrift.check/v1 -> doc/schema/pgodrift.check.v1.json
	echo "$S/$(jq -r .schema "$1" | sed 's|/|.|').json"
}

[ -x "$PGD" ] && [ -f "$BIN/cachesvc.pgo" ] || {
	echo "not ok - $PGD and fixtures are built (make all fixtures)"
	echo "0 passed, 1 failed"
	exit 1
}

# ---- the reviewed goldens ---------------------------------------------------------
for g in testdata/golden/cli/*.json; do
	valid "golden $(basename "$g") against $(schema_of "$g")" "$(schema_of "$g")" "$g"
done

# ---- check's inlining block as the unit tests write it ------------------------------
# test_report_inlining fills a real check report's inlining block (real sites,
# synthetic list membership: see its file comment) and writes the JSON here.
set --
for f in "$BUILD/tests/report-inlining-check.json" "$BUILD/tests/report-inlining-skipped.json"; do
	[ -f "$f" ] && set -- "$@" "$f"
done
if [ "$#" -eq 2 ]; then
	valid "check with an inlining block, ran and skipped (test_report_inlining)" "$S/pgodrift.check.v1.json" "$@"
else
	notok "test_report_inlining wrote its two check reports under $BUILD/tests (run the unit tests first)"
fi

# ---- check and sites, fresh from the CLI -----------------------------------------
CHECK="check --binary $BIN/cachesvc.pgo --base $P/base.pprof"
$PGD $CHECK --fresh $P/fresh-even.pprof --all --format json >"$tmp/check-all.json" 2>/dev/null
$PGD $CHECK --fresh $P/fresh-flipped.pprof --attribution stack --format json >"$tmp/check-stack.json" 2>/dev/null
$PGD $CHECK --fresh $P/fresh-short.pprof --format json >"$tmp/check-short.json" 2>/dev/null
$PGD check --binary "$BIN/cachesvc.arm64.pgo" --base $P/base.pprof --fresh $P/fresh-even.pprof \
	--format json >"$tmp/check-arm64.json" 2>/dev/null
valid "check --all, --attribution stack, a short capture, arm64" "$S/pgodrift.check.v1.json" \
	"$tmp/check-all.json" "$tmp/check-stack.json" "$tmp/check-short.json" "$tmp/check-arm64.json"
$PGD sites --binary "$BIN/stdwide.nopgo" --format json $P/std-wide.pprof >"$tmp/sites-std.json" 2>/dev/null
$PGD sites --binary "$BIN/cachesvc.pgo" --attribution stack --format json $P/base.pprof \
	$P/fresh-even.pprof >"$tmp/sites-two.json" 2>/dev/null
valid "sites: stdwide, two profiles by stack" "$S/pgodrift.sites.v1.json" "$tmp/sites-std.json" "$tmp/sites-two.json"

# ---- doctor: every input kind, every profile of testdata/profiles alone ------------
$PGD doctor --binary "$BIN/cachesvc.pgo" --compare-binary "$BIN/cachesvc.nopgo" --base $P/base.pprof \
	--fresh $P/fresh-even.pprof --profile $P/fresh-same.pprof --repo testdata/repo \
	--format json >"$tmp/doctor-all.json" 2>/dev/null
valid "doctor with binary, compare-binary, base, fresh, profile, repo" "$S/pgodrift.doctor.v1.json" \
	"$tmp/doctor-all.json"
set --
for p in $P/*.pprof $P/*.preprofile; do
	out=$tmp/doctor-$(basename "$p").json
	$PGD doctor --profile "$p" --format json >"$out" 2>/dev/null
	set -- "$@" "$out"
done
valid "doctor --profile P for each of the $# fixture profiles (heap.pprof, go119.pprof too)" \
	"$S/pgodrift.doctor.v1.json" "$@"

# ---- contrib/drift-report.sh ----------------------------------------------------------
here=$(pwd)
printf 'even\t%s\t%s\tfile://%s\n' "$BIN/cachesvc.pgo" "$P/base.pprof" "$here/$P/fresh-even.pprof" >"$tmp/svc.tsv"
printf 'same\t%s\t%s\tfile://%s\n' "$BIN/cachesvc.pgo" "$P/base.pprof" "$here/$P/fresh-same.pprof" >>"$tmp/svc.tsv"
printf 'down\t%s\t%s\tfile://%s/nonexistent.pprof\n' "$BIN/cachesvc.pgo" "$P/base.pprof" "$here" >>"$tmp/svc.tsv"
PGODRIFT=$PGD sh contrib/drift-report.sh --out-dir "$tmp/drift" "$tmp/svc.tsv" >/dev/null 2>&1
# drift-report.sh writes the fleet report (pgodrift merge, issue 16); each
# service's own check report is a file it names.
valid "drift-report.json against pgodrift.fleet/v1" "$S/pgodrift.fleet.v1.json" \
	"$tmp/drift/drift-report.json"
for name in even same; do
	jq -r --arg n "$name" '.services[] | select(.name == $n) | .report' "$tmp/drift/drift-report.json" |
		xargs cat >"$tmp/drift-$name.json"
done
valid "drift-report: each service's report against pgodrift.check/v1" "$S/pgodrift.check.v1.json" \
	"$tmp/drift-even.json" "$tmp/drift-same.json"

# ---- the validator rejects what the schemas forbid ---------------------------------
jq '.inputs[1].time_nanos = 1.5' "$tmp/check-all.json" >"$tmp/bad-check.json"
jq '(.services[] | select(.name == "down") | .outcome) = "fine"' "$tmp/drift/drift-report.json" >"$tmp/bad-drift.json"
python3 tests/cli/validate_json.py "$S/pgodrift.check.v1.json" "$tmp/bad-check.json" >/dev/null 2>&1
rc1=$?
python3 tests/cli/validate_json.py "$S/pgodrift.fleet.v1.json" "$tmp/bad-drift.json" >/dev/null 2>&1
rc2=$?
if [ "$rc1" -eq 77 ]; then skip "negative control: a fractional time_nanos and an unknown outcome are refused" \
	"python3 has no jsonschema module"
elif [ "$rc1" -eq 1 ] && [ "$rc2" -eq 1 ]; then ok "negative control: a fractional time_nanos and an unknown outcome are refused"
else notok "negative control: a fractional time_nanos and an unknown outcome are refused (rc $rc1, $rc2)"; fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
