#!/bin/sh
# Validates SARIF files with Microsoft's SARIF Multitool (`validate`): the
# SARIF 2.1.0 JSON schema plus its SARIF best-practice rules (SARIF1xxx,
# SARIF2xxx) and its GitHub code-scanning rules (GH1xxx, GH2xxx), i.e.
# `--rule-kind "Sarif;Gh"`. The tool comes from npm
# (@microsoft/sarif-multitool-linux, a self-contained .NET binary) and is
# installed once into a cache directory under build/.
#
#   sh contrib/sarif-validate.sh [--cache DIR] [--strict] FILE.sarif...
#
# Exit status: 0 valid; 1 errors (or, with --strict, warnings); 2 usage or
# the validator could not run; 77 the validator cannot be had here: npm is
# not installed, or npm could not install it (offline) (the automake "skip"
# status; the last line on stderr says why, so a test can report it).
set -eu

VERSION=5.7.0
PKG=@microsoft/sarif-multitool-linux
cache=${PGD_SARIF_CACHE:-build/sarif-multitool}
strict=0

while [ $# -gt 0 ]; do
	case $1 in
	--cache) cache=$2; shift 2 ;;
	--strict) strict=1; shift ;;
	-h|--help) sed -n '2,17s/^# \{0,1\}//p' "$0"; exit 0 ;;
	--) shift; break ;;
	-*) echo "sarif-validate: unknown option '$1'" >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || { echo "sarif-validate: no SARIF file given" >&2; exit 2; }

tool=$cache/node_modules/$PKG/Sarif.Multitool
if [ ! -f "$tool" ]; then
	if ! command -v npm >/dev/null 2>&1; then
		echo "sarif-validate: npm is not installed (apt-get install nodejs npm)" >&2
		exit 77
	fi
	mkdir -p "$cache"
	echo "sarif-validate: installing $PKG@$VERSION into $cache" >&2
	if ! npm install --prefix "$cache" --no-audit --no-fund --loglevel=error \
		--fetch-retries=1 --fetch-retry-mintimeout=2000 --fetch-retry-maxtimeout=5000 \
		"$PKG@$VERSION" >"$cache/npm.log" 2>&1; then
		cat "$cache/npm.log" >&2
		echo "sarif-validate: npm could not install $PKG@$VERSION (offline?)" >&2
		exit 77
	fi
fi
# npm may refuse to run the package's postinstall (which only does this chmod).
[ -x "$tool" ] || chmod u+x "$tool"

status=0
for f in "$@"; do
	[ -f "$f" ] || { echo "sarif-validate: '$f': no such file" >&2; status=2; continue; }
	log=$(mktemp)
	out=$(mktemp)
	# The .NET runtime inside wants a writable HOME and no telemetry.
	if DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 \
		"$tool" validate "$f" --output "$out" --log ForceOverwrite --rule-kind "Sarif;Gh" >"$log" 2>&1; then
		rc=0
	else
		rc=$?
	fi
	errors=$(grep -c ': error ' "$log" || true)
	warnings=$(grep -c ': warning ' "$log" || true)
	grep -E ': (error|warning) ' "$log" >&2 || true
	if [ "$rc" -ne 0 ] && [ "$errors" -eq 0 ]; then
		echo "sarif-validate: '$f': validator failed (exit $rc):" >&2
		cat "$log" >&2
		status=2
	elif [ "$errors" -gt 0 ] || { [ "$strict" -eq 1 ] && [ "$warnings" -gt 0 ]; }; then
		[ "$status" -eq 0 ] && status=1
	fi
	echo "sarif-validate: $f: $errors errors, $warnings warnings"
	rm -f "$log" "$out"
done
exit "$status"
