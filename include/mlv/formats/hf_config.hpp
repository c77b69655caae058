// Hugging Face configuration files: config.json, generation_config.json,
// adapter_config.json (PEFT) and trainer_state.json.
#pragma once

#include "mlv/util/json.hpp"
#include "mlv/util/result.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mlv::formats {

// Token id fields of configs; each may be an integer, a list (eos in many
// configs) or absent. Empty means absent or null.
struct SpecialTokenIds {
    std::vector<int64_t> bos;
    std::vector<int64_t> eos;
    std::vector<int64_t> pad;
    std::vector<int64_t> unk;
    std::vector<int64_t> sep;
    std::vector<int64_t> decoder_start;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SpecialTokenIds, bos, eos, pad, unk, sep,
                                                decoder_start)

// config.json, with the sizes under their common names. Aliases are folded
// in when the canonical key is absent or null: n_embd/d_model -> hidden_size,
// n_layer/num_layers -> num_hidden_layers, n_head/num_heads ->
// num_attention_heads, n_positions -> max_position_embeddings, n_inner/d_ff ->
// intermediate_size, num_experts (Qwen2-MoE) -> num_local_experts. The
// newer key "dtype" is read into torch_dtype and wins over "torch_dtype".
struct ModelConfig {
    std::vector<std::string> architectures;
    std::optional<std::string> model_type;
    std::optional<int64_t> vocab_size;
    std::optional<int64_t> hidden_size;
    std::optional<int64_t> intermediate_size;
    std::optional<int64_t> num_hidden_layers;
    std::optional<int64_t> num_attention_heads;
    std::optional<int64_t> num_key_value_heads;
    std::optional<int64_t> max_position_embeddings;
    std::optional<int64_t> num_local_experts;
    std::optional<std::string> torch_dtype; // "float16", "bfloat16", ...
    std::optional<bool> tie_word_embeddings;
    std::optional<std::string> name_or_path; // "_name_or_path"
    std::optional<std::string> transformers_version;
    SpecialTokenIds token_ids;
    // Multimodal configs nest the language model's settings; when present,
    // `text_config` holds them (itself without a further nesting).
    std::vector<ModelConfig> text_config; // zero or one element
    Json raw;                             // the whole object, for diffs of keys not modelled here
};
void to_json(Json& out, const ModelConfig& config);
void from_json(const Json& in, ModelConfig& config);

// The top-level config keys whose change alters tensor shapes or the module
// structure: vocab_size, hidden_size, intermediate_size, num_hidden_layers,
// the head counts, head_dim, the expert counts, model_type, architectures,
// tie_word_embeddings, and their aliases (n_embd, d_model, n_layer, n_head,
// ...). They apply to text_config's keys too.
//
// Context keys (max_position_embeddings, rope_*) are not in this list: see
// context_config_keys().
const std::vector<std::string>& structural_config_keys();

// The top-level config keys that set the context window or the position
// encoding: max_position_embeddings and its aliases, rope_theta,
// rope_scaling, sliding_window, ... With rotary embeddings (Llama, Qwen) they
// change no tensor shape, so editing them, as the Llama-2 config did when
// max_position_embeddings went from 2048 to 4096, leaves the weights valid
// but changes what inputs the model is meant for. Models with a learned
// position table (BERT, GPT-2) do size a tensor by max_position_embeddings;
// the tensor comparison reports that change on its own.
const std::vector<std::string>& context_config_keys();

// Parses config.json. Fails on invalid JSON (line and column), a top level
// that is not an object, or a known key, alias or text_config key with the
// wrong type ("'vocab_size' is a string, expected an integer"). An integer
// key whose value does not fit in 64 bits is such an error; unmodelled keys
// may hold any value and stay in `raw`.
Result<ModelConfig> parse_model_config(std::string_view text);

struct GenerationConfig {
    SpecialTokenIds token_ids;
    std::optional<bool> do_sample;
    std::optional<double> temperature;
    std::optional<double> top_p;
    std::optional<int64_t> top_k;
    std::optional<double> typical_p;
    std::optional<int64_t> max_length;
    std::optional<int64_t> max_new_tokens;
    Json raw;
};
void to_json(Json& out, const GenerationConfig& config);
void from_json(const Json& in, GenerationConfig& config);

// Parses generation_config.json, failing as parse_model_config does.
Result<GenerationConfig> parse_generation_config(std::string_view text);

// PEFT adapter_config.json.
struct AdapterConfig {
    std::optional<std::string> peft_type; // "LORA", ...
    std::optional<std::string> base_model_name_or_path;
    std::optional<int64_t> r;
    std::optional<double> lora_alpha;
    // A list of module names, or a single string (PEFT matches that one as
    // a regular expression) stored as a list of one.
    std::vector<std::string> target_modules;
    std::optional<std::string> task_type;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(AdapterConfig, peft_type, base_model_name_or_path,
                                                r, lora_alpha, target_modules, task_type)

Result<AdapterConfig> parse_adapter_config(std::string_view text);

// transformers Trainer's trainer_state.json.
struct TrainerState {
    std::optional<int64_t> global_step;
    std::optional<double> epoch;
    std::optional<int64_t> max_steps;
    std::optional<double> num_train_epochs;
    std::optional<double> best_metric;
    std::optional<std::string> best_model_checkpoint;
    uint64_t log_history_length = 0;
    // "loss" of the last log_history entry that has one: evaluation entries
    // and the final summary entry have none.
    std::optional<double> last_loss;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(TrainerState, global_step, epoch, max_steps,
                                                num_train_epochs, best_metric,
                                                best_model_checkpoint, log_history_length,
                                                last_loss)

Result<TrainerState> parse_trainer_state(std::string_view text);

} // namespace mlv::formats
