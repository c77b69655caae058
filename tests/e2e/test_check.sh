#!/usr/bin/env bash
# End-to-end test of `git mlv check` with the real binary and real Git, in a
# throwaway repository: exit statuses, rule ids, --json, SARIF, ranges,
# configuration and Git LFS pointers.
set -euo pipefail

: "${GIT_MLV:?set GIT_MLV to the git-mlv binary}"
: "${MLV_SOURCE_DIR:?set MLV_SOURCE_DIR to the source tree}"

work=$(mktemp -d "${TMPDIR:-/tmp}/mlv-check-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
export HOME="$work/home"
export GIT_CONFIG_GLOBAL="$HOME/.gitconfig"
export GIT_CONFIG_NOSYSTEM=1
export GIT_MLV_NO_CACHE=1
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE
mkdir -p "$HOME"

fail() {
    echo "FAIL: $*" >&2
    if [ -f "$work/out" ]; then
        sed 's/^/  | /' "$work/out" >&2
    fi
    exit 1
}

pass() {
    echo "ok: $*"
}

# Runs `git mlv check "$@"` in the repository, output in $work/out, and
# returns its exit status without stopping the script.
check() {
    local status=0
    (cd "$repo" && "$GIT_MLV" check "$@") >"$work/out" 2>&1 || status=$?
    return "$status"
}

expect_status() {
    local expected=$1
    shift
    local status=0
    check "$@" || status=$?
    [ "$status" -eq "$expected" ] || fail "'git mlv check $*' exited $status, expected $expected"
}

expect_output() {
    grep -q -- "$1" "$work/out" || fail "output lacks '$1'"
}

# Writes a tiny Llama-style model: config, safetensors weights, tokenizer
# files and generation config, all consistent (16 tokens, width 4, 1 layer).
write_model() {
    python3 - "$1" <<'PY'
import json, struct, sys, os
root = sys.argv[1]

def save_json(name, value):
    with open(os.path.join(root, name), "w") as f:
        json.dump(value, f, indent=2)

def save_safetensors(name, tensors):
    header, offset = {}, 0
    for tensor_name, shape in tensors:
        size = 2
        for d in shape:
            size *= d
        header[tensor_name] = {"dtype": "F16", "shape": shape, "data_offsets": [offset, offset + size]}
        offset += size
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(os.path.join(root, name), "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"\0" * offset)

save_json("config.json", {
    "architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": 16,
    "hidden_size": 4, "num_hidden_layers": 1, "num_attention_heads": 1,
    "tie_word_embeddings": False, "torch_dtype": "float16", "bos_token_id": 1, "eos_token_id": 2})
save_json("generation_config.json", {"bos_token_id": 1, "eos_token_id": 2, "do_sample": True,
                                     "temperature": 0.7})
vocab = {"<unk>": 0, "<s>": 1, "</s>": 2}
vocab.update({f"t{i}": i for i in range(3, 16)})
save_json("tokenizer.json", {
    "version": "1.0",
    "added_tokens": [{"id": i, "content": c, "special": True, "single_word": False,
                      "lstrip": False, "rstrip": False, "normalized": False}
                     for c, i in [("<unk>", 0), ("<s>", 1), ("</s>", 2)]],
    "model": {"type": "BPE", "vocab": vocab, "merges": []}})
save_json("tokenizer_config.json", {
    "bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>",
    "tokenizer_class": "LlamaTokenizer"})
save_safetensors("model.safetensors", [
    ("model.embed_tokens.weight", [16, 4]), ("lm_head.weight", [16, 4]),
    ("model.layers.0.mlp.up_proj.weight", [8, 4]), ("model.norm.weight", [4])])
PY
}

repo="$work/repo"
git init -q "$repo"
git -C "$repo" config user.name "Check Test"
git -C "$repo" config user.email "check-test@example.com"
write_model "$repo"
git -C "$repo" add -A
git -C "$repo" commit -q -m "Add a consistent model"
good=$(git -C "$repo" rev-parse HEAD)

# A consistent model passes in every mode.
expect_status 0
expect_status 0 --staged
expect_status 0 HEAD
expect_output "no findings"
pass "consistent model passes"

# An added token beyond vocab_size fails the index check, then the commit.
echo '{"<pad>": 16}' >"$repo/added_tokens.json"
expect_status 1
expect_output "vocab-token-out-of-range"
git -C "$repo" add added_tokens.json
expect_status 1 --staged
expect_output "error: '<pad>' has id 16 in 'added_tokens.json'"
expect_output "hint: "
git -C "$repo" commit -q -m "Add a pad token"
bad=$(git -C "$repo" rev-parse HEAD)
expect_status 1 HEAD
expect_output "commit ${bad:0:12}"
expect_status 0 "$good"
pass "out-of-range token is an error with its rule id"

# Ranges: A..B and tips with ^exclusions check every commit after A.
expect_status 1 "$good..$bad"
expect_status 1 "$bad" "^$good"
expect_status 0 "$good" "^$good"
check --json "$good..HEAD" || true
python3 -c '
import json, sys
report = json.load(sys.stdin)
findings = report["findings"]
assert findings, "no findings"
for f in findings:
    for key in ("rule", "severity", "paths", "message"):
        assert key in f, key
assert findings[0]["commit"] == sys.argv[1], findings[0]
assert [c["commit"] for c in report["checked"]] == [sys.argv[1]], report["checked"]
' "$bad" <"$work/out" || fail "--json output of a range"
pass "ranges check each commit after the excluded one"

# A finding the range's first commit inherited from its parent is listed
# as present before the range, not under that commit.
echo "# Tiny model" >"$repo/README.md"
git -C "$repo" add README.md
git -C "$repo" commit -q -m "Update README.md"
readme=$(git -C "$repo" rev-parse HEAD)
expect_status 1 "$bad..HEAD"
expect_output "present before the range, at commit ${bad:0:12} Add a pad token"
expect_output "vocab-token-out-of-range"
if grep -q "^commit ${readme:0:12}" "$work/out"; then
    fail "the README commit is blamed for an inherited finding"
fi
check --json "$bad..HEAD" || true
python3 -c '
import json, sys
findings = json.load(sys.stdin)["findings"]
assert findings and all(f["inherited_from"] == sys.argv[1] for f in findings), findings
' "$bad" <"$work/out" || fail "--json lacks inherited_from"
check --json "$good..HEAD" || true
python3 -c '
import json, sys
findings = json.load(sys.stdin)["findings"]
assert findings and not any("inherited_from" in f for f in findings), findings
' <"$work/out" || fail "a finding new in the range is marked inherited"
pass "findings present before a range are set apart"

# --json parses and has the required fields.
check --json HEAD || true
python3 -c 'import json,sys; json.load(sys.stdin)' <"$work/out" || fail "--json is not JSON"
python3 -c '
import json, sys
f = json.load(sys.stdin)["findings"]
rules = [x["rule"] for x in f]
assert "vocab-token-out-of-range" in rules, rules
' <"$work/out" || fail "--json lacks the finding"
pass "--json parses"

# SARIF has the fields the 2.1.0 schema requires.
check --format sarif HEAD || true
python3 "$MLV_SOURCE_DIR/tests/e2e/sarif_required.py" <"$work/out" || fail "SARIF is invalid"
python3 -c '
import json, sys
log = json.load(sys.stdin)
results = log["runs"][0]["results"]
assert any(r["ruleId"] == "vocab-token-out-of-range" and r["level"] == "error" for r in results)
' <"$work/out" || fail "SARIF lacks the finding"
pass "--format sarif has the required fields"

# Output that is not a terminal has no colour.
check HEAD || true
if grep -q $'\x1b\[' "$work/out"; then
    fail "colour escapes in output that is not a terminal"
fi
pass "no colour without a terminal"

# Usage and Git errors.
expect_status 129 --staged HEAD
expect_status 129 --format xml
expect_status 128 no-such-revision
expect_output "fatal: "
pass "usage is 129 and unknown revisions 128"

# Configuration: .mlv.json turns the rule off; git config overrides it.
cat >"$repo/.mlv.json" <<'EOF'
{
  // the pad row is added by the training script
  "rules": {"vocab-token-out-of-range": "off"}
}
EOF
expect_status 0
git -C "$repo" config mlv.vocab-token-out-of-range warning
expect_status 0
expect_output "warning: '<pad>' has id 16"
expect_status 1 --strict
git -C "$repo" config mlv.no-such-rule error
expect_status 0
expect_output "warning: unknown rule id 'no-such-rule'"
git -C "$repo" config --unset mlv.no-such-rule
git -C "$repo" config --unset mlv.vocab-token-out-of-range
echo '{"rulez": {}}' >"$repo/.mlv.json"
expect_status 1
expect_output "config-invalid"
rm "$repo/.mlv.json"
pass "configuration sets severities and reports unknown keys"

# An invalid generation config is reported with its position; other rules run on.
printf '{\n  "bos_token_id": 1\n  "eos_token_id": 2\n}\n' >"$repo/generation_config.json"
expect_status 1
expect_output "file-invalid"
expect_output "line 3"
expect_output "vocab-token-out-of-range"
git -C "$repo" checkout -q -- generation_config.json
pass "invalid JSON is a finding and checks continue"

# Git LFS pointers: without filter=lfs they are errors; with it they are
# normal unless --require-lfs-objects asks for the objects.
git -C "$repo" rm -q added_tokens.json
pointer='version https://git-lfs.github.com/spec/v1
oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393
size 12345'
printf '%s\n' "$pointer" >"$repo/model.safetensors"
printf '%s\n' "$pointer" >"$repo/pytorch_model.bin"
git -C "$repo" add model.safetensors pytorch_model.bin
expect_status 1 --staged
expect_output "lfs-pointer-unfiltered"
git -C "$repo" commit -q -m "Commit pointers without filter"
expect_status 1 HEAD
expect_output "'pytorch_model.bin' contains a Git LFS pointer"
printf '*.safetensors filter=lfs diff=lfs merge=lfs -text\n*.bin filter=lfs diff=lfs merge=lfs -text\n' \
    >"$repo/.gitattributes"
git -C "$repo" add .gitattributes
git -C "$repo" commit -q -m "Track weights with Git LFS"
expect_status 0 HEAD
expect_status 1 --require-lfs-objects HEAD
expect_output "lfs-object-missing"
pass "LFS pointers with and without filter=lfs"

# With only pointers present, a clean check says which weights it did not read.
expect_status 0 HEAD
expect_output "no findings"
expect_output "2 weights files not checked: their LFS objects are not present locally (git lfs pull)"
check --quiet HEAD || fail "--quiet check failed"
[ ! -s "$work/out" ] || fail "--quiet printed output without findings"
check --json HEAD || true
python3 -c '
import json, sys
report = json.load(sys.stdin)
paths = [entry["path"] for entry in report["not_checked"]]
assert paths == ["model.safetensors", "pytorch_model.bin"], paths
assert all(entry["reason"] == "lfs_object_missing" for entry in report["not_checked"])
' <"$work/out" || fail "--json lacks not_checked"
check --format sarif HEAD || true
python3 "$MLV_SOURCE_DIR/tests/e2e/sarif_required.py" <"$work/out" || fail "SARIF with notes is invalid"
python3 -c '
import json, sys
run = json.load(sys.stdin)["runs"][0]
notes = run["invocations"][0]["toolExecutionNotifications"]
assert run["invocations"][0]["executionSuccessful"] is True
assert notes[0]["level"] == "note" and "not checked" in notes[0]["message"]["text"], notes
assert len(notes[0]["locations"]) == 2, notes
' <"$work/out" || fail "SARIF lacks the unread weights note"
pass "unread weights are named in every format"

# A raw file committed under filter=lfs is not stored by LFS. HOME points to
# an empty configuration, so no LFS filter driver runs and `git add` stores
# the file as it is.
git -C "$repo" rm -q --cached model.safetensors
python3 -c 'import sys; open(sys.argv[1], "wb").write(b"\x08\0\0\0\0\0\0\0{}      ")' \
    "$repo/model.safetensors"
git -C "$repo" add model.safetensors
expect_status 1 --staged
expect_output "lfs-not-pointer"
pass "raw blob under filter=lfs"

# A pointer whose LFS object is present is read through the object, so an
# invalid object is reported as the object, not as the pointer file.
gguf_repo="$work/gguf"
git init -q "$gguf_repo"
printf 'not a gguf file at all\n' >"$work/object"
oid=$(sha256sum "$work/object" | cut -d' ' -f1)
mkdir -p "$gguf_repo/.git/lfs/objects/${oid:0:2}/${oid:2:2}"
cp "$work/object" "$gguf_repo/.git/lfs/objects/${oid:0:2}/${oid:2:2}/$oid"
printf 'version https://git-lfs.github.com/spec/v1\noid sha256:%s\nsize %s\n' \
    "$oid" "$(wc -c <"$work/object")" >"$gguf_repo/model.gguf"
echo 'model.gguf filter=lfs diff=lfs merge=lfs -text' >"$gguf_repo/.gitattributes"
git -C "$gguf_repo" add .
repo=$gguf_repo expect_status 1 --staged
expect_output "cannot read the Git LFS object ${oid:0:12} behind the pointer 'model.gguf': bad magic"
if grep -q "position given" "$work/out"; then
    fail "the hint names a position the message does not give"
fi
pass "an invalid LFS object is named as the object"

# Hints point to --list-rules, which an installed binary has, not to docs/.
expect_status 0 --list-rules
expect_output "vocab-padding"
check -h || true
expect_output "git mlv check --list-rules"
if grep -q "docs/checks.md" "$work/out"; then
    fail "the help points to docs/checks.md"
fi
pass "--list-rules lists the rules the help points to"
