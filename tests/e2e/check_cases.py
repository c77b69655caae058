#!/usr/bin/env python3
"""Cases of broken models from real reports, each with variants of its kind,
checked end to end: files written to a fresh repository, `git mlv check
--json` run on the working tree, findings compared by rule, path and text.

Usage: check_cases.py GIT_MLV WORK_DIR [CASE_NAME...]
"""
import json
import os
import subprocess
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model_files import (LFS_POINTER, added_token, added_token_object, llama_config,  # noqa: E402
                         llama_tensors, save_gguf, save_json, save_llama, save_safetensors,
                         save_sharded, save_text, save_tokenizer_json)

GIT_MLV = sys.argv[1]
WORK = sys.argv[2]
CASES = []


def case(function):
    CASES.append(function)
    return function


class Repo:
    def __init__(self, name):
        self.root = os.path.join(WORK, name)
        subprocess.run(["git", "init", "-q", self.root], check=True)

    def git(self, *args):
        subprocess.run(["git", "-C", self.root, *args], check=True, stdout=subprocess.DEVNULL)

    def commit(self, message):
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)

    def check(self, *args):
        result = subprocess.run([GIT_MLV, "check", "--json", *args], cwd=self.root,
                                capture_output=True, text=True)
        assert result.returncode in (0, 1), f"exit {result.returncode}: {result.stderr}"
        self.findings = json.loads(result.stdout)["findings"]
        errors = [f for f in self.findings if f["severity"] == "error"]
        assert result.returncode == (1 if errors else 0), f"exit {result.returncode}"
        return self.findings

    def matching(self, rule, path=None, text=None, severity=None):
        return [f for f in self.findings
                if f["rule"] == rule and (path is None or path in f["paths"])
                and (text is None or text in f["message"])
                and (severity is None or f["severity"] == severity)]

    def expect(self, rule, path=None, text=None, severity=None):
        found = self.matching(rule, path, text, severity)
        assert found, f"no {rule} finding (path {path}, text {text!r}, severity {severity}) in\n" \
            + json.dumps(self.findings, indent=1)
        return found[0]

    def expect_none(self, rule):
        found = self.matching(rule)
        assert not found, f"unexpected {rule} finding: {json.dumps(found, indent=1)}"

    def expect_no_errors(self):
        errors = [f for f in self.findings if f["severity"] == "error"]
        assert not errors, "unexpected errors: " + json.dumps(errors, indent=1)


# --- added tokens beyond vocab_size ------------------------------------------------------------


@case
def pad_in_added_tokens_json(repo):
    save_llama(repo.root, vocab_size=32000, rows=None)
    save_json(repo.root, "added_tokens.json", {"<pad>": 32000})
    save_json(repo.root, "generation_config.json",
              {"bos_token_id": 1, "eos_token_id": 2, "pad_token_id": 32000})
    repo.check()
    repo.expect("vocab-token-out-of-range", "added_tokens.json", "'<pad>' has id 32000", "error")
    repo.expect("special-token-id-out-of-range", "generation_config.json", "pad_token_id 32000")


@case
def added_tokens_in_every_file(repo):
    # The same defect, other ids, in each file that assigns ids to added tokens.
    save_llama(repo.root, vocab_size=128)
    variants = {
        "tokenizer.json": lambda d: save_tokenizer_json(d, 128, [("<pad>", 130)]),
        "tokenizer_config.json": lambda d: save_json(d, "tokenizer_config.json", {
            "eos_token": "</s>", "added_tokens_decoder": {
                "2": added_token("</s>", 2), "130": added_token("<pad>", 130)}}),
        "added_tokens.json": lambda d: save_json(d, "added_tokens.json", {"<pad>": 130}),
    }
    for path, write in variants.items():
        save_llama(repo.root, vocab_size=128)
        if os.path.exists(os.path.join(repo.root, "added_tokens.json")):
            os.remove(os.path.join(repo.root, "added_tokens.json"))
        write(repo.root)
        repo.check()
        repo.expect("vocab-token-out-of-range", path, "'<pad>' has id 130", "error")


@case
def tokenizer_json_model_types(repo):
    # The model vocabulary of every tokenizer.json model type bounds ids:
    # BPE and WordPiece and WordLevel map tokens to ids, Unigram lists them.
    vocab = {f"w{i}": i for i in range(101)}
    models = {"BPE": {"type": "BPE", "vocab": vocab, "merges": []},
              "WordPiece": {"type": "WordPiece", "unk_token": "w0", "vocab": vocab},
              "WordLevel": {"type": "WordLevel", "unk_token": "w0", "vocab": vocab},
              "Unigram": {"type": "Unigram", "unk_id": 0,
                          "vocab": [[f"w{i}", -1.0] for i in range(101)]}}
    save_json(repo.root, "config.json", llama_config(100))
    for name, model in models.items():
        save_json(repo.root, "tokenizer.json", {"version": "1.0", "added_tokens": [],
                                                "model": model})
        repo.check()
        found = repo.expect("vocab-token-out-of-range", "tokenizer.json", "'w100' has id 100")
        assert found["values"]["limit"] == 100, (name, found)


@case
def tokenizer_json_added_range(repo):
    save_llama(repo.root, vocab_size=32000)
    save_tokenizer_json(repo.root, 32000, [(f"<|extra_{i}|>", 32000 + i) for i in range(4)])
    repo.check()
    repo.expect("vocab-token-out-of-range", "tokenizer.json", "from 32000 to 32003")


@case
def special_tokens_map_names_pad_beyond(repo):
    # special_tokens_map.json assigns no ids, but names a token whose id
    # another file puts beyond the embedding.
    save_llama(repo.root, vocab_size=128)
    save_json(repo.root, "added_tokens.json", {"<pad>": 128})
    save_json(repo.root, "special_tokens_map.json",
              {"bos_token": "<s>", "eos_token": "</s>", "pad_token": "<pad>"})
    repo.check()
    repo.expect("vocab-token-out-of-range", "added_tokens.json")
    repo.expect_none("special-token-unknown")


@case
def config_ids_beyond_vocab(repo):
    save_llama(repo.root, vocab_size=128, config_extra={"pad_token_id": 128, "eos_token_id": [2, 200]})
    repo.check()
    repo.expect("special-token-id-out-of-range", "config.json", "pad_token_id 128")
    repo.expect("special-token-id-out-of-range", "config.json", "eos_token_id 200")


@case
def negative_ids(repo):
    save_llama(repo.root, vocab_size=128, config_extra={"pad_token_id": -1})
    save_json(repo.root, "generation_config.json", {"eos_token_id": [2, -1]})
    repo.check()
    repo.expect("special-token-id-out-of-range", "config.json", "cannot be negative")
    repo.expect("special-token-id-out-of-range", "generation_config.json", "cannot be negative")

    # In a tokenizer file, with or without a config to bound the ids.
    save_json(repo.root, "added_tokens.json", {"<pad>": -1})
    repo.check()
    repo.expect("vocab-token-out-of-range", "added_tokens.json", "has id -1")
    for name in ("config.json", "generation_config.json", "model.safetensors"):
        os.remove(os.path.join(repo.root, name))
    repo.check()
    repo.expect("vocab-token-out-of-range", "added_tokens.json", "ids cannot be negative")


# --- GGUF token list against its own tensors ---------------------------------------------------


def gguf_model(repo, tokens, embedding_rows, output_rows=None, name="model.gguf"):
    tensors = [("token_embd.weight", [embedding_rows, 8])]
    if output_rows is not None:
        tensors.append(("output.weight", [output_rows, 8]))
    tensors += [("blk.0.attn_q.weight", [8, 8]), ("output_norm.weight", [8])]
    save_gguf(repo.root, name, {
        "general.architecture": "llama", "llama.embedding_length": 8, "llama.block_count": 1,
        "tokenizer.ggml.model": "llama",
        "tokenizer.ggml.tokens": ["<unk>", "<s>", "</s>"] + [f"t{i}" for i in range(3, tokens)],
        "tokenizer.ggml.bos_token_id": 1, "tokenizer.ggml.eos_token_id": 2}, tensors)


@case
def gguf_token_list_against_tensors(repo):
    # Longer and shorter token lists, against token_embd and against output.
    for tokens, embedding, output, tensor in [(101, 100, None, "token_embd.weight"),
                                              (99, 100, None, "token_embd.weight"),
                                              (100, 100, 101, "output.weight"),
                                              (100, 100, 99, "output.weight")]:
        gguf_model(repo, tokens, embedding, output)
        repo.check()
        found = repo.expect("vocab-size-mismatch", "model.gguf", f"'{tensor}'", "error")
        assert f"has {tokens} entries" in found["message"], found
    gguf_model(repo, 100, 100, 100)
    repo.check()
    repo.expect_no_errors()


@case
def gguf_only_repository_in_subfolder(repo):
    # A GGUF-only repository: several quantizations, no config.json.
    gguf_model(repo, 100, 100, 100, name="gguf/model-Q8_0.gguf")
    gguf_model(repo, 101, 100, 100, name="gguf/model-Q4_K_M.gguf")
    repo.check()
    repo.expect("vocab-size-mismatch", "gguf/model-Q4_K_M.gguf")
    assert not repo.matching("vocab-size-mismatch", "gguf/model-Q8_0.gguf")


@case
def gguf_split_files(repo):
    # gguf-split spreads the blocks over files; only the first has the
    # vocabulary. Neither file alone has every block.
    meta = {"general.architecture": "llama", "llama.embedding_length": 8,
            "llama.block_count": 4, "split.no": 0, "split.count": 2, "split.tensors.count": 5,
            "tokenizer.ggml.model": "llama",
            "tokenizer.ggml.tokens": [f"t{i}" for i in range(100)]}
    save_gguf(repo.root, "model-00001-of-00002.gguf", meta,
              [("token_embd.weight", [100, 8]), ("blk.0.attn_q.weight", [8, 8]),
               ("blk.1.attn_q.weight", [8, 8])])
    save_gguf(repo.root, "model-00002-of-00002.gguf",
              {"split.no": 1, "split.count": 2, "split.tensors.count": 5},
              [("blk.2.attn_q.weight", [8, 8]), ("blk.3.attn_q.weight", [8, 8])])
    repo.check()
    repo.expect_no_errors()

    # The first file still has its vocabulary checked against token_embd.
    meta["tokenizer.ggml.tokens"] = [f"t{i}" for i in range(101)]
    save_gguf(repo.root, "model-00001-of-00002.gguf", meta,
              [("token_embd.weight", [100, 8]), ("blk.0.attn_q.weight", [8, 8]),
               ("blk.1.attn_q.weight", [8, 8])])
    repo.check()
    repo.expect("vocab-size-mismatch", "model-00001-of-00002.gguf")


@case
def gguf_special_id_beyond_tokens(repo):
    gguf_model(repo, 100, 100)
    save_gguf(repo.root, "model.gguf", {
        "general.architecture": "llama", "tokenizer.ggml.model": "llama",
        "tokenizer.ggml.tokens": [f"t{i}" for i in range(100)],
        "tokenizer.ggml.eos_token_id": 100}, [("token_embd.weight", [100, 8])])
    repo.check()
    repo.expect("special-token-id-out-of-range", "model.gguf", "eos_token_id is 100")


# --- padding -----------------------------------------------------------------------------------


@case
def padded_vocabulary(repo):
    # Qwen-style: vocab_size a multiple of 64 above the tokenizer's ids.
    save_llama(repo.root, vocab_size=1088, tokenizer_size=1000)
    repo.check()
    repo.expect_no_errors()
    repo.expect("vocab-padding", "config.json", "88 more than the tokenizer's 1000", "info")
    assert run_raw(repo, "--strict")[0] == 0, "--strict fails on info"

    save_llama(repo.root, vocab_size=1010, tokenizer_size=1000)
    repo.check()
    repo.expect_no_errors()
    repo.expect("vocab-padding", "config.json", severity="warning")
    assert run_raw(repo, "--strict")[0] == 1, "--strict passes a warning"


@case
def padded_vocabulary_qwen_size(repo):
    # The sizes of the real report: 152064 rows, tokenizer ids up to 151645.
    save_json(repo.root, "config.json", llama_config(152064, tie=False))
    save_tokenizer_json(repo.root, 151643,
                        [("<|endoftext|>", 151643), ("<|im_start|>", 151644),
                         ("<|im_end|>", 151645)])
    save_safetensors(repo.root, "model.safetensors", llama_tensors(152064))
    repo.check()
    repo.expect_no_errors()
    repo.expect("vocab-padding", severity="info")


@case
def no_padding_beside_row_mismatch(repo):
    # vocab_size 66 with 65 embedding rows: the 66th row does not exist, so
    # only the mismatch is reported.
    save_llama(repo.root, vocab_size=66, rows=65, tokenizer_size=65)
    repo.check()
    repo.expect("vocab-size-mismatch", text="has 65 rows")
    repo.expect_none("vocab-padding")


@case
def padding_severity_in_catalog(repo):
    # --list-rules shows the default severity and the case that raises it.
    status, out, _ = run_raw(repo, "--list-rules", "--json")
    assert status == 0
    rules = {r["id"]: r for r in json.loads(out)["rules"]}
    assert rules["vocab-padding"]["severity"] == "info", rules["vocab-padding"]
    assert "warning unless" in rules["vocab-padding"]["summary"], rules["vocab-padding"]


# --- embedding and head rows -------------------------------------------------------------------


@case
def head_rows_differ(repo):
    # mT5-style: untied head with 250112 rows, embedding and vocab_size 250102.
    save_json(repo.root, "config.json", llama_config(250102))
    save_safetensors(repo.root, "model.safetensors",
                     [("model.embed_tokens.weight", [250102, 1]), ("lm_head.weight", [250112, 1])])
    repo.check()
    repo.expect("vocab-size-mismatch", "model.safetensors", "'lm_head.weight'", "error")

    # Head smaller; embedding differs while the head agrees.
    save_safetensors(repo.root, "model.safetensors",
                     [("model.embed_tokens.weight", [250102, 1]), ("lm_head.weight", [250100, 1])])
    repo.check()
    repo.expect("vocab-size-mismatch", text="'lm_head.weight'")
    save_safetensors(repo.root, "model.safetensors",
                     [("model.embed_tokens.weight", [250110, 1]), ("lm_head.weight", [250102, 1])])
    repo.check()
    repo.expect("vocab-size-mismatch", text="'model.embed_tokens.weight'")


@case
def head_rows_differ_sharded(repo):
    save_json(repo.root, "config.json", llama_config(128))
    save_sharded(repo.root, llama_tensors(128, head_rows=136), 2)
    repo.check()
    repo.expect("vocab-size-mismatch", text="'lm_head.weight'")


# --- LFS pointers ------------------------------------------------------------------------------


@case
def lfs_pointers_without_filter(repo):
    save_json(repo.root, "config.json", llama_config(128))
    names = ["model.safetensors", "pytorch_model.bin", "model-00001-of-00002.safetensors",
             "model.gguf", "onnx/model.onnx", "ckpt/consolidated.00.pth"]
    for name in names:
        save_text(repo.root, name, LFS_POINTER)
    repo.commit("commit pointers")
    repo.check("HEAD")
    for name in names:
        repo.expect("lfs-pointer-unfiltered", name, severity="error")
    # Fetching an object does not fix pointer text, so they are not listed
    # as unread weights with the advice to run git lfs pull.
    status, out, _ = run_raw(repo, "--json", "HEAD")
    assert json.loads(out)["not_checked"] == [], out
    status, out, _ = run_raw(repo, "HEAD")
    assert "not checked" not in out, out
    assert "git lfs pull" not in out, out

    save_text(repo.root, ".gitattributes",
              "*.safetensors filter=lfs diff=lfs merge=lfs -text\n"
              "*.bin filter=lfs diff=lfs merge=lfs -text\n"
              "*.gguf filter=lfs diff=lfs merge=lfs -text\n"
              "*.onnx filter=lfs diff=lfs merge=lfs -text\n"
              "*.pth filter=lfs diff=lfs merge=lfs -text\n")
    repo.commit("track weights")
    repo.check("HEAD")
    repo.expect_none("lfs-pointer-unfiltered")
    status, out, _ = run_raw(repo, "--json", "HEAD")
    not_checked = [entry["path"] for entry in json.loads(out)["not_checked"]]
    assert "model.safetensors" in not_checked, out


@case
def lfs_raw_blobs(repo):
    # No LFS filter driver is configured here, so `git add` stores files
    # under filter=lfs as they are. A nested .gitattributes counts, and
    # --staged reads the staged .gitattributes, not the working tree's.
    save_text(repo.root, "sub/.gitattributes", "*.safetensors filter=lfs diff=lfs merge=lfs -text\n")
    save_llama(os.path.join(repo.root, "sub"))
    repo.git("add", "-A")
    repo.check("--staged")
    repo.expect("lfs-not-pointer", "sub/model.safetensors", "staged as a regular blob", "error")
    repo.commit("raw weights")
    repo.check("HEAD")
    repo.expect("lfs-not-pointer", "sub/model.safetensors", "committed as a regular blob")

    save_safetensors(repo.root, "top.safetensors", [("w", [4])])
    repo.git("add", "top.safetensors")
    save_text(repo.root, ".gitattributes", "*.safetensors filter=lfs diff=lfs merge=lfs -text\n")
    repo.check("--staged")
    assert not repo.matching("lfs-not-pointer", "top.safetensors"), repo.findings
    repo.git("add", ".gitattributes")
    repo.check("--staged")
    repo.expect("lfs-not-pointer", "top.safetensors")


# --- chat template end of turn -----------------------------------------------------------------

LLAMA3_TEMPLATE = (
    "{% for message in messages %}{{ '<|start_header_id|>' + message['role'] + "
    "'<|end_header_id|>\\n\\n' + message['content'] | trim + '<|eot_id|>' }}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}"
    "{% endif %}")
CHATML_TEMPLATE = (
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + "
    "message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}")


def llama3_tokenizer(repo, eos="<|end_of_text|>", template=LLAMA3_TEMPLATE, as_object=False):
    specials = [("<|begin_of_text|>", 128), ("<|end_of_text|>", 129),
                ("<|start_header_id|>", 130), ("<|end_header_id|>", 131), ("<|eot_id|>", 132)]
    save_tokenizer_json(repo.root, 128, specials)
    config = {"bos_token": "<|begin_of_text|>",
              "eos_token": added_token_object(eos) if as_object else eos,
              "added_tokens_decoder": {str(i): added_token(c, i) for c, i in specials}}
    if template is not None:
        config["chat_template"] = template
    save_json(repo.root, "tokenizer_config.json", config)
    save_json(repo.root, "config.json",
              llama_config(192, bos_token_id=128, eos_token_id=129))
    save_safetensors(repo.root, "model.safetensors", llama_tensors(192))


@case
def template_end_of_turn_not_eos(repo):
    # eos as an int, as a one-element list, and with the tokenizer's eos
    # named by an AddedToken object.
    for eos in (129, [129]):
        llama3_tokenizer(repo)
        save_json(repo.root, "generation_config.json", {"bos_token_id": 128, "eos_token_id": eos})
        repo.check()
        repo.expect("chat-template-eos", "generation_config.json", "'<|eot_id|>'", "warning")
    llama3_tokenizer(repo, as_object=True)
    repo.check()
    repo.expect("chat-template-eos", text="'<|eot_id|>'")

    # A list with both ids passes.
    save_json(repo.root, "generation_config.json", {"bos_token_id": 128, "eos_token_id": [129, 132]})
    repo.check()
    repo.expect_none("chat-template-eos")
    repo.expect_none("special-token-mismatch")


@case
def template_end_of_turn_without_generation_config(repo):
    # Without generation_config.json, config.json's eos_token_id decides.
    llama3_tokenizer(repo)
    repo.check()
    repo.expect("chat-template-eos", "config.json", "'<|eot_id|>'")


@case
def template_end_of_turn_tokenizer_only(repo):
    # Without config files, the tokenizer's eos_token decides, and the fix
    # goes into a generation_config.json.
    llama3_tokenizer(repo)
    os.remove(os.path.join(repo.root, "config.json"))
    os.remove(os.path.join(repo.root, "model.safetensors"))
    repo.check()
    found = repo.expect("chat-template-eos", "tokenizer_config.json",
                        "eos_token '<|end_of_text|>' in 'tokenizer_config.json' has id 129")
    assert found["hint"] == "set eos_token_id to [129, 132] in 'generation_config.json'", found


@case
def template_in_its_own_file(repo):
    llama3_tokenizer(repo, template=None)
    save_text(repo.root, "chat_template.jinja", LLAMA3_TEMPLATE)
    save_json(repo.root, "generation_config.json", {"eos_token_id": 129})
    repo.check()
    repo.expect("chat-template-eos", "chat_template.jinja", "'<|eot_id|>'")


@case
def chatml_end_of_turn(repo):
    specials = [("<|endoftext|>", 128), ("<|im_start|>", 129), ("<|im_end|>", 130)]
    save_tokenizer_json(repo.root, 128, specials)
    save_json(repo.root, "tokenizer_config.json", {
        "eos_token": "<|endoftext|>", "pad_token": "<|endoftext|>",
        "chat_template": CHATML_TEMPLATE,
        "added_tokens_decoder": {str(i): added_token(c, i) for c, i in specials}})
    save_json(repo.root, "config.json", llama_config(192, bos_token_id=128, eos_token_id=128))
    save_json(repo.root, "generation_config.json", {"eos_token_id": 128})
    save_safetensors(repo.root, "model.safetensors", llama_tensors(192))
    repo.check()
    repo.expect("chat-template-eos", "generation_config.json", "'<|im_end|>'")


# --- generation sampling -----------------------------------------------------------------------


@case
def sampling_without_do_sample(repo):
    save_llama(repo.root)
    for params, words in [({"temperature": 0.9, "top_p": 0.6}, "temperature 0.9 and top_p 0.6"),
                          ({"top_k": 20}, "top_k 20"), ({"typical_p": 0.5}, "typical_p 0.5"),
                          ({"temperature": 0.7, "do_sample": False}, "temperature 0.7")]:
        save_json(repo.root, "generation_config.json", {"eos_token_id": 2, **params})
        repo.check()
        repo.expect("generation-sampling", "generation_config.json", words, "warning")
    for params in [{"temperature": 0.9, "do_sample": True}, {"temperature": 1.0, "top_p": 1.0},
                   {"top_k": 50}]:
        save_json(repo.root, "generation_config.json", {"eos_token_id": 2, **params})
        repo.check()
        repo.expect_none("generation-sampling")


# --- tied and untied heads ---------------------------------------------------------------------


@case
def untied_without_head(repo):
    # Sharded and unsharded.
    save_llama(repo.root, head=False, tie=False)
    repo.check()
    repo.expect("output-head-missing", "model.safetensors", severity="error")

    os.remove(os.path.join(repo.root, "model.safetensors"))
    save_sharded(repo.root, llama_tensors(head=False), 3)
    repo.check()
    repo.expect("output-head-missing", "model.safetensors.index.json", severity="error")


@case
def untied_without_head_shards_absent(repo):
    # The index alone shows the head is missing, even when the shards are
    # LFS pointers without their objects.
    save_json(repo.root, "config.json", llama_config(tie=False))
    save_sharded(repo.root, llama_tensors(head=False), 2)
    save_text(repo.root, ".gitattributes", "*.safetensors filter=lfs diff=lfs merge=lfs -text\n")
    for number in (1, 2):
        save_text(repo.root, f"model-0000{number}-of-00002.safetensors", LFS_POINTER)
    repo.commit("pointers")
    repo.check("HEAD")
    repo.expect("output-head-missing", "model.safetensors.index.json")


@case
def tied_with_head(repo):
    save_llama(repo.root, head=True, tie=True)
    repo.check()
    repo.expect("output-head-tied", "model.safetensors", severity="warning")
    repo.expect_none("output-head-missing")

    save_llama(repo.root, head=False, tie=True)
    repo.check()
    repo.expect_none("output-head-tied")
    repo.expect_none("output-head-missing")


@case
def extra_weights_files_beside_model(repo):
    # Only the weights files a loader reads for config.json are judged
    # against it. Another safetensors file in the folder, staged or not, is
    # an extra file: no head check, no dtype check, no stale config.json.
    save_llama(repo.root, head=True, tie=False)
    repo.commit("model")
    for name in ("zz.safetensors", "extra.safetensors", "adapter_model.safetensors"):
        save_safetensors(repo.root, name, [("w", [4], "F32")])
        for args in ((), ("--staged",)):
            if args:
                repo.git("add", name)
            repo.check(*args)
            for rule in ("output-head-missing", "torch-dtype-mismatch", "co-edit-stale"):
                assert not repo.matching(rule), (name, args, repo.findings)
        repo.git("rm", "-q", "--cached", name)
        os.remove(os.path.join(repo.root, name))

    # Committed, then config.json changes with the model's weights: the
    # extra file is not stale.
    save_safetensors(repo.root, "extra.safetensors", [("w", [4], "F32")])
    repo.commit("extra file")
    save_llama(repo.root, head=True, tie=False, config_extra={"hidden_size": 16})
    save_safetensors(repo.root, "model.safetensors", llama_tensors(hidden=16))
    repo.check()
    repo.expect_none("co-edit-stale")

    # A variant of the standard name is the model in another dtype, and is judged.
    save_safetensors(repo.root, "model.fp16.safetensors", llama_tensors(hidden=16, head=False))
    repo.check()
    repo.expect("output-head-missing", "model.fp16.safetensors")


# --- shard counts ------------------------------------------------------------------------------


def many_tensors(count):
    return [(f"model.layers.{i}.mlp.up_proj.weight", [4, 4]) for i in range(count)]


@case
def index_names_other_shard_count(repo):
    # The index names -of-00030 shards while fifteen -of-00015 are present.
    save_sharded(repo.root, many_tensors(30), 15, index_count=30)
    repo.check()
    repo.expect("shard-missing", "model.safetensors.index.json", severity="error")
    repo.expect("shard-count-mismatch", "model.safetensors.index.json",
                "holds 15 shard files -of-15", "error")


@case
def index_names_fewer_shards_than_present(repo):
    # The other way: the index says -of-00015, the files say -of-00030.
    save_sharded(repo.root, many_tensors(30), 30, index_count=15)
    repo.check()
    repo.expect("shard-missing", "model.safetensors.index.json")
    repo.expect("shard-count-mismatch", "model.safetensors.index.json")


@case
def leftover_shards_after_resharding(repo):
    # Re-sharded from three files to two, with the old files still present:
    # the model loads, so the leftovers are a warning and nothing else.
    save_sharded(repo.root, many_tensors(6), 3)
    save_sharded(repo.root, many_tensors(6), 2)
    repo.check()
    repo.expect_no_errors()
    repo.expect("shard-unreferenced", "model-00003-of-00003.safetensors", severity="warning")
    repo.expect_none("shard-count-mismatch")


@case
def renamed_shard(repo):
    save_sharded(repo.root, many_tensors(4), 2)
    os.rename(os.path.join(repo.root, "model-00002-of-00002.safetensors"),
              os.path.join(repo.root, "model-00002-of-00002.safetensors.bak"))
    repo.check()
    repo.expect("shard-missing", "model-00002-of-00002.safetensors", severity="error")


@case
def pytorch_bin_index(repo):
    # A .bin index whose shards say another count than the files.
    save_json(repo.root, "pytorch_model.bin.index.json", {
        "metadata": {"total_size": 10},
        "weight_map": {"a": "pytorch_model-00001-of-00003.bin",
                       "b": "pytorch_model-00002-of-00003.bin"}})
    save_text(repo.root, "pytorch_model-00001-of-00002.bin", "x")
    save_text(repo.root, "pytorch_model-00002-of-00002.bin", "x")
    repo.check()
    repo.expect("shard-missing", "pytorch_model.bin.index.json")
    repo.expect("shard-count-mismatch", "pytorch_model.bin.index.json")


@case
def thousand_shard_index(repo):
    # Two tensors a shard, so that dropping one from the index leaves its
    # shard referenced.
    save_sharded(repo.root, many_tensors(2000), 1000, drop={"model.layers.999.mlp.up_proj.weight"})
    repo.check()
    repo.expect("shard-tensor-unmapped", "model-01000-of-01000.safetensors", "'model.layers.999")
    os.remove(os.path.join(repo.root, "model-00500-of-01000.safetensors"))
    repo.check()
    repo.expect("shard-missing", "model-00500-of-01000.safetensors")


# --- AddedToken objects ------------------------------------------------------------------------


@case
def added_token_objects_are_read(repo):
    # Objects in tokenizer_config.json and special_tokens_map.json, including
    # additional_special_tokens, resolve like strings.
    save_llama(repo.root)
    save_tokenizer_json(repo.root, 128, [("<pad>", 128), ("<extra>", 129)])
    save_json(repo.root, "config.json", llama_config(136, pad_token_id=128))
    save_safetensors(repo.root, "model.safetensors", llama_tensors(136))
    objects = {"bos_token": added_token_object("<s>"), "eos_token": added_token_object("</s>"),
               "unk_token": added_token_object("<unk>"), "pad_token": added_token_object("<pad>"),
               "additional_special_tokens": [added_token_object("<extra>")]}
    save_json(repo.root, "tokenizer_config.json", dict(objects, tokenizer_class="LlamaTokenizer"))
    save_json(repo.root, "special_tokens_map.json", objects)
    repo.check()
    repo.expect_no_errors()
    repo.expect_none("special-token-unknown")
    repo.expect_none("special-token-mismatch")

    # Read, not skipped: an object naming a missing token is reported, in each file.
    for path in ("tokenizer_config.json", "special_tokens_map.json"):
        broken = dict(objects, additional_special_tokens=[added_token_object("<missing>")])
        save_json(repo.root, "tokenizer_config.json", objects)
        save_json(repo.root, "special_tokens_map.json", objects)
        save_json(repo.root, path, broken)
        repo.check()
        repo.expect("special-token-unknown", path, "'<missing>'")
    save_json(repo.root, "special_tokens_map.json", dict(objects, pad_token=added_token_object("<s>")))
    save_json(repo.root, "tokenizer_config.json", objects)
    repo.check()
    repo.expect("special-token-mismatch", text="pad_token")


@case
def eos_agreement(repo):
    # The tokenizer's eos must be among the config's eos ids, as int or list.
    save_llama(repo.root)
    for eos in (3, [3, 4]):
        save_json(repo.root, "generation_config.json", {"bos_token_id": 1, "eos_token_id": eos})
        repo.check()
        repo.expect("special-token-mismatch", text="eos_token_id")
    save_json(repo.root, "generation_config.json", {"bos_token_id": 1, "eos_token_id": [3, 2]})
    repo.check()
    repo.expect_none("special-token-mismatch")
    save_json(repo.root, "generation_config.json", {"bos_token_id": 5, "eos_token_id": 2})
    repo.check()
    repo.expect("special-token-mismatch", text="bos_token_id")


# --- invalid JSON ------------------------------------------------------------------------------


@case
def invalid_json_files(repo):
    # A missing comma, a trailing comma and a truncated file, in each JSON
    # file the rules read. Other rules go on.
    broken = {"missing comma": '{\n  "bos_token_id": 1\n  "eos_token_id": 2\n}\n',
              "trailing comma": '{\n  "bos_token_id": 1,\n}\n',
              "truncated": '{\n  "bos_token_id": 1,\n  "eos'}
    for path in ("generation_config.json", "config.json", "tokenizer_config.json",
                 "tokenizer.json", "special_tokens_map.json", "model.safetensors.index.json"):
        for label, text in broken.items():
            save_llama(repo.root)
            save_json(repo.root, "added_tokens.json", {"<pad>": 128})
            save_text(repo.root, path, text)
            repo.check()
            found = repo.expect("file-invalid", path, severity="error")
            assert "line" in found["message"] and "column" in found["message"], (label, found)
            assert found["values"]["line"] >= 1 and found["values"]["column"] >= 1, found
            if path not in ("config.json", "tokenizer.json"):
                repo.expect("vocab-token-out-of-range", "added_tokens.json")
            if os.path.exists(os.path.join(repo.root, "model.safetensors.index.json")):
                os.remove(os.path.join(repo.root, "model.safetensors.index.json"))



# --- other model layouts -----------------------------------------------------------------------


@case
def vocab_txt_only_tokenizer(repo):
    # A WordPiece model whose only tokenizer file is vocab.txt.
    save_json(repo.root, "config.json", {"architectures": ["BertForMaskedLM"], "model_type": "bert",
                                         "vocab_size": 100, "hidden_size": 8,
                                         "num_hidden_layers": 1, "pad_token_id": 0})
    save_safetensors(repo.root, "model.safetensors",
                     [("bert.embeddings.word_embeddings.weight", [100, 8]),
                      ("bert.encoder.layer.0.output.dense.weight", [8, 8])])
    tokens = ["[PAD]"] + [f"w{i}" for i in range(1, 100)]
    save_text(repo.root, "vocab.txt", "\n".join(tokens) + "\n")
    repo.check()
    repo.expect_no_errors()

    save_text(repo.root, "vocab.txt", "\n".join(tokens + ["[NEW]"]) + "\n")
    repo.check()
    repo.expect("vocab-token-out-of-range", "vocab.txt", "'[NEW]' has id 100")


def save_wordpiece(root, tokens, added=()):
    """A WordPiece tokenizer.json numbering `tokens` in order; `added` are
    [(content, id)] added tokens."""
    save_json(root, "tokenizer.json", {
        "version": "1.0", "added_tokens": [added_token(c, i) for c, i in added],
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100,
                  "vocab": {token: i for i, token in enumerate(tokens)}}})


@case
def slow_and_fast_vocabularies(repo):
    # BERT ships vocab.txt for BertTokenizer next to tokenizer.json for
    # BertTokenizerFast: both must number the same tokens.
    save_json(repo.root, "config.json", {"architectures": ["BertForMaskedLM"], "model_type": "bert",
                                         "vocab_size": 101, "hidden_size": 8,
                                         "num_hidden_layers": 1, "pad_token_id": 0})
    tokens = ["[PAD]", "[UNK]"] + [f"w{i}" for i in range(2, 100)]
    specials = [("[PAD]", 0), ("[UNK]", 1)]
    save_text(repo.root, "vocab.txt", "\n".join(tokens) + "\n")
    save_wordpiece(repo.root, tokens, specials)
    repo.commit("tokenizer")
    repo.check()
    repo.expect_none("tokenizer-vocab-mismatch")

    # A token added to the fast vocabulary only, committed: each later
    # commit still has it.
    save_wordpiece(repo.root, tokens + ["[NEW]"], specials)
    repo.commit("new token")
    repo.check("HEAD")
    found = repo.expect("tokenizer-vocab-mismatch", "vocab.txt", "lacks '[NEW]'", "warning")
    assert found["paths"] == ["vocab.txt", "tokenizer.json"], found
    assert "has 98 tokens and 'tokenizer.json' has 99" in found["message"], found

    # As an added token, [NEW] is not part of the base vocabulary.
    save_wordpiece(repo.root, tokens, specials + [("[NEW]", 100)])
    repo.check()
    repo.expect_none("tokenizer-vocab-mismatch")

    # Two tokens swapped in tokenizer.json.
    swapped = tokens[:2] + [tokens[3], tokens[2]] + tokens[4:]
    save_wordpiece(repo.root, swapped, specials)
    repo.check()
    repo.expect("tokenizer-vocab-mismatch", "vocab.txt", "gives 2 tokens another id")


@case
def nested_text_config(repo):
    # A multimodal model keeps the language model's settings in text_config
    # and prefixes its tensors with language_model.
    config = {"architectures": ["LlavaForConditionalGeneration"], "model_type": "llava",
              "text_config": {"model_type": "llama", "vocab_size": 128, "hidden_size": 8,
                              "num_hidden_layers": 2},
              "vision_config": {"model_type": "clip_vision_model", "hidden_size": 16}}
    save_json(repo.root, "config.json", config)
    tensors = [("language_model.model.embed_tokens.weight", [128, 8]),
               ("language_model.lm_head.weight", [128, 8]),
               ("language_model.model.layers.0.mlp.up_proj.weight", [16, 8]),
               ("language_model.model.layers.1.mlp.up_proj.weight", [16, 8]),
               ("vision_tower.vision_model.embeddings.patch_embedding.weight", [16, 3]),
               ("vision_tower.vision_model.encoder.layers.0.mlp.fc1.weight", [16, 16])]
    save_safetensors(repo.root, "model.safetensors", tensors)
    save_tokenizer_json(repo.root, 120, [("<image>", 127)])
    repo.check()
    repo.expect_no_errors()

    save_tokenizer_json(repo.root, 120, [("<image>", 128)])
    repo.check()
    repo.expect("vocab-token-out-of-range", "tokenizer.json", "'<image>' has id 128")

    save_tokenizer_json(repo.root, 120, [("<image>", 127)])
    tensors[1] = ("language_model.lm_head.weight", [130, 8])
    save_safetensors(repo.root, "model.safetensors", tensors)
    repo.check()
    repo.expect("vocab-size-mismatch", text="'language_model.lm_head.weight'")

    tensors[1] = ("language_model.lm_head.weight", [128, 8])
    tensors[0] = ("language_model.model.embed_tokens.weight", [128, 16])
    save_safetensors(repo.root, "model.safetensors", tensors)
    repo.check()
    repo.expect("embedding-width", text="hidden_size")


@case
def diffusers_text_encoders(repo):
    # A diffusers pipeline keeps each text encoder's tokenizer in a sibling
    # folder; the encoder's vocab_size and embedding bound those ids.
    save_json(repo.root, "model_index.json", {"_class_name": "StableDiffusionXLPipeline",
                                              "text_encoder": ["transformers", "CLIPTextModel"],
                                              "tokenizer": ["transformers", "CLIPTokenizer"]})
    for suffix in ("", "_2"):
        save_json(repo.root, f"text_encoder{suffix}/config.json", {
            "architectures": ["CLIPTextModel"], "model_type": "clip_text_model",
            "vocab_size": 100, "hidden_size": 8, "num_hidden_layers": 1,
            "bos_token_id": 0, "eos_token_id": 2, "pad_token_id": 1})
        save_safetensors(repo.root, f"text_encoder{suffix}/model.safetensors", [
            ("text_model.embeddings.token_embedding.weight", [100, 8]),
            ("text_model.embeddings.position_embedding.weight", [77, 8]),
            ("text_model.encoder.layers.0.mlp.fc1.weight", [16, 8])])
        vocab = {f"w{i}": i for i in range(98)}
        vocab.update({"<|startoftext|>": 98, "<|endoftext|>": 99})
        save_json(repo.root, f"tokenizer{suffix}/vocab.json", vocab)
        save_text(repo.root, f"tokenizer{suffix}/merges.txt", "#version: 0.2\n")
        save_json(repo.root, f"tokenizer{suffix}/special_tokens_map.json",
                  {"bos_token": "<|startoftext|>", "eos_token": "<|endoftext|>"})
    repo.check()
    repo.expect_no_errors()

    save_json(repo.root, "tokenizer_2/added_tokens.json", {"<concept>": 100})
    repo.check()
    repo.expect("vocab-token-out-of-range", "tokenizer_2/added_tokens.json",
                "vocab_size in 'text_encoder_2/config.json'")
    assert not repo.matching("vocab-token-out-of-range", "text_encoder/config.json")

    # Without model_index.json the folders are unrelated.
    os.remove(os.path.join(repo.root, "model_index.json"))
    repo.check()
    repo.expect_none("vocab-token-out-of-range")


@case
def adapter_repository(repo):
    # A PEFT adapter: adapter_config.json, adapter weights and the tokenizer,
    # no config.json. Nothing is wrong.
    save_json(repo.root, "adapter_config.json", {
        "peft_type": "LORA", "base_model_name_or_path": "meta-llama/Llama-2-7b-hf", "r": 8,
        "lora_alpha": 16, "target_modules": ["q_proj", "v_proj"], "task_type": "CAUSAL_LM"})
    save_safetensors(repo.root, "adapter_model.safetensors", [
        ("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight", [8, 64]),
        ("base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight", [64, 8])])
    save_tokenizer_json(repo.root, 128, [("<pad>", 128)])
    save_json(repo.root, "tokenizer_config.json", {"bos_token": "<s>", "eos_token": "</s>",
                                                   "pad_token": "<pad>"})
    repo.check()
    repo.expect_no_errors()

    # The tokenizer still has to name tokens it has.
    save_json(repo.root, "tokenizer_config.json", {"bos_token": "<s>", "eos_token": "</eos>"})
    repo.check()
    repo.expect("special-token-unknown", "tokenizer_config.json", "'</eos>'")


@case
def vocabulary_change_across_commits(repo):
    # The tokenizer gains a token in one commit and vocab_size is raised in
    # the next, without resizing the weights: each commit of the range is
    # checked and each finding names its commit.
    save_llama(repo.root, vocab_size=128)
    repo.commit("base")
    save_tokenizer_json(repo.root, 128, [("<pad>", 128)])
    repo.commit("add pad token")
    config = llama_config(129)
    save_json(repo.root, "config.json", config)
    repo.commit("raise vocab_size")
    first = subprocess.run(["git", "-C", repo.root, "rev-parse", "HEAD~1", "HEAD"],
                           capture_output=True, text=True, check=True).stdout.split()

    repo.check("HEAD~2..HEAD")
    token = repo.expect("vocab-token-out-of-range", "tokenizer.json")
    assert token["commit"] == first[0], token
    rows = repo.expect("vocab-size-mismatch", "model.safetensors")
    assert rows["commit"] == first[1], rows
    stale = repo.expect("co-edit-stale", text="model.safetensors")
    assert stale["commit"] == first[1], stale

    # Raising vocab_size alone leaves the token beyond the embedding rows.
    repo.check("HEAD")
    repo.expect("vocab-size-mismatch", "model.safetensors")
    repo.expect("vocab-token-out-of-range", "tokenizer.json", "input embedding")



# --- command line: output, exit statuses, configuration ----------------------------------------


def run_raw(repo, *args, env=None, cwd=None):
    result = subprocess.run([GIT_MLV, "check", *args], cwd=cwd or repo.root, capture_output=True,
                            text=True, env=dict(os.environ, **(env or {})))
    return result.returncode, result.stdout, result.stderr


def run_on_terminal(repo, *args, env=None):
    """Runs git mlv check with stdout on a pseudo-terminal; returns (status, output)."""
    import pty
    primary, secondary = pty.openpty()
    environment = dict(os.environ, TERM="xterm", **(env or {}))
    environment.pop("NO_COLOR", None) if "NO_COLOR" not in (env or {}) else None
    process = subprocess.Popen([GIT_MLV, "check", *args], cwd=repo.root, stdout=secondary,
                               stderr=subprocess.DEVNULL, env=environment)
    os.close(secondary)
    output = b""
    while True:
        try:
            chunk = os.read(primary, 4096)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    os.close(primary)
    return process.wait(), output.decode()


def broken_model(repo):
    save_llama(repo.root)
    save_json(repo.root, "added_tokens.json", {"<pad>": 128})
    save_json(repo.root, "generation_config.json",
              {"eos_token_id": 2, "pad_token_id": 128, "temperature": 0.5})


@case
def human_output_grouped_by_file(repo):
    broken_model(repo)
    status, out, _ = run_raw(repo)
    assert status == 1, status
    headings = [line for line in out.splitlines() if line and not line.startswith(" ")]
    assert headings[:2] == ["added_tokens.json", "generation_config.json"], headings
    assert len(set(headings)) == len(headings), headings
    assert "\x1b[" not in out, "colour without a terminal"
    assert "  error: 'pad_token_id" not in out
    assert out.rstrip().endswith("2 errors, 1 warning, 0 info in 2 files"), out


@case
def colour_only_on_terminal(repo):
    broken_model(repo)
    status, out = run_on_terminal(repo)
    assert status == 1, status
    assert "\x1b[31merror:" in out, repr(out[:200])
    status, out = run_on_terminal(repo, env={"NO_COLOR": "1"})
    assert status == 1, status
    assert "\x1b[" not in out, repr(out[:200])
    assert "error: '<pad>' has id 128" in out, out
    # Machine formats never have colour, even on a terminal.
    for args in (["--json"], ["--format", "sarif"]):
        status, out = run_on_terminal(repo, *args)
        assert "\x1b[" not in out, (args, repr(out[:200]))


@case
def exit_statuses(repo):
    save_llama(repo.root)
    repo.commit("model")
    assert run_raw(repo)[0] == 0
    save_json(repo.root, "generation_config.json", {"eos_token_id": 2, "temperature": 0.5})
    assert run_raw(repo)[0] == 0, "a warning alone fails without --strict"
    assert run_raw(repo, "--strict")[0] == 1, "--strict fails on a warning"
    save_json(repo.root, "added_tokens.json", {"<pad>": 128})
    assert run_raw(repo)[0] == 1

    for args in (["--no-such-option"], ["--staged", "HEAD"], ["--format", "xml"],
                 ["--json", "--format", "sarif"]):
        status, _, err = run_raw(repo, *args)
        assert status == 129, (args, status, err)
    for args in (["no-such-revision"], ["HEAD..no-such-revision"], ["HEAD~5"]):
        status, _, err = run_raw(repo, *args)
        assert status == 128, (args, status, err)
        assert err.startswith("fatal: "), err

    outside = os.path.join(WORK, "not-a-repository")
    os.makedirs(outside, exist_ok=True)
    status, _, err = run_raw(repo, cwd=outside, env={"GIT_CEILING_DIRECTORIES": WORK})
    assert status == 128, (status, err)
    assert err.startswith("fatal: "), err


@case
def json_and_sarif_fields(repo):
    broken_model(repo)
    status, out, _ = run_raw(repo, "--json")
    assert status == 1
    report = json.loads(out)
    for finding in report["findings"]:
        for key in ("rule", "severity", "paths", "message", "hint", "values"):
            assert key in finding, (key, finding)
        assert finding["severity"] in ("error", "warning", "info"), finding
        assert isinstance(finding["paths"], list) and finding["paths"], finding
    assert report["summary"] == {"error": 2, "warning": 1, "info": 0}, report["summary"]

    status, out, _ = run_raw(repo, "--format", "sarif")
    assert status == 1
    checker = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sarif_required.py")
    self_test = subprocess.run([sys.executable, checker, "--self-test"], capture_output=True,
                               text=True)
    assert self_test.returncode == 0, "the SARIF checker misses defects: " + self_test.stderr
    validation = subprocess.run([sys.executable, checker], input=out, capture_output=True,
                                text=True)
    assert validation.returncode == 0, validation.stderr
    results = json.loads(out)["runs"][0]["results"]
    assert sorted(r["level"] for r in results) == ["error", "error", "warning"], results


@case
def sarif_paths_with_odd_characters(repo):
    # Spaces, a colon and non-ASCII letters in paths are percent-encoded.
    for directory in ("my model", "v2:final", "mod\u00e8le"):
        save_json(os.path.join(repo.root, directory), "config.json", llama_config(128))
        save_json(os.path.join(repo.root, directory), "added_tokens.json", {"<pad>": 128})
    status, out, _ = run_raw(repo, "--format", "sarif")
    assert status == 1
    checker = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sarif_required.py")
    validation = subprocess.run([sys.executable, checker], input=out, capture_output=True,
                                text=True)
    assert validation.returncode == 0, validation.stderr
    uris = {location["physicalLocation"]["artifactLocation"]["uri"]
            for result in json.loads(out)["runs"][0]["results"]
            for location in result["locations"]}
    for uri in ("my%20model/added_tokens.json", "v2%3Afinal/added_tokens.json",
                "mod%C3%A8le/added_tokens.json"):
        assert uri in uris, (uri, uris)


@case
def modes_check_their_own_state(repo):
    # The working tree, the index and a commit each hold another version of
    # added_tokens.json; each mode sees its own.
    save_llama(repo.root)
    save_json(repo.root, "added_tokens.json", {"<pad>": 200})
    repo.commit("commit state")
    save_json(repo.root, "added_tokens.json", {"<pad>": 300})
    repo.git("add", "added_tokens.json")
    save_json(repo.root, "added_tokens.json", {"<pad>": 400})
    for args, token_id in ((["HEAD"], 200), (["--staged"], 300), ([], 400)):
        repo.check(*args)
        repo.expect("vocab-token-out-of-range", "added_tokens.json", f"has id {token_id}")
        found = repo.matching("vocab-token-out-of-range")
        assert len(found) == 1, found
        assert ("commit" in found[0]) == (args == ["HEAD"]), found[0]


@case
def configuration_file(repo):
    broken_model(repo)
    save_text(repo.root, ".mlv.json", """{
  /* block comments and line comments are allowed */
  "rules": {
    "vocab-token-out-of-range": "warning", // the pad row is added at load time
    "special-token-id-out-of-range": "off",
    "no-such-rule": "error",
    "generation-sampling": "loud"
  },
  "extra": true
}
""")
    repo.check()
    repo.expect("vocab-token-out-of-range", severity="warning")
    repo.expect_none("special-token-id-out-of-range")
    repo.expect("config-invalid", ".mlv.json", "'no-such-rule'", "warning")
    repo.expect("config-invalid", ".mlv.json", 'invalid severity "loud"', "warning")
    repo.expect("config-invalid", ".mlv.json", "'extra'", "warning")
    repo.expect("generation-sampling", severity="warning")

    # git config overrides the file; an unknown id there is a warning on stderr.
    repo.git("config", "mlv.vocab-token-out-of-range", "error")
    repo.git("config", "mlv.generation-sampling", "off")
    repo.git("config", "mlv.no-such-rule", "error")
    repo.git("config", "mlv.hooks.skip", "yes")
    repo.git("config", "mlv.layer-count", "loud")
    status, out, err = run_raw(repo, "--json")
    assert status == 1, status
    findings = json.loads(out)["findings"]
    assert any(f["rule"] == "vocab-token-out-of-range" and f["severity"] == "error"
               for f in findings), findings
    assert not any(f["rule"] == "generation-sampling" for f in findings), findings
    assert "warning: unknown rule id 'no-such-rule'" in err, err
    assert "hooks" not in err, err
    assert "warning: invalid severity 'loud' in git config mlv.layer-count" in err, err


@case
def configuration_of_the_checked_state(repo):
    # --staged reads the staged .mlv.json and a range the newest commit's.
    broken_model(repo)
    repo.commit("broken model")
    save_json(repo.root, ".mlv.json", {"rules": {"vocab-token-out-of-range": "off"}})
    repo.check()
    repo.expect_none("vocab-token-out-of-range")
    repo.check("--staged")
    repo.expect("vocab-token-out-of-range")
    repo.git("add", ".mlv.json")
    repo.check("--staged")
    repo.expect_none("vocab-token-out-of-range")
    repo.commit("turn the rule off")
    repo.check("HEAD~1..HEAD")
    repo.expect_none("vocab-token-out-of-range")
    repo.check("HEAD~1")
    repo.expect("vocab-token-out-of-range")


@case
def documentation_lists_every_rule(repo):
    # docs/checks.md has a section per rule, in catalog order, with the
    # default severity, an example and a fix.
    import re
    status, out, _ = run_raw(repo, "--list-rules", "--json")
    assert status == 0
    catalog = [(r["id"], r["severity"]) for r in json.loads(out)["rules"]]
    docs = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs", "checks.md")
    text = open(docs).read()
    sections = re.split(r"^#### ", text, flags=re.M)[1:]
    documented = []
    for section in sections:
        heading = re.match(r"`([a-z-]+)` \((\w+)", section)
        assert heading, section[:80]
        documented.append((heading.group(1), heading.group(2)))
        body = section.split("\n### ")[0]
        assert "Example" in body, f"no example for {heading.group(1)}"
        assert "Fix" in body, f"no fix for {heading.group(1)}"
    assert documented == catalog, (documented, catalog)


def main():
    selected = set(sys.argv[3:])
    failed = 0
    for function in CASES:
        if selected and function.__name__ not in selected:
            continue
        try:
            function(Repo(function.__name__))
            print(f"ok: {function.__name__}")
        except Exception:
            failed += 1
            print(f"FAIL: {function.__name__}", file=sys.stderr)
            traceback.print_exc()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
