#!/bin/sh
# Scheduled drift report over many services, on one machine: each service's
# capture is fetched and checked in parallel (contrib/ci/drift-service.sh,
# at most --jobs at once), then contrib/ci/drift-merge.sh: `pgodrift merge`
# writes the fleet report, `pgodrift diff` says what changed since the
# previous run, the history grows by one line per service, and `pgodrift
# trend` charts it. The CI and Kubernetes recipes run the same two scripts.
#
#   sh contrib/drift-report.sh [--out-dir DIR] [--keep N] [--jobs N] [--fail-on LEVEL] SERVICES.tsv
#
# SERVICES.tsv: one service a line, tab-separated:
#   name <TAB> binary <TAB> committed profile <TAB> capture URL
# Blank lines and lines starting with '#' are skipped. PGODRIFT names the
# pgodrift binary (default: on PATH); CURL_OPTS adds curl options.
#
# DIR (default drift-report) keeps:
#   history.jsonl          append-only, one line per service per run
#   runs/RUN/              the last N runs (--keep, default 12), RUN = UTC time:
#     services/NAME.{pprof,json,md,doctor.json,status}  capture kept with its report
#     fleet.json fleet.md  `pgodrift merge` (pgodrift.fleet/v1)
#     diff.json diff.md    `pgodrift diff` against the previous run (when there is one)
#     trend.md trend.svg   `pgodrift trend` over the history
#     report.md            the post: summary, what changed, trend, details
#                          (report.full.md when that is over 65 000 bytes)
#   latest -> runs/RUN, drift-report.json (= fleet.json), drift-report.md (= report.md)
# Files are 0644. The run's time is SOURCE_DATE_EPOCH when set. Exit status:
# 0 every service clean, 1 findings at --fail-on somewhere, 3 some service's
# check was inconclusive (pgodrift check's exit 3), 2 some service could not
# be checked (the report still lists it, with why); the worst wins, in that
# order.
set -eu
umask 022

PGODRIFT=${PGODRIFT:-pgodrift}
export PGODRIFT
here=$(cd "$(dirname "$0")" && pwd)
out=drift-report
keep=12
jobs=4
fail_on=risk

die() { echo "drift-report: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
	case $1 in
	--out-dir) out=$2; shift 2 ;;
	--keep) keep=$2; shift 2 ;;
	--jobs) jobs=$2; shift 2 ;;
	--fail-on) fail_on=$2; shift 2 ;;
	-h|--help) sed -n '/^set /q; 2,$s/^# \{0,1\}//p' "$0"; exit 0 ;;
	--) shift; break ;;
	-*) die "unknown option '$1' (see --help)" ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || die "give one SERVICES.tsv (see --help)"
list=$1
[ -r "$list" ] || die "cannot read '$list'"
case $keep in ''|*[!0-9]*|0) die "--keep wants a positive number" ;; esac
case $jobs in ''|*[!0-9]*|0) die "--jobs wants a positive number" ;; esac
command -v curl >/dev/null 2>&1 || die "curl is required"
n=$(grep -c -v -e '^#' -e '^[[:space:]]*$' "$list" || true)
[ "$n" -gt 0 ] || die "'$list' lists no services"

generated=${SOURCE_DATE_EPOCH:-$(date +%s)}
run_id=$(date -u -d "@$generated" +%Y%m%dT%H%M%SZ 2>/dev/null || echo "$generated")
mkdir -p "$out/runs"
prev=$(ls -1 "$out/runs" | sort | tail -n 1)
[ "$prev" != "$run_id" ] || die "a run '$run_id' exists already in $out/runs"
run=$out/runs/$run_id
mkdir -p "$run/services"

# Fetch and check in parallel, at most $jobs at once (xargs -P); each writes its status.
i=1
while [ "$i" -le "$n" ]; do echo "$i"; i=$((i + 1)); done |
	xargs -P "$jobs" -I{} sh "$here/ci/drift-service.sh" --fail-on "$fail_on" --line {} "$list" "$run/services"

rc=0
set -- --services "$list" --results "$run/services" --history "$out/history.jsonl" --out "$run" \
	--keep "$keep" --fail-on "$fail_on"
[ -n "$prev" ] && set -- "$@" --previous "$out/runs/$prev/fleet.json"
SOURCE_DATE_EPOCH=$generated sh "$here/ci/drift-merge.sh" "$@" || rc=$?
[ -f "$run/report.md" ] || die "the merge step wrote no report"

cp "$run/fleet.json" "$out/drift-report.json"
cp "$run/report.md" "$out/drift-report.md"
ln -sfn "runs/$run_id" "$out/latest"

# Retention: the last $keep runs, captures with them; the history is never trimmed.
ls -1 "$out/runs" | sort | head -n "-$keep" | while read -r old; do
	rm -rf "${out:?}/runs/$old"
done

echo "drift-report: wrote $out/drift-report.md and $run/ ($n services)" >&2
exit "$rc"
