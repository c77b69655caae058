#!/usr/bin/env bash
# Tests `git mlv install` and `git mlv uninstall` with the real git-mlv and
# git-lfs: commits with inconsistent model files and pushes of LFS pointers
# without objects are rejected, git-lfs's hooks keep running, core.hooksPath
# is honoured, and uninstall restores git-lfs's hooks byte for byte.
# shellcheck source=tests/e2e/hooks_common.sh
source "$(dirname "$0")/hooks_common.sh"

# The hooks run `git mlv`, which must resolve to the binary under test.
export PATH="$(dirname "$GIT_MLV"):$PATH"

# Writes a safetensors file with one float32 tensor "w" of shape [1] to $1.
write_safetensors() {
    python3 - "$1" <<'PY'
import json, struct, sys
header = json.dumps({"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}).encode()
header += b" " * (-len(header) % 8)
with open(sys.argv[1], "wb") as out:
    out.write(struct.pack("<Q", len(header)) + header + struct.pack("<f", 1.5))
PY
}

# Writes config.json with vocabulary size $1 and added_tokens.json giving
# "<pad>" the id 32000.
write_model_files() {
    printf '{"model_type": "llama", "vocab_size": %s}\n' "$1" >config.json
    printf '{"<pad>": 32000}\n' >added_tokens.json
}

repo="$work/repo"
remote="$work/remote.git"
new_repo "$repo"
git init -q --bare "$remote"
cd "$repo"
git remote add origin "$remote"
expect_success git lfs install --local
git lfs track '*.safetensors' >/dev/null
mkdir "$work/lfs-hooks"
cp -p .git/hooks/pre-push .git/hooks/post-checkout .git/hooks/post-commit .git/hooks/post-merge \
    "$work/lfs-hooks/"

# (a) install next to git-lfs's hooks
expect_success git mlv install
expect_output "pre-push.mlv-chained"
cmp -s .git/hooks/pre-push.mlv-chained "$work/lfs-hooks/pre-push" || fail "git-lfs's pre-push was not chained"
for hook in post-checkout post-commit post-merge; do
    cmp -s ".git/hooks/$hook" "$work/lfs-hooks/$hook" || fail "install changed $hook"
done
expect_success git mlv install --json
expect_output '"changed": false'
pass "install chains git-lfs's pre-push and is idempotent"

git add .gitattributes
expect_success git commit -q -m "Track safetensors with LFS"

write_model_files 32000
git add config.json added_tokens.json
expect_failure git commit -q -m "Add a token beyond the vocabulary"
expect_output "added_tokens.json"
expect_output "git commit --no-verify"
[ "$(git rev-list --count HEAD)" = 1 ] || fail "the inconsistent commit was recorded"
pass "pre-commit rejects a token id beyond vocab_size"

write_model_files 32001
write_safetensors model.safetensors
git add config.json added_tokens.json model.safetensors
expect_success git commit -q -m "Add a consistent model"
git lfs ls-files | grep -q model.safetensors || fail "model.safetensors is not stored in LFS"
pass "pre-commit accepts a consistent commit"

# (b) pushes to a local bare remote, with git-lfs's pre-push chained
expect_success git push origin main
if grep -q "no findings" "$work/out"; then
    fail "a clean push printed git-mlv's report"
fi
good_oid=$(git lfs ls-files --long | awk '/model.safetensors/ {print $1}')
[ -f "$remote/lfs/objects/${good_oid:0:2}/${good_oid:2:2}/$good_oid" ] ||
    fail "git-lfs's pre-push did not upload the LFS object"
pass "push of a good commit succeeds and git-lfs uploads its object"

python3 -c 'import sys; sys.stdout.buffer.write(bytes(range(256)) * 4)' >extra.dat
git lfs track '*.dat' >/dev/null
git add .gitattributes extra.dat
expect_success git commit -q -m "Add LFS data whose object goes missing"
missing_oid=$(git lfs ls-files --long | awk '/extra.dat/ {print $1}')
rm ".git/lfs/objects/${missing_oid:0:2}/${missing_oid:2:2}/$missing_oid"
expect_failure git push origin main
expect_output "extra.dat"
expect_output "rejected by git-mlv's pre-push hook"
[ "$(git -C "$remote" rev-parse main)" = "$(git rev-parse HEAD~1)" ] || fail "a rejected push updated the remote"
expect_output "hint: to push anyway, run 'GIT_MLV_SKIP_HOOKS=1 git push ...'"
expect_output "hint: 'git push --no-verify' would also skip git-lfs's pre-push hook"
pass "push of an LFS pointer without its object is rejected"

git reset -q --hard HEAD~1

# A commit that skipped the pre-commit hook is still checked on push.
printf '{"<pad>": 32000, "<sep>": 32001}\n' >added_tokens.json
git add added_tokens.json
expect_success git commit -q --no-verify -m "Add a token beyond the vocabulary, unchecked"
expect_failure git push origin main
expect_output "vocab-token-out-of-range"
expect_output "rejected by git-mlv's pre-push hook"
[ "$(git -C "$remote" rev-parse main)" = "$(git rev-parse HEAD~1)" ] || fail "a rejected push updated the remote"
git reset -q --hard HEAD~1
pass "push of a commit made with --no-verify is checked and rejected"

# (c) core.hooksPath, relative to the top of the working tree
hooks_repo="$work/hooks-path"
new_repo "$hooks_repo"
cd "$hooks_repo"
git config core.hooksPath tools/hooks
expect_success git mlv install
[ -x tools/hooks/pre-commit ] || fail "pre-commit not installed under core.hooksPath"
[ -x tools/hooks/pre-push ] || fail "pre-push not installed under core.hooksPath"
[ ! -e .git/hooks/pre-commit ] || fail "install wrote to .git/hooks despite core.hooksPath"
write_model_files 32000
git add config.json added_tokens.json
mkdir -p sub
cd sub
expect_failure git commit -q -m "Add a token beyond the vocabulary"
expect_output "added_tokens.json"
cd ..
expect_success git mlv uninstall
[ ! -e tools/hooks/pre-commit ] || fail "uninstall left pre-commit under core.hooksPath"
pass "core.hooksPath is honoured"

# (d) uninstall restores git-lfs's hooks byte for byte
cd "$repo"
expect_success git mlv uninstall
for hook in pre-push post-checkout post-commit post-merge; do
    cmp -s ".git/hooks/$hook" "$work/lfs-hooks/$hook" || fail "uninstall did not restore $hook"
    [ -x ".git/hooks/$hook" ] || fail "$hook lost its execute permission"
done
[ ! -e .git/hooks/pre-commit ] || fail "uninstall left pre-commit"
[ ! -e .git/hooks/pre-push.mlv-chained ] || fail "uninstall left pre-push.mlv-chained"
expect_success git mlv uninstall --json
expect_output '"changed": false'
pass "uninstall restores git-lfs's hooks byte for byte"

expect_success git mlv uninstall
expect_output "git-mlv's hooks are not installed in"
pass "uninstall says when nothing is installed"

# An edited git-mlv hook is moved aside and git-lfs's hook is put back.
expect_success git mlv install
echo "echo edited" >>.git/hooks/pre-push
expect_success git mlv uninstall
expect_output "pre-push.mlv-saved' and restored"
cmp -s .git/hooks/pre-push "$work/lfs-hooks/pre-push" || fail "uninstall did not restore git-lfs's pre-push"
grep -q "echo edited" .git/hooks/pre-push.mlv-saved || fail "the edited hook was not saved"
rm .git/hooks/pre-push.mlv-saved
pass "uninstall saves an edited hook and restores git-lfs's"

# git-lfs installed after git-mlv: it rejects the existing pre-push; after
# `git lfs update --force`, installing again chains git-lfs's hook.
expect_success git mlv uninstall
rm .git/hooks/pre-push
expect_success git mlv install
expect_failure git lfs install --local
expect_output "Hook already exists: pre-push"
expect_success git lfs update --force
expect_success git mlv install
cmp -s .git/hooks/pre-push "$MLV_SOURCE_DIR/hooks/pre-push" || fail "git-mlv's pre-push is not installed"
cmp -s .git/hooks/pre-push.mlv-chained "$work/lfs-hooks/pre-push" || fail "git-lfs's pre-push is not chained"
pass "install after git lfs update --force chains git-lfs's hook"
