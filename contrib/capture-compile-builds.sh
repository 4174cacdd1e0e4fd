#!/bin/sh
# Big compiler-build CPU profiles, the kind issue #15 measured (17 k and
# 66 k samples): Go's compiler compiling all of std and cmd for each
# GOOS/GOARCH given, one -cpuprofile per compile invocation, merged by
# `go tool pprof -proto` as cmd/compile/profile.sh makes default.pgo.
#
#   sh contrib/capture-compile-builds.sh GO OUT.pprof linux/amd64 linux/arm64 ...
#
# profile.sh runs one `go build` per package; here one `go build -a std cmd`
# per target hands every compile its own -cpuprofile through -toolexec,
# which gives the same per-package profiles at a tenth of the go command's
# cost. A fast machine samples less (100 Hz of CPU time): more targets,
# more samples.
set -eu
GO=$1; OUT=$2; shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/wrap.sh" <<'EOS'
#!/bin/sh
# -toolexec: give every compile invocation its own CPU profile.
tool=$1; shift
case $(basename "$tool") in
compile) exec "$tool" -cpuprofile "$(mktemp "$PROF_DIR/prof.XXXXXXXX")" "$@" ;;
*) exec "$tool" "$@" ;;
esac
EOS
chmod +x "$tmp/wrap.sh"
mkdir "$tmp/prof"
GOROOT=$("$GO" env GOROOT)
for target in "$@"; do
	(cd "$GOROOT/src" && PROF_DIR=$tmp/prof GOTOOLCHAIN=local GOFLAGS=-pgo=off CGO_ENABLED=0 \
		GOOS=${target%/*} GOARCH=${target#*/} GOCACHE=$tmp/cache \
		"$GO" build -a -toolexec "$tmp/wrap.sh" std cmd) >/dev/null 2>&1 || true
	rm -rf "$tmp/cache"
done
# Drop the profiles without samples (the go command's `compile -V=full`
# queries, under 400 bytes; empty when a compile fails early): their
# mapping has no functions, and a merge whose first input is one comes out
# with every Function.start_line 0 (../shared/notes/go-pgo-facts.md), which
# go tool preprofile and pgodrift refuse.
find "$tmp/prof" -type f -size -400c -delete
"$GO" tool pprof -proto "$tmp"/prof/prof.* >"$OUT" 2>/dev/null
