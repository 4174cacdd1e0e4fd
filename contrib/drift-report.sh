#!/bin/sh
# Scheduled drift report over many services: for each service, fetch a fresh
# CPU profile from its capture URL, run `pgodrift check` against the binary
# that ships and its committed profile, and write one combined JSON and one
# markdown summary (for a chat post, an issue, or a wiki page).
#
#   sh contrib/drift-report.sh [--out-dir DIR] [--fail-on LEVEL] SERVICES.tsv
#
# SERVICES.tsv: one service a line, tab-separated:
#   name <TAB> binary <TAB> committed profile <TAB> capture URL
# Blank lines and lines starting with '#' are skipped. The URL is anything
# curl fetches: http(s)://svc:6060/debug/pprof/profile?seconds=30, or a
# file:// capture. PGODRIFT names the pgodrift binary (default: on PATH);
# CURL_OPTS adds curl options (e.g. "--max-time 60 -H 'Authorization: ...'").
#
# Writes DIR/drift-report.json:
#   {"schema": "pgodrift.drift-report/v1", "generated": UNIX-TIME,
#    "services": {NAME: {"status": "clean" | "findings" | "inconclusive" | "error",
#                        "exit_code": N, "error": TEXT|null,
#                        "capture_url": URL, "report": CHECK-JSON|null}}}
# and DIR/drift-report.md (DIR defaults to drift-report). "generated" is
# SOURCE_DATE_EPOCH when set. Exit status: 0 every service clean, 1 findings
# somewhere, 3 some service's check was inconclusive (pgodrift check's exit
# 3), 2 some service could not be checked (the report is still written and
# says which and why); the worst wins, in that order.
set -eu

PGODRIFT=${PGODRIFT:-pgodrift}
out=drift-report
fail_on=risk

die() { echo "drift-report: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
	case $1 in
	--out-dir) out=$2; shift 2 ;;
	--fail-on) fail_on=$2; shift 2 ;;
	-h|--help) sed -n '2,27s/^# \{0,1\}//p' "$0"; exit 0 ;;
	--) shift; break ;;
	-*) die "unknown option '$1' (see --help)" ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || die "give one SERVICES.tsv (see --help)"
list=$1
[ -r "$list" ] || die "cannot read '$list'"
command -v jq >/dev/null 2>&1 || die "jq is required"
command -v curl >/dev/null 2>&1 || die "curl is required"

mkdir -p "$out/services"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
generated=${SOURCE_DATE_EPOCH:-$(date +%s)}
echo '{}' >"$work/services.json"
worst=0
n=0
tab=$(printf '\t')

while IFS="$tab" read -r name binary profile url rest || [ -n "${name:-}" ]; do
	case ${name:-} in ''|'#'*) continue ;; esac
	n=$((n + 1))
	# A name becomes a file name: keep it to a safe alphabet.
	safe=$(printf '%s' "$name" | tr -c 'A-Za-z0-9._-' '_')
	json=$out/services/$safe.json
	md=$out/services/$safe.md
	err=""
	rc=0
	if [ -z "${url:-}" ] || [ -n "${rest:-}" ]; then
		err="line needs 4 tab-separated fields: name, binary, profile, capture URL"
		rc=2
	fi
	capture=$work/$safe.pprof
	if [ "$rc" -eq 0 ]; then
		# shellcheck disable=SC2086
		if ! eval curl -fsSL ${CURL_OPTS:-} -o '"$capture"' '"$url"' 2>"$work/curl.err"; then
			err="cannot fetch capture: $(tr '\n' ' ' <"$work/curl.err" | sed 's/ *$//')"
			rc=2
		fi
	fi
	if [ "$rc" -eq 0 ]; then
		"$PGODRIFT" check --binary "$binary" --base "$profile" --fresh "$capture" \
			--fail-on "$fail_on" --format json --output "$json" 2>"$work/check.err" || rc=$?
		if [ "$rc" -eq 2 ]; then
			err=$(tr '\n' ' ' <"$work/check.err" | sed 's/ *$//')
		else
			"$PGODRIFT" check --binary "$binary" --base "$profile" --fresh "$capture" \
				--fail-on never --format markdown --output "$md" 2>/dev/null || true
		fi
	fi
	case $rc in
	0) status=clean ;;
	1) status=findings ;;
	3) status=inconclusive ;;   # report written; its summary says why
	*) status=error; rc=2 ;;
	esac
	# rank: error (2) over inconclusive (3) over findings (1) over clean (0)
	rank() { case $1 in 2) echo 3 ;; 3) echo 2 ;; *) echo "$1" ;; esac; }
	[ "$(rank "$rc")" -gt "$(rank "$worst")" ] && worst=$rc
	if [ "$status" != error ] && [ -s "$json" ]; then
		report_arg="--slurpfile report $json"
	else
		report_arg="--argjson report [null]"
	fi
	# shellcheck disable=SC2086
	jq --arg name "$name" --arg status "$status" --argjson rc "$rc" --arg err "$err" \
		--arg url "$url" $report_arg \
		'.[$name] = {status: $status, exit_code: $rc,
			     error: (if $err == "" then null else $err end),
			     capture_url: $url, report: $report[0]}' \
		"$work/services.json" >"$work/next.json"
	mv "$work/next.json" "$work/services.json"
	echo "drift-report: $name: $status" >&2
done <"$list"

[ "$n" -gt 0 ] || die "'$list' lists no services"

jq --argjson generated "$generated" \
	'{schema: "pgodrift.drift-report/v1", generated: $generated, services: .}' \
	"$work/services.json" >"$work/report.json"
mv "$work/report.json" "$out/drift-report.json"

# The summary: one table row per service, then each service's own markdown, collapsed.
{
	jq -r '
		def esc: gsub("\\|"; "\\|") | gsub("<"; "&lt;") | gsub("\n"; " ");
		def count($s): [.report.sites[]? | select(.severity == $s)] | length;
		.services as $s
		| ($s | [.[] | select(.status == "findings")] | length) as $bad
		| ($s | [.[] | select(.status == "error")] | length) as $err
		| "## PGO drift report\n",
		  (if $bad == 0 and $err == 0 then "✅ every service'"'"'s default.pgo still matches production."
		   else "\($bad) service(s) with stale devirtualization, \($err) could not be checked." end),
		  "",
		  "| Service | Status | Risk | Warn | Costliest site |",
		  "|---|---|--:|--:|---|",
		  ($s | to_entries[] | .value as $v
		   | ([$v.report.sites[]? | select(.severity != "none")] | max_by(.cost)) as $top
		   | "| \(.key | esc) | \(if $v.status == "clean" then "✅ clean"
				     elif $v.status == "findings" then "❌ findings"
				     else "⚠️ error: \($v.error // "" | esc)" end) | \($v | count("risk")) | \($v | count("warn")) | \(
				if $top then "`\(($top.file // "?") | split("/") | last):\($top.line)` in `\($top.caller | esc)`" else "–" end) |")
	' "$out/drift-report.json"
	for f in "$out"/services/*.md; do
		[ -f "$f" ] || continue
		grep -q 'no stale devirtualization' "$f" && continue
		printf '\n<details><summary>%s</summary>\n\n' "$(basename "$f" .md)"
		cat "$f"
		printf '\n</details>\n'
	done
	printf '\n<sub>generated %s by contrib/drift-report.sh</sub>\n' \
		"$(date -u -d "@$generated" +%Y-%m-%dT%H:%MZ 2>/dev/null || echo "$generated")"
} >"$out/drift-report.md"

echo "drift-report: wrote $out/drift-report.json and $out/drift-report.md" >&2
exit "$worst"
