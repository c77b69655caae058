"""Writers of small model repository files for the end-to-end tests.

Every writer takes the directory to write into. Weights are zero-filled and
tiny: the checks read headers, so shapes matter and data does not.
"""
import json
import os
import struct

LFS_POINTER = (
    "version https://git-lfs.github.com/spec/v1\n"
    "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n"
    "size 12345\n"
)

DTYPE_SIZES = {"F16": 2, "BF16": 2, "F32": 4}


def save_text(root, name, text):
    path = os.path.join(root, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def save_json(root, name, value):
    save_text(root, name, json.dumps(value, indent=2))


def save_safetensors(root, name, tensors, dtype="F16"):
    """Writes a safetensors file; `tensors` is [(name, shape)] or [(name, shape, dtype)]."""
    header, offset = {}, 0
    for entry in tensors:
        tensor_name, shape = entry[0], entry[1]
        tensor_dtype = entry[2] if len(entry) > 2 else dtype
        size = DTYPE_SIZES[tensor_dtype]
        for d in shape:
            size *= d
        header[tensor_name] = {"dtype": tensor_dtype, "shape": shape,
                               "data_offsets": [offset, offset + size]}
        offset += size
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    path = os.path.join(root, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"\0" * offset)
    return offset


def safetensors_size(tensors, dtype="F16"):
    total = 0
    for entry in tensors:
        size = DTYPE_SIZES[entry[2] if len(entry) > 2 else dtype]
        for d in entry[1]:
            size *= d
        total += size
    return total


def _gguf_string(text):
    data = text.encode()
    return struct.pack("<Q", len(data)) + data


def save_gguf(root, name, metadata, tensors):
    """Writes a GGUF v3 file. `metadata` maps keys to str, int (u32), or a
    list of str; `tensors` is [(name, shape outermost first)] stored as F32."""
    kv = b""
    for key, value in metadata.items():
        kv += _gguf_string(key)
        if isinstance(value, str):
            kv += struct.pack("<I", 8) + _gguf_string(value)
        elif isinstance(value, int):
            kv += struct.pack("<II", 4, value)
        else:
            kv += struct.pack("<IIQ", 9, 8, len(value))
            kv += b"".join(_gguf_string(item) for item in value)
    infos, offset = b"", 0
    for tensor_name, shape in tensors:
        infos += _gguf_string(tensor_name) + struct.pack("<I", len(shape))
        infos += b"".join(struct.pack("<Q", d) for d in reversed(shape))
        infos += struct.pack("<IQ", 0, offset)
        size = 4
        for d in shape:
            size *= d
        offset += size + (-size % 32)
    head = b"GGUF" + struct.pack("<IQQ", 3, len(tensors), len(metadata)) + kv + infos
    head += b"\0" * (-len(head) % 32)
    path = os.path.join(root, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(head + b"\0" * offset)


def added_token(content, token_id, special=True):
    return {"id": token_id, "content": content, "single_word": False, "lstrip": False,
            "rstrip": False, "normalized": False, "special": special}


def added_token_object(content):
    """A special token as transformers writes it in tokenizer_config.json and
    special_tokens_map.json when the token carries flags."""
    return {"__type": "AddedToken", "content": content, "lstrip": False,
            "normalized": False, "rstrip": False, "single_word": False}


def llama_vocab(size):
    vocab = {"<unk>": 0, "<s>": 1, "</s>": 2}
    vocab.update({f"t{i}": i for i in range(3, size)})
    return vocab


def save_tokenizer_json(root, vocab_size, added=(), name="tokenizer.json"):
    """A BPE tokenizer.json with `vocab_size` vocabulary entries and
    `added` [(content, id)] added tokens on top of <unk>, <s>, </s>."""
    tokens = [added_token(c, i) for c, i in [("<unk>", 0), ("<s>", 1), ("</s>", 2)]]
    tokens += [added_token(c, i) for c, i in added]
    save_json(root, name, {"version": "1.0", "added_tokens": tokens,
                           "model": {"type": "BPE", "vocab": llama_vocab(vocab_size),
                                     "merges": []}})


def llama_config(vocab_size=128, hidden=8, layers=2, tie=False, **extra):
    config = {"architectures": ["LlamaForCausalLM"], "model_type": "llama",
              "vocab_size": vocab_size, "hidden_size": hidden, "num_hidden_layers": layers,
              "num_attention_heads": 1, "tie_word_embeddings": tie, "torch_dtype": "float16",
              "bos_token_id": 1, "eos_token_id": 2}
    config.update(extra)
    return config


def llama_tensors(rows=128, hidden=8, layers=2, head_rows=None, head=True):
    tensors = [("model.embed_tokens.weight", [rows, hidden])]
    if head:
        tensors.append(("lm_head.weight", [head_rows if head_rows is not None else rows, hidden]))
    for layer in range(layers):
        tensors.append((f"model.layers.{layer}.mlp.up_proj.weight", [2 * hidden, hidden]))
    tensors.append(("model.norm.weight", [hidden]))
    return tensors


def save_llama(root, vocab_size=128, rows=None, head_rows=None, head=True, tie=False,
               tokenizer_size=None, config_extra=None):
    """A consistent Llama-style model unless the arguments make it disagree."""
    rows = vocab_size if rows is None else rows
    save_json(root, "config.json", llama_config(vocab_size, tie=tie, **(config_extra or {})))
    save_json(root, "generation_config.json", {"bos_token_id": 1, "eos_token_id": 2})
    save_tokenizer_json(root, tokenizer_size or vocab_size)
    save_json(root, "tokenizer_config.json", {"bos_token": "<s>", "eos_token": "</s>",
                                              "unk_token": "<unk>",
                                              "tokenizer_class": "LlamaTokenizer"})
    save_safetensors(root, "model.safetensors",
                     llama_tensors(rows, head_rows=head_rows, head=head))


def save_sharded(root, tensors, shard_count, index_count=None, prefix="model",
                 extension="safetensors", drop=()):
    """Splits `tensors` over `shard_count` safetensors shards and writes an
    index whose shard names say -of-`index_count` (default: shard_count).
    Tensors named in `drop` are left out of the index."""
    index_count = index_count or shard_count
    weight_map, total = {}, 0
    per_shard = [tensors[i::shard_count] for i in range(shard_count)]
    for number, shard_tensors in enumerate(per_shard, start=1):
        shard = f"{prefix}-{number:05d}-of-{shard_count:05d}.{extension}"
        total += save_safetensors(root, shard, shard_tensors)
        indexed = f"{prefix}-{number:05d}-of-{index_count:05d}.{extension}"
        for tensor in shard_tensors:
            if tensor[0] not in drop:
                weight_map[tensor[0]] = indexed
    save_json(root, f"{prefix}.{extension}.index.json",
              {"metadata": {"total_size": total}, "weight_map": weight_map})
