#!/usr/bin/env bash
# Times `git mlv check --staged` (what the pre-commit hook runs) on
# repositories whose staged weights are a small and a large safetensors file.
# The time should not grow with the weight size, because check reads headers
# and small JSON files and no tensor data.
#
#   bench/bench_check.sh <git-mlv binary> [MiB]   (default 4096: 4 GiB)
#
# Four repositories, each with config.json, generation_config.json,
# tokenizer.json and tokenizer_config.json committed and model.safetensors
# staged:
#   lfs-96, lfs-<MiB>  weights staged through Git LFS (the usual set-up; the
#                      LFS object is in .git/lfs/objects, as after `git add`)
#   raw-96, raw-1024   weights staged as ordinary Git blobs, for comparison
# The raw case stops at 1 GiB: git-mlv reads a raw blob whole into memory to
# hash it and rejects blobs over 4 GiB, and repositories keep multi-gigabyte
# weights in LFS. Each repository is timed cold (metadata cache .git/mlv
# removed before each run) and warm, BENCH_RUNS times (see bench/lib.sh).
# Needs hyperfine, git-lfs, openssl and python3; the data goes to a temporary
# directory under TMPDIR (or /tmp) and takes about 2 x MiB + 2.3 GiB.
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 ]]; then
    echo "usage: $0 <git-mlv binary> [MiB]" >&2
    exit 129
fi
binary=$(realpath "$1")
mebibytes=${2:-4096}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
bench_require hyperfine git-lfs openssl python3

work=$(mktemp -d)
trap 'bench_unlock; rm -rf "$work"' EXIT
results=$work/results.json

# make_repository <directory> <lfs|raw> <MiB>
make_repository() {
    local directory=$1 storage=$2 size=$3
    # Rows of each large tensor written by make_safetensors.sh.
    local rows=$((size * 1024 * 1024 / 4 / (4096 * 2)))
    git init -q -b main "$directory"
    (
        cd "$directory"
        git config user.name bench
        git config user.email bench@example.com
        if [[ $storage == lfs ]]; then
            git lfs install --local >/dev/null
            git lfs track '*.safetensors' >/dev/null
        fi
        python3 - "$rows" <<'PYTHON'
import json
import sys

rows = int(sys.argv[1])
def write(path, value):
    with open(path, "w") as out:
        json.dump(value, out, indent=2)
        out.write("\n")

write("config.json", {"architectures": ["LlamaForCausalLM"], "model_type": "llama",
                      "vocab_size": rows, "hidden_size": 4096, "num_hidden_layers": 1,
                      "num_attention_heads": 32, "torch_dtype": "bfloat16",
                      "tie_word_embeddings": False, "bos_token_id": 1, "eos_token_id": 2})
write("generation_config.json", {"bos_token_id": 1, "eos_token_id": 2})
vocab = {"<unk>": 0, "<s>": 1, "</s>": 2}
vocab.update({f"tok{i}": i for i in range(3, 2048)})
write("tokenizer.json", {"version": "1.0", "model": {"type": "BPE", "vocab": vocab, "merges": []},
                         "added_tokens": [{"id": 1, "content": "<s>", "special": True},
                                          {"id": 2, "content": "</s>", "special": True}]})
write("tokenizer_config.json", {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>"})
PYTHON
        git add -A
        git commit -q -m "Add configuration and tokenizer"
        "$here/make_safetensors.sh" model.safetensors "$size"
        git add model.safetensors
    )
}

# Set-up, before any timing.
sizes=(lfs:96 "lfs:$mebibytes" raw:96 raw:1024)
for entry in "${sizes[@]}"; do
    make_repository "$work/${entry%%:*}-${entry##*:}" "${entry%%:*}" "${entry##*:}"
done
for entry in "${sizes[@]}"; do
    name=${entry%%:*}-${entry##*:}
    echo "findings in $name:"
    (cd "$work/$name" && "$binary" check --staged | sed 's/^/  /') || true
done

bench_machine
for entry in "${sizes[@]}"; do
    name=${entry%%:*}-${entry##*:}
    cd "$work/$name"
    bench_time "$name, cold" "$results" -i --prepare "rm -rf .git/mlv" "'$binary' check --staged"
    bench_time "$name, warm" "$results" -i "'$binary' check --staged"
done
bench_table "$results"
