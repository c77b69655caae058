#!/usr/bin/env bash
# End-to-end test of `git mlv diff` and `git mlv log` on a throwaway
# repository with real safetensors, config, tokenizer and README files.
set -euo pipefail

: "${GIT_MLV:?set GIT_MLV to the git-mlv binary}"
GIT_MLV=$(cd "$(dirname "$GIT_MLV")" && pwd)/$(basename "$GIT_MLV")

work=$(mktemp -d "${TMPDIR:-/tmp}/mlv-log-diff.XXXXXX")
trap 'rm -rf "$work"' EXIT
export HOME="$work/home"
export GIT_CONFIG_GLOBAL="$HOME/.gitconfig"
export GIT_CONFIG_NOSYSTEM=1
export NO_COLOR=1
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE
mkdir -p "$HOME"

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

pass() {
    echo "ok: $*"
}

# Fails unless file $1 contains the fixed string $2.
expect_line() {
    grep -qF -- "$2" "$1" || {
        cat "$1" >&2
        fail "expected '$2' in $1"
    }
}

# Runs git-mlv with the expected exit status $1.
expect_status() {
    local expected=$1
    shift
    local status=0
    "$GIT_MLV" "$@" >"$work/out" 2>&1 || status=$?
    [[ $status == "$expected" ]] || {
        cat "$work/out" >&2
        fail "git mlv $* exited $status, expected $expected"
    }
}

# Writes a safetensors file: write_weights <path> <vocab rows> <fill byte>.
# Tensors: embed [rows, 4] F32 and norm [4] F32; embed bytes are <fill>.
write_weights() {
    python3 - "$@" <<'PYTHON'
import json
import struct
import sys

path, rows, fill = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
embed = rows * 4 * 4
header = {"embed": {"dtype": "F32", "shape": [rows, 4], "data_offsets": [0, embed]},
          "norm": {"dtype": "F32", "shape": [4], "data_offsets": [embed, embed + 16]}}
text = json.dumps(header).encode()
text += b" " * (-len(text) % 8)
with open(path, "wb") as f:
    f.write(struct.pack("<Q", len(text)) + text + bytes([fill]) * embed + bytes(16))
PYTHON
}

write_config() {
    printf '{"architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": %s, "hidden_size": 4, "torch_dtype": "float32"}\n' "$1" >config.json
}

write_tokenizer() {
    python3 - "$@" <<'PYTHON'
import json
import sys

tokens = sys.argv[1:]
vocab = {token: i for i, token in enumerate(tokens)}
json.dump({"version": "1.0", "added_tokens": [],
           "model": {"type": "BPE", "vocab": vocab, "merges": []}},
          open("tokenizer.json", "w"))
PYTHON
}

commit() {
    git add -A
    git commit -q -m "$1"
}

repo=$work/tiny-model
git init -q -b main "$repo"
cd "$repo"
git config user.name "Lifecycle Test"
git config user.email "lifecycle@example.com"

# 1: initial import.
write_config 10
write_tokenizer a b c d e f g h i j
write_weights model.safetensors 10 0
commit "Initial import"

# 2: new values, same tensors.
write_weights model.safetensors 10 1
commit "Retrain"

# 3: a larger vocabulary: config and embedding.
write_config 12
write_weights model.safetensors 12 1
commit "Grow the vocabulary"

# 4: a model card.
printf -- '---\nlicense: mit\n---\n# Tiny model\n' >README.md
commit "Create README.md"

# 5: a declared base model and new values.
printf -- '---\nlicense: mit\nbase_model: org/base\n---\n# Tiny model\n' >README.md
write_weights model.safetensors 12 2
commit "Fine-tune on new data"

# 6: tokens added.
write_tokenizer a b c d e f g h i j k l
commit "Add two tokens"

# git mlv diff between commits ------------------------------------------------
"$GIT_MLV" diff HEAD~5 HEAD~4 >"$work/diff" || fail "diff between commits failed"
expect_line "$work/diff" "M model.safetensors [weights]"
expect_line "$work/diff" "tensors: 1 with changed values (2 compared)"
expect_line "$work/diff" "values_changed embed"
pass "diff names the tensor whose values changed"

"$GIT_MLV" diff HEAD~4..HEAD~3 >"$work/diff"
expect_line "$work/diff" "reshaped embed [10, 4] -> [12, 4]"
expect_line "$work/diff" "vocab_size: 10 -> 12"
pass "diff A..B shows reshaped tensors and config keys"

"$GIT_MLV" diff HEAD~1 HEAD --json >"$work/diff.json"
python3 - "$work/diff.json" <<'PYTHON' || fail "diff --json"
import json
import sys

diff = json.load(open(sys.argv[1]))
files = {f["path"]: f for f in diff["files"]}
tokens = files["tokenizer.json"]["tokens"]
assert [t["token"] for t in tokens["added"]] == ["k", "l"], tokens
assert [t["id"] for t in tokens["added"]] == [10, 11], tokens
PYTHON
pass "diff --json lists added tokens with ids"

# git mlv diff against the working tree and the index ------------------------
write_config 14
"$GIT_MLV" diff >"$work/diff"
expect_line "$work/diff" "M config.json [config]"
expect_line "$work/diff" "vocab_size: 12 -> 14"
"$GIT_MLV" diff --staged >"$work/diff"
[[ ! -s $work/diff ]] || fail "diff --staged shows unstaged changes"
git add config.json
"$GIT_MLV" diff >"$work/diff"
[[ ! -s $work/diff ]] || fail "diff shows staged changes"
"$GIT_MLV" diff --cached >"$work/diff"
expect_line "$work/diff" "vocab_size: 12 -> 14"
"$GIT_MLV" diff HEAD -- model.safetensors >"$work/diff"
[[ ! -s $work/diff ]] || fail "diff -- <path> shows other files"
"$GIT_MLV" diff HEAD -- config.json >"$work/diff"
expect_line "$work/diff" "vocab_size: 12 -> 14"
git reset -q --hard
pass "diff compares index, working tree and commits like git diff"

# git mlv log ----------------------------------------------------------------
"$GIT_MLV" log --json >"$work/log.json"
python3 - "$work/log.json" <<'PYTHON' || fail "log --json stages"
import json
import re
import sys

log = json.load(open(sys.argv[1]))
commits = log["commits"]
stages = [c["stage"] for c in commits]
expected = ["initial_import", "training", "architecture", "documentation", "fine_tuning",
            "tokenizer"]
assert stages == expected, stages
for c in commits:
    assert re.fullmatch(r"[0-9a-f]{40}", c["commit"]), c["commit"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", c["date"]), c["date"]
    assert c["maintenance"] in ("corrective", "adaptive", "perfective")
    assert isinstance(c["secondary_stages"], list)
    assert c["evidence"], c
    assert c["session"] == 1
assert "architecture" in commits[2]["evidence"][0]
assert any("declares base_model org/base" in line for line in commits[4]["evidence"])
assert commits[0]["weights_total_size"] > 0
PYTHON
pass "log --json gives one stage per commit with evidence"

"$GIT_MLV" log >"$work/log"
[[ $(wc -l <"$work/log") == 6 ]] || fail "log prints one line per commit"
expect_line "$work/log" "architecture"
"$GIT_MLV" log --stage tokenizer >"$work/log"
[[ $(wc -l <"$work/log") == 1 ]] || fail "log --stage filters"
"$GIT_MLV" log --sessions >"$work/log"
expect_line "$work/log" "session 1: Lifecycle Test <lifecycle@example.com>"
"$GIT_MLV" log --phases >"$work/log"
expect_line "$work/log" "development phase:"
expect_line "$work/log" "maintenance phase: since"
"$GIT_MLV" log HEAD~2..HEAD >"$work/log"
[[ $(wc -l <"$work/log") == 2 ]] || fail "log A..B walks the range"
pass "log filters by stage, groups sessions, splits phases, walks ranges"

# Errors -----------------------------------------------------------------------
expect_status 129 log --stage bogus
expect_line "$work/out" "invalid stage 'bogus'"
expect_status 129 diff HEAD~2 HEAD~1 HEAD
expect_status 129 diff --bogus
expect_status 128 diff no-such-revision
expect_status 128 log no-such-revision
mkdir "$work/empty" && cd "$work/empty"
git init -q
expect_status 128 log
cd "$work"
expect_status 128 log
pass "usage errors exit 129, Git errors 128"

# Renames, format conversion and LFS pointers -------------------------------
# Writes a GGUF v3 file with the tensors of write_weights, embed [rows, 4]
# and norm [4], both F32 (GGUF lists dimensions innermost first):
# write_gguf <path> <rows>.
write_gguf() {
    python3 - "$@" <<'PYTHON'
import struct
import sys

path, rows = sys.argv[1], int(sys.argv[2])
embed = rows * 4 * 4
info = struct.pack("<Q", 5) + b"embed" + struct.pack("<I", 2)
info += struct.pack("<QQ", 4, rows) + struct.pack("<IQ", 0, 0)  # F32 at offset 0
info += struct.pack("<Q", 4) + b"norm" + struct.pack("<I", 1)
info += struct.pack("<Q", 4) + struct.pack("<IQ", 0, embed)
head = b"GGUF" + struct.pack("<IQQ", 3, 2, 0) + info
head += b"\0" * (-len(head) % 32)
with open(path, "wb") as f:
    f.write(head + bytes(embed + 16))
PYTHON
}

repo=$work/convert
git init -q -b main "$repo"
cd "$repo"
git config user.name "Lifecycle Test"
git config user.email "lifecycle@example.com"
write_config 12
write_weights model.safetensors 12 0
commit "Initial import"

git mv model.safetensors weights.safetensors
"$GIT_MLV" diff --cached >"$work/diff"
expect_line "$work/diff" "R weights.safetensors (from model.safetensors) [weights]"
"$GIT_MLV" diff HEAD >"$work/diff"
expect_line "$work/diff" "R weights.safetensors (from model.safetensors) [weights]"
commit "Rename the weights"
"$GIT_MLV" diff HEAD~1 >"$work/diff"
expect_line "$work/diff" "renamed from model.safetensors, content unchanged"
"$GIT_MLV" log --json >"$work/log.json"
python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["commits"]; assert c[1]["stage"]=="maintenance", c[1]' \
    "$work/log.json" || fail "a pure rename is not maintenance"
pass "diff shows renames against the index, the work tree and commits"

git rm -q weights.safetensors
write_gguf model.gguf 12
commit "Convert to GGUF"
"$GIT_MLV" diff HEAD~1 HEAD >"$work/diff"
expect_line "$work/diff" "replaced by 1 gguf file with the same 2 tensors"
"$GIT_MLV" log --json >"$work/log.json"
python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["commits"]; assert c[-1]["stage"]=="conversion" and c[-1]["maintenance"]=="adaptive", c[-1]' \
    "$work/log.json" || fail "safetensors to GGUF is not an adaptive conversion"
pass "diff and log report a format conversion with the same tensors"

git lfs install --local >/dev/null
git lfs track "*.safetensors" >/dev/null
write_weights model.safetensors 12 3
commit "Upload safetensors through LFS"
write_weights model.safetensors 12 4
commit "Upload new values"
"$GIT_MLV" diff HEAD~1 HEAD >"$work/diff"
expect_line "$work/diff" "values_changed embed"
# log reads tensor headers but not tensor data, and its line states that.
"$GIT_MLV" log HEAD~1..HEAD >"$work/log"
expect_line "$work/log" "2 tensors kept name, shape and dtype, values not compared"
if grep -q "LFS" "$work/log"; then
    cat "$work/log" >&2
    fail "log blames LFS objects that are present"
fi
# A truncated working-tree file is reported as unreadable, not as missing.
cp model.safetensors "$work/model.safetensors"
head -c 100 "$work/model.safetensors" >model.safetensors
"$GIT_MLV" diff >"$work/diff" 2>/dev/null || true
expect_line "$work/diff" "cannot read the new version: "
if grep -q "LFS" "$work/diff"; then
    cat "$work/diff" >&2
    fail "diff blames LFS objects for a truncated file"
fi
cp "$work/model.safetensors" model.safetensors
rm -rf .git/lfs/objects
"$GIT_MLV" diff HEAD~1 HEAD >"$work/diff"
expect_line "$work/diff" "tensors not compared, the LFS objects of both versions are not present locally"
pass "diff compares tensors with LFS objects and says why it cannot"

# Tokenizer files: log and diff show the same key-level changes.
tokenizer_repo=$work/tokenizer-model
git init -q -b main "$tokenizer_repo"
cd "$tokenizer_repo"
git config user.name "Lifecycle Test"
git config user.email "lifecycle@example.com"
write_tokenizer_files() {
    python3 - "$@" <<'PYTHON'
import json
import sys

normalized, normalizer = sys.argv[1] == "true", sys.argv[2]
added = [{"id": i, "content": c, "single_word": False, "lstrip": False, "rstrip": False,
          "normalized": normalized, "special": True} for i, c in enumerate(["<unk>", "<s>"])]
json.dump({"version": "1.0", "added_tokens": added,
           "normalizer": {"type": normalizer}, "pre_tokenizer": None,
           "post_processor": None, "decoder": None,
           "model": {"type": "BPE", "vocab": {"<unk>": 0, "<s>": 1, "a": 2}, "merges": []}},
          open("tokenizer.json", "w"))
config = {"bos_token": {"content": "<s>", "normalized": normalized}, "model_max_length": 512}
if normalizer == "NFC":
    config["use_fast"] = False
json.dump(config, open("tokenizer_config.json", "w"))
PYTHON
}
write_tokenizer_files true NFKC
commit "Initial import"
write_tokenizer_files false NFC
commit "Upload tokenizer"
"$GIT_MLV" diff HEAD~1 HEAD >"$work/diff"
expect_line "$work/diff" 'added tokens normalized: true -> false for "<unk>", "<s>"'
expect_line "$work/diff" 'normalizer: "NFKC" -> "NFC"'
expect_line "$work/diff" "bos_token.normalized: true -> false"
expect_line "$work/diff" "+ use_fast: false"
"$GIT_MLV" log >"$work/log"
expect_line "$work/log" 'tokenizer.json: normalizer: "NFKC" -> "NFC" (+1 more: added tokens normalized)'
expect_line "$work/log" 'tokenizer_config.json: bos_token.normalized: true -> false (+1 more: use_fast)'
if grep -q "content changed" "$work/log"; then
    fail "log shows 'content changed' for a tokenizer file with key-level changes"
fi
pass "log and diff show key-level tokenizer changes"
