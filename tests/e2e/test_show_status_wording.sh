#!/bin/bash
# Human output of git mlv show and git mlv status. Each change names its
# kind once, and deleted pointers are not listed as missing LFS objects.
# The show footer counts each weights format apart. Counts of one take the
# singular, and paths with control characters are quoted as Git quotes them.
set -euo pipefail
: "${GIT_MLV:?}" "${MLV_SOURCE_DIR:?}"
export PATH="$(dirname "$GIT_MLV"):$PATH"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME="$work/home" GIT_CONFIG_NOSYSTEM=1 NO_COLOR=1
mkdir -p "$HOME"
git config --global user.name "E2E Test"
git config --global user.email "e2e@example.com"
git config --global init.defaultBranch main

fail() { echo "FAIL: $*" >&2; exit 1; }
tab=$'\t'

# A Llama-style model shipped as safetensors and as a PyTorch zip
# checkpoint, with LFS for both, and two files whose names need quoting.
git init -q "$work/repo"
cd "$work/repo"
git lfs install --local > /dev/null
git lfs track '*.safetensors' '*.bin' > /dev/null
python3 - "$MLV_SOURCE_DIR/tests/e2e" <<'PY'
import sys, zipfile
sys.path.insert(0, sys.argv[1])
import model_files as m
m.save_llama(".")
m.save_json(".", "special_tokens_map.json",
            {"bos_token": "<s>", "eos_token": "</s>", "additional_special_tokens": []})
m.save_text(".", "README.md", "# tiny llama\n")
m.save_text(".", "LICENSE", "MIT\n")
m.save_text(".", "USAGE.md", "Load it.\n")
# torch.save's zip layout; data.pkl is a stub that nothing unpickles.
with zipfile.ZipFile("pytorch_model.bin", "w", zipfile.ZIP_STORED) as archive:
    archive.writestr("archive/data.pkl", b"\x80\x02}q\x00.")
    archive.writestr("archive/byteorder", "little")
    archive.writestr("archive/version", "3\n")
    archive.writestr("archive/data/0", b"\0" * 64)
m.save_json(".", "odd\tname.json", {"a": 1})
m.save_json(".", 'q"uote.json', {"a": 1})
PY
git add -A
git commit -q -m "import"

# --- show ---------------------------------------------------------------
git mlv show > "$work/show.txt"
grep -q "^13 artifacts; weights in 2 formats:$" "$work/show.txt" ||
    fail "footer does not split the formats: $(tail -4 "$work/show.txt")"
grep -q "^  safetensors: 1 file, .*, 2312 parameters$" "$work/show.txt" ||
    fail "no safetensors line: $(tail -4 "$work/show.txt")"
grep -q "^  pytorch (zip): 1 file, " "$work/show.txt" ||
    fail "no pytorch (zip) line: $(tail -4 "$work/show.txt")"
grep -qE "\b1 (files|artifacts|layers|tensors|shards)\b" "$work/show.txt" &&
    fail "plural after 1: $(grep -E '\b1 [a-z]+s\b' "$work/show.txt")"
grep "^special_tokens_map.json" "$work/show.txt" | grep -q "2 special tokens (bos_token, eos_token)$" ||
    fail "special tokens map summary: $(grep special_tokens_map "$work/show.txt")"
grep -q "additional_special_tokens 0" "$work/show.txt" && fail "empty list shown as a count"
grep "^tokenizer.json" "$work/show.txt" | grep -q "BPE, 128 tokens, 3 added tokens$" ||
    fail "tokenizer.json summary: $(grep '^tokenizer.json' "$work/show.txt")"
grep -q '^"odd\\tname.json" ' "$work/show.txt" || fail "tab in a path not quoted: $(cat "$work/show.txt")"
grep -q '^"q\\"uote.json" ' "$work/show.txt" || fail "quote in a path not quoted"
grep -q "$tab" "$work/show.txt" && fail "raw tab in the listing"
# 13 artifacts and 3 footer lines.
[ "$(grep -c . "$work/show.txt")" -eq 16 ] || fail "listing is not one line per artifact"

git mlv show model.safetensors > "$work/one.txt"
grep -q "^1 artifact; weights in safetensors: 1 file, .*, 2312 parameters$" "$work/one.txt" ||
    fail "footer of one artifact: $(cat "$work/one.txt")"
git mlv show config.json > "$work/one.txt"
grep -q "^1 artifact; no weights files$" "$work/one.txt" || fail "footer without weights: $(cat "$work/one.txt")"

git mlv show --json > "$work/show.json"
python3 - "$work/show.json" <<'PY'
import json, sys
show = json.load(open(sys.argv[1]))
paths = {a["path"] for a in show["artifacts"]}
assert "odd\tname.json" in paths, paths
assert 'q"uote.json' in paths, paths
totals = show["totals"]
assert totals["weights_files"] == 2, totals
assert totals["weights_bytes"] == sum(f["bytes"] for f in totals["formats"]), totals
formats = {f["format"]: f for f in totals["formats"]}
assert formats["safetensors"]["files"] == 1, formats
assert formats["safetensors"]["parameters"] == 2312, formats
assert formats["pytorch"]["layout"] == "zip", formats
print("show json: ok")
PY

# --- other commands: counts of one and quoted paths ---------------------
git mlv log --sessions > "$work/log.txt"
grep -q "^session 1: .*, 1 commit (" "$work/log.txt" || fail "session of one commit: $(cat "$work/log.txt")"
echo '{"a": 2}' > "odd${tab}name.json"
git mlv diff > "$work/diff.txt"
grep -q '^M "odd\\tname.json" \[' "$work/diff.txt" || fail "diff path not quoted: $(cat "$work/diff.txt")"
grep -q "$tab" "$work/diff.txt" && fail "raw tab in the diff listing"
git checkout -q -- "odd${tab}name.json"

# --- status: every kind, staged and unstaged ----------------------------
python3 - "$MLV_SOURCE_DIR/tests/e2e" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
import model_files as m
m.save_safetensors(".", "extra.safetensors", [("w", [2, 2])])
m.save_json(".", "config.json", m.llama_config(vocab_size=129))
PY
git add extra.safetensors config.json               # staged: added weights, modified config
git rm -q generation_config.json                     # staged: deleted config
git mv README.md GUIDE.md                            # staged: renamed docs
# Type changes on text files: a symlink's blob is its target path, which
# a JSON reader would reject.
rm LICENSE && ln -s README.md LICENSE
git add LICENSE                                      # staged: type change
rm model.safetensors                                 # unstaged: deleted weights
python3 - "$MLV_SOURCE_DIR/tests/e2e" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
import model_files as m
m.save_tokenizer_json(".", 128, added=[("<extra>", 128)])
PY
rm USAGE.md && ln -s GUIDE.md USAGE.md               # unstaged: type change
echo '{"do_sample": false}' > "new${tab}config.json"  # untracked, needs quoting

git mlv status > "$work/status.txt"
cat "$work/status.txt"
entries=$(grep -E '^  ' "$work/status.txt" | grep -vE '^  .*  (docs|weights|config|tokenizer|other) +[0-9.]+ [KMG]?i?B$' || true)
[ -n "$entries" ] || fail "no change lines"
# The kind word and the detail: "deleted: safetensors, ...", never
# "deleted: deleted: ..." or a line ending in a bare colon.
if echo "$entries" | grep -E '(new file|new|deleted|renamed|copied|typechange|modified): (added|deleted|renamed|copied|new file|file type changed|typechange|modified)\b'; then
    fail "kind named twice"
fi
if echo "$entries" | grep -E ':\s*$'; then
    fail "empty summary"
fi
grep -E '^  extra.safetensors +weights +new file: safetensors, ' "$work/status.txt" > /dev/null ||
    fail "staged addition"
grep -E '^  generation_config.json +config +deleted: generation-config, ' "$work/status.txt" > /dev/null ||
    fail "staged deletion"
grep -E '^  README.md -> GUIDE.md +docs +renamed: content unchanged$' "$work/status.txt" > /dev/null ||
    fail "staged rename"
grep -E '^  LICENSE +docs +typechange' "$work/status.txt" > /dev/null ||
    fail "staged type change"
grep -E '^  model.safetensors +weights +deleted: safetensors, ' "$work/status.txt" > /dev/null ||
    fail "unstaged deletion"
grep -E '^  USAGE.md +docs +typechange' "$work/status.txt" > /dev/null ||
    fail "unstaged type change"
grep -E '^  config.json +config +modified: vocab_size: 128 -> 129$' "$work/status.txt" > /dev/null ||
    fail "staged edit"
grep -q '^  "new\\tconfig.json" ' "$work/status.txt" || fail "untracked path not quoted"
grep -q "$tab" "$work/status.txt" && fail "raw tab in the status listing"
git mlv status --json | python3 -c '
import json, sys
report = json.load(sys.stdin)
paths = {c["path"] for c in report["changes"]}
assert "new\tconfig.json" in paths, paths
'

# --- status: deleted LFS pointers are not missing objects ---------------
git reset -q --hard
git clean -qfd
rm -rf "$work/clone"
GIT_LFS_SKIP_SMUDGE=1 git clone -q "$work/repo" "$work/clone"
cd "$work/clone"
rm -rf .git/lfs/objects
git mlv status > "$work/status.txt"
grep -q "^  model.safetensors " "$work/status.txt" || fail "missing object not listed"
grep -q "^  pytorch_model.bin " "$work/status.txt" || fail "missing object not listed"
rm model.safetensors                # deleted in the working tree
git rm -q --cached pytorch_model.bin && rm pytorch_model.bin   # deleted in the index
git mlv status > "$work/status.txt"
sed -n '/^LFS objects/,$p' "$work/status.txt" | grep -q "model.safetensors\|pytorch_model.bin" &&
    fail "deleted pointer listed as a missing LFS object: $(cat "$work/status.txt")"
grep -q "^  model.safetensors .*deleted: " "$work/status.txt" || fail "deletion not shown"
git mlv status --json | python3 -c '
import json, sys
report = json.load(sys.stdin)
missing = [a["path"] for a in report["lfs_missing"]]
assert "model.safetensors" not in missing, missing
assert "pytorch_model.bin" not in missing, missing
'
echo "ok"
