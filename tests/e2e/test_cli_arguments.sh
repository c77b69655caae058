#!/bin/bash
# Git's argument rules on every command: options are parsed before the
# repository is opened, revisions are distinguished from paths as git log
# does, "--" separates them, and a path that matches no artifact is an error.
set -euo pipefail
: "${GIT_MLV:?}" "${MLV_SOURCE_DIR:?}"
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
expect_err_line() { # line-number exact-text
    local actual
    actual=$(sed -n "$1p" "$work/err")
    [ "$actual" = "$2" ] || fail "stderr line $1 is '$actual', expected '$2'; stderr: $(cat "$work/err")"
}
expect_err_lines() { # count
    [ "$(wc -l < "$work/err")" -eq "$1" ] || fail "expected $1 lines on stderr: $(cat "$work/err")"
}
expect_no_output() {
    [ ! -s "$work/out" ] || fail "expected nothing on stdout: $(cat "$work/out")"
}

# Every command that 'git mlv -h' lists, read from the help so that a new
# command is covered without editing this test.
mkdir -p "$work/outside"
cd "$work/outside"
commands=$(git mlv -h | sed -n '/^Subcommands:/,$p' | awk 'NR > 1 && /^  [a-z]/ { print $1 }')
[ "$(echo "$commands" | wc -w)" -ge 9 ] || fail "too few commands in 'git mlv -h': $commands"

# Unknown options: the same two lines and 129, outside a repository and
# inside one, before the repository is opened.
git init -q "$work/empty"
for where in "$work/outside" "$work/empty"; do
    cd "$where"
    for command in $commands; do
        expect_status 129 git mlv "$command" --no-such-option
        expect_err_lines 2
        expect_err_line 1 "error: unknown option '--no-such-option'"
        grep -q "^usage: git mlv $command \[<options>\]" "$work/err" ||
            fail "no usage line for $command: $(cat "$work/err")"
        expect_no_output
        # The usage line of the error is the one -h prints.
        usage=$(sed -n 2p "$work/err" | sed 's/^usage: //')
        expect_status 0 git mlv "$command" -h
        grep -qF "Usage: $usage" "$work/out" || fail "'git mlv $command -h' has another usage line"
    done
done

# The demo repository, with a folder and a branch named like a file.
python3 "$MLV_SOURCE_DIR/scripts/make_demo_repo.py" "$work/repo" > /dev/null
cd "$work/repo"
mkdir eval
echo '{"accuracy": 0.5}' > eval/results.json
git add eval && git commit -q -m "Add evaluation results"
git branch tokenizer.json HEAD~1

# Show: an unknown revision is no path.
for arguments in "nosuchrev" "HEAD nosuchpath" "HEAD~1 config.json nosuchpath"; do
    bad=${arguments##* }
    # shellcheck disable=SC2086
    expect_status 128 git mlv show $arguments
    expect_no_output
    expect_err_lines 3
    expect_err_line 1 "fatal: ambiguous argument '$bad': unknown revision or path not in the working tree"
    expect_err_line 2 "Use '--' to separate paths from revisions, like this:"
    expect_err_line 3 "'git mlv show [<revision>] -- [<path>...]'"
done

# A revision that is also a file is ambiguous until "--" settles it.
expect_status 128 git mlv show tokenizer.json
expect_err_line 1 "fatal: ambiguous argument 'tokenizer.json': both revision and filename"
expect_status 0 git mlv show tokenizer.json --
grep -q "^eval/results.json" "$work/out" && fail "show tokenizer.json -- showed HEAD"
grep -q "^model.safetensors" "$work/out" || fail "show tokenizer.json -- listed nothing"
expect_status 0 git mlv show -- tokenizer.json
[ "$(grep -c '^[a-z]' "$work/out")" -eq 1 ] || fail "show -- tokenizer.json: $(cat "$work/out")"
grep -q "^tokenizer.json" "$work/out" || fail "show -- tokenizer.json: $(cat "$work/out")"

# Revisions and paths that resolve, with and without "--".
expect_status 0 git mlv show HEAD~5 config.json
grep -q "vocab_size 320" "$work/out" || fail "show HEAD~5 config.json: $(cat "$work/out")"
expect_status 0 git mlv show eval
grep -q "^eval/results.json" "$work/out" || fail "show eval: $(cat "$work/out")"
expect_status 0 git mlv show eval/
grep -q "^eval/results.json" "$work/out" || fail "show eval/: $(cat "$work/out")"

# After "--" a path need not exist in the working tree, but it must match an
# artifact of the revision shown; the paths that match are still listed.
rm README.md
expect_status 128 git mlv show HEAD README.md
expect_status 0 git mlv show HEAD -- README.md
grep -q "^README.md" "$work/out" || fail "show HEAD -- README.md: $(cat "$work/out")"
git checkout -q README.md
expect_status 1 git mlv show HEAD -- config.json nosuch eva
expect_err_lines 2
expect_err_line 1 "error: pathspec 'nosuch' did not match any artifact"
expect_err_line 2 "error: pathspec 'eva' did not match any artifact"
grep -q "^config.json" "$work/out" || fail "the matching path was not listed: $(cat "$work/out")"
expect_status 1 git mlv show --json -- nosuch
expect_err_line 1 "error: pathspec 'nosuch' did not match any artifact"
python3 -c 'import json, sys; assert json.load(sys.stdin)["artifacts"] == []' < "$work/out" ||
    fail "show --json -- nosuch: $(cat "$work/out")"
expect_status 1 git mlv show HEAD~5 -- eval
expect_err_line 1 "error: pathspec 'eval' did not match any artifact"
expect_status 128 git mlv show nosuchrev --
expect_err_lines 1
expect_err_line 1 "fatal: bad revision 'nosuchrev'"

# In a folder, paths are relative to it, as in git; messages name them as given.
cd eval
expect_status 0 git mlv show results.json
grep -q "^eval/results.json" "$work/out" || fail "show results.json in eval/: $(cat "$work/out")"
expect_status 0 git mlv show HEAD~1 -- ../config.json
grep -q "^config.json" "$work/out" || fail "show HEAD~1 -- ../config.json: $(cat "$work/out")"
expect_status 0 git mlv show .
[ "$(grep -c '^[a-z]' "$work/out")" -eq 1 ] || fail "show . in eval/: $(cat "$work/out")"
expect_status 1 git mlv show -- nosuch
expect_err_line 1 "error: pathspec 'nosuch' did not match any artifact"
expect_status 128 git mlv show -- ../../outside
expect_err_line 1 "fatal: '../../outside' is outside the repository at '$work/repo'"
expect_status 0 git mlv diff HEAD~5 -- ../config.json
grep -q "^M config.json" "$work/out" || fail "diff HEAD~5 -- ../config.json: $(cat "$work/out")"
cd ..

# --worktree and --staged take paths only, matched against that source.
echo '{}' > untracked.json
expect_status 0 git mlv show --worktree untracked.json
grep -q "^untracked.json" "$work/out" || fail "show --worktree untracked.json: $(cat "$work/out")"
expect_status 1 git mlv show --staged untracked.json
expect_err_line 1 "error: pathspec 'untracked.json' did not match any artifact"
expect_status 1 git mlv show --worktree nosuch
expect_err_line 1 "error: pathspec 'nosuch' did not match any artifact"
rm untracked.json

# Usage errors: 129 with the usage line.
expect_status 129 git mlv show HEAD HEAD~1
expect_err_line 1 "error: too many revisions: 'git mlv show' takes at most one revision"
expect_err_line 2 "usage: git mlv show [<options>] [<revision>] [--] [<path>...]"
expect_status 129 git mlv show --staged HEAD --
expect_err_line 1 "error: too many revisions: 'git mlv show --staged' takes no revision"

# The other commands: an unknown revision is never an empty success.
for arguments in "diff nosuchrev" "diff HEAD~1 nosuchpath" "log nosuchrev" "groups nosuchrev" \
    "report nosuchrev" "check nosuchrev" "log HEAD~1..nosuchrev" "check ^nosuchrev" \
    "diff HEAD~1..nosuchrev" "diff nosuchrev --" "log nosuchrev --"; do
    # shellcheck disable=SC2086
    expect_status 128 git mlv $arguments
    expect_no_output
    grep -q "^fatal: .*nosuch" "$work/err" || fail "'git mlv $arguments': $(cat "$work/err")"
done
expect_status 128 git mlv diff nosuchrev
expect_err_line 1 "fatal: ambiguous argument 'nosuchrev': unknown revision or path not in the working tree"
expect_err_line 3 "'git mlv diff [<revision>...] -- [<path>...]'"
expect_status 128 git mlv log nosuchrev
expect_err_lines 1
expect_err_line 1 "fatal: unknown revision 'nosuchrev'"
[ ! -e mlv-report.html ] || fail "report wrote a file for an unknown revision"

# Commands without paths reject the arguments after "--".
for command in log groups report check status; do
    expect_status 129 git mlv "$command" -- config.json
    grep -q "config.json" "$work/err" || fail "'$command -- config.json': $(cat "$work/err")"
    grep -q "^usage: git mlv $command " "$work/err" || fail "'$command -- x' gave no usage line"
done

# diff: paths with and without "--", ranges, and its own limits.
sed -i 's/"vocab_size": 384/"vocab_size": 385/' config.json
expect_status 0 git mlv diff config.json
grep -q "^M config.json" "$work/out" || fail "diff config.json: $(cat "$work/out")"
expect_status 0 git mlv diff HEAD~5 HEAD -- config.json
grep -q "^M config.json" "$work/out" || fail "diff HEAD~5 HEAD -- config.json: $(cat "$work/out")"
grep -q "tokenizer" "$work/out" && fail "diff path limit not applied: $(cat "$work/out")"
expect_status 0 git mlv diff HEAD~5..HEAD --
grep -q "^M config.json" "$work/out" || fail "diff HEAD~5..HEAD --: $(cat "$work/out")"
expect_status 129 git mlv diff HEAD~5..HEAD tokenizer.json --
expect_err_line 1 "error: too many revisions: at most two can be compared"
expect_status 129 git mlv diff HEAD~1 HEAD~2 HEAD
expect_err_line 1 "error: too many revisions: 'git mlv diff' takes at most two revisions"
expect_status 129 git mlv diff HEAD~2...HEAD
expect_err_line 1 "error: symmetric difference 'HEAD~2...HEAD' is not supported; use A..B"
git checkout -q config.json

# Ranges that resolve still work.
expect_status 0 git mlv log HEAD~2..HEAD
[ "$(wc -l < "$work/out")" -eq 2 ] || fail "log HEAD~2..HEAD: $(cat "$work/out")"
expect_status 0 git mlv check HEAD~1..HEAD
echo "ok"
