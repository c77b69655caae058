#!/bin/bash
# A tracked LFS file of 4.5 GiB (sparse, a safetensors header at the front)
# whose stat changes without a content change: git mlv show --worktree and
# git mlv status succeed, hash it once, and hash nothing on the next run.
# The Git index stores file sizes in 32 bits, so sizes of 4 GiB and more
# wrap there; git-mlv must not depend on them.
set -euo pipefail
: "${GIT_MLV:?}"
export PATH="$(dirname "$GIT_MLV"):$PATH"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME="$work/home" GIT_CONFIG_NOSYSTEM=1
mkdir -p "$HOME"
git config --global user.name "E2E Test"
git config --global user.email "e2e@example.com"
git config --global init.defaultBranch main

fail() { echo "FAIL: $*" >&2; exit 1; }
# count_hashing <git mlv arguments...>: runs git mlv with -v, fails when it
# fails, prints how many times it hashed model.safetensors.
count_hashing() {
    git mlv "$@" -v >"$work/out" 2>"$work/err" ||
        fail "'git mlv $*' failed: $(head -3 "$work/err")"
    grep -c "hashing model.safetensors" "$work/err" || true
}

git init -q "$work/repo"
cd "$work/repo"
git lfs install --local >/dev/null
git lfs track '*.safetensors' >/dev/null
printf 'ignored.txt\n' >.gitignore
printf '{"model_type": "llama", "vocab_size": 32000}\n' >config.json

size=$((4608 * 1024 * 1024))
python3 - "$size" <<'PY'
import json, struct, sys
size = int(sys.argv[1])
# The header's length depends on the data size it names: iterate until the
# padded length is stable.
length = 0
while True:
    data = size - 8 - length
    header = json.dumps({"__metadata__": {"format": "pt"}, "weight": {
        "dtype": "F16", "shape": [data // 2], "data_offsets": [0, data]}}).encode()
    header += b" " * (-len(header) % 8)
    if len(header) == length:
        break
    length = len(header)
with open("model.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(header)) + header)
    f.truncate(size)
PY

# The first run hashes the untracked file; its oid makes the LFS pointer.
# The LFS object is a hard link, so that no second 4.5 GiB file is written.
[ "$(count_hashing show --worktree --json)" = 1 ] || fail "the untracked file was not hashed once"
oid=$(python3 -c '
import json, sys
print(next(a["oid"] for a in json.load(open(sys.argv[1]))["artifacts"] if a["path"] == "model.safetensors"))' "$work/out")
mkdir -p ".git/lfs/objects/${oid:0:2}/${oid:2:2}"
ln model.safetensors ".git/lfs/objects/${oid:0:2}/${oid:2:2}/$oid"
pointer=$(printf 'version https://git-lfs.github.com/spec/v1\noid sha256:%s\nsize %s\n' "$oid" "$size" |
    git hash-object -w --stdin)
git add .gitattributes .gitignore config.json
git update-index --add --cacheinfo "100644,$pointer,model.safetensors"
git commit -q -m "Add weights"
printf 'x\n' >ignored.txt
printf 'notes\n' >notes.md

touch model.safetensors
[ "$(count_hashing show --worktree)" = 1 ] || fail "show --worktree did not hash the touched file once"
[ "$(count_hashing show --worktree)" = 0 ] || fail "a second show --worktree hashed the file again"
grep -q "model.safetensors" "$work/out" || fail "show --worktree lists no model.safetensors"

touch model.safetensors
[ "$(count_hashing status --json)" = 1 ] || fail "status did not hash the touched file once"
python3 - "$work/out" <<'PY' || fail "unexpected status: $(cat "$work/out")"
import json, sys
changes = json.load(open(sys.argv[1]))["changes"]
paths = sorted((c["path"], c["state"]) for c in changes)
assert paths == [("notes.md", "untracked")], paths
PY
[ "$(count_hashing status)" = 0 ] || fail "a second status hashed the file again"

# A new inode with the same content: hashed once more, still unchanged.
cp -p model.safetensors "$work/copy.safetensors"
mv "$work/copy.safetensors" model.safetensors
[ "$(count_hashing status --json)" = 1 ] || fail "status did not hash the new inode once"
grep -q '"model.safetensors"' "$work/out" && fail "a copy with the same content shows as changed"

echo "ok"
