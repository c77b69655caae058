#!/bin/bash
# Known answers of `git mlv show` and `git mlv status` on the real
# Llama-2-7b-hf history, and no crash on any corpus file.
set -euo pipefail
corpus="${MLV_SOURCE_DIR:?}/../shared/corpus"
[ -d "$corpus" ] || { echo "corpus not found; skipped"; exit 77; }
: "${GIT_MLV:?}"
export PATH="$(dirname "$GIT_MLV"):$PATH"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME="$work/home" GIT_CONFIG_NOSYSTEM=1
mkdir -p "$HOME"
git config --global user.name "Corpus Test"
git config --global user.email "corpus@example.com"
git config --global init.defaultBranch main

fail() { echo "FAIL: $*" >&2; exit 1; }

# 1. Llama-2-7b-hf at HEAD: tokenizer 32000, config vocab_size 32000, both
#    safetensors shards as LFS artifacts carrying the pointers' oids.
repo="$work/llama2"
GIT_LFS_SKIP_SMUDGE=1 git clone -q "$corpus/Llama-2-7b-hf/Llama-2-7b-hf.history.bundle" "$repo"
cd "$repo"
git mlv show --json > "$work/show.json"
for shard in model-00001-of-00002.safetensors model-00002-of-00002.safetensors; do
    git show "HEAD:$shard" | sed -n 's/^oid sha256://p' >> "$work/oids.txt"
done
python3 - "$work/show.json" "$work/oids.txt" <<'PY'
import json, sys
show = json.load(open(sys.argv[1]))
oids = open(sys.argv[2]).read().split()
by_path = {a["path"]: a for a in show["artifacts"]}
for a in show["artifacts"]:
    for key in ("path", "role", "size", "oid", "format", "lfs", "summary"):
        assert key in a, (a["path"], key)
    assert len(a["oid"]) == 64, a
assert by_path["tokenizer.json"]["summary"]["vocab_size"] == 32000, by_path["tokenizer.json"]["summary"]
assert by_path["tokenizer.json"]["role"] == "tokenizer"
assert by_path["config.json"]["summary"]["vocab_size"] == 32000
assert by_path["config.json"]["summary"]["model_type"] == "llama"
for shard, oid in zip(["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"], oids):
    a = by_path[shard]
    assert a["lfs"] is True and a["role"] == "weights" and a["format"] == "safetensors", a
    assert a["oid"] == oid, (a["oid"], oid)
index = by_path["model.safetensors.index.json"]["summary"]
assert index["shards"] == 2 and index["tensors"] >= 291, index
assert index["parameters"] == 6738415616 or index.get("parameters_estimated"), index
print("llama-2 show: ok")
PY

# The first commit has float32 .bin shards beside a float16 config, all LFS
# pointers without objects: each index's count is an estimate that names
# the dtype it assumes.
git mlv show 637a748 > "$work/show-first.txt"
grep -q "pytorch_model.bin.index.json .*~13.48B params if float16" "$work/show-first.txt" ||
    fail "show 637a748 does not name the assumed dtype: $(cat "$work/show-first.txt")"
grep -q "estimated from total_size" "$work/show-first.txt" &&
    fail "show 637a748 states an estimate without its assumption"

# 2. An edit of vocab_size shows in status with the old and the new value.
sed -i 's/"vocab_size": 32000/"vocab_size": 32001/' config.json
git mlv status > "$work/status.txt"
grep -q "config.json" "$work/status.txt" || fail "status does not list config.json"
grep -q "32000" "$work/status.txt" && grep -q "32001" "$work/status.txt" ||
    fail "status does not show vocab_size 32000 -> 32001: $(cat "$work/status.txt")"
git mlv status --json | python3 -c '
import json, sys
changes = json.load(sys.stdin)["changes"]
assert any(c["path"] == "config.json" and c["state"] == "unstaged" and "vocab_size" in c["summary"]
           and "32000 -> 32001" in c["summary"] for c in changes), changes'
git checkout -q config.json
echo "llama-2 status: ok"

# 3. No corpus file crashes anything: every file, committed into one
#    repository, is shown; malformed ones give exit 1 with a message, never
#    a signal or an exit above 1.
all="$work/all"
mkdir -p "$all"
cp -r "$corpus"/. "$all"/
find "$all" -name '*.bundle' -delete
cd "$all"
git init -q
git add -A
git commit -q -m "corpus"
set +e
git mlv show > "$work/all.out" 2> "$work/all.err"
rc=$?
git mlv show --worktree > /dev/null 2>> "$work/all.err"
rc_worktree=$?
set -e
[ "$rc" -le 1 ] || fail "git mlv show exited $rc: $(tail -5 "$work/all.err")"
[ "$rc_worktree" -le 1 ] || fail "git mlv show --worktree exited $rc_worktree"
grep -q "generation_config.json" "$work/all.err" || fail "the malformed Qwen1.5 generation_config.json is not reported"
grep -q "line" "$work/all.err" || fail "JSON errors do not give a line"
while read -r line; do
    case "$line" in
        "error: cannot read '"*) ;;
        *) fail "unexpected stderr line: $line" ;;
    esac
done < "$work/all.err"
echo "corpus show: ok ($(wc -l < "$work/all.err") malformed files reported)"

# 4. Every GGUF vocabulary size that git mlv reports matches the GGUF's own
#    metadata as llama.cpp wrote it: the length of the tokenizer.ggml.tokens
#    array and, when present, <general.architecture>.vocab_size. The
#    reference walks the key/value section with a few lines of Python, apart
#    from git-mlv's reader.
find "$corpus" -name '*.gguf' | sort > "$work/ggufs.txt"
gguf_dir="$work/gguf"
mkdir -p "$gguf_dir"
n=0
while read -r file; do
    n=$((n + 1))
    mkdir -p "$gguf_dir/$n"
    cp "$file" "$gguf_dir/$n/"
done < "$work/ggufs.txt"
cd "$gguf_dir"
git init -q
git add -A
git commit -q -m "gguf files"
git mlv show --json > "$work/gguf.json" 2> /dev/null || true
python3 - "$work/gguf.json" "$gguf_dir" <<'PY'
import json, os, struct, sys

def metadata_vocab(path):
    """The tokens array length and <arch>.vocab_size of a GGUF v2/v3 file,
    or None when the file is not one (pre-release, v1, damaged, pointer)."""
    data = open(path, "rb").read()
    if data[:4] != b"GGUF" or struct.unpack_from("<I", data, 4)[0] not in (2, 3):
        return None
    pos = 8
    _tensors, kv_count = struct.unpack_from("<QQ", data, pos)
    pos += 16
    sizes = {0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8}
    def string():
        nonlocal pos
        (length,) = struct.unpack_from("<Q", data, pos)
        text = data[pos + 8:pos + 8 + length]
        pos += 8 + length
        return text.decode("utf-8", "replace")
    def skip_value(kind):
        nonlocal pos
        if kind == 8:
            string()
        elif kind == 9:
            element, count = struct.unpack_from("<IQ", data, pos)
            pos += 12
            for _ in range(count):
                skip_value(element)
        elif kind in sizes:
            pos += sizes[kind]
        else:
            raise ValueError("value type %d" % kind)
    values = {}
    try:
        for _ in range(kv_count):
            key = string()
            (kind,) = struct.unpack_from("<I", data, pos)
            pos += 4
            if kind == 9:
                element, count = struct.unpack_from("<IQ", data, pos)
                values[key] = ("array", count)
                pos += 12
                for _ in range(count):
                    skip_value(element)
            elif kind == 8:
                values[key] = string()
            elif kind in (4, 5):
                values[key] = struct.unpack_from("<I" if kind == 4 else "<i", data, pos)[0]
                pos += 4
            else:
                skip_value(kind)
    except (ValueError, struct.error):
        return None
    tokens = values.get("tokenizer.ggml.tokens")
    arch = values.get("general.architecture")
    return (tokens[1] if tokens else None, values.get("%s.vocab_size" % arch))

show = json.load(open(sys.argv[1]))
checked = 0
for artifact in show["artifacts"]:
    if not artifact["path"].endswith(".gguf"):
        continue
    reference = metadata_vocab(os.path.join(sys.argv[2], artifact["path"]))
    if reference is None:
        # Pre-release and v1 files are errors; LFS pointers committed in
        # place of the file are shown as pointers.
        assert "error" in artifact or artifact["lfs"], ("unreadable GGUF shown as valid", artifact["path"])
        continue
    tokens, vocab_size = reference
    summary = artifact["summary"]
    assert "error" not in artifact, (artifact["path"], artifact.get("error"))
    assert summary["vocab_size"] == (tokens or 0), (artifact["path"], summary["vocab_size"], tokens)
    if vocab_size is not None:
        assert summary["vocab_size"] == vocab_size, (artifact["path"], vocab_size)
    checked += 1
assert checked >= 7, checked
print("gguf vocabulary sizes: ok (%d files)" % checked)
PY
