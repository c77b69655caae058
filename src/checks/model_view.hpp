// A per-directory view of a snapshot for the rules: which files form one
// model (config, tokenizer files, weights) and the tensors they declare.
//
// Hugging Face repositories keep one model per directory (the top, or
// subfolders such as `text_encoder/` or `checkpoint-500/`), so the rules
// compare files of the same directory only.
#pragma once

#include "mlv/artifacts/snapshot.hpp"
#include "mlv/checks/finding.hpp"

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace mlv::checks::detail {

// "'model.safetensors'" — paths and tokens are quoted in messages.
std::string quote(std::string_view text);

// A tensor a weight set declares. `info` is null when only a shard index
// names the tensor (its shard is absent, an LFS pointer without its object,
// or not a safetensors file).
struct TensorEntry {
    std::string name;
    std::string path; // the file that holds or would hold it
    const formats::TensorInfo* info = nullptr;
};

// The tensors of one loadable model: a shard index with its shards, a
// standalone safetensors file with a standard name (is_standard_weights_name),
// or a GGUF file.
struct WeightSet {
    std::string path; // the index or the file
    const artifacts::Artifact* index = nullptr;
    const formats::GgufFile* gguf = nullptr;
    std::vector<TensorEntry> tensors;
    bool headers_complete = true; // every tensor has its info
};

// Where a token's id comes from.
struct TokenSource {
    const artifacts::Artifact* artifact = nullptr;
    std::vector<std::pair<std::string, int64_t>> tokens;
    // A full vocabulary (tokenizer.json, vocab.txt, vocab.json, a
    // SentencePiece model) rather than added tokens only.
    bool full = false;
    std::vector<std::string> special; // tokens flagged special in this file
};

struct ModelDirectory {
    std::string directory;
    const artifacts::Artifact* config = nullptr;
    const formats::ModelConfig* model_config = nullptr;
    const artifacts::Artifact* generation = nullptr;
    const formats::GenerationConfig* generation_config = nullptr;
    const artifacts::Artifact* tokenizer_config_file = nullptr;
    const formats::TokenizerConfig* tokenizer_config = nullptr;
    const artifacts::Artifact* special_tokens_map_file = nullptr;
    const formats::SpecialTokensMap* special_tokens_map = nullptr;
    std::vector<TokenSource> token_sources;
    std::vector<const artifacts::Artifact*> chat_template_files;
    std::vector<WeightSet> weight_sets;
    std::vector<const artifacts::Artifact*> artifacts; // every file of the directory
};

// Returns whether `file_name` is a name under which Hugging Face libraries
// load a model's weights: `model.safetensors`, `pytorch_model.bin`,
// `tf_model.h5`, `flax_model.msgpack`, `model.onnx`, diffusers'
// `diffusion_pytorch_model.{safetensors,bin}` and `diffusion_flax_model.msgpack`,
// each optionally with a variant (`model.fp16.safetensors`) and a shard
// suffix (`model-00001-of-00002.safetensors`, `model.fp16-00001-of-00002.safetensors`).
bool is_standard_weights_name(std::string_view file_name);

// The paths of the weights files in `state` that form the model their
// directory's config.json describes: every file a shard index names, and
// files with a standard name. Other weights files (`zz.safetensors`, PEFT's
// `adapter_model.safetensors`, Mistral's `consolidated.safetensors`) are
// extra files that no rule compares with config.json or the tokenizer.
std::set<std::string> model_weights_paths(const artifacts::Snapshot& state);

// Groups the artifacts of `state` by directory. Pointers into `state` stay
// valid as long as it lives.
std::vector<ModelDirectory> model_directories(const artifacts::Snapshot& state);

// The config value, or the same value of its `text_config` (multimodal
// configs nest the language model's settings there).
std::optional<int64_t> config_vocab_size(const formats::ModelConfig& config);
std::optional<int64_t> config_hidden_size(const formats::ModelConfig& config);
std::optional<int64_t> config_layer_count(const formats::ModelConfig& config);

// Returns whether `name` is an input embedding (model.embed_tokens.weight,
// transformer.wte.weight, token_embd.weight, ...) or an output head
// (lm_head.weight, output.weight, embed_out.weight).
bool is_input_embedding(std::string_view name);
bool is_output_head(std::string_view name);

// The first dimension of a 2-D tensor, or nullopt.
std::optional<uint64_t> row_count(const formats::TensorInfo& info);

// Looks up every id a token has across `sources`.
std::vector<int64_t> ids_of(const std::vector<TokenSource>& sources, std::string_view token);

// The number of distinct ids of the tokenizer (max id + 1), or nullopt
// when no full vocabulary is present.
std::optional<int64_t> tokenizer_size(const ModelDirectory& directory);

// Formats up to `limit` items as "'a', 'b', 'c' and 4 more".
std::string list_quoted(const std::vector<std::string>& items, size_t limit = 5);
std::string list_ids(const std::vector<int64_t>& ids);

// Builds a finding with the rule's default severity from the catalog.
Finding make_finding(std::string_view rule, std::vector<std::string> paths, std::string message,
                     std::string hint, Json values = Json::object());

} // namespace mlv::checks::detail
