#include "mlv/artifacts/artifact.hpp"

#include "mlv/util/size.hpp"
#include "mlv/util/text.hpp"

#include <cmath>
#include <cstdio>
#include <set>

namespace mlv::artifacts {
namespace {

template <size_t I = 0> Metadata metadata_from_json(size_t kind, const Json& json) {
    if constexpr (I < std::variant_size_v<Metadata>) {
        if (kind == I) {
            using T = std::variant_alternative_t<I, Metadata>;
            if constexpr (std::is_same_v<T, std::monostate>) {
                return std::monostate{};
            } else {
                return json.get<T>();
            }
        }
        return metadata_from_json<I + 1>(kind, json);
    } else {
        return std::monostate{};
    }
}

std::set<std::string> dtypes_of(const std::vector<formats::TensorInfo>& tensors) {
    std::set<std::string> dtypes;
    for (const auto& tensor : tensors) {
        dtypes.insert(tensor.dtype);
    }
    return dtypes;
}

Json special_ids_json(const formats::SpecialTokenIds& ids) {
    Json out = Json::object();
    auto put = [&out](const char* key, const std::vector<int64_t>& values) {
        if (values.size() == 1) {
            out[key] = values.front();
        } else if (!values.empty()) {
            out[key] = values;
        }
    };
    put("bos_token_id", ids.bos);
    put("eos_token_id", ids.eos);
    put("pad_token_id", ids.pad);
    put("unk_token_id", ids.unk);
    return out;
}

size_t special_count(const std::vector<formats::AddedToken>& tokens) {
    size_t count = 0;
    for (const auto& token : tokens) {
        count += token.special ? 1 : 0;
    }
    return count;
}

struct Summarizer {
    Json operator()(const std::monostate&) const { return Json::object(); }

    Json operator()(const formats::SafetensorsHeader& header) const {
        return {{"tensors", header.tensors.size()},
                {"parameters", header.parameter_count},
                {"dtypes", dtypes_of(header.tensors)},
                {"header_size", header.header_size}};
    }
    Json operator()(const formats::ShardIndex& index) const {
        Json out = {{"shards", index.shards.size()}, {"tensors", index.weight_map.size()}};
        if (index.total_size) {
            out["total_size"] = *index.total_size;
        }
        return out;
    }
    Json operator()(const formats::GgufFile& gguf) const {
        Json out = {{"version", gguf.version},
                    {"tensors", gguf.tensors.size()},
                    {"parameters", gguf.parameter_count},
                    {"dtypes", dtypes_of(gguf.tensors)},
                    {"vocab_size", gguf.tokens.size()}};
        if (gguf.architecture) {
            out["architecture"] = *gguf.architecture;
        }
        if (gguf.tokenizer_model) {
            out["tokenizer_model"] = *gguf.tokenizer_model;
        }
        if (!gguf.special_token_ids.empty()) {
            out["special_token_ids"] = gguf.special_token_ids;
        }
        return out;
    }
    Json operator()(const formats::TorchCheckpoint& checkpoint) const {
        bool zip = checkpoint.layout == formats::TorchCheckpoint::Layout::zip;
        Json out = {{"layout", zip ? "zip" : "legacy-pickle"}};
        if (zip) {
            out["entries"] = checkpoint.entries.size();
            out["storages"] = checkpoint.storage_count;
            out["storage_bytes"] = checkpoint.storage_bytes;
        }
        return out;
    }
    Json operator()(const formats::OnnxModel& model) const {
        Json out = {{"nodes", model.node_count},
                    {"tensors", model.initializers.size()},
                    {"parameters", model.parameter_count}};
        if (model.producer_name) {
            out["producer"] = *model.producer_name;
        }
        if (model.ir_version) {
            out["ir_version"] = *model.ir_version;
        }
        return out;
    }
    Json operator()(const formats::ModelConfig& config) const {
        Json out = {{"model_type", config.model_type}, {"vocab_size", config.vocab_size}};
        if (!config.architectures.empty()) {
            out["architectures"] = config.architectures;
        }
        auto put = [&out](const char* key, const auto& value) {
            if (value) {
                out[key] = *value;
            }
        };
        put("hidden_size", config.hidden_size);
        put("num_hidden_layers", config.num_hidden_layers);
        put("num_attention_heads", config.num_attention_heads);
        put("num_key_value_heads", config.num_key_value_heads);
        put("torch_dtype", config.torch_dtype);
        put("tie_word_embeddings", config.tie_word_embeddings);
        // Multimodal configs keep the language model's sizes nested.
        if (!config.text_config.empty()) {
            const auto& text = config.text_config.front();
            if (!config.vocab_size && text.vocab_size) {
                out["vocab_size"] = *text.vocab_size;
            }
            out["text_config"] = (*this)(text);
        }
        out.update(special_ids_json(config.token_ids));
        return out;
    }
    Json operator()(const formats::GenerationConfig& config) const {
        Json out = special_ids_json(config.token_ids);
        auto put = [&out](const char* key, const auto& value) {
            if (value) {
                out[key] = *value;
            }
        };
        put("do_sample", config.do_sample);
        put("temperature", config.temperature);
        put("top_p", config.top_p);
        put("top_k", config.top_k);
        put("max_length", config.max_length);
        put("max_new_tokens", config.max_new_tokens);
        return out;
    }
    Json operator()(const formats::AdapterConfig& config) const {
        Json out = {{"peft_type", config.peft_type},
                    {"base_model", config.base_model_name_or_path},
                    {"r", config.r}};
        if (!config.target_modules.empty()) {
            out["target_modules"] = config.target_modules;
        }
        return out;
    }
    Json operator()(const formats::TrainerState& state) const {
        return {{"global_step", state.global_step},
                {"epoch", state.epoch},
                {"best_metric", state.best_metric},
                {"log_entries", state.log_history_length}};
    }
    Json operator()(const formats::TokenizerJson& tokenizer) const {
        return {{"model_type", tokenizer.model_type},
                {"vocab_size", tokenizer.total_size},
                {"base_vocab_size", tokenizer.vocab.entries.size()},
                {"added_tokens", tokenizer.added_tokens.size()},
                {"special_tokens", special_count(tokenizer.added_tokens)},
                {"max_id", tokenizer.max_id}};
    }
    Json operator()(const formats::TokenizerConfig& config) const {
        Json out = {{"tokenizer_class", config.tokenizer_class},
                    {"vocab_size", config.vocab_size},
                    {"special_tokens", config.special_tokens},
                    {"added_tokens", config.added_tokens_decoder.size()},
                    {"chat_template", !config.chat_templates.empty()}};
        return out;
    }
    Json operator()(const formats::SpecialTokensMap& map) const {
        return {{"special_tokens", map.special_tokens},
                {"additional_special_tokens", map.additional_special_tokens.size()}};
    }
    Json operator()(const formats::Vocabulary& vocabulary) const {
        return {{"vocab_size", vocabulary.entries.size()}, {"max_id", vocabulary.max_id}};
    }
    Json operator()(const formats::Merges& merges) const {
        return {{"merges", merges.count}, {"version", merges.version}};
    }
    Json operator()(const formats::SentencePieceModel& model) const {
        return {{"vocab_size", model.vocab.entries.size()},
                {"model_type", model.model_type},
                {"special_ids", model.special_ids},
                {"piece_types", model.type_counts}};
    }
    Json operator()(const formats::ChatTemplate& chat_template) const {
        return {{"characters", chat_template.source.size()}};
    }
};

} // namespace

std::string format_count(uint64_t value) {
    char buffer[32];
    if (value >= 1'000'000'000) {
        std::snprintf(buffer, sizeof buffer, "%.2fB", static_cast<double>(value) / 1e9);
    } else if (value >= 1'000'000) {
        std::snprintf(buffer, sizeof buffer, "%.1fM", static_cast<double>(value) / 1e6);
    } else if (value >= 10'000) {
        std::snprintf(buffer, sizeof buffer, "%.1fk", static_cast<double>(value) / 1e3);
    } else {
        std::snprintf(buffer, sizeof buffer, "%llu", static_cast<unsigned long long>(value));
    }
    return buffer;
}

namespace {

std::string join(const Json& array) {
    std::string out;
    for (const auto& item : array) {
        if (!out.empty()) {
            out += ",";
        }
        out += item.is_string() ? item.get<std::string>() : item.dump();
    }
    return out;
}

} // namespace

Json to_json(const Description& description) {
    Json out = {{"format", to_string(description.format)}, {"kind", description.metadata.index()}};
    if (description.error) {
        out["error"] = *description.error;
    }
    std::visit(
        [&out](const auto& metadata) {
            using T = std::decay_t<decltype(metadata)>;
            if constexpr (std::is_same_v<T, std::monostate>) {
                out["metadata"] = nullptr;
            } else {
                out["metadata"] = metadata;
            }
        },
        description.metadata);
    return out;
}

Description description_from_json(const Json& json) {
    Description description;
    description.format = parse_format(json.value("format", "binary")).value_or(Format::binary);
    if (json.contains("error") && json["error"].is_string()) {
        description.error = json["error"].get<std::string>();
    }
    size_t kind = json.value("kind", size_t{0});
    if (kind != 0 && json.contains("metadata")) {
        description.metadata = metadata_from_json(kind, json["metadata"]);
    }
    return description;
}

Json summarize(const Artifact& artifact) {
    if (!artifact.description) {
        return Json::object();
    }
    return std::visit(Summarizer{}, artifact.description->metadata);
}

std::string summary_line(const Artifact& artifact) {
    if (!artifact.content_present()) {
        return "LFS object not present locally";
    }
    if (!artifact.description) {
        return "";
    }
    if (artifact.description->error) {
        return "error: " + *artifact.description->error;
    }
    Json summary = summarize(artifact);
    const auto& metadata = artifact.description->metadata;

    if (std::holds_alternative<formats::SafetensorsHeader>(metadata) ||
        std::holds_alternative<formats::GgufFile>(metadata) ||
        std::holds_alternative<formats::OnnxModel>(metadata)) {
        uint64_t parameters = summary["parameters"].get<uint64_t>();
        std::string line = text::count_noun(summary["tensors"].get<uint64_t>(), "tensor") + ", " +
                           format_count(parameters) + " " + text::noun_for(parameters, "param");
        if (summary.contains("dtypes") && !summary["dtypes"].empty()) {
            line += ", " + join(summary["dtypes"]);
        }
        if (summary.contains("vocab_size") && summary["vocab_size"].get<uint64_t>() > 0) {
            line += ", " + text::count_noun(summary["vocab_size"].get<uint64_t>(), "token");
        }
        return line;
    }
    if (const auto* index = std::get_if<formats::ShardIndex>(&metadata)) {
        std::string line = text::count_noun(index->shards.size(), "shard") + ", " +
                           text::count_noun(index->weight_map.size(), "tensor");
        if (index->total_size) {
            line += ", " + format_size(*index->total_size);
        }
        return line;
    }
    if (const auto* checkpoint = std::get_if<formats::TorchCheckpoint>(&metadata)) {
        if (checkpoint->layout == formats::TorchCheckpoint::Layout::legacy_pickle) {
            return "legacy pickle (not loaded)";
        }
        return "zip checkpoint, " + text::count_noun(checkpoint->storage_count, "storage") + ", " +
               format_size(checkpoint->storage_bytes) + " (pickle not loaded)";
    }
    if (const auto* config = std::get_if<formats::ModelConfig>(&metadata)) {
        std::string line = config->model_type.value_or("unknown model_type");
        if (summary["vocab_size"].is_number()) {
            line += ", vocab_size " + summary["vocab_size"].dump();
        }
        if (config->hidden_size) {
            line += ", hidden " + std::to_string(*config->hidden_size);
        }
        if (config->num_hidden_layers) {
            line += ", " + text::count_noun(*config->num_hidden_layers, "layer");
        }
        if (config->torch_dtype) {
            line += ", " + *config->torch_dtype;
        }
        return line;
    }
    if (const auto* state = std::get_if<formats::TrainerState>(&metadata)) {
        std::string line =
            "step " + (state->global_step ? std::to_string(*state->global_step) : "?");
        if (state->epoch) {
            char buffer[32];
            std::snprintf(buffer, sizeof buffer, "%.2f", *state->epoch);
            line += ", epoch " + std::string(buffer);
        }
        return line;
    }
    // tokenizer.json lists added tokens in "added_tokens", and
    // tokenizer_config.json in "added_tokens_decoder". Both lines read "added
    // tokens". The config's line names its key because older configs lack it.
    if (const auto* tokenizer = std::get_if<formats::TokenizerJson>(&metadata)) {
        std::string line =
            tokenizer->model_type + ", " + text::count_noun(tokenizer->total_size, "token");
        if (!tokenizer->added_tokens.empty()) {
            line += ", " + text::count_noun(tokenizer->added_tokens.size(), "added token");
        }
        return line;
    }
    if (const auto* vocabulary = std::get_if<formats::Vocabulary>(&metadata)) {
        return text::count_noun(vocabulary->entries.size(), "token") + ", max id " +
               std::to_string(vocabulary->max_id);
    }
    if (const auto* model = std::get_if<formats::SentencePieceModel>(&metadata)) {
        return "sentencepiece, " + text::count_noun(model->vocab.entries.size(), "piece");
    }
    if (const auto* config = std::get_if<formats::TokenizerConfig>(&metadata)) {
        std::string line = config->tokenizer_class.value_or("tokenizer config");
        if (!config->added_tokens_decoder.empty()) {
            line += ", " + text::count_noun(config->added_tokens_decoder.size(), "added token") +
                    " in added_tokens_decoder";
        }
        if (!config->additional_special_tokens.empty()) {
            line += ", " + text::count_noun(config->additional_special_tokens.size(),
                                            "additional special token");
        }
        if (!config->chat_templates.empty()) {
            line += ", chat template";
        }
        return line;
    }
    if (const auto* map = std::get_if<formats::SpecialTokensMap>(&metadata)) {
        if (map->special_tokens.empty() && map->additional_special_tokens.empty()) {
            return "no special tokens";
        }
        std::string line;
        if (!map->special_tokens.empty()) {
            line = text::count_noun(map->special_tokens.size(), "special token") + " (";
            for (const auto& [name, token] : map->special_tokens) {
                line += (line.back() == '(' ? "" : ", ") + name;
            }
            line += ")";
        }
        if (!map->additional_special_tokens.empty()) {
            line +=
                (line.empty() ? "" : ", ") +
                text::count_noun(map->additional_special_tokens.size(), "additional special token");
        }
        return line;
    }
    std::string line;
    for (const auto& [key, value] : summary.items()) {
        if (value.is_null() || value.is_object() || value.is_array()) {
            continue;
        }
        if (!line.empty()) {
            line += ", ";
        }
        line += key + " " + (value.is_string() ? value.get<std::string>() : value.dump());
    }
    return line;
}

} // namespace mlv::artifacts
