#!/bin/sh
# `pgodrift --help`, `pgodrift COMMAND --help`, --version and man/pgodrift.1
# tell the same story: the same commands, the same options per command, the
# same version. The help text is generated from the option tables, so this
# is what keeps the hand-written man page honest.
# Usage: sh tests/cli/test_help.sh BUILD_DIR    (from the repository root)
set -u
BUILD=${1:-build}
PGD=$BUILD/pgodrift
MAN=man/pgodrift.1
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { echo "ok - $1"; pass=$((pass + 1)); }
notok() { echo "not ok - $1"; fail=$((fail + 1)); }

# Options a man page section lists: the first --name on the line after each .TP.
man_options() {
	awk -v want="$1" '
		/^\.SH/ { cur = ($0 ~ /GLOBAL OPTIONS/) ? "main" : ""; next }
		/^\.SS "pgodrift / { cur = $3; sub(/"$/, "", cur); next }
		/^\.SS/ { cur = ""; next }
		/^\.TP/ { tp = 1; next }
		tp { tp = 0; if (cur != want) next
		     gsub(/\\-/, "-")
		     if (match($0, /--[a-z][a-z-]*/)) print substr($0, RSTART, RLENGTH) }
	' "$MAN" | sort -u
}

# Options the generated help lists: lines "  --name ..." or "  -h, --help".
help_options() {
	sed -n 's/^  \(-h, \)\{0,1\}\(--[a-z][a-z-]*\).*/\2/p' | sort -u
}

[ -x "$PGD" ] || { echo "not ok - $PGD is built"; echo "0 passed, 1 failed"; exit 1; }

if "$PGD" --help >"$tmp/main" 2>&1 && grep -q '^usage: pgodrift' "$tmp/main"; then
	ok "pgodrift --help exits 0 with usage"
else
	notok "pgodrift --help exits 0 with usage"
fi

# The commands in --help are exactly the man page's command sections.
sed -n '/^commands:/,/^$/s/^  \([a-z][a-z]*\) .*/\1/p' "$tmp/main" | sort >"$tmp/cmds.help"
sed -n 's/^\.SS "pgodrift \([a-z]*\)"$/\1/p' "$MAN" | sort >"$tmp/cmds.man"
if [ -s "$tmp/cmds.help" ] && cmp -s "$tmp/cmds.help" "$tmp/cmds.man"; then
	ok "commands in --help match man page ($(tr '\n' ' ' <"$tmp/cmds.help"))"
else
	notok "commands in --help match man page"
	diff "$tmp/cmds.help" "$tmp/cmds.man"
fi

for cmd in $(cat "$tmp/cmds.help"); do
	if "$PGD" "$cmd" --help >"$tmp/$cmd.help" 2>&1; then
		ok "pgodrift $cmd --help exits 0"
	else
		notok "pgodrift $cmd --help exits 0"
	fi
	help_options <"$tmp/$cmd.help" >"$tmp/$cmd.hopts"
	man_options "$cmd" >"$tmp/$cmd.mopts"
	if [ -s "$tmp/$cmd.hopts" ] && cmp -s "$tmp/$cmd.hopts" "$tmp/$cmd.mopts"; then
		ok "$cmd: options in --help match man page ($(wc -l <"$tmp/$cmd.hopts" | tr -d ' ') options)"
	else
		notok "$cmd: options in --help match man page (< help, > man)"
		diff "$tmp/$cmd.hopts" "$tmp/$cmd.mopts"
	fi
	if "$PGD" "$cmd" -h >"$tmp/$cmd.h" 2>&1 && cmp -s "$tmp/$cmd.h" "$tmp/$cmd.help"; then
		ok "pgodrift $cmd -h is --help"
	else
		notok "pgodrift $cmd -h is --help"
	fi
done

# Global options: --version and --help.
printf '%s\n' --help --version >"$tmp/main.hopts"
man_options main >"$tmp/main.mopts"
if cmp -s "$tmp/main.hopts" "$tmp/main.mopts"; then
	ok "global options match man page"
else
	notok "global options match man page"
	diff "$tmp/main.hopts" "$tmp/main.mopts"
fi

version=$(sed -n 's/^#define PGD_VERSION "\(.*\)"/\1/p' include/pgodrift/pgodrift.h)
out=$("$PGD" --version 2>&1)
rc=$?
if [ "$rc" -eq 0 ] && [ "$out" = "pgodrift $version" ]; then
	ok "--version prints 'pgodrift $version'"
else
	notok "--version prints 'pgodrift $version' (got '$out', exit $rc)"
fi
if grep -q "^\.TH PGODRIFT 1 .*\"pgodrift $version\"" "$MAN"; then
	ok "man page is for version $version"
else
	notok "man page is for version $version"
fi

# Exit codes documented and real: unknown command and unknown option are 2.
"$PGD" no-such-command >/dev/null 2>&1
rc1=$?
"$PGD" check --no-such-option >/dev/null 2>&1
rc2=$?
if [ "$rc1" -eq 2 ] && [ "$rc2" -eq 2 ] && grep -q '^usage or input error' "$MAN"; then
	ok "usage errors exit 2, as the man page says"
else
	notok "usage errors exit 2, as the man page says (got $rc1, $rc2)"
fi

if command -v groff >/dev/null 2>&1; then
	if groff -man -Tutf8 -ww -z "$MAN" >"$tmp/groff" 2>&1 && [ ! -s "$tmp/groff" ]; then
		ok "man page renders without warnings"
	else
		notok "man page renders without warnings"
		cat "$tmp/groff"
	fi
else
	echo "ok - man page renders without warnings # SKIP groff not installed"
	pass=$((pass + 1))
fi

# ---- CLI habits: did-you-mean, help COMMAND, -V ---------------------------------
"$PGD" chekc >/dev/null 2>"$tmp/dym1"
rc1=$?
"$PGD" check --fromat json >/dev/null 2>"$tmp/dym2"
rc2=$?
"$PGD" doctor --min-sample 3 >/dev/null 2>"$tmp/dym3"
"$PGD" check --zzzzzz >/dev/null 2>"$tmp/dym4"
"$PGD" check --format sarfi >/dev/null 2>"$tmp/dym5"
if [ "$rc1" -eq 2 ] && [ "$rc2" -eq 2 ] &&
   grep -qx "pgodrift: unknown command 'chekc'; did you mean 'check'? (see 'pgodrift --help')" "$tmp/dym1" &&
   grep -q "unknown option '--fromat'; did you mean '--format'?" "$tmp/dym2" &&
   grep -q "did you mean '--min-samples'?" "$tmp/dym3" &&
   grep -q "not 'sarfi'; did you mean 'sarif'?" "$tmp/dym5" &&
   ! grep -q 'did you mean' "$tmp/dym4"; then
	ok "did you mean: mistyped commands, long options and choices name the closest, far ones do not"
else
	notok "did you mean: mistyped commands, long options and choices name the closest, far ones do not"
	cat "$tmp"/dym*
fi
ok_help=1
for cmd in $(cat "$tmp/cmds.help"); do
	"$PGD" help "$cmd" >"$tmp/help-$cmd" 2>&1 && cmp -s "$tmp/help-$cmd" "$tmp/$cmd.help" || ok_help=0
done
"$PGD" help nosuch >/dev/null 2>&1
[ "$?" -eq 2 ] || ok_help=0
if [ "$ok_help" -eq 1 ]; then ok "pgodrift help COMMAND is COMMAND --help"; else notok "pgodrift help COMMAND is COMMAND --help"; fi
if [ "$("$PGD" -V)" = "pgodrift $version" ]; then ok "-V is --version"; else notok "-V is --version"; fi

# ---- completion, generated from the option tables -----------------------------------
"$PGD" completion bash >"$tmp/comp.bash" 2>&1
"$PGD" completion zsh >"$tmp/comp.zsh" 2>&1
"$PGD" completion fish >/dev/null 2>&1
rcf=$?
missing=""
for cmd in check sites doctor edges; do
	for o in $(cat "$tmp/$cmd.hopts"); do
		grep -q -- "$o" "$tmp/comp.bash" || missing="$missing bash:$cmd:$o"
		grep -q -- "$o\[" "$tmp/comp.zsh" || missing="$missing zsh:$cmd:$o"
	done
done
if [ -z "$missing" ] && [ "$rcf" -eq 2 ]; then
	ok "completion: bash and zsh scripts list every option of every command"
else
	notok "completion: bash and zsh scripts list every option of every command (missing:$missing)"
fi
if command -v bash >/dev/null 2>&1; then
	cat >"$tmp/comp-test.bash" <<'EOS'
. "$1"
complete_words() { COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMPREPLY=(); _pgodrift; echo "${COMPREPLY[*]}"; }
[ "$(complete_words pgodrift ch)" = "check" ] || { echo "command: $(complete_words pgodrift ch)"; exit 1; }
[ "$(complete_words pgodrift check --fo)" = "--format" ] || { echo "option"; exit 1; }
[ "$(complete_words pgodrift check --format co)" = "codeclimate" ] || { echo "choice"; exit 1; }
[ "$(complete_words pgodrift doctor --fail-on w)" = "warn" ] || { echo "fail-on"; exit 1; }
[ "$(complete_words pgodrift help si)" = "sites" ] || { echo "help"; exit 1; }
case " $(complete_words pgodrift check --binary Makef) " in *" Makefile "*) ;; *) echo "file"; exit 1 ;; esac
EOS
	if bash "$tmp/comp-test.bash" "$tmp/comp.bash" >"$tmp/comp.log" 2>&1; then
		ok "completion (bash): commands, options, --format choices, files for --binary"
	else
		notok "completion (bash): commands, options, --format choices, files for --binary"
		sed 's/^/# /' "$tmp/comp.log"
	fi
else
	echo "ok - completion (bash): commands, options, --format choices, files for --binary # SKIP bash not installed"
	pass=$((pass + 1))
fi
if command -v zsh >/dev/null 2>&1; then
	if zsh -n "$tmp/comp.zsh" 2>"$tmp/zsh.log" && head -n 1 "$tmp/comp.zsh" | grep -qx '#compdef pgodrift'; then
		ok "completion (zsh): a #compdef script zsh parses"
	else
		notok "completion (zsh): a #compdef script zsh parses"
		sed 's/^/# /' "$tmp/zsh.log"
	fi
else
	echo "ok - completion (zsh): a #compdef script zsh parses # SKIP zsh not installed"
	pass=$((pass + 1))
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
