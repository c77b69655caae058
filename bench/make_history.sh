#!/usr/bin/env bash
# Builds a synthetic model repository with a long history for benchmarking
# `git mlv log`. The history contains small edits of config.json,
# generation_config.json and the tokenizer files, LFS pointer changes of four
# safetensors shards, README edits that rewrite one line, and sessions by
# several authors. Every 1,000 commits, one commit resizes the vocabulary
# through config.json, the shard index, tokenizer.json and the embedding and
# head shards. The history is written with `git fast-import`, so 10,000
# commits take seconds.
#
#   bench/make_history.sh <directory> [commits]   (default 10000)
#
# The directory must not exist. The result is an ordinary repository with a
# working tree checked out at the last commit; weights are LFS pointers.
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 ]]; then
    echo "usage: $0 <directory> [commits]" >&2
    exit 129
fi
target=$1
commits=${2:-10000}
if [[ -e $target ]]; then
    echo "error: '$target' already exists" >&2
    exit 1
fi

git init -q -b main "$target"
python3 - "$commits" <<'PYTHON' | git -C "$target" fast-import --quiet
import hashlib
import json
import sys

commits = int(sys.argv[1])
out = sys.stdout.buffer
AUTHORS = [("Ada Trainer", "ada@example.com"), ("Ben Docs", "ben@example.com"),
           ("Cy Release", "cy@example.com")]
SHARDS = [f"model-{i:05d}-of-00004.safetensors" for i in range(1, 5)]
TENSORS = [f"model.layers.{layer}.{part}.weight" for layer in range(32)
           for part in ("self_attn.q_proj", "self_attn.k_proj", "mlp.up_proj", "mlp.down_proj")]


def data(payload):
    if isinstance(payload, str):
        payload = payload.encode()
    return b"data %d\n%s\n" % (len(payload), payload)


def pointer(seed, size):
    oid = hashlib.sha256(seed.encode()).hexdigest()
    return f"version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize {size}\n"


def dump(value):
    return json.dumps(value, indent=2, sort_keys=True) + "\n"


state = {
    "config": {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": 32000,
               "hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 32,
               "max_position_embeddings": 4096, "rope_theta": 10000.0,
               "torch_dtype": "bfloat16", "transformers_version": "4.40.0"},
    "generation": {"bos_token_id": 1, "eos_token_id": 2, "temperature": 0.7, "top_p": 0.9,
                   "do_sample": True},
    "tokenizer_config": {"tokenizer_class": "LlamaTokenizer", "bos_token": "<s>",
                         "eos_token": "</s>", "model_max_length": 4096,
                         "added_tokens_decoder": {}},
    "vocab": {f"tok{i}": i for i in range(1000)},
    "added": [],
    "readme": ["---", "license: apache-2.0", "---", "# Synthetic model", ""] +
              [f"Line {line} of the model card." for line in range(60)],
    "shards": {name: 0 for name in SHARDS},
}


def tokenizer_json():
    return dump({"version": "1.0", "model": {"type": "BPE", "vocab": state["vocab"], "merges": []},
                 "added_tokens": [{"id": token_id, "content": content, "special": True}
                                  for content, token_id in state["added"]]})


def index_json():
    weight_map = {name: SHARDS[i % 4] for i, name in enumerate(TENSORS)}
    # Embedding and head rows of 4096 BF16 values grow with the vocabulary.
    extra_rows = state["config"]["vocab_size"] - 32000
    total_size = 4 * 3_000_000_000 + 2 * extra_rows * 4096 * 2
    return dump({"metadata": {"total_size": total_size}, "weight_map": weight_map})


def files_initial():
    files = {
        ".gitattributes": "*.safetensors filter=lfs diff=lfs merge=lfs -text\n",
        "config.json": dump(state["config"]),
        "generation_config.json": dump(state["generation"]),
        "tokenizer_config.json": dump(state["tokenizer_config"]),
        "tokenizer.json": tokenizer_json(),
        "special_tokens_map.json": dump({"bos_token": "<s>", "eos_token": "</s>"}),
        "model.safetensors.index.json": index_json(),
        "README.md": "\n".join(state["readme"]) + "\n",
    }
    for name in SHARDS:
        files[name] = pointer(f"{name}:0", 3_000_000_000)
    return files


def edit(i):
    """Returns (message, {path: content}) for commit i > 0."""
    kind = i % 10
    if i % 1000 == 500:
        vocab_size = state["config"]["vocab_size"] + 64
        state["config"]["vocab_size"] = vocab_size
        first = len(state["vocab"])
        state["vocab"].update({f"tok{token_id}": token_id for token_id in range(first, first + 64)})
        files = {"config.json": dump(state["config"]), "tokenizer.json": tokenizer_json(),
                 "model.safetensors.index.json": index_json()}
        for name in (SHARDS[0], SHARDS[-1]):
            state["shards"][name] = i
            files[name] = pointer(f"{name}:{i}", 3_000_000_000 + 64 * 4096 * 2)
        return f"Resize the vocabulary to {vocab_size}", files
    if kind in (0, 1, 2):
        # Model cards stay a few kilobytes: an edit rewrites one line.
        state["readme"][5 + i % 60] = f"Line {i % 60} of the model card, revised in commit {i}."
        return "Update README.md", {"README.md": "\n".join(state["readme"]) + "\n"}
    if kind == 3:
        state["config"]["rope_theta"] = 10000.0 + i
        if i % 50 == 3:
            state["config"]["transformers_version"] = f"4.{40 + i // 50 % 20}.0"
        return "Update config.json", {"config.json": dump(state["config"])}
    if kind == 4:
        state["generation"]["temperature"] = round(0.5 + (i % 7) / 10, 2)
        return "Update generation_config.json", {"generation_config.json": dump(state["generation"])}
    if kind == 5:
        # Up to 64 added tokens: later edits rename one of them.
        slot = i // 10 % 64
        token_id = 32000 + slot
        content = f"<extra_{slot}_{i}>"
        state["added"] = [entry for entry in state["added"] if entry[1] != token_id]
        state["added"].append((content, token_id))
        state["tokenizer_config"]["added_tokens_decoder"][str(token_id)] = {
            "content": content, "special": True}
        return "Upload tokenizer", {"tokenizer_config.json": dump(state["tokenizer_config"]),
                                    "tokenizer.json": tokenizer_json()}
    if kind in (6, 7):
        name = SHARDS[i % 4]
        state["shards"][name] = i
        return f"Upload {name} with huggingface_hub", {name: pointer(f"{name}:{i}", 3_000_000_000)}
    if kind == 8:
        files = {}
        for name in SHARDS:
            state["shards"][name] = i
            files[name] = pointer(f"{name}:{i}", 3_000_000_000)
        return "Retrain all shards", files
    state["generation"]["top_p"] = round(0.8 + (i % 3) / 20, 2)
    state["readme"][5 + i % 60] = f"Generation note from commit {i}."
    return "Tune sampling and document it", {
        "generation_config.json": dump(state["generation"]),
        "README.md": "\n".join(state["readme"]) + "\n"}


time = 1_700_000_000
for i in range(commits):
    if i == 0:
        message, files = "Initial import", files_initial()
    else:
        message, files = edit(i)
    # Sessions: 20 commits minutes apart, then a pause of two hours and
    # another author.
    time += 7200 if i % 20 == 0 else 180
    name, email = AUTHORS[(i // 20) % len(AUTHORS)]
    out.write(b"commit refs/heads/main\n")
    out.write(b"mark :%d\n" % (i + 1))
    out.write(f"author {name} <{email}> {time} +0000\n".encode())
    out.write(f"committer {name} <{email}> {time} +0000\n".encode())
    out.write(data(message))
    if i > 0:
        out.write(b"from :%d\n" % i)
    for path, content in sorted(files.items()):
        out.write(f"M 100644 inline {path}\n".encode())
        out.write(data(content))
    out.write(b"\n")
PYTHON

# Check out the last commit without running the LFS smudge filter: the
# pointers name objects that do not exist.
git -C "$target" -c filter.lfs.smudge= -c filter.lfs.process= -c filter.lfs.required=false \
    reset -q --hard main
echo "$target: $(git -C "$target" rev-list --count main) commits"
