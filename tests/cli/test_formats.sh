#!/bin/sh
# The report formats on the real fixtures, end to end through the CLI:
# text (aligned; colour only on a terminal and never with NO_COLOR), markdown
# (the PR comment, under GitHub's limit), SARIF (module-relative paths,
# validated by Microsoft's SARIF Multitool), progress on stderr only on a
# terminal, and the contrib/ recipes' script parts run locally: the PR
# comment (dry run against a file:// API) and the scheduled drift report
# (file:// capture URLs).
# Usage: sh tests/cli/test_formats.sh BUILD_DIR    (from the repository root)
set -u
BUILD=${1:-build}
PGD=$BUILD/pgodrift
BIN=$BUILD/testdata/bin
PROF=testdata/profiles
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Reports must not depend on where the caller's environment points.
unset NO_COLOR GITHUB_SERVER_URL GITHUB_REPOSITORY GITHUB_SHA CI_PROJECT_URL CI_COMMIT_SHA \
	GITHUB_WORKSPACE CI_PROJECT_DIR
# Paths are relative to the repository: this checkout, wherever it is.
here=$(pwd)

ok() { echo "ok - $1"; pass=$((pass + 1)); }
notok() { echo "not ok - $1"; fail=$((fail + 1)); }
skip() { echo "ok - $1 # SKIP $2"; pass=$((pass + 1)); }
expect() { # expect NAME: ok when the previous command list succeeded
	if [ "$?" -eq 0 ]; then ok "$1"; else notok "$1"; fi
}
check_cmd() { # the demo case, plus extra args
	"$PGD" check --binary "$BIN/cachesvc.pgo" --base "$PROF/base.pprof" --source-root "$here" "$@"
}

[ -x "$PGD" ] && [ -f "$BIN/cachesvc.pgo" ] || {
	echo "not ok - $PGD and fixtures are built (make all fixtures)"
	echo "0 passed, 1 failed"
	exit 1
}

# ---- text ------------------------------------------------------------------
check_cmd --fresh "$PROF/fresh-even.pprof" --format text >"$tmp/even.txt" 2>"$tmp/even.err"
rc=$?
[ "$rc" -eq 1 ] && grep -q '^pgodrift check: [1-9][0-9]* findings' "$tmp/even.txt" &&
	grep -q 'refresh default.pgo' "$tmp/even.txt"
expect "text: verdict line, what to do, exit 1 on findings"
! grep -q "$(printf '\033')" "$tmp/even.txt"
expect "text: no colour into a pipe"
# Every row of the site table starts its CALLER column where the header does.
awk '/^VERDICT /{ col = index($0, "CALLER"); on = 1; next }
     on && /^$/ { exit bad }
     on { if (substr($0, col - 2, 2) != "  " || substr($0, col, 1) == " ") bad = 1 }
     END { exit bad }' "$tmp/even.txt" &&
	grep -q '^stale  *risk  *serve.go:16  *main.serve' "$tmp/even.txt"
expect "text: columns aligned (measured widths)"

if command -v script >/dev/null 2>&1; then
	script -qec "$PGD check --binary $BIN/cachesvc.pgo --base $PROF/base.pprof --fresh $PROF/fresh-even.pprof" \
		"$tmp/tty.txt" >/dev/null 2>&1
	grep -q "$(printf '\033')\[31mstale" "$tmp/tty.txt" && grep -q 'VERDICT' "$tmp/tty.txt"
	expect "text: the default on a terminal, with colour by severity"
	NO_COLOR=1 script -qec "$PGD check --binary $BIN/cachesvc.pgo --base $PROF/base.pprof --fresh $PROF/fresh-even.pprof 2>/dev/null" \
		"$tmp/tty-nocolor.txt" >/dev/null 2>&1
	grep -q 'VERDICT' "$tmp/tty-nocolor.txt" && ! grep -q "$(printf '\033')\[3" "$tmp/tty-nocolor.txt"
	expect "text: no colour on a terminal with NO_COLOR"
	# Progress: stdout to a file, stderr left on the terminal script provides.
	script -qec "$PGD check --binary $BIN/cachesvc.pgo --base $PROF/base.pprof --fresh $PROF/fresh-even.pprof --format json >$tmp/tty.json" \
		"$tmp/tty-progress.txt" >/dev/null 2>&1
	grep -q 'pgodrift: reading profiles' "$tmp/tty-progress.txt"
	expect "progress: shown on stderr when it is a terminal"
else
	skip "text: the default on a terminal, with colour by severity" "script(1) not installed"
	skip "text: no colour on a terminal with NO_COLOR" "script(1) not installed"
	skip "progress: shown on stderr when it is a terminal" "script(1) not installed"
fi
[ ! -s "$tmp/even.err" ]
expect "progress: never on stderr in a pipe (check)"
"$PGD" doctor --binary "$BIN/cachesvc.pgo" --base "$PROF/base.pprof" --fresh "$PROF/fresh-even.pprof" \
	--format json 2>&1 >/dev/null | cat >"$tmp/doctor.err"
[ ! -s "$tmp/doctor.err" ]
expect "progress: never on stderr in a pipe (doctor)"
check_cmd --fresh "$PROF/fresh-even.pprof" >"$tmp/default.out" 2>/dev/null
jq -e '.schema == "pgodrift.check/v1"' "$tmp/default.out" >/dev/null 2>&1
expect "format: JSON by default when stdout is not a terminal"

# ---- markdown -----------------------------------------------------------------
check_cmd --fresh "$PROF/fresh-even.pprof" --format markdown >"$tmp/even.md" 2>/dev/null
head -n 1 "$tmp/even.md" | grep -q '^\*\*pgodrift check:\*\* .* devirtualization finding' &&
	grep -q '^| 1 | `testdata/src/cachesvc/serve.go:16` in `main.serve` | `\*main.RedisCache` | 96% → 47% | `main.(\*DiskCache).Get` | `\*main.RedisCache` |' "$tmp/even.md" &&
	grep -q 'refresh `default.pgo`' "$tmp/even.md"
expect "markdown: verdict line, repository paths, guard in binary, what to do"
# Severity first (risk, warn, info), then estimated cost, highest first. Since
# the binary wins (issue 10), caches.go:99 (devirtualized by the compiler but
# shipped without a guard) is no finding at all; the new hot site of
# fresh-newpath is the info row, and its guard cell says why it is harmless.
check_cmd --fresh "$PROF/fresh-newpath.pprof" --format markdown >"$tmp/newpath.md" 2>/dev/null
awk -F' [|] ' '/^[|] [0-9]+ [|]/ {
	sev = ($8 ~ /🔴/) ? 3 : ($8 ~ /🟡/) ? 2 : 1
	if (n && (sev > psev || (sev == psev && $7 + 0 > pcost))) bad = 1
	psev = sev; pcost = $7 + 0; n++
} END { exit (bad || n < 3) }' "$tmp/even.md" &&
	! grep -q 'caches.go:99' "$tmp/even.md" &&
	grep -q '^| 1 | `testdata/src/cachesvc/main.go:202` .* | none (nothing misses today) | [0-9]* | 🔵 new-hot-site |' "$tmp/newpath.md"
expect "markdown: rows ranked by severity, then cost; an info row says why it is harmless"
GITHUB_SERVER_URL=https://github.example GITHUB_REPOSITORY=o/r GITHUB_SHA=0123abc \
	check_cmd --fresh "$PROF/fresh-even.pprof" --format markdown 2>/dev/null >"$tmp/linked.md"
grep -q '^| 1 | \[`serve.go:16`\](https://github.example/o/r/blob/0123abc/testdata/src/cachesvc/serve.go#L16) in `main.serve`' "$tmp/linked.md" &&
	check_cmd --fresh "$PROF/fresh-even.pprof" --format markdown --link-base 'https://gl.example/g/p/-/blob/f00/' 2>/dev/null |
	grep -q '(https://gl.example/g/p/-/blob/f00/testdata/src/cachesvc/serve.go#L23)' &&
	CI_PROJECT_URL=https://gl.example/g/p CI_COMMIT_SHA=beef check_cmd --fresh "$PROF/fresh-even.pprof" \
		--format markdown 2>/dev/null | grep -q '(https://gl.example/g/p/-/blob/beef/testdata/src/cachesvc/serve.go#L21)'
expect "markdown: sites link to the file and line at the commit (GitHub, GitLab, --link-base)"
"$PGD" sites --binary "$BIN/cachesvc.pgo" --source-root "$here" --format markdown "$PROF/base.pprof" \
	>"$tmp/sites-c.md" 2>/dev/null
[ "$(grep -c '^| `' "$tmp/sites-c.md")" -gt 10 ] &&
	awk '/<details>/ { exit } /^[|] `/ { n++ } END { exit n != 10 }' "$tmp/sites-c.md" &&
	grep -q '^<details><summary>[0-9]* more sites</summary>' "$tmp/sites-c.md" &&
	grep -q '^</details>' "$tmp/sites-c.md"
expect "markdown: the sites report shows its 10 heaviest sites and collapses the rest"
check_cmd --fresh "$PROF/fresh-same.pprof" --format markdown >"$tmp/same.md" 2>/dev/null
# Inlining drift (issue #17), when it lists anything, adds its own line and a collapsed block.
[ "$(sed -e '/^<details>/,/^<\/details>/d' -e '/^$/d' -e '/_inlining[ :(]/d' "$tmp/same.md" | wc -l)" -eq 1 ] &&
	head -n 1 "$tmp/same.md" | grep -q 'no stale devirtualization'
expect "markdown: no findings is one line (beside inlining drift's)"
maxmd=0
for args in "--fresh $PROF/fresh-even.pprof --all" "--fresh $PROF/fresh-even.pprof --fresh $PROF/fresh-same.pprof --all"; do
	# shellcheck disable=SC2086
	check_cmd $args --format markdown >"$tmp/big.md" 2>/dev/null
	size=$(wc -c <"$tmp/big.md")
	[ "$size" -gt "$maxmd" ] && maxmd=$size
done
"$PGD" sites --binary "$BIN/cachesvc.pgo" --format markdown "$PROF/base.pprof" >"$tmp/sites.md" 2>/dev/null
size=$(wc -c <"$tmp/sites.md")
[ "$size" -gt "$maxmd" ] && maxmd=$size
[ "$maxmd" -gt 0 ] && [ "$maxmd" -lt 65000 ]
expect "markdown: under 65000 bytes (largest fixture report: $maxmd bytes)"

# ---- sarif ------------------------------------------------------------------
# The verdicts' results; inlining drift's (inlining-drift, stale-hot, missed-hot) are its own.
SITE_RESULTS='.runs[0].results[] | select(.ruleId as $r | ["inlining-drift", "stale-hot", "missed-hot"] | any(. == $r) | not)'
check_cmd --fresh "$PROF/fresh-even.pprof" --format json --output "$tmp/even.json" 2>/dev/null
check_cmd --fresh "$PROF/fresh-even.pprof" --format sarif --output "$tmp/even.sarif" 2>/dev/null
jq -e '.version == "2.1.0" and (.runs[0].results | length) > 0' "$tmp/even.sarif" >/dev/null
expect "sarif: 2.1.0 with results"
# One rule per verdict, each result at the site's file (module-relative) and line.
jq -r '.sites[] | select(.severity != "none") | "\(.verdict) \(.line)"' "$tmp/even.json" | sort >"$tmp/want"
jq -r "$SITE_RESULTS"' | "\(.ruleId) \(.locations[0].physicalLocation.region.startLine)"' \
	"$tmp/even.sarif" | sort >"$tmp/got"
cmp -s "$tmp/want" "$tmp/got" &&
	jq -e '[.runs[0].tool.driver.rules[].id] | (length == (unique | length))' "$tmp/even.sarif" >/dev/null
expect "sarif: a result per finding at its line, one rule per verdict"
jq -e "[$SITE_RESULTS"' | .locations[0].physicalLocation.artifactLocation]
       | all(.uriBaseId == "SRCROOT" and (.uri | startswith("testdata/src/cachesvc/")))' "$tmp/even.sarif" >/dev/null &&
	jq -e --arg r "file://$here/" '.runs[0].originalUriBaseIds.SRCROOT.uri == $r' "$tmp/even.sarif" >/dev/null &&
	jq -e '[.runs[0].results[] | select(.ruleId == "stale")][0].level == "error"' "$tmp/even.sarif" >/dev/null &&
	# lookup's only shipped copy has no guard (Go 1.23.5 drops it when the
	# devirtualized function is inlined), so its weak finding is info: a note.
	jq -e '[.runs[0].results[] | select(.ruleId == "weak")] | all(.level == "note")' "$tmp/even.sarif" >/dev/null
expect "sarif: DWARF paths relative to the repository root (module root is testdata/src); levels by severity"
if [ -f "$BIN/cachesvc.trimpath.pgo" ]; then
	"$PGD" check --binary "$BIN/cachesvc.trimpath.pgo" --base "$PROF/base.pprof" --source-root "$here" \
		--fresh "$PROF/fresh-even.pprof" --format sarif >"$tmp/trim.sarif" 2>/dev/null
	jq -e '(.runs[0].results | length) > 0 and (['"$SITE_RESULTS"' | .locations[0].physicalLocation.artifactLocation]
	       | all(.uriBaseId == "SRCROOT" and (.uri | startswith("testdata/src/cachesvc/"))))' "$tmp/trim.sarif" >/dev/null &&
		jq -r "$SITE_RESULTS"' | .locations[0].physicalLocation.artifactLocation.uri' "$tmp/trim.sarif" >"$tmp/trim.uris" &&
		jq -r "$SITE_RESULTS"' | .locations[0].physicalLocation.artifactLocation.uri' "$tmp/even.sarif" | cmp -s - "$tmp/trim.uris"
	expect "sarif: -trimpath paths mapped through the module's go.mod, the same as the full-path build"
else
	skip "sarif: -trimpath DWARF paths mapped through the main module path" "fixture cachesvc.trimpath.pgo not generated"
fi
# --source-root overrides (the last one wins), relative to the current directory.
check_cmd --fresh "$PROF/fresh-even.pprof" --format sarif --source-root testdata 2>/dev/null |
	jq -e '.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri | startswith("src/cachesvc/")' >/dev/null
expect "sarif: --source-root sets the repository root"
check_cmd --fresh "$PROF/fresh-same.pprof" --format sarif --output "$tmp/same.sarif" 2>/dev/null
"$PGD" doctor --binary "$BIN/cachesvc.pgo" --base "$PROF/base.pprof" --fresh "$PROF/fresh-even.pprof" \
	--profile "$PROF/fresh-same.pprof" --profile "$PROF/fresh-short.pprof" --repo testdata/repo \
	--source-root "$here" --format sarif --output "$tmp/doctor.sarif" 2>/dev/null
"$PGD" sites --binary "$BIN/cachesvc.pgo" --source-root "$here" --format sarif --output "$tmp/sites.sarif" \
	"$PROF/base.pprof" 2>/dev/null
jq -e '[.runs[0].tool.driver.rules[] | select((.name | ascii_downcase) == (.id | ascii_downcase))] | length == 0' \
	"$tmp/doctor.sarif" >/dev/null &&
	jq -e '[.runs[0].results[].locations[0].physicalLocation] | all(.artifactLocation.uriBaseId == "SRCROOT" and .region.startLine >= 1)' \
		"$tmp/doctor.sarif" >/dev/null &&
	jq -e '[.runs[0].results[].locations[0].physicalLocation.artifactLocation.uri] | index("testdata/repo") != null' \
		"$tmp/doctor.sarif" >/dev/null
expect "sarif: doctor rule names differ from their ids (SARIF1001); inputs repository-relative with a startLine (GH1003)"
# The validator's SARIF rules and its GitHub rules (--rule-kind "Sarif;Gh").
sh contrib/sarif-validate.sh --strict "$tmp/even.sarif" "$tmp/same.sarif" "$tmp/doctor.sarif" \
	"$tmp/sites.sarif" "$tmp/trim.sarif" >"$tmp/validate.log" 2>&1
rc=$?
if [ "$rc" -eq 77 ]; then
	skip "sarif: SARIF Multitool validate, SARIF and GitHub rules (check, empty, doctor, sites, trimpath)" \
		"$(tail -n 1 "$tmp/validate.log")"
elif [ "$rc" -eq 0 ]; then
	ok "sarif: SARIF Multitool validate, SARIF and GitHub rules (check, empty, doctor, sites, trimpath)"
else
	notok "sarif: SARIF Multitool validate, SARIF and GitHub rules (check, empty, doctor, sites, trimpath)"
	sed 's/^/# /' "$tmp/validate.log"
fi

# ---- every kind in every format ------------------------------------------------
for fmt in json text markdown sarif github codeclimate rdjsonl line; do
	"$PGD" doctor --profile "$PROF/fresh-short.pprof" --source-root "$here" --format "$fmt" >"$tmp/d.$fmt" 2>/dev/null
	rcd=$?
	"$PGD" sites --binary "$BIN/cachesvc.pgo" --source-root "$here" --format "$fmt" "$PROF/base.pprof" >"$tmp/s.$fmt" 2>/dev/null
	rcs=$?
	[ "$rcd" -le 1 ] && [ "$rcs" -eq 0 ] && [ -s "$tmp/d.$fmt" ] && [ -s "$tmp/s.$fmt" ]
	expect "doctor and sites write --format $fmt"
done

# ---- contrib/ci/pr-comment.sh: dry run against a file:// API ---------------------
api=$tmp/api
mkdir -p "$api/repos/o/r/issues/7"
echo '[{"id": 41, "body": "LGTM"}]' >"$api/repos/o/r/issues/7/comments"
prc() {
	PGODRIFT=$PGD GITHUB_API_URL="file://$api" GITHUB_REPOSITORY=o/r PR_NUMBER=7 GITHUB_TOKEN=x \
		sh contrib/ci/pr-comment.sh --binary "$BIN/cachesvc.pgo" --base "$PROF/base.pprof" \
		--fresh "$PROF/fresh-even.pprof" --out-dir "$tmp/pr" --dry-run "$@"
}
out=$(prc 2>"$tmp/pr.err")
rc=$?
[ "$rc" -eq 1 ] && [ "$out" = "POST file://$api/repos/o/r/issues/7/comments" ] &&
	[ -s "$tmp/pr/pgodrift.sarif" ] && [ -s "$tmp/pr/pgodrift.json" ] &&
	jq -e '.body | startswith("<!-- pgodrift:drift-report -->\n**pgodrift check:**")' "$tmp/pr/comment.json" >/dev/null
expect "pr-comment: first run posts a new comment with marker + markdown; SARIF written; exit 1"
printf '%s\n' '[{"id": 41, "body": "LGTM"}, {"id": 42, "body": "<!-- pgodrift:drift-report -->\nold"}]' \
	>"$api/repos/o/r/issues/7/comments"
out=$(prc 2>"$tmp/pr.err")
[ "$out" = "PATCH file://$api/repos/o/r/issues/comments/42" ]
expect "pr-comment: a later run updates the marked comment"
mkdir -p "$api/projects/5/merge_requests/3"
echo '[{"id": 9, "body": "<!-- pgodrift:drift-report -->"}]' >"$api/projects/5/merge_requests/3/notes"
out=$(PGODRIFT=$PGD CI_API_V4_URL="file://$api" CI_PROJECT_ID=5 CI_MERGE_REQUEST_IID=3 \
	sh contrib/ci/pr-comment.sh --gitlab --binary "$BIN/cachesvc.pgo" --base "$PROF/base.pprof" \
	--fresh "$PROF/fresh-same.pprof" --out-dir "$tmp/gl" --dry-run 2>/dev/null)
rc=$?
[ "$rc" -eq 0 ] && [ "$out" = "PUT file://$api/projects/5/merge_requests/3/notes/9" ]
expect "pr-comment --gitlab: updates the marked merge-request note; exit 0 when clean"
PGODRIFT=$PGD GITHUB_API_URL="file://$api" GITHUB_REPOSITORY=o/r PR_NUMBER=7 \
	sh contrib/ci/pr-comment.sh --binary /nonexistent --base "$PROF/base.pprof" \
	--fresh "$PROF/fresh-even.pprof" --out-dir "$tmp/pr2" --dry-run >/dev/null 2>&1
[ "$?" -eq 2 ]
expect "pr-comment: bad input exits 2 and posts nothing"
if command -v python3 >/dev/null 2>&1; then
	python3 - contrib/ci/github-actions.yml contrib/ci/gitlab-ci.yml <<'PY' 2>/dev/null
import sys
try:
    import yaml
except ImportError:
    sys.exit(0)
for f in sys.argv[1:]:
    yaml.safe_load(open(f))
PY
	expect "CI recipes are valid YAML"
fi
grep -q 'pgodrift/ci/pr-comment.sh' contrib/ci/github-actions.yml &&
	grep -q 'upload-sarif' contrib/ci/github-actions.yml &&
	grep -q 'set -- --gitlab' contrib/ci/gitlab-ci.yml && grep -q 'pgodrift/ci/pr-comment.sh" "$@"' contrib/ci/gitlab-ci.yml
expect "CI recipes run the tested script and upload the SARIF"

# contrib/drift-report.sh (the scheduled report) is tested in tests/cli/test_fleet.sh.

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
