#include "mlv/formats/hf_config.hpp"

#include "formats/json_members.hpp"

#include <array>
#include <utility>

namespace mlv::formats {
namespace {

using detail::MemberReader;
using detail::parse_object;

// Canonical keys and their aliases from older or architecture-specific
// configs (GPT-2, GPT-J, T5, Qwen2-MoE), in the order they are tried.
struct KeyAliases {
    std::string_view canonical;
    std::array<std::string_view, 2> aliases;
};

constexpr KeyAliases hidden_size_keys{"hidden_size", {"n_embd", "d_model"}};
constexpr KeyAliases layer_count_keys{"num_hidden_layers", {"n_layer", "num_layers"}};
constexpr KeyAliases head_count_keys{"num_attention_heads", {"n_head", "num_heads"}};
constexpr KeyAliases position_keys{"max_position_embeddings", {"n_positions", {}}};
constexpr KeyAliases intermediate_keys{"intermediate_size", {"n_inner", "d_ff"}};
constexpr KeyAliases expert_keys{"num_local_experts", {"num_experts", {}}};

// Reads an integer under its canonical key, else under the first alias
// present. A wrong type under any of the keys is an error.
std::optional<int64_t> aliased_integer(MemberReader& reader, const KeyAliases& keys) {
    if (reader.find(keys.canonical) != nullptr) {
        return reader.integer(keys.canonical);
    }
    for (std::string_view alias : keys.aliases) {
        if (!alias.empty() && reader.find(alias) != nullptr) {
            return reader.integer(alias);
        }
    }
    return std::nullopt;
}

SpecialTokenIds read_token_ids(MemberReader& reader) {
    SpecialTokenIds ids;
    ids.bos = reader.token_ids("bos_token_id");
    ids.eos = reader.token_ids("eos_token_id");
    ids.pad = reader.token_ids("pad_token_id");
    ids.unk = reader.token_ids("unk_token_id");
    ids.sep = reader.token_ids("sep_token_id");
    ids.decoder_start = reader.token_ids("decoder_start_token_id");
    return ids;
}

enum class Nesting { read_text_config, ignore_text_config };

// Reads the modelled fields of a config object. `key_prefix` names a nested
// object in errors.
Result<ModelConfig> read_model_config(const Json& object, const std::string& key_prefix,
                                      Nesting nesting) {
    MemberReader reader(object, key_prefix);
    ModelConfig config;

    config.architectures = reader.strings("architectures");
    config.model_type = reader.string("model_type");
    config.vocab_size = reader.integer("vocab_size");
    config.hidden_size = aliased_integer(reader, hidden_size_keys);
    config.intermediate_size = aliased_integer(reader, intermediate_keys);
    config.num_hidden_layers = aliased_integer(reader, layer_count_keys);
    config.num_attention_heads = aliased_integer(reader, head_count_keys);
    config.num_key_value_heads = reader.integer("num_key_value_heads");
    config.max_position_embeddings = aliased_integer(reader, position_keys);
    config.num_local_experts = aliased_integer(reader, expert_keys);

    // transformers 4.56 renamed torch_dtype to dtype and, like it, the newer
    // key wins when a config has both.
    config.torch_dtype =
        reader.find("dtype") != nullptr ? reader.string("dtype") : reader.string("torch_dtype");
    config.tie_word_embeddings = reader.boolean("tie_word_embeddings");
    config.name_or_path = reader.string("_name_or_path");
    config.transformers_version = reader.string("transformers_version");
    config.token_ids = read_token_ids(reader);
    if (reader.error()) {
        return *reader.error();
    }

    if (const Json* text_config = reader.find("text_config");
        text_config != nullptr && nesting == Nesting::read_text_config) {
        if (!text_config->is_object()) {
            reader.reject("text_config", *text_config, "an object");
            return *reader.error();
        }
        auto nested = read_model_config(*text_config, key_prefix + "text_config.",
                                        Nesting::ignore_text_config);
        if (!nested) {
            return nested.error();
        }
        config.text_config.push_back(std::move(nested.value()));
    }

    config.raw = object;
    return config;
}

// Reads member `key` of a cached object into `out` when present and not
// null, so that missing keys keep the default as
// NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT does.
template <class T> void read_member(const Json& in, const char* key, T& out) {
    auto it = in.find(key);
    if (it != in.end() && !it->is_null()) {
        it->get_to(out);
    }
}

} // namespace

void to_json(Json& out, const ModelConfig& config) {
    Json text_config = Json::array();
    for (const auto& nested : config.text_config) {
        Json nested_json;
        to_json(nested_json, nested);
        text_config.push_back(std::move(nested_json));
    }

    out = Json{{"architectures", config.architectures},
               {"model_type", config.model_type},
               {"vocab_size", config.vocab_size},
               {"hidden_size", config.hidden_size},
               {"intermediate_size", config.intermediate_size},
               {"num_hidden_layers", config.num_hidden_layers},
               {"num_attention_heads", config.num_attention_heads},
               {"num_key_value_heads", config.num_key_value_heads},
               {"max_position_embeddings", config.max_position_embeddings},
               {"num_local_experts", config.num_local_experts},
               {"torch_dtype", config.torch_dtype},
               {"tie_word_embeddings", config.tie_word_embeddings},
               {"name_or_path", config.name_or_path},
               {"transformers_version", config.transformers_version},
               {"token_ids", config.token_ids},
               {"text_config", std::move(text_config)},
               {"raw", config.raw}};
}

void from_json(const Json& in, ModelConfig& config) {
    config = ModelConfig{};
    read_member(in, "architectures", config.architectures);
    read_member(in, "model_type", config.model_type);
    read_member(in, "vocab_size", config.vocab_size);
    read_member(in, "hidden_size", config.hidden_size);
    read_member(in, "intermediate_size", config.intermediate_size);
    read_member(in, "num_hidden_layers", config.num_hidden_layers);
    read_member(in, "num_attention_heads", config.num_attention_heads);
    read_member(in, "num_key_value_heads", config.num_key_value_heads);
    read_member(in, "max_position_embeddings", config.max_position_embeddings);
    read_member(in, "num_local_experts", config.num_local_experts);
    read_member(in, "torch_dtype", config.torch_dtype);
    read_member(in, "tie_word_embeddings", config.tie_word_embeddings);
    read_member(in, "name_or_path", config.name_or_path);
    read_member(in, "transformers_version", config.transformers_version);
    read_member(in, "token_ids", config.token_ids);

    if (auto it = in.find("text_config"); it != in.end() && it->is_array()) {
        for (const auto& nested_json : *it) {
            ModelConfig nested;
            from_json(nested_json, nested);
            config.text_config.push_back(std::move(nested));
        }
    }

    // `raw` may itself be null (a config cached before it was read), so copy
    // it as it is rather than skipping null.
    if (auto it = in.find("raw"); it != in.end()) {
        config.raw = *it;
    }
}

void to_json(Json& out, const GenerationConfig& config) {
    out = Json{{"token_ids", config.token_ids},
               {"do_sample", config.do_sample},
               {"temperature", config.temperature},
               {"top_p", config.top_p},
               {"top_k", config.top_k},
               {"typical_p", config.typical_p},
               {"max_length", config.max_length},
               {"max_new_tokens", config.max_new_tokens},
               {"raw", config.raw}};
}

void from_json(const Json& in, GenerationConfig& config) {
    config = GenerationConfig{};
    read_member(in, "token_ids", config.token_ids);
    read_member(in, "do_sample", config.do_sample);
    read_member(in, "temperature", config.temperature);
    read_member(in, "top_p", config.top_p);
    read_member(in, "top_k", config.top_k);
    read_member(in, "typical_p", config.typical_p);
    read_member(in, "max_length", config.max_length);
    read_member(in, "max_new_tokens", config.max_new_tokens);
    if (auto it = in.find("raw"); it != in.end()) {
        config.raw = *it;
    }
}

const std::vector<std::string>& structural_config_keys() {
    static const std::vector<std::string> keys = {
        // Shared by most decoder-only and encoder-only configs.
        "architectures", "model_type", "vocab_size", "hidden_size", "intermediate_size",
        "num_hidden_layers", "num_attention_heads", "num_key_value_heads", "head_dim",
        "tie_word_embeddings", "type_vocab_size",
        // Mixture of experts (Mixtral, Qwen2-MoE).
        "num_local_experts", "num_experts", "num_experts_per_tok", "moe_intermediate_size",
        // Aliases: GPT-2, GPT-J and GPT-BigCode.
        "n_embd", "n_layer", "n_head", "n_inner", "multi_query",
        // Aliases and extra sizes: T5 and other encoder-decoders (Whisper).
        "d_model", "d_ff", "d_kv", "num_layers", "num_heads", "num_decoder_layers",
        "encoder_layers", "decoder_layers", "encoder_attention_heads", "decoder_attention_heads",
        "encoder_ffn_dim", "decoder_ffn_dim"};
    return keys;
}

const std::vector<std::string>& context_config_keys() {
    static const std::vector<std::string> keys = {"max_position_embeddings",
                                                  "n_positions",
                                                  "n_ctx",
                                                  "max_source_positions",
                                                  "max_target_positions",
                                                  "rope_theta",
                                                  "rope_scaling",
                                                  "rope_parameters",
                                                  "partial_rotary_factor",
                                                  "sliding_window",
                                                  "position_embedding_type"};
    return keys;
}

Result<ModelConfig> parse_model_config(std::string_view text) {
    auto document = parse_object(text, "config.json");
    if (!document) {
        return document.error();
    }
    return read_model_config(*document, "", Nesting::read_text_config);
}

Result<GenerationConfig> parse_generation_config(std::string_view text) {
    auto document = parse_object(text, "generation_config.json");
    if (!document) {
        return document.error();
    }

    MemberReader reader(*document);
    GenerationConfig config;
    config.token_ids = read_token_ids(reader);
    config.do_sample = reader.boolean("do_sample");
    config.temperature = reader.number("temperature");
    config.top_p = reader.number("top_p");
    config.top_k = reader.integer("top_k");
    config.typical_p = reader.number("typical_p");
    config.max_length = reader.integer("max_length");
    config.max_new_tokens = reader.integer("max_new_tokens");
    if (reader.error()) {
        return *reader.error();
    }
    config.raw = std::move(document.value());
    return config;
}

Result<AdapterConfig> parse_adapter_config(std::string_view text) {
    auto document = parse_object(text, "adapter_config.json");
    if (!document) {
        return document.error();
    }

    MemberReader reader(*document);
    AdapterConfig config;
    config.peft_type = reader.string("peft_type");
    config.base_model_name_or_path = reader.string("base_model_name_or_path");
    config.r = reader.integer("r");
    config.lora_alpha = reader.number("lora_alpha");
    // PEFT accepts a list of module names or one string, which it matches as
    // a regular expression against the full module name.
    config.target_modules =
        reader.strings("target_modules", MemberReader::StringForm::list_or_single);
    config.task_type = reader.string("task_type");
    if (reader.error()) {
        return *reader.error();
    }
    return config;
}

Result<TrainerState> parse_trainer_state(std::string_view text) {
    auto document = parse_object(text, "trainer_state.json");
    if (!document) {
        return document.error();
    }

    MemberReader reader(*document);
    TrainerState state;
    state.global_step = reader.integer("global_step");
    state.epoch = reader.number("epoch");
    state.max_steps = reader.integer("max_steps");
    state.num_train_epochs = reader.number("num_train_epochs");
    state.best_metric = reader.number("best_metric");
    state.best_model_checkpoint = reader.string("best_model_checkpoint");
    if (reader.error()) {
        return *reader.error();
    }

    const Json* log_history = reader.find("log_history");
    if (log_history == nullptr) {
        return state;
    }
    if (!log_history->is_array()) {
        reader.reject("log_history", *log_history, "an array");
        return *reader.error();
    }
    state.log_history_length = log_history->size();

    // Evaluation entries ("eval_loss") and the final summary ("train_loss")
    // have no "loss", so the last training loss is in an earlier entry.
    for (auto it = log_history->rbegin(); it != log_history->rend(); ++it) {
        if (auto loss = json_number(*it, "loss")) {
            state.last_loss = loss;
            break;
        }
    }
    return state;
}

} // namespace mlv::formats
