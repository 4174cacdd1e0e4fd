#!/bin/sh
# One service of the scheduled drift report: fetch its fresh capture,
# validate it with `pgodrift doctor`, run `pgodrift check`, and leave in
# OUT-DIR everything a fleet merge (and a later re-check) needs:
#
#   NAME.pprof   the capture, kept with its report for the retention period
#   NAME.doctor.json, NAME.json (check), NAME.md (check's PR-style markdown)
#   NAME.status  one line: "clean", "findings", "inconclusive" (check could
#                not judge; its report says why), or "error<TAB>reason"
#
#   sh contrib/ci/drift-service.sh [--fail-on LEVEL] NAME BINARY PROFILE CAPTURE-URL OUT-DIR
#   sh contrib/ci/drift-service.sh [--fail-on LEVEL] --line N SERVICES.tsv OUT-DIR
#
# The second form takes line N (counting only service lines) of a
# services.tsv (name<TAB>binary<TAB>profile<TAB>capture URL): what a CI
# matrix job, a Kubernetes Indexed Job pod (N = JOB_COMPLETION_INDEX + 1)
# or `drift-report.sh` running services in parallel calls. The URL is
# anything curl fetches (http(s)://host:6060/debug/pprof/profile?seconds=30,
# file://...); CURL_OPTS adds curl options; PGODRIFT names the pgodrift
# binary; PGODRIFT_SOURCE_ROOT a checkout of the service's source for
# repository-relative paths in its markdown (default: none, paths relative
# to the main module). Files are written 0644 (umask 022). Exit 0 always once NAME.status
# is written (a failure is reported in it, not by dropping the service);
# 2 for a usage error.
set -u
umask 022
PGODRIFT=${PGODRIFT:-pgodrift}
fail_on=risk
line=

die() { echo "drift-service: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
	case $1 in
	--fail-on) fail_on=$2; shift 2 ;;
	--line) line=$2; shift 2 ;;
	-h|--help) sed -n '/^set /q; 2,$s/^# \{0,1\}//p' "$0"; exit 0 ;;
	-*) die "unknown option '$1' (see --help)" ;;
	*) break ;;
	esac
done

tab=$(printf '\t')
if [ -n "$line" ]; then
	[ $# -eq 2 ] || die "--line N wants SERVICES.tsv OUT-DIR"
	[ -r "$1" ] || die "cannot read '$1'"
	entry=$(grep -v -e '^#' -e '^[[:space:]]*$' "$1" | sed -n "${line}p")
	[ -n "$entry" ] || die "'$1' has no service line $line"
	out=$2
	IFS=$tab read -r name binary profile url rest <<EOT
$entry
EOT
else
	[ $# -eq 5 ] || die "give NAME BINARY PROFILE CAPTURE-URL OUT-DIR (see --help)"
	name=$1 binary=$2 profile=$3 url=$4 rest=
	out=$5
fi
# A name becomes a file name: keep it to a safe alphabet.
safe=$(printf '%s' "$name" | tr -c 'A-Za-z0-9._-' '_')
mkdir -p "$out" || die "cannot create '$out'"
status=$out/$safe.status
capture=$out/$safe.pprof

fail() { # fail REASON: the service is reported as not checked, with why
	printf 'error\t%s\n' "$(printf '%s' "$*" | tr '\t\n' '  ' | sed 's/ *$//')" >"$status"
	echo "drift-service: $name: error: $*" >&2
	exit 0
}

printf '%s\n' "$name" >"$out/$safe.name"
[ -n "${url:-}" ] && [ -z "${rest:-}" ] ||
	fail "line needs 4 tab-separated fields: name, binary, profile, capture URL"
[ -r "$binary" ] || fail "binary '$binary' not found"
[ -r "$profile" ] || fail "profile '$profile' not found"
# shellcheck disable=SC2086
if ! eval curl -fsSL --retry 2 ${CURL_OPTS:-} -o '"$capture.part"' '"$url"' 2>"$out/$safe.curl.err"; then
	fail "cannot fetch capture: $(tr '\n' ' ' <"$out/$safe.curl.err")"
fi
rm -f "$out/$safe.curl.err"
mv "$capture.part" "$capture"

abs() { case $1 in /*) printf '%s' "$1" ;; *) printf '%s/%s' "$(pwd)" "$1" ;; esac; }
binary=$(abs "$binary") profile=$(abs "$profile") capture=$(abs "$capture") out=$(abs "$out")
# Services come from many repositories, so the report's paths are relative to
# each main module, not to this job's checkout: no repository root unless
# PGODRIFT_SOURCE_ROOT names one (a checkout of the service's source).
pgodrift() {
	(
		unset GITHUB_WORKSPACE CI_PROJECT_DIR
		cd / || exit 2
		if [ -n "${PGODRIFT_SOURCE_ROOT:-}" ]; then
			exec "$PGODRIFT" "$@" --source-root "$PGODRIFT_SOURCE_ROOT"
		fi
		exec "$PGODRIFT" "$@"
	)
}
case $PGODRIFT in */*) PGODRIFT=$(abs "$PGODRIFT") ;; esac

# doctor validates the capture first: an unreadable or empty one is an error here,
# its findings (too few samples, a benchmark) stay in the report for people to read.
rc=0
pgodrift doctor --binary "$binary" --base "$profile" --fresh "$capture" --fail-on never \
	--format json --output "$out/$safe.doctor.json" 2>"$out/$safe.err" || rc=$?
[ "$rc" -lt 2 ] || fail "capture rejected by doctor: $(tr '\n' ' ' <"$out/$safe.err")"
rc=0
pgodrift check --binary "$binary" --base "$profile" --fresh "$capture" --fail-on "$fail_on" \
	--output json="$out/$safe.json" --output markdown="$out/$safe.md" 2>"$out/$safe.err" || rc=$?
case $rc in
0) echo clean >"$status" ;;
1) echo findings >"$status" ;;
3) echo inconclusive >"$status" ;;   # check's exit 3: the report says why
*) fail "check failed: $(tr '\n' ' ' <"$out/$safe.err")" ;;
esac
rm -f "$out/$safe.err"
echo "drift-service: $name: $(cat "$status")" >&2
exit 0
