#!/bin/bash
# Git-style usage errors, help and exit codes of every command, and the
# progress meter: drawn on a terminal only, never with --no-progress.
set -euo pipefail
: "${GIT_MLV:?}"
export PATH="$(dirname "$GIT_MLV"):$PATH"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME="$work/home" GIT_CONFIG_NOSYSTEM=1 GIT_CEILING_DIRECTORIES="$work"
mkdir -p "$HOME"
git config --global user.name "E2E Test"
git config --global user.email "e2e@example.com"
git config --global init.defaultBranch main

fail() { echo "FAIL: $*" >&2; exit 1; }
expect_status() { # expected command...
    local expected=$1; shift
    set +e; "$@" > "$work/out" 2> "$work/err"; local rc=$?; set -e
    [ "$rc" -eq "$expected" ] || fail "'$*' exited $rc, expected $expected: $(cat "$work/err")"
}
expect_one_line_error() { # pattern
    [ "$(wc -l < "$work/err")" -eq 1 ] || fail "expected one line on stderr: $(cat "$work/err")"
    grep -q -- "$1" "$work/err" || fail "expected '$1' on stderr: $(cat "$work/err")"
}
# A usage error is the problem, then the usage line that -h prints.
expect_usage_error() { # pattern command-path
    [ "$(wc -l < "$work/err")" -eq 2 ] || fail "expected two lines on stderr: $(cat "$work/err")"
    sed -n 1p "$work/err" | grep -q -- "$1" || fail "expected '$1' on stderr: $(cat "$work/err")"
    sed -n 2p "$work/err" | grep -q -- "^usage: $2 " || fail "no usage line for '$2': $(cat "$work/err")"
}

commands="show status check diff log groups report install uninstall"

# Help and version work anywhere.
mkdir -p "$work/outside"
cd "$work/outside"
expect_status 0 git mlv -h
grep -q "Subcommands:" "$work/out" || fail "git mlv -h lists no commands"
# git itself turns "git mlv --help" into "git help mlv"; the binary takes it too.
expect_status 0 git-mlv --help
expect_status 0 git mlv --version
grep -q "^git-mlv version " "$work/out" || fail "--version: $(cat "$work/out")"
for command in $commands; do
    expect_status 0 git mlv "$command" -h
    grep -q "Usage:" "$work/out" || fail "git mlv $command -h printed no usage"
done

# No command: the usage on stderr, exit 129.
expect_status 129 git mlv
grep -q "Subcommands:" "$work/err" || fail "git mlv without a command printed no usage"

# Unknown commands and options: one lowercase line, exit 129.
expect_status 129 git mlv bogus
expect_one_line_error "^git mlv: 'bogus' is not a git mlv command, see 'git mlv -h'$"
expect_status 129 git mlv --bogus
expect_usage_error "^error: unknown option '--bogus'$" "git mlv"
git init -q "$work/repo"
cd "$work/repo"
for command in $commands; do
    expect_status 129 git mlv "$command" --no-such-option
    expect_usage_error "^error: unknown option '--no-such-option'$" "git mlv $command"
done
expect_status 129 git mlv status extra
expect_usage_error "^error: unexpected argument 'extra'$" "git mlv status"
expect_status 129 git mlv show --worktree --staged
expect_usage_error "^error: --worktree excludes --staged$" "git mlv show"
expect_status 129 git mlv check --format xml
expect_usage_error "^error: .*xml.*" "git mlv check"

# Outside a repository every command reports it and exits 128.
cd "$work/outside"
for command in $commands; do
    expect_status 128 git mlv "$command"
    expect_one_line_error "^fatal: not a git repository"
done

# Progress: a working-tree file large enough to be hashed by streaming.
cd "$work/repo"
head -c $((48 << 20)) /dev/zero > blob.dat
export GIT_PROGRESS_DELAY=0 GIT_MLV_NO_CACHE=1

# Not a terminal: nothing on stderr.
expect_status 0 git mlv show --worktree
[ ! -s "$work/err" ] || fail "progress written to a non-terminal stderr: $(cat "$work/err")"
expect_status 0 git mlv status
[ ! -s "$work/err" ] || fail "status wrote to a non-terminal stderr: $(cat "$work/err")"

# --progress forces it; the line is cleared at the end.
expect_status 0 git mlv show --worktree --progress
grep -q "hashing blob.dat: " "$work/err" || fail "--progress drew nothing: $(cat -v "$work/err")"
expect_status 129 git mlv show --progress --no-progress

# On a terminal (script(1) from util-linux gives one), progress is drawn,
# except with --no-progress.
if command -v script > /dev/null; then
    script -qec "git mlv show --worktree > /dev/null" /dev/null > "$work/tty.txt" < /dev/null
    grep -q "hashing blob.dat: " "$work/tty.txt" || fail "no progress on a terminal: $(cat -v "$work/tty.txt")"
    script -qec "git mlv show --worktree --no-progress > /dev/null" /dev/null > "$work/tty.txt" < /dev/null
    ! grep -q "hashing" "$work/tty.txt" || fail "progress despite --no-progress"
    script -qec "git mlv check --no-progress > /dev/null" /dev/null > "$work/tty.txt" < /dev/null || true
    ! grep -q "hashing" "$work/tty.txt" || fail "check drew progress despite --no-progress"
fi
echo "ok"
