#!/usr/bin/env bash
# Writes a valid safetensors file of the requested size for the benchmarks:
# a JSON header with four large BF16 tensors of 4096 columns and a small norm
# tensor, followed by pseudo-random bytes (AES-128-CTR of zeros from
# `openssl enc`). Every byte is written, so the file is not sparse and its
# content does not compress.
#
#   bench/make_safetensors.sh <file> <MiB>
#
# The tensor data is <MiB> MiB plus 8 KiB (the norm tensor); <MiB> must be a
# multiple of 32 so that each large tensor has whole rows.
set -euo pipefail

if [[ $# -ne 2 ]]; then
    echo "usage: $0 <file> <MiB>" >&2
    exit 129
fi
file=$1
mebibytes=$2
if ! [[ $mebibytes =~ ^[0-9]+$ ]] || ((mebibytes == 0 || mebibytes % 32 != 0)); then
    echo "error: size '$mebibytes' is not a positive multiple of 32 MiB" >&2
    exit 129
fi

python3 - "$file" "$mebibytes" <<'PYTHON'
import json
import struct
import sys

path, mebibytes = sys.argv[1], int(sys.argv[2])
columns = 4096
rows = mebibytes * 2**20 // 4 // (columns * 2)
names = ["model.embed_tokens.weight", "model.layers.0.mlp.up_proj.weight",
         "model.layers.0.mlp.down_proj.weight", "lm_head.weight"]

header = {"__metadata__": {"format": "pt"}}
offset = 0
for name in names:
    size = rows * columns * 2
    header[name] = {"dtype": "BF16", "shape": [rows, columns], "data_offsets": [offset, offset + size]}
    offset += size
header["model.norm.weight"] = {"dtype": "BF16", "shape": [columns],
                               "data_offsets": [offset, offset + columns * 2]}

text = json.dumps(header, separators=(",", ":")).encode()
text += b" " * (-len(text) % 8)  # the data starts 8-byte aligned
with open(path, "wb") as out:
    out.write(struct.pack("<Q", len(text)))
    out.write(text)
PYTHON

data_size=$((mebibytes * 1024 * 1024 + 4096 * 2))
head -c "$data_size" < <(openssl enc -aes-128-ctr -nosalt -K 000102030405060708090a0b0c0d0e0f \
    -iv 00000000000000000000000000000000 < /dev/zero 2>/dev/null) >> "$file"
