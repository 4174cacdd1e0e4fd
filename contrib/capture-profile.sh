#!/bin/sh
# capture-profile.sh URL DEST: fetch a CPU profile and install it as DEST only
# when `pgodrift doctor` finds nothing at risk in it (warnings, such as one
# function holding most of the CPU, are printed but do not stop it).
#
#   contrib/capture-profile.sh 'http://svc:6060/debug/pprof/profile?seconds=120' cmd/api/default.pgo
#
# The profile is downloaded to a temporary file beside DEST (same file
# system, so the final mv is an atomic rename), validated with
#   pgodrift doctor --profile TMP --fail-on risk
# and only then moved over DEST. On any failure DEST is left as it was: a
# 502 page, an empty body or a heap profile never replaces a good profile.
#
# Environment:
#   PGODRIFT         pgodrift binary (default: pgodrift on PATH)
#   CURL             curl binary (default: curl)
#   CONNECT_TIMEOUT  seconds to connect (default 10)
#   MAX_TIME         seconds for the whole transfer (default 300; a 120 s
#                    CPU profile takes 120 s to arrive)
#   DOCTOR_ARGS      extra doctor options, e.g. "--min-total-samples 10000"
#
# Exit status: 0 installed; 1 the profile failed validation; 2 usage, fetch
# or install error.
set -eu

usage() {
	echo "usage: capture-profile.sh URL DEST" >&2
	exit 2
}

[ $# -eq 2 ] || usage
url=$1
dest=$2
pgodrift=${PGODRIFT:-pgodrift}
curl=${CURL:-curl}
connect_timeout=${CONNECT_TIMEOUT:-10}
max_time=${MAX_TIME:-300}

dir=$(dirname -- "$dest")
[ -d "$dir" ] || { echo "capture-profile.sh: no such directory: $dir" >&2; exit 2; }

tmp=$(mktemp "$dir/.capture-profile.XXXXXX") || exit 2
report=$(mktemp "${TMPDIR:-/tmp}/capture-profile-report.XXXXXX") || { rm -f "$tmp"; exit 2; }
trap 'rm -f "$tmp" "$report"' EXIT
trap 'exit 2' HUP INT TERM

if ! "$curl" --fail --silent --show-error --location \
	--connect-timeout "$connect_timeout" --max-time "$max_time" \
	--output "$tmp" -- "$url"; then
	echo "capture-profile.sh: fetching $url failed; $dest left unchanged" >&2
	exit 2
fi

# shellcheck disable=SC2086 # DOCTOR_ARGS is a list of options
set +e
"$pgodrift" doctor --profile "$tmp" --fail-on risk --format text ${DOCTOR_ARGS:-} >"$report" 2>&1
rc=$?
set -e
if [ "$rc" -ne 0 ]; then
	cat "$report" >&2
	if [ "$rc" -eq 1 ]; then
		echo "capture-profile.sh: the profile from $url failed validation; $dest left unchanged" >&2
		exit 1
	fi
	echo "capture-profile.sh: pgodrift doctor failed (exit $rc); $dest left unchanged" >&2
	exit 2
fi
cat "$report"
chmod 644 "$tmp"
mv -f -- "$tmp" "$dest"
echo "capture-profile.sh: installed $dest"
