#!/bin/bash
# The manual page, which "git mlv --help" opens, names every command that
# "git mlv -h" lists, and "cmake --install" puts it where man looks.
set -euo pipefail
: "${GIT_MLV:?}"
source_dir="$(cd "$(dirname "$0")/../.." && pwd)"
build_dir="$(dirname "$GIT_MLV")"
page="$source_dir/docs/git-mlv.1"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

commands=$("$GIT_MLV" -h | sed -n '/^Subcommands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }')
[ -n "$commands" ] || fail "git mlv -h lists no commands"
for command in $commands; do
    grep -q "^\\\\fBgit mlv $command\\\\fR" "$page" || fail "the SYNOPSIS of docs/git-mlv.1 lacks '$command'"
    grep -q "^\\.B.* $command\\b\\|^\\.B $command\$\\|^\\.BR $command\\b" "$page" ||
        fail "the COMMANDS section of docs/git-mlv.1 lacks '$command'"
done

cmake --install "$build_dir" --prefix "$work/prefix" > /dev/null
[ -f "$work/prefix/share/man/man1/git-mlv.1" ] || fail "cmake --install did not install the manual page"
[ -x "$work/prefix/bin/git-mlv" ] || fail "cmake --install did not install git-mlv"

echo "ok"
