#include "mlv/artifacts/artifact.hpp"

#include "support/weights_writer.hpp"

#include <doctest/doctest.h>

using namespace mlv;
using namespace mlv::artifacts;

namespace {

Artifact described(const std::string& path, Format format, const std::string& bytes) {
    MemorySource source(bytes);
    Artifact artifact;
    artifact.path = path;
    artifact.role = builtin_role(path);
    artifact.format = format;
    artifact.size = bytes.size();
    artifact.oid = std::string(64, 'a');
    artifact.description = std::make_shared<const Description>(describe(format, source));
    return artifact;
}

const char* llama_config = R"({
  "architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": 32000,
  "hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 32,
  "torch_dtype": "float16", "tie_word_embeddings": false, "bos_token_id": 1, "eos_token_id": 2
})";

const char* tokenizer_json = R"({
  "added_tokens": [{"id": 0, "content": "<unk>", "special": true},
                   {"id": 4, "content": "<extra>", "special": false}],
  "model": {"type": "BPE", "vocab": {"<unk>": 0, "a": 1, "b": 2, "ab": 3}, "merges": ["a b"]}
})";

} // namespace

TEST_CASE("summary of safetensors weights") {
    auto artifact = described("model.safetensors", Format::safetensors,
                              test::safetensors_bytes({{"w", "F16", {4, 8}}, {"b", "F32", {8}}}));
    Json summary = summarize(artifact);
    CHECK(summary["tensors"] == 2);
    CHECK(summary["parameters"] == 40);
    CHECK(summary["dtypes"] == Json::array({"F16", "F32"}));
    CHECK(summary_line(artifact) == "2 tensors, 40 params, F16,F32");
}

TEST_CASE("summary of model config") {
    auto artifact = described("config.json", Format::model_config, llama_config);
    Json summary = summarize(artifact);
    CHECK(summary["model_type"] == "llama");
    CHECK(summary["vocab_size"] == 32000);
    CHECK(summary["hidden_size"] == 4096);
    CHECK(summary["num_hidden_layers"] == 32);
    CHECK(summary["torch_dtype"] == "float16");
    CHECK(summary["bos_token_id"] == 1);
    CHECK(summary["eos_token_id"] == 2);
    CHECK(summary_line(artifact) == "llama, vocab_size 32000, hidden 4096, 32 layers, float16");
}

TEST_CASE("summary of nested text config") {
    auto artifact = described("config.json", Format::model_config,
                              R"({"model_type": "llava", "text_config": {"model_type": "llama",
                                  "vocab_size": 32064, "hidden_size": 4096}})");
    Json summary = summarize(artifact);
    CHECK(summary["model_type"] == "llava");
    CHECK(summary["vocab_size"] == 32064);
    CHECK(summary["text_config"]["hidden_size"] == 4096);
}

TEST_CASE("summary of tokenizer json") {
    auto artifact = described("tokenizer.json", Format::tokenizer_json, tokenizer_json);
    Json summary = summarize(artifact);
    CHECK(summary["model_type"] == "BPE");
    CHECK(summary["vocab_size"] == 5);
    CHECK(summary["base_vocab_size"] == 4);
    CHECK(summary["added_tokens"] == 2);
    CHECK(summary["special_tokens"] == 1);
    CHECK(summary["max_id"] == 4);
    CHECK(summary_line(artifact) == "BPE, 5 tokens, 2 added tokens");
}

TEST_CASE("summary singular counts") {
    auto weights = described("model.safetensors", Format::safetensors,
                             test::safetensors_bytes({{"w", "F16", {1}}}));
    CHECK(summary_line(weights) == "1 tensor, 1 param, F16");
    auto config = described("config.json", Format::model_config,
                            R"({"model_type": "bert", "num_hidden_layers": 1})");
    CHECK(summary_line(config) == "bert, 1 layer");
    auto vocabulary = described("vocab.txt", Format::vocab_txt, "[PAD]\n");
    CHECK(summary_line(vocabulary) == "1 token, max id 0");
}

TEST_CASE("summary of tokenizer json without added tokens") {
    auto artifact = described("tokenizer.json", Format::tokenizer_json,
                              R"({"model": {"type": "WordLevel", "vocab": {"a": 0, "b": 1}}})");
    CHECK(summary_line(artifact) == "WordLevel, 2 tokens");
}

TEST_CASE("summary of tokenizer config") {
    auto legacy = described("tokenizer_config.json", Format::tokenizer_config,
                            R"({"tokenizer_class": "LlamaTokenizer", "bos_token": "<s>"})");
    CHECK(summary_line(legacy) == "LlamaTokenizer");
    auto decoder = described("tokenizer_config.json", Format::tokenizer_config, R"({
      "tokenizer_class": "LlamaTokenizer",
      "added_tokens_decoder": {"0": {"content": "<unk>", "special": true},
                               "1": {"content": "<s>", "special": true},
                               "2": {"content": "</s>", "special": true}},
      "additional_special_tokens": ["<tool>"],
      "chat_template": "{{ messages }}"})");
    CHECK(summary_line(decoder) == "LlamaTokenizer, 3 added tokens in added_tokens_decoder, "
                                   "1 additional special token, chat template");
}

TEST_CASE("summary of special tokens map") {
    auto named = described("special_tokens_map.json", Format::special_tokens_map,
                           R"({"bos_token": "<s>", "eos_token": "</s>",
                               "additional_special_tokens": []})");
    CHECK(summary_line(named) == "2 special tokens (bos_token, eos_token)");
    auto additional = described("special_tokens_map.json", Format::special_tokens_map,
                                R"({"pad_token": "<pad>",
                                    "additional_special_tokens": ["<a>", "<b>"]})");
    CHECK(summary_line(additional) == "1 special token (pad_token), 2 additional special tokens");
    auto empty = described("special_tokens_map.json", Format::special_tokens_map, "{}");
    CHECK(summary_line(empty) == "no special tokens");
}

TEST_CASE("summary of trainer state") {
    auto artifact = described("trainer_state.json", Format::trainer_state,
                              R"({"global_step": 375, "epoch": 3.0, "best_metric": 0.25,
                                  "log_history": [{"loss": 1.0}, {"loss": 0.5}]})");
    Json summary = summarize(artifact);
    CHECK(summary["global_step"] == 375);
    CHECK(summary["epoch"] == 3.0);
    CHECK(summary["log_entries"] == 2);
    CHECK(summary_line(artifact) == "step 375, epoch 3.00");
}

TEST_CASE("summary of vocab txt") {
    auto artifact = described("vocab.txt", Format::vocab_txt, "[PAD]\n[UNK]\nhello\n");
    CHECK(summarize(artifact)["vocab_size"] == 3);
    CHECK(summary_line(artifact) == "3 tokens, max id 2");
}

TEST_CASE("summary of a missing LFS object") {
    Artifact artifact;
    artifact.path = "model.safetensors";
    artifact.storage = Storage::lfs_missing;
    CHECK(summarize(artifact) == Json::object());
    CHECK(summary_line(artifact) == "LFS object not present locally");
    CHECK(artifact.is_lfs());
    CHECK_FALSE(artifact.content_present());
}

TEST_CASE("summary of a malformed file") {
    auto artifact = described("config.json", Format::model_config, "{\"vocab_size\": }");
    CHECK(summary_line(artifact).rfind("error: invalid JSON at line 1, column 16", 0) == 0);
}

TEST_CASE("artifact get by type") {
    auto artifact = described("config.json", Format::model_config, llama_config);
    REQUIRE(artifact.get<formats::ModelConfig>() != nullptr);
    CHECK(artifact.get<formats::ModelConfig>()->vocab_size == 32000);
    CHECK(artifact.get<formats::TokenizerJson>() == nullptr);
    Artifact empty;
    CHECK(empty.get<formats::ModelConfig>() == nullptr);
}

TEST_CASE("description json round trip") {
    // What the cache stores must read back to the same summary.
    std::vector<Artifact> artifacts = {
        described("config.json", Format::model_config, llama_config),
        described("tokenizer.json", Format::tokenizer_json, tokenizer_json),
        described("model.safetensors", Format::safetensors,
                  test::safetensors_bytes({{"w", "BF16", {3, 4}}}, {{"format", "pt"}})),
        described("vocab.txt", Format::vocab_txt, "a\nb\n"),
        described("broken.json", Format::json, "{"),
        described("README.md", Format::markdown, "# card"),
    };
    for (const auto& artifact : artifacts) {
        CAPTURE(artifact.path);
        Json stored = to_json(*artifact.description);
        Json reparsed = Json::parse(stored.dump());
        Artifact copy = artifact;
        copy.description = std::make_shared<const Description>(description_from_json(reparsed));
        CHECK(copy.description->format == artifact.description->format);
        CHECK(copy.description->error == artifact.description->error);
        CHECK(copy.description->metadata.index() == artifact.description->metadata.index());
        CHECK(summarize(copy) == summarize(artifact));
        CHECK(summary_line(copy) == summary_line(artifact));
    }
}

TEST_CASE("description from unknown json") {
    // A cache entry of an unknown format or kind reads as an empty binary.
    Description description = description_from_json(Json{{"format", "nonsense"}, {"kind", 0}});
    CHECK(description.format == Format::binary);
    CHECK(std::holds_alternative<std::monostate>(description.metadata));
}
