#!/usr/bin/env bash
# Tests the scripts of hooks/, installed by `git mlv install`, against a stub
# git-mlv that logs its arguments and exits with $STUB_EXIT. The cases cover
# which commits pre-push passes to the check, how exit statuses block commits
# and pushes, and what arguments and input the chained hooks get.
# shellcheck source=tests/e2e/hooks_common.sh
source "$(dirname "$0")/hooks_common.sh"

stub_dir="$work/stub"
mkdir -p "$stub_dir"
cat >"$stub_dir/git-mlv" <<'STUB'
#!/bin/sh
echo "git-mlv $*" >>"$STUB_LOG"
exit "${STUB_EXIT:-0}"
STUB
chmod +x "$stub_dir/git-mlv"
export STUB_LOG="$work/stub.log"
path_without_stub=$PATH
export PATH="$stub_dir:$PATH"

# Fails unless the stub log equals the lines given as arguments, then empties it.
expect_log() {
    : >"$work/expected.log"
    if [ $# -gt 0 ]; then
        printf '%s\n' "$@" >"$work/expected.log"
    fi
    touch "$STUB_LOG"
    if ! diff -u "$work/expected.log" "$STUB_LOG" >&2; then
        fail "unexpected calls logged"
    fi
    : >"$STUB_LOG"
}

# Like expect_log, in any order: Git does not document the order of the refs
# it writes to pre-push.
expect_log_any_order() {
    sort "$STUB_LOG" >"$work/sorted.log"
    mv "$work/sorted.log" "$STUB_LOG"
    local sorted
    mapfile -t sorted < <(printf '%s\n' "$@" | sort)
    expect_log "${sorted[@]}"
}

repo="$work/repo"
remote="$work/remote.git"
new_repo "$repo"
git init -q --bare "$remote"
cd "$repo"
git remote add origin "$remote"

# Hooks that exist before `git mlv install`: both get chained.
cat >.git/hooks/pre-commit <<'HOOK'
#!/bin/sh
echo "user pre-commit" >>"$STUB_LOG"
exit "${USER_HOOK_EXIT:-0}"
HOOK
cat >.git/hooks/pre-push <<'HOOK'
#!/bin/sh
echo "user pre-push $*" >>"$STUB_LOG"
while read -r line; do
    echo "stdin $line" >>"$STUB_LOG"
done
HOOK
chmod +x .git/hooks/pre-commit .git/hooks/pre-push
expect_success "$GIT_MLV" install
cmp -s .git/hooks/pre-commit "$MLV_SOURCE_DIR/hooks/pre-commit" || fail "pre-commit differs from hooks/pre-commit"
cmp -s .git/hooks/pre-push "$MLV_SOURCE_DIR/hooks/pre-push" || fail "pre-push differs from hooks/pre-push"
pass "install writes hooks/ byte for byte"

# pre-commit
expect_success git commit -q --allow-empty -m c1
expect_log "git-mlv check --staged --quiet" "user pre-commit"
pass "pre-commit runs the check, then the chained hook"

expect_failure env STUB_EXIT=1 git commit -q --allow-empty -m rejected
expect_output "the staged files have errors"
expect_output "git commit --no-verify"
expect_log "git-mlv check --staged --quiet"
[ "$(git rev-list --count HEAD)" = 1 ] || fail "a rejected commit was recorded"
pass "pre-commit rejects on exit status 1"

expect_failure env STUB_EXIT=128 git commit -q --allow-empty -m rejected
expect_output "failed with exit status 128"
expect_log "git-mlv check --staged --quiet"
pass "pre-commit rejects on exit status 128"

expect_success env STUB_EXIT=1 git commit -q --no-verify --allow-empty -m c2
expect_log
pass "git commit --no-verify bypasses the hooks"

expect_success env STUB_EXIT=1 GIT_MLV_SKIP_HOOKS=1 git commit -q --allow-empty -m c3
expect_output "GIT_MLV_SKIP_HOOKS is set"
expect_log "user pre-commit"
pass "GIT_MLV_SKIP_HOOKS skips only the check"

expect_failure env USER_HOOK_EXIT=3 git commit -q --allow-empty -m rejected
expect_log "git-mlv check --staged --quiet" "user pre-commit"
pass "a failing chained pre-commit rejects the commit"

chmod -x .git/hooks/pre-commit.mlv-chained
expect_success git commit -q --allow-empty -m c4
expect_log "git-mlv check --staged --quiet"
chmod +x .git/hooks/pre-commit.mlv-chained
pass "a chained hook that is not executable is skipped, as Git does"

if PATH="$path_without_stub" command -v git-mlv >/dev/null; then
    echo "skip: git-mlv is installed on PATH, so it cannot be missing"
else
    expect_failure env PATH="$path_without_stub" git commit -q --allow-empty -m rejected
    expect_output "'git-mlv' was not found on PATH"
    expect_output ".git/hooks/pre-commit"
    expect_failure env PATH="$path_without_stub" git push -q origin main
    expect_output "'git-mlv' was not found on PATH"
    expect_log
    pass "hooks fail closed without git-mlv"
fi

# pre-push
c4=$(git rev-parse HEAD)
expect_success git push -q origin main
expect_log "git-mlv check --require-lfs-objects --quiet --range $c4" \
    "user pre-push origin $remote" \
    "stdin refs/heads/main $c4 refs/heads/main 0000000000000000000000000000000000000000"
pass "pre-push checks a new history in one run, as a range"

git commit -q --no-verify --allow-empty -m c5
git commit -q --no-verify --allow-empty -m c6
c6=$(git rev-parse HEAD)
expect_success git push -q origin main
expect_log "git-mlv check --require-lfs-objects --quiet --range $c6 ^$c4" \
    "user pre-push origin $remote" \
    "stdin refs/heads/main $c6 refs/heads/main $c4"
pass "pre-push checks the commits after the remote tip"

git switch -q -c feature
git commit -q --no-verify --allow-empty -m f1
f1=$(git rev-parse HEAD)
expect_success git push -q origin feature
expect_log "git-mlv check --require-lfs-objects --quiet --range $f1 ^$c6" \
    "user pre-push origin $remote" \
    "stdin refs/heads/feature $f1 refs/heads/feature 0000000000000000000000000000000000000000"
pass "pre-push excludes remote-tracking branches for a new branch"

expect_success git push -q origin "$c4:refs/heads/old"
expect_log "user pre-push origin $remote" \
    "stdin $c4 $c4 refs/heads/old 0000000000000000000000000000000000000000"
expect_success git push -q origin :old
expect_log "user pre-push origin $remote" \
    "stdin (delete) 0000000000000000000000000000000000000000 refs/heads/old $c4"
pass "pre-push checks nothing for pushed commits or deletions"

git tag -a -m "annotated tag" v1 "$c6"
tag_id=$(git rev-parse v1)
git tag tree-tag "$c6^{tree}"
expect_success git push -q origin v1 tree-tag
expect_log_any_order "user pre-push origin $remote" \
    "stdin refs/tags/v1 $tag_id refs/tags/v1 0000000000000000000000000000000000000000" \
    "stdin refs/tags/tree-tag $(git rev-parse "$c6^{tree}") refs/tags/tree-tag 0000000000000000000000000000000000000000"
pass "pre-push checks nothing for tags of pushed commits or of trees"

git commit -q --no-verify --allow-empty -m f2
f2=$(git rev-parse HEAD)
git switch -q main
git commit -q --no-verify --allow-empty -m c7
c7=$(git rev-parse HEAD)
expect_failure env STUB_EXIT=1 git push origin main feature
expect_output "commits of 'refs/heads/main' to push to 'refs/heads/main' have errors"
expect_output "commits of 'refs/heads/feature' to push to 'refs/heads/feature' have errors"
expect_output "GIT_MLV_SKIP_HOOKS=1 git push"
expect_log_any_order "git-mlv check --require-lfs-objects --quiet --range $c7 ^$c6" \
    "git-mlv check --require-lfs-objects --quiet --range $f2 ^$f1"
[ "$(git -C "$remote" rev-parse main)" = "$c6" ] || fail "a rejected push updated the remote"
pass "pre-push checks every pushed ref and rejects on exit status 1"

expect_success env STUB_EXIT=1 GIT_MLV_SKIP_HOOKS=1 git push -q origin main
expect_log "user pre-push origin $remote" \
    "stdin refs/heads/main $c7 refs/heads/main $c6"
[ "$(git -C "$remote" rev-parse main)" = "$c7" ] || fail "the push did not update the remote"
pass "GIT_MLV_SKIP_HOOKS skips only the check on push"

# `git lfs update --manual` tells users to append its commands to an
# existing pre-push hook; the appended lines must read the pushed refs too.
echo 'cat >"$STUB_LOG.appended"' >>.git/hooks/pre-push
git switch -q feature
expect_success git push -q origin feature
expect_log "git-mlv check --require-lfs-objects --quiet --range $f2 ^$f1" \
    "user pre-push origin $remote" \
    "stdin refs/heads/feature $f2 refs/heads/feature $f1"
echo "refs/heads/feature $f2 refs/heads/feature $f1" >"$work/expected.appended"
diff -u "$work/expected.appended" "$STUB_LOG.appended" >&2 || fail "appended lines got other input"
pass "lines appended to pre-push read the pushed refs"

expect_failure "$GIT_MLV" install
expect_output "rerun with --force"
expect_success "$GIT_MLV" install --force
cmp -s .git/hooks/pre-push "$MLV_SOURCE_DIR/hooks/pre-push" || fail "--force did not rewrite pre-push"
pass "install --force replaces a modified hook"
