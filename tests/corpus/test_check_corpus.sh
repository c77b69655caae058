#!/usr/bin/env bash
# `git mlv check` on the real history of Llama-2-7b-hf: its first commit
# shipped added_tokens.json with <pad> at id 32000 for a 32000-row model and
# sampling parameters without do_sample; its latest commit is clean.
# Exits 77 (skipped) when the corpus is absent.
set -euo pipefail

: "${GIT_MLV:?set GIT_MLV to the git-mlv binary}"
: "${MLV_SOURCE_DIR:?set MLV_SOURCE_DIR to the source tree}"

bundle="$MLV_SOURCE_DIR/../shared/corpus/Llama-2-7b-hf/Llama-2-7b-hf.history.bundle"
if [ ! -f "$bundle" ]; then
    echo "skipped: $bundle not found"
    exit 77
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/mlv-check-corpus.XXXXXX")
trap 'rm -rf "$work"' EXIT
export HOME="$work/home"
export GIT_CONFIG_GLOBAL="$HOME/.gitconfig"
export GIT_CONFIG_NOSYSTEM=1
export GIT_MLV_NO_CACHE=1
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE
mkdir -p "$HOME"

fail() {
    echo "FAIL: $*" >&2
    sed 's/^/  | /' "$work/out" >&2
    exit 1
}

# The weights are LFS pointers; skipping the smudge keeps them so.
GIT_LFS_SKIP_SMUDGE=1 git clone -q "$bundle" "$work/repo"
cd "$work/repo"

status=0
"$GIT_MLV" check --json 637a748 >"$work/out" 2>&1 || status=$?
[ "$status" -eq 1 ] || fail "check 637a748 exited $status, expected 1"
python3 - "$work/out" <<'PY' || fail "findings of 637a748"
import json, sys
findings = json.load(open(sys.argv[1]))["findings"]
def has(rule, path, text):
    return any(f["rule"] == rule and f["paths"][0] == path and text in f["message"]
               for f in findings)
assert has("vocab-token-out-of-range", "added_tokens.json", "'<pad>' has id 32000"), findings
assert has("special-token-id-out-of-range", "generation_config.json", "pad_token_id 32000"), findings
assert has("generation-sampling", "generation_config.json", "temperature 0.9 and top_p 0.6"), findings
PY
echo "ok: 637a748 reports <pad> id 32000 and sampling without do_sample"

status=0
"$GIT_MLV" check >"$work/out" 2>&1 || status=$?
[ "$status" -eq 0 ] || fail "check of the latest working tree exited $status, expected 0"
status=0
"$GIT_MLV" check HEAD >"$work/out" 2>&1 || status=$?
[ "$status" -eq 0 ] || fail "check HEAD exited $status, expected 0"
echo "ok: the latest commit has no error"

# Without the LFS objects, the pointers are errors only when objects are required.
status=0
"$GIT_MLV" check --require-lfs-objects HEAD >"$work/out" 2>&1 || status=$?
[ "$status" -eq 1 ] || fail "check --require-lfs-objects HEAD exited $status, expected 1"
grep -q "lfs-object-missing" "$work/out" || fail "no lfs-object-missing finding"
echo "ok: --require-lfs-objects reports the absent objects"

# The whole history checks in one run.
status=0
"$GIT_MLV" check --json "$(git rev-list --max-parents=0 HEAD)..HEAD" >"$work/out" 2>&1 || status=$?
python3 -c 'import json,sys; json.load(sys.stdin)' <"$work/out" || fail "range --json is not JSON"
echo "ok: range over the history"

# Correct real models give no error: each corpus folder of files that load,
# copied into a fresh repository and checked as its working tree. Folders
# with known defects are checked for exactly those rules.
corpus="$MLV_SOURCE_DIR/../shared/corpus"
check_folder() {
    local name=$1
    rm -rf "$work/folder"
    mkdir "$work/folder"
    cp -r "$corpus/$name/." "$work/folder/"
    rm -f "$work/folder/"*.bundle
    git -C "$work/folder" init -q
    status=0
    (cd "$work/folder" && "$GIT_MLV" check --json) >"$work/out" 2>&1 || status=$?
}

for name in WizardCoder-15B-1.0-GPTQ candle debian dolly-v1-6b kpfbert lora-imdb-distilbert \
    nb-whisper-small-beta npm ollama safetensors sentencepiece t5-summarization-demo \
    tinyLlama-finetune tokenizers; do
    [ -d "$corpus/$name" ] || continue
    check_folder "$name"
    [ "$status" -eq 0 ] || fail "check of corpus folder $name exited $status, expected 0"
    # Their slow and fast tokenizer files agree.
    python3 - "$work/out" <<'PY' || fail "tokenizer-vocab-mismatch in corpus folder $name"
import json, sys
findings = json.load(open(sys.argv[1]))["findings"]
assert not [f for f in findings if f["rule"] == "tokenizer-vocab-mismatch"], findings
PY
done
echo "ok: correct corpus folders have no error"

# The rules of the errors each defective folder must report, and nothing else.
expect_error_rules() {
    local name=$1
    shift
    [ -d "$corpus/$name" ] || return 0
    check_folder "$name"
    [ "$status" -eq 1 ] || fail "check of corpus folder $name exited $status, expected 1"
    python3 - "$work/out" "$@" <<'PY' || fail "error rules of corpus folder $name"
import json, sys
findings = json.load(open(sys.argv[1]))["findings"]
rules = sorted({f["rule"] for f in findings if f["severity"] == "error"})
assert rules == sorted(sys.argv[2:]), rules
PY
}
expect_error_rules Qwen1.5-moe-8x0.5B-Chat file-invalid
expect_error_rules llama-jni-bridge file-invalid
expect_error_rules llama.cpp file-invalid lfs-pointer-unfiltered
expect_error_rules Llama-2-7b-hf vocab-token-out-of-range special-token-mismatch \
    special-token-id-out-of-range
echo "ok: defective corpus folders report their defects only"

# kpfbert ships vocab.txt and tokenizer.json. A token added to the
# vocabulary of tokenizer.json alone, with vocab_size raised to match, leaves
# the slow BertTokenizer without it.
kpfbert="$MLV_SOURCE_DIR/../shared/corpus/kpfbert/kpfbert.history.bundle"
if [ -f "$kpfbert" ]; then
    GIT_LFS_SKIP_SMUDGE=1 git clone -q "$kpfbert" "$work/kpfbert"
    cd "$work/kpfbert"
    python3 - <<'PY'
import json
config = json.load(open("config.json"))
config["vocab_size"] += 1
json.dump(config, open("config.json", "w"), indent=2)
tokenizer = json.load(open("tokenizer.json"))
vocab = tokenizer["model"]["vocab"]
assert "[NEW]" not in vocab
vocab["[NEW]"] = len(vocab)
json.dump(tokenizer, open("tokenizer.json", "w"), ensure_ascii=False)
PY
    git -c user.name=test -c user.email=test@example.com commit -q -a \
        -m "Add a token to tokenizer.json only"
    status=0
    "$GIT_MLV" check --json HEAD >"$work/out" 2>&1 || status=$?
    [ "$status" -eq 0 ] || fail "check of kpfbert with a new token exited $status, expected 0"
    python3 - "$work/out" <<'PY' || fail "kpfbert with a token in tokenizer.json only"
import json, sys
findings = json.load(open(sys.argv[1]))["findings"]
found = [f for f in findings if f["rule"] == "tokenizer-vocab-mismatch"]
assert len(found) == 1, findings
assert found[0]["severity"] == "warning", found
assert found[0]["paths"] == ["vocab.txt", "tokenizer.json"], found
assert "lacks '[NEW]'" in found[0]["message"], found
PY
    echo "ok: kpfbert's vocab.txt lacks a token added to tokenizer.json"
fi
