#!/bin/bash
# git mlv show and git mlv status on a throwaway repository with real git
# and git-lfs: JSON fields, semantic status lines, exit codes.
set -euo pipefail
: "${GIT_MLV:?}" "${MLV_SOURCE_DIR:?}"
export PATH="$(dirname "$GIT_MLV"):$PATH"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME="$work/home" GIT_CONFIG_NOSYSTEM=1
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

# Outside a repository: Git's message and 128.
cd "$work"
expect_status 128 git mlv show
grep -q "not a git repository" "$work/err" || fail "no 'not a git repository' message"

# -h on every command, usage errors give 129.
for command in show status check diff log groups report install uninstall; do
    expect_status 0 git mlv "$command" -h
done
expect_status 0 git mlv --version
expect_status 129 git mlv show --no-such-option

# The demo repository: five commits with LFS weights.
python3 "$MLV_SOURCE_DIR/scripts/make_demo_repo.py" "$work/repo"
cd "$work/repo"

git mlv show --json > "$work/show.json"
python3 - "$work/show.json" <<'PY'
import json, sys
show = json.load(open(sys.argv[1]))
by_path = {a["path"]: a for a in show["artifacts"]}
weights = by_path["model.safetensors"]
assert weights["role"] == "weights" and weights["format"] == "safetensors", weights
assert weights["lfs"] is True and weights["content_present"] is True, weights
assert weights["summary"]["tensors"] == 19, weights["summary"]
assert weights["summary"]["dtypes"] == ["F16"], weights["summary"]
assert by_path["tokenizer.json"]["summary"]["vocab_size"] == 384, by_path["tokenizer.json"]
assert by_path["config.json"]["summary"]["vocab_size"] == 384
assert by_path["config.json"]["summary"]["model_type"] == "llama"
assert by_path["README.md"]["role"] == "docs"
assert by_path[".gitattributes"]["role"] == "other"
for a in show["artifacts"]:
    assert len(a["oid"]) == 64
print("show json: ok")
PY

# The oid of an LFS artifact is the pointer's oid, which is the SHA-256 of the content.
oid=$(git show HEAD:model.safetensors | sed -n 's/^oid sha256://p')
sha=$(sha256sum model.safetensors | cut -d' ' -f1)
[ "$oid" = "$sha" ] || fail "pointer oid $oid differs from content sha256 $sha"
grep -q "$oid" "$work/show.json" || fail "show does not report the LFS oid"

# Older revisions and path limits.
git mlv show HEAD~4 config.json > "$work/old.txt"
grep -q "vocab_size 320" "$work/old.txt" || fail "show HEAD~4 config.json: $(cat "$work/old.txt")"
[ "$(grep -c json "$work/old.txt")" -eq 1 ] || fail "path limit not applied: $(cat "$work/old.txt")"

# Clean tree.
git mlv status > "$work/status.txt"
grep -q "nothing changed" "$work/status.txt" || fail "clean status: $(cat "$work/status.txt")"

# A config edit, staged; a weights edit, unstaged; an untracked artifact.
sed -i 's/"vocab_size": 384/"vocab_size": 385/' config.json
git add config.json
python3 - <<'PY'
import json, struct
raw = open("model.safetensors", "rb").read()
n = struct.unpack("<Q", raw[:8])[0]
header = json.loads(raw[8:8 + n])
data = bytearray(raw[8 + n:])
data[0] ^= 0xff  # one value changed
open("model.safetensors", "wb").write(raw[:8 + n] + bytes(data))
PY
cp tokenizer.json extra_tokenizer.json
echo '{"broken": ' > preprocessor_config.json
set +e; git mlv status > "$work/status.txt" 2> "$work/status.err"; rc=$?; set -e
[ "$rc" -eq 1 ] || fail "status with a malformed file exited $rc"
grep -q "Changes to be committed" "$work/status.txt" || fail "no staged section"
grep "config.json" "$work/status.txt" | grep -q "384" || fail "no old vocab_size: $(cat "$work/status.txt")"
grep "config.json" "$work/status.txt" | grep -q "385" || fail "no new vocab_size"
grep -q "model.safetensors" "$work/status.txt" || fail "weights change not listed"
grep -q "Untracked artifacts" "$work/status.txt" || fail "no untracked section"
grep -q "cannot read 'preprocessor_config.json': invalid JSON at line" "$work/status.err" ||
    fail "malformed file not reported: $(cat "$work/status.err")"
{ git mlv status --json 2>/dev/null || true; } | python3 -c '
import json, sys
report = json.load(sys.stdin)
states = {(c["path"], c["state"]) for c in report["changes"]}
assert ("config.json", "staged") in states, states
assert ("model.safetensors", "unstaged") in states, states
assert ("extra_tokenizer.json", "untracked") in states, states'

# A second run reuses the cache: nothing is rehashed.
GIT_MLV_TRACE=1 git mlv show --worktree > /dev/null 2> "$work/trace.txt" || true
GIT_MLV_TRACE=1 git mlv show --worktree > /dev/null 2> "$work/trace.txt" || true
if grep -q "^artifacts: hashing" "$work/trace.txt"; then
    fail "unchanged files rehashed: $(grep hashing "$work/trace.txt")"
fi

# An unreadable working-tree file is listed with its error; the other
# files are still shown. Root reads through chmod 000, so as root the
# check runs as nobody, who then owns the repository, when setpriv exists.
cp config.json locked_config.json
chmod 000 locked_config.json
as_reader=()
if [ "$(id -u)" -eq 0 ]; then
    if command -v setpriv > /dev/null && getent passwd nobody > /dev/null; then
        chmod a+rx "$work" "$HOME"
        chown -R nobody "$work/repo"
        as_reader=(setpriv --reuid=65534 --regid=65534 --clear-groups)
    else
        echo "skip: unreadable file check (root without setpriv)"
    fi
fi
if [ "$(id -u)" -ne 0 ] || [ ${#as_reader[@]} -gt 0 ]; then
    set +e
    "${as_reader[@]}" git mlv show --worktree > "$work/out" 2> "$work/err"; rc=$?
    set -e
    [ "$rc" -eq 1 ] || fail "show --worktree with an unreadable file exited $rc: $(cat "$work/err")"
    grep -q "locked_config.json" "$work/err" || fail "unreadable file not named: $(cat "$work/err")"
    grep -q "^tokenizer.json" "$work/out" || fail "other artifacts not listed: $(cat "$work/out")"
fi
rm -f locked_config.json
[ "$(id -u)" -ne 0 ] || chown -R root "$work/repo"

# LFS pointers without their objects are reported, not errors.
rm -rf "$work/clone"
GIT_LFS_SKIP_SMUDGE=1 git clone -q "$work/repo" "$work/clone"
rm -rf "$work/clone/.git/lfs/objects"
cd "$work/clone"
expect_status 0 git mlv show
grep "model.safetensors" "$work/out" | grep -q "missing" || fail "missing LFS object not shown"
expect_status 0 git mlv status
grep -q "LFS objects not present locally" "$work/out" || fail "status does not report the missing LFS object"

# Sizes read in binary units in show and in a deleted line of status.
git mlv show > "$work/show.txt"
grep "model.safetensors" "$work/show.txt" | grep -Eq "[0-9] (B|KiB|MiB|GiB)" ||
    fail "show size not in binary units: $(cat "$work/show.txt")"
git rm -q --cached model.safetensors
git mlv status > "$work/out" 2>&1 || true
grep "deleted:" "$work/out" | grep -Eq "[0-9] (B|KiB|MiB|GiB)" ||
    fail "deleted line size not in binary units: $(cat "$work/out")"
if grep -Eq "[0-9] (kB|MB|GB|TB)" "$work/show.txt" "$work/out"; then
    fail "decimal size units in show or status: $(cat "$work/show.txt" "$work/out")"
fi

# A pointer committed without filter=lfs is pointer text: show labels it so,
# and status does not list it for `git lfs pull`.
git init -q "$work/unfiltered"
cd "$work/unfiltered"
printf 'version https://git-lfs.github.com/spec/v1\noid sha256:%s\nsize 12345\n' \
    4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393 >model.safetensors
git add model.safetensors
git commit -q -m "Commit a pointer without filter=lfs"
expect_status 0 git mlv show
grep "model.safetensors" "$work/out" | grep -q "git (pointer)" || fail "unfiltered pointer not shown as pointer text: $(cat "$work/out")"
grep -q "missing" "$work/out" && fail "unfiltered pointer shown as a missing LFS object: $(cat "$work/out")"
git mlv show --json | python3 -c '
import json, sys
artifact = json.load(sys.stdin)["artifacts"][0]
assert artifact["summary"]["lfs_pointer_unfiltered"] is True, artifact
' || fail "show --json does not mark the unfiltered pointer"
expect_status 0 git mlv status
grep -q "git lfs pull" "$work/out" && fail "status lists an unfiltered pointer for git lfs pull: $(cat "$work/out")"
echo "ok"
