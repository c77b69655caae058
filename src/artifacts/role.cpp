#include "mlv/artifacts/role.hpp"

#include "mlv/util/path.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

namespace mlv::artifacts {
namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

bool ends_with(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

bool starts_with(std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
}

// Glob matching: '*' and '?' stop at '/'; "**" crosses it, and "**/" also
// matches no directory at all. Dynamic programming over (pattern, text)
// positions keeps the cost at O(pattern * text) for any pattern, where
// naive backtracking can go exponential.
bool glob_match(std::string_view pattern, std::string_view text) {
    const size_t columns = text.size() + 1;
    // reachable[p * columns + t]: pattern[p:] matches text[t:].
    std::vector<char> reachable((pattern.size() + 1) * columns, 0);
    auto at = [&](size_t p, size_t t) -> char& { return reachable[p * columns + t]; };
    at(pattern.size(), text.size()) = 1;

    for (size_t p = pattern.size(); p-- > 0;) {
        bool double_star = pattern[p] == '*' && p + 1 < pattern.size() && pattern[p + 1] == '*';
        for (size_t t = text.size() + 1; t-- > 0;) {
            char c = pattern[p];
            if (double_star) {
                size_t after = p + 2;
                bool slash_follows = after < pattern.size() && pattern[after] == '/';
                bool matched = at(after, t) || (slash_follows && at(after + 1, t)) ||
                               (t < text.size() && at(p, t + 1));
                at(p, t) = matched;
            } else if (c == '*' && (p == 0 || pattern[p - 1] != '*')) {
                at(p, t) = at(p + 1, t) || (t < text.size() && text[t] != '/' && at(p, t + 1));
            } else if (c == '*') {
                at(p, t) = at(p + 1, t); // second star of "**", handled above
            } else if (c == '?') {
                at(p, t) = t < text.size() && text[t] != '/' && at(p + 1, t + 1);
            } else {
                at(p, t) = t < text.size() && text[t] == c && at(p + 1, t + 1);
            }
        }
    }
    return at(0, 0) != 0;
}

struct NamedRole {
    std::string_view name;
    Role role;
};

constexpr std::array role_names = {
    NamedRole{"weights", Role::weights}, NamedRole{"tokenizer", Role::tokenizer},
    NamedRole{"config", Role::config},   NamedRole{"training", Role::training},
    NamedRole{"docs", Role::docs},       NamedRole{"other", Role::other},
};

struct NamedFormat {
    std::string_view name;
    Format format;
};

constexpr std::array format_names = {
    NamedFormat{"safetensors", Format::safetensors},
    NamedFormat{"shard-index", Format::shard_index},
    NamedFormat{"gguf", Format::gguf},
    NamedFormat{"pytorch", Format::pytorch},
    NamedFormat{"onnx", Format::onnx},
    NamedFormat{"keras-h5", Format::keras_h5},
    NamedFormat{"flax-msgpack", Format::flax_msgpack},
    NamedFormat{"tflite", Format::tflite},
    NamedFormat{"model-config", Format::model_config},
    NamedFormat{"generation-config", Format::generation_config},
    NamedFormat{"adapter-config", Format::adapter_config},
    NamedFormat{"preprocessor-config", Format::preprocessor_config},
    NamedFormat{"trainer-state", Format::trainer_state},
    NamedFormat{"training-args", Format::training_args},
    NamedFormat{"tokenizer-json", Format::tokenizer_json},
    NamedFormat{"tokenizer-config", Format::tokenizer_config},
    NamedFormat{"special-tokens-map", Format::special_tokens_map},
    NamedFormat{"added-tokens", Format::added_tokens},
    NamedFormat{"vocab-txt", Format::vocab_txt},
    NamedFormat{"vocab-json", Format::vocab_json},
    NamedFormat{"merges-txt", Format::merges_txt},
    NamedFormat{"sentencepiece", Format::sentencepiece},
    NamedFormat{"chat-template", Format::chat_template},
    NamedFormat{"markdown", Format::markdown},
    NamedFormat{"json", Format::json},
    NamedFormat{"text", Format::text},
    NamedFormat{"binary", Format::binary},
};

bool is_training_state_name(std::string_view name) {
    static constexpr std::array exact = {
        "training_args.bin",   "training_args.json",  "trainer_state.json", "optimizer.pt",
        "optimizer.bin",       "scheduler.pt",        "scaler.pt",          "rng_state.pth",
        "training_state.json", "random_states_0.pkl",
    };
    for (std::string_view candidate : exact) {
        if (name == candidate) {
            return true;
        }
    }
    // rng_state_0.pth per process, *_results.json from Trainer.save_metrics,
    // TensorBoard event files, and optimizer shards of accelerate/deepspeed.
    return (starts_with(name, "rng_state") && ends_with(name, ".pth")) ||
           ends_with(name, "_results.json") || starts_with(name, "events.out.tfevents.") ||
           (starts_with(name, "optimizer") &&
            (ends_with(name, ".pt") || ends_with(name, ".bin"))) ||
           (starts_with(name, "scheduler") && ends_with(name, ".pt"));
}

bool is_tokenizer_name(std::string_view name) {
    static constexpr std::array exact = {
        "tokenizer.json",
        "tokenizer_config.json",
        "special_tokens_map.json",
        "added_tokens.json",
        "vocab.txt",
        "vocab.json",
        "merges.txt",
        "chat_template.jinja",
        "chat_template.json",
        "vocab.bpe",
        "encoder.json",
    };
    for (std::string_view candidate : exact) {
        if (name == candidate) {
            return true;
        }
    }
    return ends_with(name, ".model") || ends_with(name, ".tiktoken");
}

bool is_weights_name(std::string_view name) {
    static constexpr std::array suffixes = {
        ".safetensors",    ".bin",       ".pt",    ".pth",     ".ckpt",   ".gguf",
        ".ggml",           ".onnx",      ".h5",    ".msgpack", ".tflite", ".safetensors.index.json",
        ".bin.index.json", ".onnx_data", ".keras", ".mlmodel", ".npz",
    };
    for (std::string_view suffix : suffixes) {
        if (ends_with(name, suffix)) {
            return true;
        }
    }
    return false;
}

bool is_config_name(std::string_view name) {
    static constexpr std::array exact = {
        "config.json",
        "generation_config.json",
        "preprocessor_config.json",
        "adapter_config.json",
        "processor_config.json",
        "feature_extractor_config.json",
        "image_processor_config.json",
        "quantize_config.json",
        "quantization_config.json",
        "params.json",
        "configuration.json",
        "sentence_bert_config.json",
        "modules.json",
        "config_sentence_transformers.json",
    };
    for (std::string_view candidate : exact) {
        if (name == candidate) {
            return true;
        }
    }
    return false;
}

bool is_docs_name(std::string_view name) {
    return ends_with(name, ".md") || ends_with(name, ".rst") || ends_with(name, ".pdf") ||
           starts_with(name, "license") || starts_with(name, "licence") ||
           starts_with(name, "notice") || starts_with(name, "use_policy") ||
           starts_with(name, "readme") || starts_with(name, "copying") ||
           starts_with(name, "citation");
}

} // namespace

std::string_view to_string(Role role) {
    for (const auto& entry : role_names) {
        if (entry.role == role) {
            return entry.name;
        }
    }
    return "other";
}

std::optional<Role> parse_role(std::string_view name) {
    for (const auto& entry : role_names) {
        if (entry.name == name) {
            return entry.role;
        }
    }
    return std::nullopt;
}

std::string_view to_string(Format format) {
    for (const auto& entry : format_names) {
        if (entry.format == format) {
            return entry.name;
        }
    }
    return "binary";
}

std::optional<Format> parse_format(std::string_view name) {
    for (const auto& entry : format_names) {
        if (entry.name == name) {
            return entry.format;
        }
    }
    return std::nullopt;
}

Role builtin_role(std::string_view path) {
    std::string name = lower(path_file_name(path));
    std::string full = lower(path);

    // Order matters: training_args.bin and optimizer.pt end like weights, and
    // *_results.json would otherwise be plain JSON.
    if (is_training_state_name(name) || starts_with(full, "runs/") ||
        full.find("/runs/") != std::string::npos) {
        return Role::training;
    }
    if (is_tokenizer_name(name)) {
        return Role::tokenizer;
    }
    if (is_weights_name(name)) {
        return Role::weights;
    }
    if (is_config_name(name)) {
        return Role::config;
    }
    if (is_docs_name(name)) {
        return Role::docs;
    }
    return Role::other;
}

bool path_matches(std::string_view pattern, std::string_view path) {
    if (pattern.empty()) {
        return false;
    }
    // As in .gitattributes: a pattern without '/' matches the file name at any
    // depth; a leading '/' anchors it at the top.
    if (pattern.find('/') == std::string_view::npos) {
        return glob_match(pattern, path_file_name(path));
    }
    if (pattern.front() == '/') {
        pattern.remove_prefix(1);
    }
    return glob_match(pattern, path);
}

std::string role_names_list() {
    std::string out;
    for (const auto& entry : role_names) {
        if (!out.empty()) {
            out += ", ";
        }
        out += entry.name;
    }
    return out;
}

ResolvedRole resolve_role(std::string_view path, const std::optional<std::string>& attribute,
                          const std::vector<RolePattern>& patterns) {
    if (attribute) {
        if (auto role = parse_role(*attribute)) {
            return {*role, RoleOrigin::attribute};
        }
    }
    for (auto it = patterns.rbegin(); it != patterns.rend(); ++it) {
        if (path_matches(it->pattern, path)) {
            return {it->role, RoleOrigin::configuration};
        }
    }
    return {builtin_role(path), RoleOrigin::builtin};
}

Format format_from_path(std::string_view path) {
    std::string name = lower(path_file_name(path));

    if (ends_with(name, ".safetensors.index.json") || ends_with(name, ".bin.index.json")) {
        return Format::shard_index;
    }
    if (name == "training_args.bin" || name == "training_args.json") {
        return Format::training_args;
    }
    // git-mlv's own configuration allows comments, so it is not checked as JSON.
    if (name == ".mlv.json") {
        return Format::text;
    }
    if (name == "config.json")
        return Format::model_config;
    if (name == "generation_config.json")
        return Format::generation_config;
    if (name == "adapter_config.json")
        return Format::adapter_config;
    if (name == "preprocessor_config.json")
        return Format::preprocessor_config;
    if (name == "trainer_state.json")
        return Format::trainer_state;
    if (name == "tokenizer.json")
        return Format::tokenizer_json;
    if (name == "tokenizer_config.json")
        return Format::tokenizer_config;
    if (name == "special_tokens_map.json")
        return Format::special_tokens_map;
    if (name == "added_tokens.json")
        return Format::added_tokens;
    if (name == "vocab.txt")
        return Format::vocab_txt;
    if (name == "vocab.json" || name == "encoder.json")
        return Format::vocab_json;
    if (name == "merges.txt" || name == "vocab.bpe")
        return Format::merges_txt;
    if (name == "chat_template.jinja")
        return Format::chat_template;

    if (ends_with(name, ".safetensors"))
        return Format::safetensors;
    if (ends_with(name, ".gguf"))
        return Format::gguf;
    if (ends_with(name, ".bin") || ends_with(name, ".pt") || ends_with(name, ".pth") ||
        ends_with(name, ".ckpt")) {
        return Format::pytorch;
    }
    if (ends_with(name, ".onnx"))
        return Format::onnx;
    if (ends_with(name, ".h5") || ends_with(name, ".keras"))
        return Format::keras_h5;
    if (ends_with(name, ".msgpack"))
        return Format::flax_msgpack;
    if (ends_with(name, ".tflite"))
        return Format::tflite;
    if (ends_with(name, ".model"))
        return Format::sentencepiece;
    if (ends_with(name, ".md"))
        return Format::markdown;
    if (ends_with(name, ".json"))
        return Format::json;
    if (ends_with(name, ".txt") || ends_with(name, ".yaml") || ends_with(name, ".yml") ||
        ends_with(name, ".jinja") || name == ".gitattributes" || name == ".gitignore" ||
        starts_with(name, "license") || starts_with(name, "notice")) {
        return Format::text;
    }
    return Format::binary;
}

bool is_weights_format(Format format) {
    switch (format) {
    case Format::safetensors:
    case Format::shard_index:
    case Format::gguf:
    case Format::pytorch:
    case Format::onnx:
    case Format::keras_h5:
    case Format::flax_msgpack:
    case Format::tflite:
        return true;
    default:
        return false;
    }
}

Format format_for_role(Format path_format, Role role) {
    switch (role) {
    case Role::weights:
    case Role::training:
        return path_format;
    case Role::tokenizer:
    case Role::config:
        // A shard index is JSON, so it is still validated as JSON.
        if (path_format == Format::shard_index) {
            return Format::json;
        }
        return is_weights_format(path_format) ? Format::binary : path_format;
    case Role::docs:
    case Role::other:
        break;
    }

    switch (path_format) {
    case Format::json:
    case Format::markdown:
    case Format::text:
    case Format::binary:
        return path_format;
    case Format::shard_index:
    case Format::model_config:
    case Format::generation_config:
    case Format::adapter_config:
    case Format::preprocessor_config:
    case Format::trainer_state:
    case Format::tokenizer_json:
    case Format::tokenizer_config:
    case Format::special_tokens_map:
    case Format::added_tokens:
    case Format::vocab_json:
        return Format::json;
    case Format::vocab_txt:
    case Format::merges_txt:
    case Format::chat_template:
        return Format::text;
    default:
        // Weights formats, SentencePiece models and training_args (a
        // pickle inside a zip, or JSON) get no reader.
        return Format::binary;
    }
}

ContentSniffing content_sniffing(const ResolvedRole& role) {
    if (role.role == Role::weights || role.role == Role::training) {
        return ContentSniffing::allowed;
    }
    if (role.origin == RoleOrigin::builtin && role.role == Role::other) {
        return ContentSniffing::allowed;
    }
    return ContentSniffing::off;
}

} // namespace mlv::artifacts
