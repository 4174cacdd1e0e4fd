#!/bin/sh
# test_hostile.sh: hostile and odd inputs end to end (issue #13), from the
# repository root:   sh tests/cli/test_hostile.sh BUILD_DIR
#
# Inputs are tests/fuzz/regress/profile/* (contrib/make-hostile-inputs.py)
# and the committed fixtures. Every refusal is exit 2 with one stderr line
# that names the file; nothing blocks (each run is under `timeout`).

BUILD=${1:-build}
PGODRIFT=$BUILD/pgodrift
BIN=$BUILD/testdata/bin/cachesvc.pgo
R=tests/fuzz/regress/profile
P=testdata/profiles
pass=0
fail=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pgd-test-hostile.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

ok() { pass=$((pass + 1)); echo "ok - $1"; }
not_ok() { fail=$((fail + 1)); echo "not ok - $1${2:+: $2}"; }

# run NAME WANT_STATUS CMD...: status, stdout in $tmp/out, stderr in $tmp/err.
run() {
    name=$1 want=$2
    shift 2
    timeout 60 "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    got=$?
    if [ "$got" -ne "$want" ]; then
        not_ok "$name" "exit $got, want $want: $(head -c 300 "$tmp/err")"
        return 1
    fi
    return 0
}

# err_has NAME WORD...: stderr is one line holding every word.
err_has() {
    name=$1
    shift
    if [ "$(wc -l <"$tmp/err")" -ne 1 ]; then
        not_ok "$name" "stderr is not one line: $(head -c 300 "$tmp/err")"
        return
    fi
    for w in "$@"; do
        if ! grep -qF -- "$w" "$tmp/err"; then
            not_ok "$name" "stderr lacks '$w': $(cat "$tmp/err")"
            return
        fi
    done
    ok "$name"
}

# --- limits reach the library from every subcommand ------------------------
run "check --max-elements" 2 "$PGODRIFT" check --binary "$BIN" --base $P/base.pprof \
    --fresh $P/fresh-even.pprof --max-elements 1 &&
    err_has "check --max-elements 1 is applied" "base.pprof" "max_elements cap (1)"
run "sites --max-file-size" 2 "$PGODRIFT" sites --binary "$BIN" --max-file-size 1000 $P/base.pprof &&
    err_has "sites --max-file-size is applied" "max_file_bytes" "1000"
# (the binary is read through .gopclntab, nothing to inflate: the profile meets the cap, a finding)
run "doctor --max-decoded-size" 1 "$PGODRIFT" doctor --binary "$BIN" --base $P/base.pprof \
    --max-decoded-size 1000 --format json &&
    if grep -q "max_decoded_bytes cap (1000 bytes)" "$tmp/out"; then ok "doctor --max-decoded-size is applied"
    else not_ok "doctor --max-decoded-size is applied" "$(head -c 300 "$tmp/out")"; fi
run "edges --max-decoded-size" 2 "$PGODRIFT" edges --max-decoded-size 1000 $P/base.pprof &&
    err_has "edges --max-decoded-size is applied" "max_decoded_bytes" "1000"

# --- a gzip bomb stops at the cap, in the cap's memory ----------------------
if command -v /usr/bin/time >/dev/null 2>&1; then
    /usr/bin/time -f %M -o "$tmp/rss" "$PGODRIFT" edges --max-decoded-size 4000000 \
        $R/bomb-64m.pprof.gz >"$tmp/out" 2>"$tmp/err"
    rss=$(tail -n 1 "$tmp/rss")
    if grep -q "max_decoded_bytes" "$tmp/err" && [ "$rss" -lt 60000 ]; then
        ok "bomb refused at the 4 MB cap (peak RSS ${rss} KB, the bomb is 64 MiB)"
    else
        not_ok "bomb refused within the cap" "rss ${rss} KB: $(cat "$tmp/err")"
    fi
fi

# With default limits, a stream expanding over 32 times is refused past 64 MiB.
head -c 300000000 /dev/zero | gzip -1 >"$tmp/bomb300m.gz"
if command -v /usr/bin/time >/dev/null 2>&1; then
    /usr/bin/time -f %M -o "$tmp/rss" "$PGODRIFT" edges "$tmp/bomb300m.gz" >"$tmp/out" 2>"$tmp/err"
    rss=$(tail -n 1 "$tmp/rss")
    if grep -q "gzip bomb" "$tmp/err" && [ "$rss" -lt 250000 ]; then
        ok "bomb refused by its expansion ratio under default limits (peak RSS ${rss} KB, 300 MB inside)"
    else
        not_ok "bomb refused by ratio" "rss ${rss} KB: $(cat "$tmp/err")"
    fi
fi

# --- inputs: regular files or -, never blocking --------------------------
mkfifo "$tmp/fifo"
run "FIFO profile" 2 "$PGODRIFT" edges "$tmp/fifo" && err_has "FIFO profile refused at once" "fifo" "FIFO"
run "FIFO binary" 2 "$PGODRIFT" sites --binary "$tmp/fifo" $P/base.pprof &&
    err_has "FIFO binary refused at once" "fifo" "FIFO"
run "char device profile" 2 "$PGODRIFT" edges /dev/zero &&
    err_has "/dev/zero refused" "/dev/zero" "character device"
if timeout 60 "$PGODRIFT" edges - <$P/base.pprof >"$tmp/out" 2>"$tmp/err" &&
    cmp -s "$tmp/out" testdata/golden/preprofile/base.preprofile; then
    ok "edges - reads the profile from stdin"
else
    not_ok "edges - reads stdin" "$(cat "$tmp/err")"
fi
if timeout 60 "$PGODRIFT" edges --max-file-size 100000 - </dev/zero >"$tmp/out" 2>"$tmp/err"; then
    not_ok "stdin stream over the cap" "accepted"
else
    err_has "stdin is read only up to --max-file-size" "<stdin>" "max_file_bytes"
fi
if timeout 60 "$PGODRIFT" check --binary "$BIN" --base - --fresh $P/fresh-even.pprof \
    --format json <$P/base.pprof >"$tmp/out" 2>"$tmp/err"; [ $? -le 1 ] && grep -q '"<stdin>"' "$tmp/out"; then
    ok "check --base - reads stdin"
else
    not_ok "check --base -" "$(cat "$tmp/err")"
fi

# --- --output --------------------------------------------------------------
"$PGODRIFT" edges --output "$tmp/rep" $P/base.pprof && chmod 640 "$tmp/rep"
"$PGODRIFT" edges --output "$tmp/rep" $P/fresh-even.pprof
if [ "$(stat -c %a "$tmp/rep")" = 640 ] && cmp -s "$tmp/rep" testdata/golden/preprofile/fresh-even.preprofile; then
    ok "--output keeps an existing file's mode"
else
    not_ok "--output keeps the mode" "$(stat -c %a "$tmp/rep")"
fi
(umask 022 && "$PGODRIFT" edges --output "$tmp/new" $P/base.pprof)
if [ "$(stat -c %a "$tmp/new")" = 644 ]; then ok "--output creates per umask (644)"; else
    not_ok "--output per umask" "$(stat -c %a "$tmp/new")"; fi
ln -s rep "$tmp/link"
"$PGODRIFT" edges --output "$tmp/link" $P/base.pprof
if [ -L "$tmp/link" ] && cmp -s "$tmp/rep" testdata/golden/preprofile/base.preprofile; then
    ok "--output through a symlink replaces the target, keeps the link"
else
    not_ok "--output symlink"
fi
# A private character device (root makes one; CI runs as root): a pgodrift
# that wrongly replaced devices must not take the system's /dev/null with it.
nulldev=/dev/null
if [ "$(id -u)" -eq 0 ] && mknod -m 666 "$tmp/null" c 1 3 2>/dev/null; then nulldev=$tmp/null; fi
if "$PGODRIFT" edges --output "$nulldev" $P/base.pprof && [ -c "$nulldev" ]; then
    ok "--output /dev/null writes the device"
else
    not_ok "--output /dev/null"
fi
mkfifo "$tmp/outfifo"
cat "$tmp/outfifo" >"$tmp/fromfifo" &
reader=$!
timeout 60 "$PGODRIFT" edges --output "$tmp/outfifo" $P/base.pprof
wait $reader
if [ -p "$tmp/outfifo" ] && cmp -s "$tmp/fromfifo" testdata/golden/preprofile/base.preprofile; then
    ok "--output FIFO is written, not replaced"
else
    not_ok "--output FIFO"
fi
if "$PGODRIFT" sites --binary "$BIN" --format json --output /dev/stdout $P/base.pprof >"$tmp/out" 2>"$tmp/err" &&
    grep -q '"schema"' "$tmp/out"; then
    ok "--output /dev/stdout writes to stdout (a file here)"
else
    not_ok "--output /dev/stdout" "$(cat "$tmp/err")"
fi
ls "$tmp" >"$tmp/ls"
if grep -q '\.tmp$' "$tmp/ls"; then not_ok "no temporary files left" "$(cat "$tmp/ls")"; else
    ok "no temporary files left"; fi
if [ -w /dev/full ]; then
    "$PGODRIFT" sites --binary "$BIN" --format json $P/base.pprof >/dev/full 2>"$tmp/err"
    st=$?
    [ "$st" -eq 2 ] && err_has "sites > /dev/full names the output and the reason" \
        "standard output" "No space left on device" || not_ok "sites > /dev/full" "exit $st"
    "$PGODRIFT" edges $P/base.pprof >/dev/full 2>"$tmp/err"
    [ $? -eq 2 ] && err_has "edges > /dev/full names the output and the reason" \
        "standard output" "No space left on device" || not_ok "edges > /dev/full"
fi

# --- overflow ----------------------------------------------------------------
for f in overflow-values.pprof overflow-weights.preprofile; do
    run "overflow $f" 2 "$PGODRIFT" edges $R/$f && err_has "$f refused (Go wraps to a negative weight)" "$f" "2^56"
done
run "overflow-offset" 2 "$PGODRIFT" edges $R/overflow-offset.pprof &&
    err_has "line - start_line overflow refused" "overflow-offset.pprof" "overflows"

# --- names -------------------------------------------------------------------
run "newline name" 2 "$PGODRIFT" edges $R/name-newline.pprof &&
    err_has "a name with a newline is refused, naming the function" "name-newline.pprof" "function 0" "line break"
run "NUL name" 2 "$PGODRIFT" edges $R/name-nul.pprof &&
    err_has "a name with a NUL is refused" "name-nul.pprof" "function 0" "NUL"
run "text escapes" 0 "$PGODRIFT" sites --binary "$BIN" --format text $R/name-escape.pprof
if ! grep -q "$(printf '\033')" "$tmp/out" && ! grep -q "$(printf '\007')" "$tmp/out" &&
    grep -qF 'main.\x1b]0;pwned\x07' "$tmp/out"; then
    ok "text output escapes ESC and BEL from names"
else
    not_ok "text output escapes control characters"
fi
cp $R/name-escape.pprof "$tmp/$(printf 'evil\033[2J\nname').pprof"
"$PGODRIFT" edges "$tmp/$(printf 'evil\033[2J\nname').pprof" --max-elements 1 2>"$tmp/err"
if [ "$(wc -l <"$tmp/err")" -eq 1 ] && ! grep -q "$(printf '\033')" "$tmp/err"; then
    ok "stderr escapes a hostile file name (one line, no ESC)"
else
    not_ok "stderr escapes file names" "$(cat -v "$tmp/err")"
fi
run "markdown mentions" 0 "$PGODRIFT" doctor --profile $R/type-mention.pprof --format markdown --fail-on never
if grep -qF '@&#8203;octocat' "$tmp/out" && ! grep -q '@octocat' "$tmp/out" &&
    ! grep -q 'https://evil' "$tmp/out" && ! grep -q 'www\.evil' "$tmp/out"; then
    ok "markdown breaks @mentions and autolinks from inputs"
else
    not_ok "markdown mentions" "$(grep -n octocat "$tmp/out")"
fi
for fmt in json sarif markdown; do
    # The leaf's name is quoted in the microbenchmark-profile finding.
    "$PGODRIFT" doctor --profile $R/name-badutf8.pprof --format $fmt --fail-on never >"$tmp/out" 2>"$tmp/err"
    if iconv -f UTF-8 -t UTF-8 "$tmp/out" >/dev/null 2>&1 && grep -q "$(printf '\357\277\275')" "$tmp/out"; then
        ok "$fmt: invalid UTF-8 in a name becomes U+FFFD"
    else
        not_ok "$fmt: invalid UTF-8" "$(cat "$tmp/err")"
    fi
done

# --- minor -------------------------------------------------------------------
run "doctor --profile heap" 1 "$PGODRIFT" doctor --profile $P/heap.pprof --format text
if grep -q "the profile is unusable" "$tmp/out" && ! grep -q "profile profile" "$tmp/out"; then
    ok "doctor --profile says 'the profile is unusable'"
else
    not_ok "unusable wording" "$(grep -n unusable "$tmp/out" | head -2)"
fi
for v in 99999999999999 99999999999999999999999 -1 12x; do
    SOURCE_DATE_EPOCH=$v run "SOURCE_DATE_EPOCH=$v" 2 "$PGODRIFT" doctor --profile $P/base.pprof &&
        err_has "SOURCE_DATE_EPOCH=$v refused" "SOURCE_DATE_EPOCH" "$v"
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
