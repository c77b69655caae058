#!/usr/bin/env bash
# Tests the hooks of .pre-commit-hooks.yaml with the pre-commit framework,
# offline: the manifest is committed to a throwaway repository that
# .pre-commit-config.yaml names by path, and pre-commit clones it from there.
# shellcheck source=tests/e2e/hooks_common.sh
source "$(dirname "$0")/hooks_common.sh"

export PATH="$(dirname "$GIT_MLV"):$PATH"
export PRE_COMMIT_HOME="$work/pre-commit-cache"
command -v pre-commit >/dev/null || fail "pre-commit is not installed"

hook_repo="$work/git-mlv-hooks"
new_repo "$hook_repo"
cp "$MLV_SOURCE_DIR/.pre-commit-hooks.yaml" "$hook_repo/"
git -C "$hook_repo" add .pre-commit-hooks.yaml
git -C "$hook_repo" commit -q -m "Add the pre-commit manifest"
hook_rev=$(git -C "$hook_repo" rev-parse HEAD)

repo="$work/repo"
remote="$work/remote.git"
new_repo "$repo"
git init -q --bare "$remote"
cd "$repo"
git remote add origin "$remote"
cat >.pre-commit-config.yaml <<CONFIG
repos:
  - repo: $hook_repo
    rev: $hook_rev
    hooks:
      - id: git-mlv-check
      - id: git-mlv-check-push
CONFIG
git add .pre-commit-config.yaml
git commit -q -m "Configure pre-commit"
expect_success pre-commit install --hook-type pre-commit --hook-type pre-push

printf '{"model_type": "llama", "vocab_size": 32000}\n' >config.json
printf '{"<pad>": 32000}\n' >added_tokens.json
git add config.json added_tokens.json
expect_failure git commit -q -m "Add a token beyond the vocabulary"
expect_output "git-mlv check (staged model files)"
expect_output "added_tokens.json"
[ "$(git rev-list --count HEAD)" = 1 ] || fail "the inconsistent commit was recorded"
pass "pre-commit framework rejects a bad commit"

printf '{"model_type": "llama", "vocab_size": 32001}\n' >config.json
git add config.json
expect_success git commit -q -m "Add a consistent config"
expect_output "git-mlv check (staged model files)"
expect_success git push -q origin main
expect_output "git-mlv check (pushed commits, LFS objects present)"
pass "pre-commit framework accepts a good commit and push"

# A config that refers to a token beyond the vocabulary, committed without
# hooks, must be rejected on push.
printf '{"model_type": "llama", "vocab_size": 32000}\n' >config.json
git add config.json
git commit -q --no-verify -m "Shrink the vocabulary below the added token"
expect_failure git push -q origin main
expect_output "added_tokens.json"
[ "$(git -C "$remote" rev-parse main)" = "$(git rev-parse HEAD~1)" ] || fail "a rejected push updated the remote"
pass "pre-commit framework rejects a bad push"

# `pre-commit install` over git-mlv's hook renames it to pre-commit.legacy
# and runs it; git-mlv's hook still finds its .mlv-chained file by name.
legacy_repo="$work/legacy"
new_repo "$legacy_repo"
cd "$legacy_repo"
cat >.git/hooks/pre-commit <<'HOOK'
#!/bin/sh
echo "user pre-commit ran"
HOOK
chmod +x .git/hooks/pre-commit
expect_success git mlv install
cp "$repo/.pre-commit-config.yaml" .
git add .pre-commit-config.yaml
git commit -q --no-verify -m "Configure pre-commit"
expect_success pre-commit install --hook-type pre-commit
cmp -s .git/hooks/pre-commit.legacy "$MLV_SOURCE_DIR/hooks/pre-commit" || fail "pre-commit did not keep git-mlv's hook as .legacy"
printf '{"model_type": "llama", "vocab_size": 32000}\n' >config.json
printf '{"<pad>": 32000}\n' >added_tokens.json
git add config.json added_tokens.json
expect_failure git commit -q -m "Add a token beyond the vocabulary"
expect_output "the staged files have errors"
printf '{"model_type": "llama", "vocab_size": 32001}\n' >config.json
git add config.json
expect_success git commit -q -m "Add a consistent config"
expect_output "user pre-commit ran"
pass "git-mlv's hook chains when pre-commit runs it as .legacy"
