#!/bin/sh
# The script half of the CI recipes (contrib/ci/github-actions.yml,
# contrib/ci/gitlab-ci.yml): runs `pgodrift check` once per output format
# (markdown for the comment, SARIF for code scanning, JSON to keep), then
# posts the markdown as ONE pull-request comment, or updates it on later
# pushes. The comment is found again by a hidden HTML marker, so re-runs
# never pile up comments.
#
#   sh contrib/ci/pr-comment.sh --binary BIN --base PROFILE --fresh PROFILE...
#       [--out-dir DIR] [--dry-run] [--gitlab] [-- MORE CHECK OPTIONS]
#
# GitHub: GITHUB_TOKEN, GITHUB_REPOSITORY (owner/name), PR_NUMBER,
#         GITHUB_API_URL (default https://api.github.com).
# GitLab (--gitlab): GITLAB_TOKEN (api scope), CI_API_V4_URL, CI_PROJECT_ID,
#         CI_MERGE_REQUEST_IID.
# PGODRIFT names the pgodrift binary (default: pgodrift on PATH).
#
# --dry-run reads existing comments (any curl URL works, file:// too) but
# prints the request it would send ("POST URL" or "PATCH URL") instead of
# sending it; the request body is left in DIR/comment.json.
#
# Writes DIR/pgodrift.md, DIR/pgodrift.sarif, DIR/pgodrift.json (DIR
# defaults to pgodrift-report). Exit status: check's (0 clean, 1 findings at
# or above --fail-on, 2 bad input), or 2 when the comment cannot be posted.
set -eu

PGODRIFT=${PGODRIFT:-pgodrift}
MARKER='<!-- pgodrift:drift-report -->'
out=pgodrift-report
dry=0
forge=github
binary=""
base=""
fresh=""   # newline-separated --fresh arguments, re-expanded below

die() { echo "pr-comment: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
	case $1 in
	--binary) binary=$2; shift 2 ;;
	--base) base=$2; shift 2 ;;
	--fresh) fresh="$fresh
$2"; shift 2 ;;
	--out-dir) out=$2; shift 2 ;;
	--dry-run) dry=1; shift ;;
	--gitlab) forge=gitlab; shift ;;
	-h|--help) sed -n '2,25s/^# \{0,1\}//p' "$0"; exit 0 ;;
	--) shift; break ;;
	*) die "unknown option '$1' (see --help)" ;;
	esac
done
[ -n "$binary" ] && [ -n "$base" ] && [ -n "$fresh" ] || die "--binary, --base and --fresh are required"
command -v jq >/dev/null 2>&1 || die "jq is required"
command -v curl >/dev/null 2>&1 || die "curl is required"
mkdir -p "$out"

# Positional parameters become: --fresh A --fresh B ... MORE CHECK OPTIONS.
extra_n=$#
old_ifs=$IFS
IFS='
'
for f in $fresh; do
	[ -n "$f" ] && set -- "$@" --fresh "$f"
done
IFS=$old_ifs
# Move the extra options behind the --fresh list, keeping their order.
i=0
while [ "$i" -lt "$extra_n" ]; do
	a=$1
	shift
	set -- "$@" "$a"
	i=$((i + 1))
done

run_check() { # FORMAT FILE: one run per format; status of the first is the verdict
	"$PGODRIFT" check --binary "$binary" --base "$base" "$@" --format "$FMT" --output "$FILE"
}

status=0
FMT=markdown FILE=$out/pgodrift.md run_check "$@" || status=$?
# 3 (inconclusive) wrote a report that says why: post it, then fail with 3.
[ "$status" -le 1 ] || [ "$status" -eq 3 ] || exit "$status"
FMT=sarif FILE=$out/pgodrift.sarif run_check "$@" || { rc=$?; [ $rc -le 1 ] || [ $rc -eq 3 ]; } || exit 2
FMT=json FILE=$out/pgodrift.json run_check "$@" || { rc=$?; [ $rc -le 1 ] || [ $rc -eq 3 ]; } || exit 2

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
	id_filter='.[] | select(.body | contains($m)) | .id'
else
	api=${CI_API_V4_URL:?CI_API_V4_URL is not set}
	project=${CI_PROJECT_ID:?CI_PROJECT_ID is not set}
	mr=${CI_MERGE_REQUEST_IID:?CI_MERGE_REQUEST_IID is not set}
	auth="PRIVATE-TOKEN: ${GITLAB_TOKEN:-}"
	list_url="$api/projects/$project/merge_requests/$mr/notes"
	edit_url() { echo "$api/projects/$project/merge_requests/$mr/notes/$1"; }
	edit_method=PUT
	id_filter='.[] | select(.body | contains($m)) | .id'
fi

# Find our comment: page through the list (100 a page) until a short page.
id=""
page=1
while [ -z "$id" ]; do
	curl -fsSL -H "$auth" -H "Accept: application/json" \
		"$list_url?per_page=100&page=$page" -o "$out/comments.json" ||
		die "cannot list comments at $list_url"
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
		die "cannot $method the comment at $url"
	echo "pr-comment: $method $url" >&2
fi
exit "$status"
