#!/bin/sh
# Installs the Debian 12 packages pgodrift needs to build and test.
# As root it runs apt-get; otherwise it prints the exact command and fails,
# so `make check` never half-works on a machine that lacks a library.
#
#   sh contrib/install-deps.sh            # install what is missing
#   sh contrib/install-deps.sh --list     # print the package list
#   sh contrib/install-deps.sh --fuzz     # what `make fuzz` adds (clang, libFuzzer)
set -eu

# Why each one: protobuf-c + its compiler decode profile.proto; zlib gunzips
# profiles and .zdebug sections; libdwarf (20210528) walks Go's DWARF; capstone
# decodes call instructions on amd64 and arm64 (a hand-written x86 decoder is a
# bug farm); cJSON writes JSON with correct escaping; cmocka runs the unit
# tests; binutils (readelf/objcopy) and gzip are used by tests; nodejs/npm run
# the SARIF validator (@microsoft/sarif-multitool) in the test suite;
# python3-jsonschema and python3-yaml check the reviewdog and GitLab outputs
# against their schemas and parse the CI recipes.
# Libraries and headers, checked as Debian packages.
PKGS="build-essential pkg-config protobuf-c-compiler libprotobuf-c-dev zlib1g-dev
libdwarf-dev libelf-dev libcapstone-dev libcjson-dev libcmocka-dev
python3-jsonschema python3-yaml"
# Tools, checked as commands: they may come from elsewhere (e.g. a NodeSource
# nodejs that bundles npm and conflicts with Debian's npm package).
# Each entry is command:package.
TOOLS="objcopy:binutils gzip:gzip xz:xz-utils /usr/bin/time:time curl:curl jq:jq
node:nodejs npm:npm zsh:zsh shellcheck:shellcheck"

# `make fuzz` only (never make check): clang and its libFuzzer runtime.
if [ "${1:-}" = "--fuzz" ]; then
	PKGS="clang libclang-rt-14-dev"
	TOOLS=""
fi

if [ "${1:-}" = "--list" ]; then
	echo $PKGS
	for t in $TOOLS; do printf '%s ' "${t#*:}"; done
	echo
	exit 0
fi

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
for t in $TOOLS; do
	command -v "${t%%:*}" >/dev/null 2>&1 || missing="$missing ${t#*:}"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "pgodrift: missing Debian packages:$missing" >&2
	echo "run: sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "pgodrift: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >&2
