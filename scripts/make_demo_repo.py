#!/usr/bin/env python3
"""Build a small model repository with a realistic history, for the demo.

The history has five commits, as a maintainer would make them: an import of
a tiny Llama-style model (config, tokenizer, safetensors weights under Git
LFS, model card), a tokenizer change that adds a token, a retrained weights
file, a generation config tweak, and a model-card edit. Weights are written
with the standard library only (safetensors is a JSON header plus raw bytes).
"""
import json
import os
import struct
import subprocess
import sys

HIDDEN = 16
LAYERS = 2
VOCAB = 320


def git(repo, *args):
    subprocess.run(["git", "-C", repo, *args], check=True, stdout=subprocess.DEVNULL)


def write(repo, name, text):
    with open(os.path.join(repo, name), "w", encoding="utf-8") as f:
        f.write(text)


def write_json(repo, name, value):
    write(repo, name, json.dumps(value, indent=2) + "\n")


def tensors(vocab, seed):
    """Tensor names and shapes of a tiny Llama, with deterministic values."""
    shapes = {"model.embed_tokens.weight": [vocab, HIDDEN], "model.norm.weight": [HIDDEN],
              "lm_head.weight": [vocab, HIDDEN]}
    for layer in range(LAYERS):
        prefix = f"model.layers.{layer}."
        for proj in ("q_proj", "k_proj", "v_proj", "o_proj"):
            shapes[prefix + f"self_attn.{proj}.weight"] = [HIDDEN, HIDDEN]
        shapes[prefix + "mlp.gate_proj.weight"] = [4 * HIDDEN, HIDDEN]
        shapes[prefix + "mlp.up_proj.weight"] = [4 * HIDDEN, HIDDEN]
        shapes[prefix + "mlp.down_proj.weight"] = [HIDDEN, 4 * HIDDEN]
        shapes[prefix + "input_layernorm.weight"] = [HIDDEN]
    header, blobs, offset = {}, [], 0
    for index, (name, shape) in enumerate(sorted(shapes.items())):
        count = 1
        for dim in shape:
            count *= dim
        data = struct.pack(f"<{count}e", *[((i * 31 + index * 7 + seed) % 97) / 97.0 for i in range(count)])
        header[name] = {"dtype": "F16", "shape": shape, "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    header["__metadata__"] = {"format": "pt"}
    return header, b"".join(blobs)


def write_weights(repo, vocab, seed):
    header, data = tensors(vocab, seed)
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * (-len(raw) % 8)  # the format pads the header to 8 bytes
    with open(os.path.join(repo, "model.safetensors"), "wb") as f:
        f.write(struct.pack("<Q", len(raw)) + raw + data)


def tokenizer(vocab_size):
    pieces = ["<unk>", "<s>", "</s>"] + [f"tok{i}" for i in range(3, vocab_size)]
    added = [{"id": i, "content": pieces[i], "single_word": False, "lstrip": False, "rstrip": False,
              "normalized": False, "special": True} for i in range(3)]
    return {"version": "1.0", "added_tokens": added,
            "model": {"type": "BPE", "unk_token": "<unk>", "vocab": {p: i for i, p in enumerate(pieces)},
                      "merges": ["t o", "to k"]}}


def config(vocab_size):
    return {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": vocab_size,
            "hidden_size": HIDDEN, "intermediate_size": 4 * HIDDEN, "num_hidden_layers": LAYERS,
            "num_attention_heads": 2, "num_key_value_heads": 2, "max_position_embeddings": 256,
            "torch_dtype": "float16", "tie_word_embeddings": False, "bos_token_id": 1, "eos_token_id": 2}


def commit(repo, message, date):
    env = dict(os.environ, GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    git(repo, "add", "-A")
    subprocess.run(["git", "-C", repo, "commit", "-q", "-m", message], check=True, env=env)


def main(repo):
    os.makedirs(repo, exist_ok=True)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "Demo Maintainer")
    git(repo, "config", "user.email", "maintainer@example.com")
    git(repo, "lfs", "install", "--local")
    write(repo, ".gitattributes", "*.safetensors filter=lfs diff=lfs merge=lfs -text\n")

    write_json(repo, "config.json", config(VOCAB))
    write_json(repo, "generation_config.json", {"bos_token_id": 1, "eos_token_id": 2, "max_length": 256})
    write_json(repo, "tokenizer.json", tokenizer(VOCAB))
    write_json(repo, "tokenizer_config.json", {"tokenizer_class": "LlamaTokenizer", "bos_token": "<s>",
                                               "eos_token": "</s>", "unk_token": "<unk>", "pad_token": None,
                                               "model_max_length": 1e30})
    write_json(repo, "special_tokens_map.json", {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>"})
    write_weights(repo, VOCAB, seed=0)
    write(repo, "README.md", "---\nlicense: apache-2.0\n---\n# tiny-llama-demo\n\nA tiny Llama for demos.\n")
    commit(repo, "Import tiny-llama-demo", "2024-03-01T09:00:00Z")

    # Tokenizer change: one token more, carried through config and weights.
    write_json(repo, "tokenizer.json", tokenizer(VOCAB + 64))
    write_json(repo, "config.json", config(VOCAB + 64))
    write_weights(repo, VOCAB + 64, seed=0)
    commit(repo, "Add 64 tokens for the new domain", "2024-03-04T10:00:00Z")

    write_weights(repo, VOCAB + 64, seed=5)
    commit(repo, "Retrain on the cleaned corpus", "2024-03-10T15:30:00Z")

    write_json(repo, "generation_config.json", {"bos_token_id": 1, "eos_token_id": 2, "max_length": 256,
                                                "do_sample": True, "temperature": 0.7, "top_p": 0.9})
    commit(repo, "Tune sampling defaults", "2024-03-11T08:15:00Z")

    write(repo, "README.md", "---\nlicense: apache-2.0\n---\n# tiny-llama-demo\n\nA tiny Llama for demos.\n\n"
                             "## Training\nRetrained on the cleaned corpus.\n")
    commit(repo, "Document the training run", "2024-03-12T11:00:00Z")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: make_demo_repo.py DIRECTORY")
    main(sys.argv[1])
