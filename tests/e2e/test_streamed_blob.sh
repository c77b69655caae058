#!/usr/bin/env bash
# End-to-end test of raw (non-LFS) blobs above the size that git-mlv reads
# into memory: they are streamed through git cat-file, loose and packed.
# GIT_MLV_BLOB_STREAM_THRESHOLD lowers that size from 256 MiB so that a
# 3 MiB file takes the path that a multi-gigabyte blob takes.
set -euo pipefail

: "${GIT_MLV:?set GIT_MLV to the git-mlv binary}"
export PATH="$(dirname "$GIT_MLV"):$PATH"

work=$(mktemp -d "${TMPDIR:-/tmp}/mlv-streamed-blob-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
export HOME="$work/home"
export GIT_CONFIG_GLOBAL="$HOME/.gitconfig"
export GIT_CONFIG_NOSYSTEM=1
export GIT_MLV_NO_CACHE=1
export GIT_MLV_BLOB_STREAM_THRESHOLD=65536
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE
mkdir -p "$HOME"
git config --global user.name "E2E Test"
git config --global user.email "e2e@example.com"
git config --global init.defaultBranch main

fail() {
    echo "FAIL: $*" >&2
    for file in "$work/out" "$work/err"; do
        if [ -f "$file" ]; then
            sed 's/^/  | /' "$file" >&2
        fi
    done
    exit 1
}

pass() {
    echo "ok: $*"
}

git init -q "$work/repo"
cd "$work/repo"
python3 - <<'PY'
import json, struct
data = 3 * 1024 * 1024
header = json.dumps({"weight": {"dtype": "F32", "shape": [data // 4],
                                "data_offsets": [0, data]}}).encode()
header += b" " * (-len(header) % 8)
with open("model.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(header)) + header)
    f.write(bytes(range(256)) * (data // 256))
PY
printf '{"model_type": "llama"}\n' >config.json
git add model.safetensors config.json
git commit -q -m "Add raw weights"
oid=$(sha256sum model.safetensors | cut -d' ' -f1)

# expect_described <what>: `git mlv show --json` of HEAD names the file's
# SHA-256 and reads its header.
expect_described() {
    git mlv show --json -v >"$work/out" 2>"$work/err" || fail "show failed with $1 objects"
    python3 - "$work/out" "$oid" <<'PY' || fail "show described model.safetensors wrongly with $1 objects"
import json, sys
artifacts = json.load(open(sys.argv[1]))["artifacts"]
model = next(a for a in artifacts if a["path"] == "model.safetensors")
assert model["oid"] == sys.argv[2], model
assert model["format"] == "safetensors", model
assert model["summary"]["parameters"] == 3 * 1024 * 1024 // 4, model
PY
    grep -q "hashing model.safetensors from its Git blob" "$work/err" ||
        fail "model.safetensors was not streamed with $1 objects"
    git mlv check HEAD >"$work/out" 2>"$work/err" || fail "check HEAD failed with $1 objects"
}

expect_described loose
pass "a loose blob above the threshold is streamed"
git gc -q
[ -z "$(find .git/objects -type f -path '*/objects/??/*')" ] || fail "git gc left loose objects"
expect_described packed
pass "a packed blob above the threshold is streamed"

# A missing object: the error names the path and git's exit status.
rm -rf .git/objects/pack
if git mlv show >"$work/out" 2>"$work/err"; then
    fail "show succeeded without the objects"
fi
pass "a missing object fails"
