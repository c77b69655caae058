#!/usr/bin/env bash
# Tests which findings git-mlv's pre-push hook reports for the Hugging Face
# workflows, with the real git-mlv and git-lfs: a push from a clone made with
# GIT_LFS_SKIP_SMUDGE=1, a first push to an empty remote, lfs.allowincompletepush,
# and an upload of one shard per commit.
# shellcheck source=tests/e2e/hooks_common.sh
source "$(dirname "$0")/hooks_common.sh"

# The hooks run `git mlv`, which must resolve to the binary under test.
export PATH="$(dirname "$GIT_MLV"):$PATH"

# Fails unless the output of the last expect_* contains the fixed string $2
# exactly $1 times.
expect_count() {
    local found
    found=$(grep -cF -- "$2" "$work/out" || true)
    if [ "$found" != "$1" ]; then
        cat "$work/out" >&2
        fail "output has '$2' $found times, expected $1"
    fi
}

# Fails when the output of the last expect_* contains the fixed string $1.
expect_no_output() {
    if grep -qF -- "$1" "$work/out"; then
        cat "$work/out" >&2
        fail "output has '$1'"
    fi
}

# Writes a model of three safetensors shards and their index to the
# directory $1 (outside the repository), so that a test can commit them one
# by one.
write_sharded_model() {
    PYTHONPATH="$MLV_SOURCE_DIR/tests/e2e" python3 - "$1" <<'PY'
import sys
from model_files import llama_config, llama_tensors, save_json, save_sharded
save_json(sys.argv[1], "config.json", llama_config(128))
save_sharded(sys.argv[1], llama_tensors(128), 3)
PY
}

# Creates a repository at $1 with git-lfs's and git-mlv's hooks, tracking
# *.safetensors and *.dat with LFS.
new_hooked_repo() {
    new_repo "$1"
    (
        cd "$1"
        git lfs install --local >/dev/null
        git mlv install >/dev/null
        git lfs track '*.safetensors' '*.dat' >/dev/null
    )
}

remote="$work/remote.git"
git init -q --bare "$remote"

# (a) a first push to an empty remote prints each finding once
repo="$work/repo"
new_hooked_repo "$repo"
cd "$repo"
git remote add origin "$remote"
printf '{"model_type": "llama", "vocab_size": 32000}\n' >config.json
printf '{"<pad>": 32000}\n' >added_tokens.json
git add .gitattributes config.json added_tokens.json
git commit -q --no-verify -m "Add a token beyond the vocabulary"
echo "# Model" >README.md
git add README.md
git commit -q --no-verify -m "Add a model card"
expect_failure git push origin main
expect_count 1 "vocab-token-out-of-range"
expect_count 1 "have errors"
expect_no_output "present before the range"
expect_output "(2 commits checked)"
pass "a first push prints each finding and the summary once"

printf '{"model_type": "llama", "vocab_size": 32001}\n' >config.json
git add config.json
git commit -q -m "Make room for the pad token"
expect_success git push origin main
expect_output "vocab-token-out-of-range"
expect_output "an error, fixed later in this range by commit $(git rev-parse --short=12 HEAD)"
pass "a first push passes when its tip fixed the error"

python3 -c 'import sys; sys.stdout.buffer.write(bytes(range(256)) * 4)' >data.dat
git add data.dat
git commit -q -m "Add LFS data"
expect_success git push origin main
data_oid=$(git lfs ls-files --long | awk '/data.dat/ {print $1}')
[ -f "$remote/lfs/objects/${data_oid:0:2}/${data_oid:2:2}/$data_oid" ] ||
    fail "git-lfs did not upload data.dat"

# (b) a clone without LFS objects pushes a change that keeps the pointers
clone="$work/clone"
GIT_LFS_SKIP_SMUDGE=1 git clone -q "$remote" "$clone"
cd "$clone"
git config user.name "Hook Test"
git config user.email "hook-test@example.com"
git lfs install --local >/dev/null
git mlv install >/dev/null
[ ! -e ".git/lfs/objects/${data_oid:0:2}/${data_oid:2:2}/$data_oid" ] ||
    fail "the clone has the LFS object despite GIT_LFS_SKIP_SMUDGE"
expect_failure git mlv check --require-lfs-objects HEAD
expect_output "lfs-object-missing"
printf '{"model_type": "llama", "vocab_size": 32002}\n' >config.json
git add config.json
git commit -q -m "Grow the vocabulary"
expect_success git push origin main
expect_no_output "lfs-object-missing"
[ "$(git -C "$remote" rev-parse main)" = "$(git rev-parse HEAD)" ] || fail "the push did not update the remote"
pass "a push keeping LFS pointers the remote has passes without their objects"

# A pointer new in the push whose object is missing is still rejected.
python3 -c 'import sys; sys.stdout.buffer.write(bytes(range(255, -1, -1)) * 4)' >new.dat
git add new.dat
git commit -q -m "Add more LFS data"
new_oid=$(git lfs ls-files --long | awk '/new.dat/ {print $1}')
rm ".git/lfs/objects/${new_oid:0:2}/${new_oid:2:2}/$new_oid"
expect_failure git push origin main
expect_count 1 "lfs-object-missing"
expect_output "new.dat"
expect_no_output "data.dat"
expect_output "git-lfs fails the push unless the remote already has this object"
[ "$(git -C "$remote" rev-parse main)" = "$(git rev-parse HEAD~1)" ] || fail "a rejected push updated the remote"
pass "a pointer new in the push without its object is rejected"

git config lfs.allowincompletepush true
expect_success git push origin main
expect_output "warning: the Git LFS object of 'new.dat'"
expect_output "lfs.allowincompletepush is true"
git config --unset lfs.allowincompletepush
pass "lfs.allowincompletepush turns a missing object into a warning"

# (c) an upload of one shard per commit, as huggingface_hub makes it
upload="$work/upload"
new_hooked_repo "$upload"
write_sharded_model "$work/model"
cd "$upload"
git remote add origin "$remote"
cp "$work/model/config.json" "$work/model/model.safetensors.index.json" \
    "$work/model/model-00001-of-00003.safetensors" .
git add -A
git commit -q --no-verify -m "Upload the index and shard 1"
cp "$work/model/model-00002-of-00003.safetensors" .
git add -A
git commit -q --no-verify -m "Upload shard 2"
cp "$work/model/model-00003-of-00003.safetensors" .
git add -A
git commit -q --no-verify -m "Upload shard 3"
last=$(git rev-parse HEAD)
expect_success git push origin HEAD:refs/heads/upload
expect_output "warning:"
expect_output "shard-missing"
expect_output "an error, fixed later in this range by commit $(git rev-parse --short=12 HEAD~1) Upload shard 2"
expect_output "an error, fixed later in this range by commit $(git rev-parse --short=12 HEAD) Upload shard 3"
expect_output "0 errors"
pass "an upload of one shard per commit passes once the last shard is in"

expect_failure git mlv check --every-commit --range "$last"
expect_output "error:"
expect_no_output "fixed later"
pass "check --every-commit fails on errors fixed later in the range"

git rm -q model-00003-of-00003.safetensors
git commit -q --no-verify -m "Delete shard 3"
expect_failure git push origin HEAD:refs/heads/upload
expect_output "error:"
expect_output "shard-missing"
pass "an error at the pushed tip still rejects the push"

git reset -q --hard "$last"
git rm -q model-00002-of-00003.safetensors
git commit -q --no-verify -m "Delete shard 2"
cp "$work/model/model-00002-of-00003.safetensors" .
git add -A
git commit -q --no-verify -m "Upload shard 2 again"
printf '{\n  // every commit of a range must pass\n  "ranges": "every-commit"\n}\n' >.mlv.json
git add .mlv.json
git commit -q --no-verify -m "Check every commit of a push"
expect_failure git push origin HEAD:refs/heads/upload
expect_output "shard-missing"
expect_no_output "fixed later"
git rm -q .mlv.json
git commit -q --no-verify -m "Check pushes at their tip"
expect_success git push origin HEAD:refs/heads/upload
expect_output "fixed later in this range"
pass "\"ranges\": \"every-commit\" in .mlv.json keeps the strict check"
