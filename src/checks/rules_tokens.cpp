// Special token rules: named tokens resolve, ids agree across files, and
// the chat template's end-of-turn token stops generation.
#include "model_view.hpp"

#include "mlv/checks/rules.hpp"
#include "mlv/util/text.hpp"

#include <algorithm>
#include <set>

namespace mlv::checks {

using artifacts::Artifact;
using detail::make_finding;
using detail::ModelDirectory;
using detail::quote;

namespace {

struct NamedToken {
    std::string key; // "eos_token", "additional_special_tokens"
    std::string token;
    const Artifact* file = nullptr;
};

std::vector<NamedToken> named_tokens(const ModelDirectory& directory) {
    std::vector<NamedToken> out;
    auto add = [&out](const Artifact* file, const formats::SpecialTokens& tokens,
                      const std::vector<std::string>& additional) {
        for (const auto& [key, token] : tokens) {
            out.push_back({key, token, file});
        }
        for (const auto& token : additional) {
            out.push_back({"additional_special_tokens", token, file});
        }
    };
    if (directory.tokenizer_config != nullptr) {
        add(directory.tokenizer_config_file, directory.tokenizer_config->special_tokens,
            directory.tokenizer_config->additional_special_tokens);
    }
    if (directory.special_tokens_map != nullptr) {
        add(directory.special_tokens_map_file, directory.special_tokens_map->special_tokens,
            directory.special_tokens_map->additional_special_tokens);
    }
    return out;
}

// Only a full vocabulary (not added tokens alone) shows that a token is
// missing. Files whose content is absent contribute no tokens.
bool can_resolve_tokens(const ModelDirectory& directory) {
    return std::any_of(directory.token_sources.begin(), directory.token_sources.end(),
                       [](const auto& source) { return source.full; });
}

void check_unknown_tokens(const ModelDirectory& directory, const std::vector<NamedToken>& named,
                          Findings& out) {
    if (!can_resolve_tokens(directory)) {
        return;
    }
    for (const auto& entry : named) {
        if (!detail::ids_of(directory.token_sources, entry.token).empty()) {
            continue;
        }
        out.push_back(make_finding(
            "special-token-unknown", {entry.file->path},
            entry.key + " " + quote(entry.token) + " in " + quote(entry.file->path) +
                " is not in the vocabulary or the added tokens",
            "add it to the tokenizer (tokenizer.add_special_tokens, then save_pretrained) or name "
            "a token that exists",
            {{"key", entry.key}, {"token", entry.token}}));
    }
}

// tokenizer_config.json and special_tokens_map.json name the same roles;
// when both do, they must name the same token.
void check_named_agreement(const std::vector<NamedToken>& named, Findings& out) {
    for (const auto& a : named) {
        for (const auto& b : named) {
            if (a.file == b.file || a.key != b.key || a.key == "additional_special_tokens" ||
                a.token == b.token || a.file->path > b.file->path) {
                continue;
            }
            out.push_back(
                make_finding("special-token-mismatch", {a.file->path, b.file->path},
                             a.key + " is " + quote(a.token) + " in " + quote(a.file->path) +
                                 " but " + quote(b.token) + " in " + quote(b.file->path),
                             "name the same token in both files (save_pretrained writes both)",
                             {{"key", a.key}, {a.file->path, a.token}, {b.file->path, b.token}}));
        }
    }
}

// One file's ids for a role.
struct IdSource {
    // The file, as in "'tokenizer_config.json' (eos_token '</s>')". The chat
    // template rule uses a sentence start instead: "eos_token_id in 'x' is".
    std::string label;
    std::string path;
    std::vector<int64_t> ids;
};

std::optional<std::string> tokenizer_token(const ModelDirectory& directory, const std::string& key,
                                           const Artifact** file) {
    for (const auto& entry : named_tokens(directory)) {
        if (entry.key == key) {
            *file = entry.file;
            return entry.token;
        }
    }
    return std::nullopt;
}

bool intersects(const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
    return std::any_of(a.begin(), a.end(),
                       [&b](int64_t id) { return std::find(b.begin(), b.end(), id) != b.end(); });
}

bool same_set(std::vector<int64_t> a, std::vector<int64_t> b) {
    std::sort(a.begin(), a.end());
    a.erase(std::unique(a.begin(), a.end()), a.end());
    std::sort(b.begin(), b.end());
    b.erase(std::unique(b.begin(), b.end()), b.end());
    return a == b;
}

const formats::SpecialTokenIds* config_ids(const formats::ModelConfig& config) {
    if (!config.text_config.empty() && config.token_ids.bos.empty() &&
        config.token_ids.eos.empty() && config.token_ids.pad.empty()) {
        return &config.text_config.front().token_ids;
    }
    return &config.token_ids;
}

void check_id_agreement(const ModelDirectory& directory, Findings& out) {
    struct Role {
        const char* name;
        std::vector<int64_t> formats::SpecialTokenIds::*field;
    };
    const Role roles[] = {{"bos", &formats::SpecialTokenIds::bos},
                          {"eos", &formats::SpecialTokenIds::eos},
                          {"pad", &formats::SpecialTokenIds::pad},
                          {"unk", &formats::SpecialTokenIds::unk}};
    bool resolvable = can_resolve_tokens(directory);

    for (const auto& role : roles) {
        std::vector<IdSource> sources;
        if (directory.model_config != nullptr) {
            const auto& ids = config_ids(*directory.model_config)->*role.field;
            if (!ids.empty()) {
                sources.push_back({quote(directory.config->path), directory.config->path, ids});
            }
        }
        if (directory.generation_config != nullptr) {
            const auto& ids = directory.generation_config->token_ids.*role.field;
            if (!ids.empty()) {
                sources.push_back(
                    {quote(directory.generation->path), directory.generation->path, ids});
            }
        }
        const Artifact* file = nullptr;
        auto token = tokenizer_token(directory, std::string(role.name) + "_token", &file);
        if (token && resolvable) {
            auto ids = detail::ids_of(directory.token_sources, *token);
            if (!ids.empty()) {
                sources.push_back(
                    {quote(file->path) + " (" + role.name + "_token " + quote(*token) + ")",
                     file->path, ids});
            }
        }
        if (sources.size() < 2) {
            continue;
        }

        // An eos list names every id that ends generation, so eos sources
        // agree when they share an id; other roles have one id each.
        bool agree = true;
        for (size_t i = 0; i < sources.size(); ++i) {
            for (size_t j = i + 1; j < sources.size(); ++j) {
                bool pair_agrees = std::string_view(role.name) == "eos"
                                       ? intersects(sources[i].ids, sources[j].ids)
                                       : same_set(sources[i].ids, sources[j].ids);
                agree = agree && pair_agrees;
            }
        }
        if (agree) {
            continue;
        }

        std::string message = std::string(role.name) + "_token_id disagrees:";
        std::vector<std::string> paths;
        Json values = Json::object();
        for (size_t i = 0; i < sources.size(); ++i) {
            message += (i > 0 ? "," : "") + std::string(" ") + detail::list_ids(sources[i].ids) +
                       " in " + sources[i].label;
            paths.push_back(sources[i].path);
            values[sources[i].path] = sources[i].ids;
        }
        out.push_back(make_finding("special-token-mismatch", paths, message,
                                   "use the same " + std::string(role.name) +
                                       " id in config.json, generation_config.json and the "
                                       "tokenizer's " +
                                       role.name + "_token",
                                   values));
    }
}

// The number that ids must stay below: vocab_size, else the embedding rows.
std::optional<std::pair<int64_t, std::string>> id_bound(const ModelDirectory& directory) {
    if (directory.model_config != nullptr) {
        if (auto size = detail::config_vocab_size(*directory.model_config)) {
            return std::make_pair(*size, "vocab_size " + std::to_string(*size) + " of " +
                                             quote(directory.config->path));
        }
    }
    for (const auto& set : directory.weight_sets) {
        if (set.gguf != nullptr) {
            continue;
        }
        for (const auto& tensor : set.tensors) {
            if (tensor.info == nullptr || !detail::is_input_embedding(tensor.name)) {
                continue;
            }
            if (auto rows = detail::row_count(*tensor.info)) {
                return std::make_pair(static_cast<int64_t>(*rows), "the " + std::to_string(*rows) +
                                                                       " rows of " +
                                                                       quote(tensor.name));
            }
        }
    }
    return std::nullopt;
}

void check_id_ranges(const ModelDirectory& directory, Findings& out) {
    auto bound = id_bound(directory);
    auto check_file = [&](const Artifact* file, const formats::SpecialTokenIds& ids) {
        const std::pair<const char*, const std::vector<int64_t>*> fields[] = {
            {"bos_token_id", &ids.bos}, {"eos_token_id", &ids.eos},
            {"pad_token_id", &ids.pad}, {"unk_token_id", &ids.unk},
            {"sep_token_id", &ids.sep}, {"decoder_start_token_id", &ids.decoder_start}};
        for (const auto& [name, values] : fields) {
            for (int64_t id : *values) {
                std::string problem;
                if (id < 0) {
                    problem = std::string(name) + " is " + std::to_string(id) + " in " +
                              quote(file->path) + ", but ids cannot be negative";
                } else if (bound && id >= bound->first) {
                    problem = std::string(name) + " " + std::to_string(id) + " in " +
                              quote(file->path) + " is not below " + bound->second;
                } else {
                    continue;
                }
                out.push_back(make_finding(
                    "special-token-id-out-of-range", {file->path}, problem,
                    "set " + std::string(name) +
                        " to the id of an existing token, or remove it when the model has none",
                    {{"key", name}, {"id", id}}));
            }
        }
    };
    if (directory.model_config != nullptr) {
        check_file(directory.config, *config_ids(*directory.model_config));
    }
    if (directory.generation_config != nullptr) {
        check_file(directory.generation, directory.generation_config->token_ids);
    }
}

void check_gguf_ids(const ModelDirectory& directory, Findings& out) {
    for (const auto& set : directory.weight_sets) {
        if (set.gguf == nullptr || set.gguf->tokens.empty()) {
            continue;
        }
        auto count = static_cast<int64_t>(set.gguf->tokens.size());
        for (const auto& [name, id] : set.gguf->special_token_ids) {
            if (id >= 0 && id < count) {
                continue;
            }
            out.push_back(
                make_finding("special-token-id-out-of-range", {set.path},
                             "tokenizer.ggml." + name + "_token_id is " + std::to_string(id) +
                                 " in " + quote(set.path) + ", but the token list has " +
                                 text::count_noun(count, "entry", "entries"),
                             "convert the model again, or fix the key with gguf-set-metadata",
                             {{"key", name}, {"id", id}, {"token_count", count}}));
        }
    }
}

struct TemplateSource {
    std::string path;
    std::string source;
};

std::vector<TemplateSource> chat_templates(const ModelDirectory& directory) {
    std::vector<TemplateSource> out;
    if (directory.tokenizer_config != nullptr) {
        for (const auto& entry : directory.tokenizer_config->chat_templates) {
            out.push_back({directory.tokenizer_config_file->path, entry.source});
        }
    }
    for (const auto* file : directory.chat_template_files) {
        out.push_back({file->path, file->get<formats::ChatTemplate>()->source});
    }
    return out;
}

std::vector<std::string> special_token_texts(const ModelDirectory& directory) {
    std::set<std::string> out;
    for (const auto& entry : named_tokens(directory)) {
        out.insert(entry.token);
    }
    for (const auto& source : directory.token_sources) {
        out.insert(source.special.begin(), source.special.end());
        if (source.artifact->format == artifacts::Format::added_tokens) {
            for (const auto& entry : source.tokens) {
                out.insert(entry.first);
            }
        }
    }
    return {out.begin(), out.end()};
}

// A tokenizer's eos_token names one token, so more stop ids go into
// generation_config.json, which generate() reads first.
std::string template_eos_hint(const ModelDirectory& directory, const IdSource& eos,
                              int64_t end_of_turn) {
    bool in_config = (directory.generation != nullptr && eos.path == directory.generation->path) ||
                     (directory.config != nullptr && eos.path == directory.config->path);
    if (in_config) {
        return "add " + std::to_string(end_of_turn) + " to eos_token_id in " + quote(eos.path) +
               " (a list is allowed)";
    }
    std::vector<int64_t> ids = eos.ids;
    ids.push_back(end_of_turn);
    return "set eos_token_id to " + detail::list_ids(ids) + " in " +
           quote(directory.directory + "generation_config.json");
}

void check_template_eos(const ModelDirectory& directory, Findings& out) {
    auto templates = chat_templates(directory);
    if (templates.empty()) {
        return;
    }

    // The ids generate() stops at: generation_config.json overrides
    // config.json, which overrides the tokenizer's eos_token.
    IdSource eos;
    if (directory.generation_config != nullptr &&
        !directory.generation_config->token_ids.eos.empty()) {
        eos = {"eos_token_id in " + quote(directory.generation->path) + " is",
               directory.generation->path, directory.generation_config->token_ids.eos};
    } else if (directory.model_config != nullptr &&
               !config_ids(*directory.model_config)->eos.empty()) {
        eos = {"eos_token_id in " + quote(directory.config->path) + " is", directory.config->path,
               config_ids(*directory.model_config)->eos};
    } else {
        const Artifact* file = nullptr;
        if (auto token = tokenizer_token(directory, "eos_token", &file)) {
            eos = {"eos_token " + quote(*token) + " in " + quote(file->path) + " has id",
                   file->path, detail::ids_of(directory.token_sources, *token)};
        }
    }
    if (eos.ids.empty()) {
        return;
    }

    auto specials = special_token_texts(directory);
    for (const auto& chat_template : templates) {
        for (const auto& token : find_end_of_turn_tokens(chat_template.source, specials)) {
            auto ids = detail::ids_of(directory.token_sources, token);
            if (ids.empty() || intersects(ids, eos.ids)) {
                continue;
            }
            std::vector<std::string> paths = {eos.path};
            if (chat_template.path != eos.path) {
                paths.push_back(chat_template.path);
            }
            out.push_back(make_finding(
                "chat-template-eos", paths,
                "the chat template in " + quote(chat_template.path) + " ends turns with " +
                    quote(token) + " (id " + detail::list_ids(ids) + "), but " + eos.label + " " +
                    detail::list_ids(eos.ids) +
                    ", so generation does not stop at the end of a turn",
                template_eos_hint(directory, eos, ids.front()),
                {{"token", token}, {"token_ids", ids}, {"eos_token_id", eos.ids}}));
        }
    }
}

} // namespace

void check_special_tokens(const CheckInput& input, Findings& out) {
    for (const auto& directory : detail::model_directories(*input.state)) {
        auto named = named_tokens(directory);
        check_unknown_tokens(directory, named, out);
        check_named_agreement(named, out);
        check_id_agreement(directory, out);
        check_id_ranges(directory, out);
        check_gguf_ids(directory, out);
        check_template_eos(directory, out);
    }
}

} // namespace mlv::checks
