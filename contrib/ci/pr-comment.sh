#!/bin/sh
# The script half of the CI recipes (contrib/ci/github-actions.yml,
# contrib/ci/gitlab-ci.yml): runs `pgodrift check` ONCE and hands each
# output to its consumer:
#   DIR/pgodrift.md     the PR / MR comment (and the job summary)
#   DIR/pgodrift.sarif  code scanning (SARIF 2.1.0)
#   DIR/pgodrift.json   the full report, to keep
#   DIR/gl-code-quality-report.json   GitLab code quality (--gitlab)
#   stdout              GitHub annotations (--annotations)
# then posts the markdown as ONE pull-request comment, or updates it on
# later pushes (found again by a hidden HTML marker, so re-runs never pile
# up comments).
#
#   sh contrib/ci/pr-comment.sh --binary BIN --base PROFILE --fresh PROFILE...
#       [--out-dir DIR] [--annotations] [--summary FILE] [--no-comment]
#       [--dry-run] [--gitlab] [-- MORE CHECK OPTIONS]
#
# GitHub: GITHUB_TOKEN, GITHUB_REPOSITORY (owner/name), PR_NUMBER,
#         GITHUB_API_URL (default https://api.github.com).
# GitLab (--gitlab): GITLAB_TOKEN (api scope), CI_API_V4_URL, CI_PROJECT_ID,
#         CI_MERGE_REQUEST_IID.
# PGODRIFT names the pgodrift binary (default: pgodrift on PATH).
#
# A missing input is reported as what it is (which file, which role) and
# nothing is posted. --no-comment (a fork's read-only token) skips the
# comment; a comment that cannot be posted is a warning, not a failure: the
# annotations and the job summary carry the same findings.
# --dry-run reads existing comments (any curl URL works, file:// too) but
# prints the request it would send ("POST URL" or "PATCH URL") instead of
# sending it; the request body is left in DIR/comment.json.
#
# DIR/status (and `status=` in $GITHUB_OUTPUT when set) is clean, findings
# or error. Exit status: check's (0 clean, 1 findings at or above
# --fail-on, 2 bad or missing input).
set -eu

PGODRIFT=${PGODRIFT:-pgodrift}
MARKER='<!-- pgodrift:drift-report -->'
out=pgodrift-report
dry=0
forge=github
annotations=0
comment=1
summary=""
binary=""
base=""
fresh=""   # newline-separated --fresh arguments, re-expanded below

die() { echo "pr-comment: $*" >&2; exit 2; }
# In a GitHub Actions log, an error annotation; elsewhere a plain line.
report_error() { # TITLE MESSAGE
	if [ "$forge" = github ] && [ "$annotations" -eq 1 ]; then
		echo "::error title=pgodrift: $1::$2"
	fi
	echo "pr-comment: $1: $2" >&2
}
set_status() {
	echo "$1" >"$out/status"
	if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "status=$1" >>"$GITHUB_OUTPUT"; fi
}

while [ $# -gt 0 ]; do
	case $1 in
	--binary) binary=$2; shift 2 ;;
	--base) base=$2; shift 2 ;;
	--fresh) fresh="$fresh
$2"; shift 2 ;;
	--out-dir) out=$2; shift 2 ;;
	--dry-run) dry=1; shift ;;
	--gitlab) forge=gitlab; shift ;;
	--annotations) annotations=1; shift ;;
	--no-comment) comment=0; shift ;;
	--summary) summary=$2; shift 2 ;;
	-h|--help) sed -n '2,38s/^# \{0,1\}//p' "$0"; exit 0 ;;
	--) shift; break ;;
	*) die "unknown option '$1' (see --help)" ;;
	esac
done
[ -n "$binary" ] && [ -n "$base" ] && [ -n "$fresh" ] || die "--binary, --base and --fresh are required"
mkdir -p "$out"

# A missing input says which one, before pgodrift runs.
missing() { # ROLE PATH WHY
	report_error "missing $1" "$2 does not exist ($3)"
	set_status error
	exit 2
}
[ -e "$binary" ] || missing binary "$binary" "build the service before this step"
[ -e "$base" ] || missing "base profile" "$base" "commit default.pgo beside the main package"
old_ifs=$IFS
IFS='
'
for f in $fresh; do
	[ -z "$f" ] || [ -e "$f" ] || missing "fresh profile" "$f" "the capture job uploads it; was its artifact found?"
done
IFS=$old_ifs

# Positional parameters become: --fresh A --fresh B ... MORE CHECK OPTIONS.
extra_n=$#
IFS='
'
for f in $fresh; do
	[ -n "$f" ] && set -- "$@" --fresh "$f"
done
IFS=$old_ifs
i=0
while [ "$i" -lt "$extra_n" ]; do
	a=$1
	shift
	set -- "$@" "$a"
	i=$((i + 1))
done

# One analysis, every output (pgodrift check --output FORMAT=PATH).
set -- "$@" --output "markdown=$out/pgodrift.md" --output "sarif=$out/pgodrift.sarif" \
	--output "json=$out/pgodrift.json"
[ "$forge" = gitlab ] && set -- "$@" --output "codeclimate=$out/gl-code-quality-report.json"
[ "$annotations" -eq 1 ] && set -- "$@" --output github=-
status=0
"$PGODRIFT" check --binary "$binary" --base "$base" "$@" 2>"$out/check.err" || status=$?
cat "$out/check.err" >&2
# 3 (inconclusive) wrote a report that says why: post it, then fail with 3.
if [ "$status" -gt 1 ] && [ "$status" -ne 3 ]; then
	report_error "check failed" "$(head -n 1 "$out/check.err")"
	set_status error
	exit "$status"
fi
case $status in
1) set_status findings ;;
3) set_status inconclusive ;;
*) set_status clean ;;
esac
[ -z "$summary" ] || cat "$out/pgodrift.md" >>"$summary"

if [ "$comment" -eq 0 ]; then
	echo "pr-comment: no comment (read-only token): the annotations carry the findings" >&2
	exit "$status"
fi
command -v jq >/dev/null 2>&1 || die "jq is required to post the comment"
command -v curl >/dev/null 2>&1 || die "curl is required to post the comment"

# The comment: marker, then pgodrift's markdown (already under GitHub's limit).
{
	echo "$MARKER"
	cat "$out/pgodrift.md"
} >"$out/comment.md"
jq -Rs '{body: .}' <"$out/comment.md" >"$out/comment.json"

if [ "$forge" = github ]; then
	api=${GITHUB_API_URL:-https://api.github.com}
	repo=${GITHUB_REPOSITORY:?GITHUB_REPOSITORY is not set}
	pr=${PR_NUMBER:?PR_NUMBER is not set}
	auth="Authorization: Bearer ${GITHUB_TOKEN:-}"
	list_url="$api/repos/$repo/issues/$pr/comments"
	edit_url() { echo "$api/repos/$repo/issues/comments/$1"; }
	edit_method=PATCH
else
	api=${CI_API_V4_URL:?CI_API_V4_URL is not set}
	project=${CI_PROJECT_ID:?CI_PROJECT_ID is not set}
	mr=${CI_MERGE_REQUEST_IID:?CI_MERGE_REQUEST_IID is not set}
	auth="PRIVATE-TOKEN: ${GITLAB_TOKEN:-}"
	list_url="$api/projects/$project/merge_requests/$mr/notes"
	edit_url() { echo "$api/projects/$project/merge_requests/$mr/notes/$1"; }
	edit_method=PUT
fi
id_filter='.[] | select(.body | contains($m)) | .id'

cannot_post() { # a warning, not a failure: the findings are in the annotations and summary
	if [ "$forge" = github ] && [ "$annotations" -eq 1 ]; then
		echo "::warning title=pgodrift::cannot $1 the PR comment (read-only token, e.g. a pull request from a fork); the annotations carry the findings"
	fi
	echo "pr-comment: cannot $1 the comment at $2; the report is in $out/" >&2
	exit "$status"
}

# Find our comment: page through the list (100 a page) until a short page.
id=""
page=1
while [ -z "$id" ]; do
	curl -fsSL -H "$auth" -H "Accept: application/json" \
		"$list_url?per_page=100&page=$page" -o "$out/comments.json" ||
		cannot_post list "$list_url"
	id=$(jq -r --arg m "$MARKER" "$id_filter" "$out/comments.json" | head -n 1)
	n=$(jq 'length' "$out/comments.json")
	[ "$n" -lt 100 ] && break
	page=$((page + 1))
done

if [ -n "$id" ]; then
	method=$edit_method
	url=$(edit_url "$id")
else
	method=POST
	url=$list_url
fi
if [ "$dry" -eq 1 ]; then
	echo "$method $url"
else
	curl -fsSL -X "$method" -H "$auth" -H "Content-Type: application/json" \
		--data-binary "@$out/comment.json" "$url" -o /dev/null ||
		cannot_post "$method" "$url"
	echo "pr-comment: $method $url" >&2
fi
exit "$status"
