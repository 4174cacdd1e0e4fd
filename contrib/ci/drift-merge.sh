#!/bin/sh
# The merge step of the scheduled drift report, shared by drift-report.sh
# (one machine), the GitHub Actions and GitLab scheduled pipelines and the
# Kubernetes Indexed Job: after every service's drift-service.sh has left
# its results in RESULTS-DIR,
#   - `pgodrift merge` writes OUT-DIR/fleet.{json,md}: every service of
#     SERVICES.tsv is in it, a failed one with its reason, one whose job left
#     no result at all as "no result";
#   - the history file grows by one line per service (--history);
#   - `pgodrift diff` against the previous run's fleet report (--previous,
#     when it exists) writes OUT-DIR/diff.{json,md};
#   - `pgodrift trend` writes OUT-DIR/trend.{md,svg} (the last --keep runs);
#   - OUT-DIR/report.md is the post: summary, what changed, trend, details
#     (kept under 65 000 bytes, GitHub's and GitLab's comment limit).
#
#   sh contrib/ci/drift-merge.sh --services SERVICES.tsv --results RESULTS-DIR
#       --history HISTORY.jsonl --out OUT-DIR [--previous FLEET.json]
#       [--keep N] [--fail-on LEVEL]
#
# PGODRIFT names the pgodrift binary; SOURCE_DATE_EPOCH the run's time.
# Files are 0644. Exit 0 all clean, 1 findings at --fail-on, 3 some
# service's check was inconclusive (check's exit 3), 2 some service could
# not be checked (or a usage error); the worst wins in that order.
set -eu
umask 022
PGODRIFT=${PGODRIFT:-pgodrift}
services='' results='' history='' outdir='' previous=''
keep=12
fail_on=risk

die() { echo "drift-merge: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
	case $1 in
	--services) services=$2; shift 2 ;;
	--results) results=$2; shift 2 ;;
	--history) history=$2; shift 2 ;;
	--out) outdir=$2; shift 2 ;;
	--previous) previous=$2; shift 2 ;;
	--keep) keep=$2; shift 2 ;;
	--fail-on) fail_on=$2; shift 2 ;;
	-h|--help) sed -n '/^set /q; 2,$s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
done
[ -n "$services" ] && [ -n "$results" ] && [ -n "$history" ] && [ -n "$outdir" ] ||
	die "--services, --results, --history and --out are required"
[ -r "$services" ] || die "cannot read '$services'"
mkdir -p "$outdir" "$(dirname "$history")"

# Every service of the list goes to the merge, whatever its job left behind.
tab=$(printf '\t')
set --
errors=0
inconclusive=0
while IFS=$tab read -r name _rest || [ -n "${name:-}" ]; do
	case ${name:-} in ''|'#'*) continue ;; esac
	safe=$(printf '%s' "$name" | tr -c 'A-Za-z0-9._-' '_')
	st=$results/$safe.status
	if [ ! -f "$st" ]; then
		set -- "$@" --failed "$name=no result: the job for this service did not finish"
		errors=$((errors + 1))
	elif [ "$(cut -f1 "$st")" = error ]; then
		set -- "$@" --failed "$name=$(cut -f2- "$st")"
		errors=$((errors + 1))
	else
		[ "$(cut -f1 "$st")" != inconclusive ] || inconclusive=$((inconclusive + 1))
		set -- "$@" "$name=$results/$safe.json"
	fi
done <"$services"
[ $# -gt 0 ] || die "'$services' lists no services"

rc=0
"$PGODRIFT" merge --fail-on "$fail_on" --history "$history" \
	--output json="$outdir/fleet.json" --output markdown="$outdir/fleet.md" "$@" || rc=$?
[ "$rc" -le 1 ] || die "merge failed"
rm -f "$outdir/diff.json" "$outdir/diff.md"
if [ -n "$previous" ] && [ -f "$previous" ]; then
	"$PGODRIFT" diff --fail-on never --format json "$previous" "$outdir/fleet.json" >"$outdir/diff.json"
	"$PGODRIFT" diff --fail-on never --format markdown "$previous" "$outdir/fleet.json" >"$outdir/diff.md"
fi
"$PGODRIFT" trend --last "$keep" --format markdown "$history" >"$outdir/trend.md"
"$PGODRIFT" trend --last "$keep" --format svg "$history" >"$outdir/trend.svg"

{
	cat "$outdir/fleet.md"
	printf '\n### Since the previous run\n\n'
	if [ -f "$outdir/diff.md" ]; then cat "$outdir/diff.md"; else echo "First run: nothing to compare with."; fi
	printf '\n'
	sed 's/^## Trend$/### Trend/; s/^### `/#### `/' "$outdir/trend.md"
	for md in "$results"/*.md; do
		[ -f "$md" ] || continue
		grep -q 'no stale devirtualization' "$md" && continue
		printf '\n<details><summary>%s</summary>\n\n' "$(cat "${md%.md}.name" 2>/dev/null || basename "$md" .md)"
		cat "$md"
		printf '\n</details>\n'
	done
} >"$outdir/report.full.md"
# A comment over the limit is refused whole: keep the head and say where the rest is.
if [ "$(wc -c <"$outdir/report.full.md")" -gt 65000 ]; then
	head -c 64000 "$outdir/report.full.md" >"$outdir/report.md"
	printf '\n\n_The report is cut here to stay under the comment limit; report.full.md has all of it._\n' >>"$outdir/report.md"
else
	cp "$outdir/report.full.md" "$outdir/report.md"
fi
echo "drift-merge: $outdir/report.md ($errors service(s) not checked)" >&2
[ "$errors" -eq 0 ] || exit 2
[ "$inconclusive" -eq 0 ] || exit 3
exit "$rc"
