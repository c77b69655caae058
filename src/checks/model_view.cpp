#include "model_view.hpp"

#include "mlv/formats/shard_index.hpp"
#include "mlv/util/path.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace mlv::checks::detail {

using artifacts::Artifact;
using artifacts::Format;

std::string quote(std::string_view text) {
    return "'" + std::string(text) + "'";
}

namespace {

bool ends_with(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// `name` is `suffix` or ends with "." + suffix.
bool has_component_suffix(std::string_view name, std::string_view suffix) {
    if (name == suffix) {
        return true;
    }
    return name.size() > suffix.size() && ends_with(name, suffix) &&
           name[name.size() - suffix.size() - 1] == '.';
}

// Vision and audio towers of multimodal models have their own embeddings,
// which say nothing about the text vocabulary.
bool belongs_to_other_modality(std::string_view name) {
    for (std::string_view word : {"vision", "visual", "audio", "image"}) {
        if (name.find(word) != std::string_view::npos) {
            return true;
        }
    }
    return false;
}

std::map<std::string, const formats::TensorInfo*> tensors_by_name(const Artifact& artifact) {
    std::map<std::string, const formats::TensorInfo*> out;
    if (const auto* header = artifact.get<formats::SafetensorsHeader>()) {
        for (const auto& tensor : header->tensors) {
            out.emplace(tensor.name, &tensor);
        }
    }
    return out;
}

// Weight sets from the shard indexes of a directory; fills `referenced`
// with the shard paths they name.
void add_index_weight_sets(ModelDirectory& directory, const artifacts::Snapshot& state,
                           std::set<std::string>& referenced) {
    for (const auto* artifact : directory.artifacts) {
        const auto* index = artifact->get<formats::ShardIndex>();
        if (index == nullptr) {
            continue;
        }

        WeightSet set;
        set.path = artifact->path;
        set.index = artifact;
        std::map<std::string, std::map<std::string, const formats::TensorInfo*>> headers;
        for (const auto& shard : index->shards) {
            std::string shard_path = directory.directory + shard;
            referenced.insert(shard_path);
            for (const auto& candidate : state.artifacts) {
                if (candidate.path == shard_path) {
                    headers[shard_path] = tensors_by_name(candidate);
                }
            }
        }

        for (const auto& [name, shard] : index->weight_map) {
            TensorEntry entry{name, directory.directory + shard, nullptr};
            auto header = headers.find(entry.path);
            if (header != headers.end()) {
                auto tensor = header->second.find(name);
                entry.info = tensor == header->second.end() ? nullptr : tensor->second;
            }
            set.headers_complete = set.headers_complete && entry.info != nullptr;
            set.tensors.push_back(std::move(entry));
        }
        directory.weight_sets.push_back(std::move(set));
    }
}

// Weight sets from standalone files: GGUF files, which carry their own
// metadata, and safetensors files with a standard name that no index names.
// A shard without an index is left to the shard rules.
void add_file_weight_sets(ModelDirectory& directory, const std::set<std::string>& referenced) {
    for (const auto* artifact : directory.artifacts) {
        if (const auto* gguf = artifact->get<formats::GgufFile>()) {
            WeightSet set;
            set.path = artifact->path;
            set.gguf = gguf;
            for (const auto& tensor : gguf->tensors) {
                set.tensors.push_back({tensor.name, artifact->path, &tensor});
            }
            directory.weight_sets.push_back(std::move(set));
            continue;
        }

        const auto* header = artifact->get<formats::SafetensorsHeader>();
        auto name = path_file_name(artifact->path);
        if (header == nullptr || referenced.count(artifact->path) != 0 ||
            !is_standard_weights_name(name) || formats::parse_shard_number(name).has_value()) {
            continue;
        }
        WeightSet set;
        set.path = artifact->path;
        for (const auto& tensor : header->tensors) {
            set.tensors.push_back({tensor.name, artifact->path, &tensor});
        }
        directory.weight_sets.push_back(std::move(set));
    }
}

void add_token_source(ModelDirectory& directory, const Artifact& artifact) {
    TokenSource source;
    source.artifact = &artifact;

    if (const auto* tokenizer = artifact.get<formats::TokenizerJson>()) {
        source.full = true;
        source.tokens = tokenizer->vocab.entries;
        for (const auto& added : tokenizer->added_tokens) {
            if (added.id >= 0) {
                source.tokens.emplace_back(added.content, added.id);
            }
            if (added.special) {
                source.special.push_back(added.content);
            }
        }
    } else if (const auto* config = artifact.get<formats::TokenizerConfig>()) {
        for (const auto& added : config->added_tokens_decoder) {
            if (added.id >= 0) {
                source.tokens.emplace_back(added.content, added.id);
            }
            if (added.special) {
                source.special.push_back(added.content);
            }
        }
    } else if (const auto* vocabulary = artifact.get<formats::Vocabulary>()) {
        source.full = artifact.format != Format::added_tokens;
        source.tokens = vocabulary->entries;
    } else if (const auto* model = artifact.get<formats::SentencePieceModel>()) {
        source.full = true;
        source.tokens = model->vocab.entries;
    } else {
        return;
    }

    if (source.tokens.empty() && source.special.empty()) {
        return;
    }
    directory.token_sources.push_back(std::move(source));
}

void classify(ModelDirectory& directory, const Artifact& artifact) {
    if (const auto* config = artifact.get<formats::ModelConfig>()) {
        directory.config = &artifact;
        directory.model_config = config;
    } else if (const auto* generation = artifact.get<formats::GenerationConfig>()) {
        directory.generation = &artifact;
        directory.generation_config = generation;
    } else if (const auto* tokenizer_config = artifact.get<formats::TokenizerConfig>()) {
        directory.tokenizer_config_file = &artifact;
        directory.tokenizer_config = tokenizer_config;
    } else if (const auto* map = artifact.get<formats::SpecialTokensMap>()) {
        directory.special_tokens_map_file = &artifact;
        directory.special_tokens_map = map;
    } else if (artifact.get<formats::ChatTemplate>() != nullptr) {
        directory.chat_template_files.push_back(&artifact);
    }
    add_token_source(directory, artifact);
}

// "a/text_encoder_2/" -> "a/tokenizer_2/"; empty when `directory` is not a
// diffusers text encoder folder.
std::string diffusers_tokenizer_of(const std::string& directory) {
    if (directory.empty()) {
        return {};
    }
    std::string_view trimmed(directory.data(), directory.size() - 1);
    auto slash = trimmed.rfind('/');
    std::string parent(slash == std::string_view::npos ? "" : trimmed.substr(0, slash + 1));
    std::string_view name = slash == std::string_view::npos ? trimmed : trimmed.substr(slash + 1);

    constexpr std::string_view prefix = "text_encoder";
    if (name.substr(0, prefix.size()) != prefix) {
        return {};
    }
    std::string_view suffix = name.substr(prefix.size()); // "" or "_2"
    if (!suffix.empty() && (suffix.size() < 2 || suffix[0] != '_' ||
                            suffix.find_first_not_of("0123456789", 1) != std::string_view::npos)) {
        return {};
    }
    return parent + "tokenizer" + std::string(suffix) + "/";
}

// A diffusers pipeline (model_index.json at its top) keeps each text
// encoder's tokenizer in a sibling folder: text_encoder/ reads tokenizer/,
// text_encoder_2/ reads tokenizer_2/. The encoder's view gets the sibling's
// token ids, so that the vocabulary rules compare them with its vocab_size
// and embedding. Named special tokens stay with the tokenizer folder.
void add_diffusers_tokenizers(std::map<std::string, ModelDirectory>& by_directory) {
    for (auto& [name, directory] : by_directory) {
        std::string tokenizer = diffusers_tokenizer_of(name);
        if (tokenizer.empty() || !directory.token_sources.empty()) {
            continue;
        }
        auto sibling = by_directory.find(tokenizer);
        auto pipeline = by_directory.find(path_directory(name.substr(0, name.size() - 1)));
        if (sibling == by_directory.end() || pipeline == by_directory.end()) {
            continue;
        }
        bool has_model_index =
            std::any_of(pipeline->second.artifacts.begin(), pipeline->second.artifacts.end(),
                        [](const Artifact* artifact) {
                            return path_file_name(artifact->path) == "model_index.json";
                        });
        if (has_model_index) {
            directory.token_sources = sibling->second.token_sources;
        }
    }
}

} // namespace

namespace {

bool is_digits(std::string_view text) {
    return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
}

// "-00001-of-00002" with any number of digits on each side.
bool is_shard_suffix(std::string_view text) {
    if (text.empty() || text[0] != '-') {
        return false;
    }
    auto of = text.find("-of-");
    return of != std::string_view::npos && is_digits(text.substr(1, of - 1)) &&
           is_digits(text.substr(of + 4));
}

// "fp16", "bf16", "non_ema": diffusers and transformers insert the variant
// before the extension.
bool is_variant(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_';
    });
}

// Returns whether `middle`, the text between stem and extension, is empty,
// ".variant", a shard suffix, or both in either order
// (`model.fp16-00001-of-00002`, `model-00001-of-00002.fp16`).
bool is_variant_or_shard(std::string_view middle) {
    if (middle.empty() || is_shard_suffix(middle)) {
        return true;
    }
    if (middle[0] == '.') {
        auto dash = middle.find('-');
        if (dash == std::string_view::npos) {
            return is_variant(middle.substr(1));
        }
        return is_variant(middle.substr(1, dash - 1)) && is_shard_suffix(middle.substr(dash));
    }
    auto dot = middle.find('.');
    return dot != std::string_view::npos && is_shard_suffix(middle.substr(0, dot)) &&
           is_variant(middle.substr(dot + 1));
}

} // namespace

bool is_standard_weights_name(std::string_view file_name) {
    static constexpr std::pair<std::string_view, std::string_view> names[] = {
        {"model", ".safetensors"},
        {"pytorch_model", ".bin"},
        {"tf_model", ".h5"},
        {"flax_model", ".msgpack"},
        {"model", ".onnx"},
        {"diffusion_pytorch_model", ".safetensors"},
        {"diffusion_pytorch_model", ".bin"},
        {"diffusion_flax_model", ".msgpack"},
    };
    for (const auto& [stem, extension] : names) {
        if (file_name.size() < stem.size() + extension.size() ||
            file_name.substr(0, stem.size()) != stem || !ends_with(file_name, extension)) {
            continue;
        }
        auto middle =
            file_name.substr(stem.size(), file_name.size() - stem.size() - extension.size());
        if (is_variant_or_shard(middle)) {
            return true;
        }
    }
    return false;
}

std::set<std::string> model_weights_paths(const artifacts::Snapshot& state) {
    std::set<std::string> out;
    for (const auto& artifact : state.artifacts) {
        if (is_standard_weights_name(path_file_name(artifact.path))) {
            out.insert(artifact.path);
        }
        if (const auto* index = artifact.get<formats::ShardIndex>()) {
            for (const auto& shard : index->shards) {
                out.insert(path_directory(artifact.path) + shard);
            }
        }
    }
    return out;
}

std::vector<ModelDirectory> model_directories(const artifacts::Snapshot& state) {
    std::map<std::string, ModelDirectory> by_directory;
    for (const auto& artifact : state.artifacts) {
        auto& directory = by_directory[path_directory(artifact.path)];
        directory.directory = path_directory(artifact.path);
        directory.artifacts.push_back(&artifact);
        classify(directory, artifact);
    }

    add_diffusers_tokenizers(by_directory);

    std::vector<ModelDirectory> out;
    for (auto& [name, directory] : by_directory) {
        std::set<std::string> referenced;
        add_index_weight_sets(directory, state, referenced);
        add_file_weight_sets(directory, referenced);
        out.push_back(std::move(directory));
    }
    return out;
}

namespace {

std::optional<int64_t> nested(const formats::ModelConfig& config,
                              std::optional<int64_t> formats::ModelConfig::*field) {
    if (config.*field) {
        return config.*field;
    }
    if (!config.text_config.empty()) {
        return config.text_config.front().*field;
    }
    return std::nullopt;
}

} // namespace

std::optional<int64_t> config_vocab_size(const formats::ModelConfig& config) {
    return nested(config, &formats::ModelConfig::vocab_size);
}

std::optional<int64_t> config_hidden_size(const formats::ModelConfig& config) {
    return nested(config, &formats::ModelConfig::hidden_size);
}

std::optional<int64_t> config_layer_count(const formats::ModelConfig& config) {
    return nested(config, &formats::ModelConfig::num_hidden_layers);
}

bool is_input_embedding(std::string_view name) {
    if (belongs_to_other_modality(name)) {
        return false;
    }
    // GPT-NeoX and Pythia call theirs embed_in, CLIP's text model
    // token_embedding.
    for (std::string_view suffix :
         {"embed_tokens.weight", "wte.weight", "word_embeddings.weight", "tok_embeddings.weight",
          "token_embd.weight", "embed_in.weight", "token_embedding.weight"}) {
        if (has_component_suffix(name, suffix)) {
            return true;
        }
    }
    // T5 and its relatives share one embedding between encoder and decoder.
    return name == "shared.weight" || ends_with(name, "model.shared.weight");
}

bool is_output_head(std::string_view name) {
    if (belongs_to_other_modality(name)) {
        return false;
    }
    // "output.weight" is the GGUF name; as a suffix it would also match
    // layer-internal projections.
    // ChatGLM names its head output_layer, early Phi models lm_head.linear.
    return name == "output.weight" || has_component_suffix(name, "lm_head.weight") ||
           has_component_suffix(name, "embed_out.weight") ||
           has_component_suffix(name, "output_layer.weight") ||
           has_component_suffix(name, "lm_head.linear.weight");
}

std::optional<uint64_t> row_count(const formats::TensorInfo& info) {
    if (info.shape.size() != 2) {
        return std::nullopt;
    }
    return info.shape[0];
}

std::vector<int64_t> ids_of(const std::vector<TokenSource>& sources, std::string_view token) {
    std::set<int64_t> ids;
    for (const auto& source : sources) {
        for (const auto& [text, id] : source.tokens) {
            if (text == token) {
                ids.insert(id);
            }
        }
    }
    return {ids.begin(), ids.end()};
}

std::optional<int64_t> tokenizer_size(const ModelDirectory& directory) {
    bool has_full = false;
    int64_t max_id = -1;
    for (const auto& source : directory.token_sources) {
        has_full = has_full || source.full;
        for (const auto& entry : source.tokens) {
            max_id = std::max(max_id, entry.second);
        }
    }
    if (!has_full) {
        return std::nullopt;
    }
    return max_id + 1;
}

std::string list_quoted(const std::vector<std::string>& items, size_t limit) {
    std::string out;
    size_t shown = std::min(items.size(), limit);
    for (size_t i = 0; i < shown; ++i) {
        if (i > 0) {
            out += (i + 1 == shown && shown == items.size()) ? " and " : ", ";
        }
        out += quote(items[i]);
    }
    if (items.size() > shown) {
        out += " and " + std::to_string(items.size() - shown) + " more";
    }
    return out;
}

std::string list_ids(const std::vector<int64_t>& ids) {
    if (ids.size() == 1) {
        return std::to_string(ids.front());
    }
    std::string out = "[";
    for (size_t i = 0; i < ids.size(); ++i) {
        out += (i > 0 ? ", " : "") + std::to_string(ids[i]);
    }
    return out + "]";
}

Finding make_finding(std::string_view rule, std::vector<std::string> paths, std::string message,
                     std::string hint, Json values) {
    Finding finding;
    finding.rule = std::string(rule);
    const auto* info = find_rule(rule);
    finding.severity = info != nullptr ? info->default_severity : Severity::error;
    finding.paths = std::move(paths);
    finding.message = std::move(message);
    finding.hint = std::move(hint);
    finding.values = std::move(values);
    return finding;
}

} // namespace mlv::checks::detail
