// Tokenizers and trainer state.
#include "diff_parts.hpp"

#include <cstdio>
#include <map>
#include <set>
#include <unordered_map>

namespace mlv::lifecycle::detail {

using artifacts::Artifact;

namespace {

// The key view_of gives the special flag of an added token; its value is
// true when set and absent otherwise.
constexpr std::string_view special_flag_prefix = "special:";

// Everything a tokenizer file states about tokens, in one shape for all
// formats.
struct TokenView {
    bool has_tokens = false;
    std::vector<std::pair<std::string, int64_t>> tokens; // string, id
    std::map<std::string, Json> special;                 // name -> value
    std::optional<uint64_t> merges;
    std::map<std::string, std::string> chat_templates; // name -> source
    std::vector<formats::AddedToken> added;            // added tokens in file order
    std::map<std::string, Json> pipeline;              // "model.type" and steps
    bool any = false;
};

void add_added_tokens(TokenView& view, const std::vector<formats::AddedToken>& tokens) {
    view.added.insert(view.added.end(), tokens.begin(), tokens.end());
}

// The pipeline of tokenizer.json: each step's type and digest, so that a
// step compares unequal when anything in it changed.
void add_pipeline(TokenView& view, const formats::TokenizerJson& tokenizer) {
    view.pipeline["model.type"] = tokenizer.model_type;
    for (const auto& [name, step] : tokenizer.pipeline) {
        view.pipeline[name] = Json{{"type", step.type}, {"digest", step.digest}};
    }
}

void add_vocabulary(TokenView& view, const formats::Vocabulary& vocabulary) {
    view.has_tokens = true;
    view.tokens.insert(view.tokens.end(), vocabulary.entries.begin(), vocabulary.entries.end());
}

void add_special_tokens(TokenView& view, const formats::SpecialTokens& tokens,
                        const std::vector<std::string>& additional) {
    for (const auto& [name, value] : tokens) {
        view.special[name] = value;
    }
    if (!additional.empty()) {
        view.special["additional_special_tokens"] = additional;
    }
}

TokenView view_of(const Artifact& artifact) {
    TokenView view;
    if (const auto* tokenizer = artifact.get<formats::TokenizerJson>()) {
        add_vocabulary(view, tokenizer->vocab);
        for (const auto& token : tokenizer->added_tokens) {
            view.tokens.emplace_back(token.content, token.id);
            if (token.special) {
                view.special[std::string(special_flag_prefix) + token.content] = true;
            }
        }
        view.merges = tokenizer->merge_count;
        add_added_tokens(view, tokenizer->added_tokens);
        add_pipeline(view, *tokenizer);
        view.any = true;
    } else if (const auto* config = artifact.get<formats::TokenizerConfig>()) {
        if (!config->added_tokens_decoder.empty()) {
            view.has_tokens = true;
        }
        add_added_tokens(view, config->added_tokens_decoder);
        for (const auto& token : config->added_tokens_decoder) {
            view.tokens.emplace_back(token.content, token.id);
        }
        add_special_tokens(view, config->special_tokens, config->additional_special_tokens);
        for (const auto& chat_template : config->chat_templates) {
            view.chat_templates[chat_template.name] = chat_template.source;
        }
        view.any = true;
    } else if (const auto* map = artifact.get<formats::SpecialTokensMap>()) {
        add_special_tokens(view, map->special_tokens, map->additional_special_tokens);
        view.any = true;
    } else if (const auto* vocabulary = artifact.get<formats::Vocabulary>()) {
        add_vocabulary(view, *vocabulary);
        view.any = true;
    } else if (const auto* merges = artifact.get<formats::Merges>()) {
        view.merges = merges->count;
        view.any = true;
    } else if (const auto* model = artifact.get<formats::SentencePieceModel>()) {
        add_vocabulary(view, model->vocab);
        for (const auto& [name, id] : model->special_ids) {
            view.special[name + "_id"] = id;
        }
        view.any = true;
    } else if (const auto* chat = artifact.get<formats::ChatTemplate>()) {
        view.chat_templates[chat->name] = chat->source;
        view.any = true;
    } else if (const auto* gguf = artifact.get<formats::GgufFile>()) {
        if (!gguf->tokens.empty()) {
            view.has_tokens = true;
            for (size_t i = 0; i < gguf->tokens.size(); ++i) {
                view.tokens.emplace_back(gguf->tokens[i], static_cast<int64_t>(i));
            }
        }
        for (const auto& [name, id] : gguf->special_token_ids) {
            view.special[name + "_token_id"] = id;
        }
        view.any = view.has_tokens || !gguf->special_token_ids.empty();
    }
    return view;
}

// First id of each token string; later duplicates are ignored.
std::unordered_map<std::string, int64_t> index_tokens(const TokenView& view) {
    std::unordered_map<std::string, int64_t> out;
    out.reserve(view.tokens.size());
    for (const auto& [token, id] : view.tokens) {
        out.emplace(token, id);
    }
    return out;
}

void compare_tokens(const TokenView& before, const TokenView& after, TokenDiff& diff) {
    auto old_tokens = index_tokens(before);
    auto new_tokens = index_tokens(after);
    diff.old_size = old_tokens.size();
    diff.new_size = new_tokens.size();
    for (const auto& [token, id] : after.tokens) {
        auto it = old_tokens.find(token);
        if (it == old_tokens.end()) {
            if (new_tokens.at(token) == id) {
                diff.added.push_back(TokenEntry{token, id});
            }
        } else if (it->second != new_tokens.at(token) && new_tokens.at(token) == id) {
            diff.renumbered.push_back(TokenRenumber{token, it->second, id});
        }
    }
    for (const auto& [token, id] : before.tokens) {
        if (!new_tokens.count(token) && old_tokens.at(token) == id) {
            diff.removed.push_back(TokenEntry{token, id});
        }
    }
}

void compare_special(const TokenView& before, const TokenView& after, TokenDiff& diff) {
    Json old_special(before.special);
    Json new_special(after.special);
    diff.special_tokens = diff_json(old_special, new_special);
}

void compare_flags(const TokenView& before, const TokenView& after, TokenDiff& diff) {
    using Flag = std::optional<bool> formats::AddedToken::*;
    static const std::pair<const char*, Flag> flags[] = {
        {"single_word", &formats::AddedToken::single_word},
        {"lstrip", &formats::AddedToken::lstrip},
        {"rstrip", &formats::AddedToken::rstrip},
        {"normalized", &formats::AddedToken::normalized},
    };
    std::unordered_map<std::string, const formats::AddedToken*> old_tokens;
    for (const auto& token : before.added) {
        old_tokens.emplace(token.content, &token);
    }
    for (const auto& token : after.added) {
        const auto found = old_tokens.find(token.content);
        if (found == old_tokens.end()) {
            continue;
        }
        const formats::AddedToken& old_token = *found->second;
        for (const auto& [name, member] : flags) {
            if (old_token.*member != token.*member) {
                diff.token_flags.push_back(
                    TokenFlagChange{token.content, name, old_token.*member, token.*member});
            }
        }
    }
}

// Records model.type and each pipeline step whose type or digest differs,
// with the types as values.
void compare_pipeline(const TokenView& before, const TokenView& after, TokenDiff& diff) {
    const auto type_of = [](const std::map<std::string, Json>& pipeline,
                            const std::string& name) -> std::optional<Json> {
        const auto found = pipeline.find(name);
        if (found == pipeline.end()) {
            return std::nullopt;
        }
        Json type = found->second.is_object() ? found->second["type"] : found->second;
        return std::optional<Json>(std::in_place, std::move(type));
    };
    std::set<std::string> names;
    for (const auto& [name, step] : before.pipeline) {
        names.insert(name);
    }
    for (const auto& [name, step] : after.pipeline) {
        names.insert(name);
    }
    for (const auto& name : names) {
        const auto old_step = before.pipeline.find(name);
        const auto new_step = after.pipeline.find(name);
        const bool same = old_step != before.pipeline.end() && new_step != after.pipeline.end() &&
                          old_step->second == new_step->second;
        if (!same) {
            diff.pipeline.push_back(
                KeyChange{name, type_of(before.pipeline, name), type_of(after.pipeline, name)});
        }
    }
}

void compare_templates(const TokenView& before, const TokenView& after, TokenDiff& diff) {
    for (const auto& [name, source] : after.chat_templates) {
        auto it = before.chat_templates.find(name);
        if (it == before.chat_templates.end() || it->second != source) {
            diff.chat_templates_changed.push_back(name);
        }
    }
    for (const auto& [name, source] : before.chat_templates) {
        if (!after.chat_templates.count(name)) {
            diff.chat_templates_changed.push_back(name);
        }
    }
}

std::string list_tokens(const std::vector<TokenEntry>& entries) {
    std::string out;
    size_t listed = 0;
    for (const auto& entry : entries) {
        if (listed == 5) {
            out += ", ...";
            break;
        }
        out += (listed++ ? ", " : "") +
               Json(entry.token).dump(-1, ' ', false, Json::error_handler_t::replace);
        if (entry.id >= 0) {
            out += "=" + std::to_string(entry.id);
        }
    }
    return out;
}

std::string flag_value(const std::optional<bool>& value) {
    if (!value) {
        return "(absent)";
    }
    return *value ? "true" : "false";
}

// One line per distinct flag change, naming the tokens it applies to:
// `added tokens normalized: true -> false for "<s>", "</s>"`.
void summarize_flags(const std::vector<TokenFlagChange>& changes,
                     std::vector<std::string>& summary) {
    std::map<std::string, std::vector<TokenEntry>> by_change;
    std::vector<std::string> order;
    for (const auto& change : changes) {
        const std::string line = "added tokens " + change.flag + ": " + flag_value(change.before) +
                                 " -> " + flag_value(change.after);
        auto& tokens = by_change[line];
        if (tokens.empty()) {
            order.push_back(line);
        }
        tokens.push_back(TokenEntry{change.token, -1});
    }
    for (const auto& line : order) {
        summary.push_back(line + " for " + list_tokens(by_change[line]));
    }
}

// One summary line for a special token change: `special eos_token: "</s>"
// -> "<|eot_id|>"` for named tokens and ids, `token "<pad>" now marked
// special` for the flag of an added token.
std::string special_change_line(const KeyChange& change) {
    if (!change.key.starts_with(special_flag_prefix)) {
        return "special " + change.key + ": " + short_value(change.before) + " -> " +
               short_value(change.after);
    }
    std::string token = change.key.substr(special_flag_prefix.size());
    std::string quoted = Json(token).dump(-1, ' ', false, Json::error_handler_t::replace);
    bool now_special = change.after && *change.after == true;
    return "token " + quoted + (now_special ? " now marked special" : " no longer marked special");
}

std::string format_number(double value) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%g", value);
    return buffer;
}

template <class T, class F>
void add_progress(std::vector<std::string>& parts, const char* name, const std::optional<T>& old,
                  const std::optional<T>& now, F format) {
    if (old == now) {
        return;
    }
    parts.push_back(std::string(name) + " " + (old ? format(*old) : std::string("(absent)")) +
                    " -> " + (now ? format(*now) : std::string("(absent)")));
}

} // namespace

void diff_tokens(const Artifact& before, const Artifact& after, FileDiff& diff) {
    TokenView old_view = view_of(before);
    TokenView new_view = view_of(after);
    if (!old_view.any || !new_view.any) {
        return;
    }
    TokenDiff tokens;
    if (old_view.has_tokens || new_view.has_tokens) {
        compare_tokens(old_view, new_view, tokens);
    }
    compare_special(old_view, new_view, tokens);
    compare_flags(old_view, new_view, tokens);
    if (!old_view.pipeline.empty() && !new_view.pipeline.empty()) {
        compare_pipeline(old_view, new_view, tokens);
    }
    if (old_view.merges != new_view.merges) {
        tokens.old_merges = old_view.merges.value_or(0);
        tokens.new_merges = new_view.merges.value_or(0);
    }
    compare_templates(old_view, new_view, tokens);
    diff.tokens = std::move(tokens);
}

void summarize_tokens(FileDiff& diff) {
    if (!diff.tokens || diff.tokens->empty()) {
        return;
    }
    const auto& tokens = *diff.tokens;
    if (!tokens.added.empty() || !tokens.removed.empty() || !tokens.renumbered.empty()) {
        std::string line = "tokens: " + std::to_string(tokens.added.size()) + " added, " +
                           std::to_string(tokens.removed.size()) + " removed";
        if (!tokens.renumbered.empty()) {
            line += ", " + std::to_string(tokens.renumbered.size()) + " renumbered";
        }
        line +=
            " (" + std::to_string(tokens.old_size) + " -> " + std::to_string(tokens.new_size) + ")";
        diff.summary.push_back(line);
    }
    if (!tokens.added.empty()) {
        diff.summary.push_back("  added " + list_tokens(tokens.added));
    }
    if (!tokens.removed.empty()) {
        diff.summary.push_back("  removed " + list_tokens(tokens.removed));
    }
    for (const auto& change : tokens.pipeline) {
        if (change.before && change.after && *change.before == *change.after) {
            diff.summary.push_back(change.key + " changed (" + short_value(change.after) + ")");
        } else {
            diff.summary.push_back(change.key + ": " + short_value(change.before) + " -> " +
                                   short_value(change.after));
        }
    }
    summarize_flags(tokens.token_flags, diff.summary);
    size_t listed = 0;
    for (const auto& change : tokens.special_tokens) {
        if (listed++ == max_listed) {
            diff.summary.push_back("  ... and " +
                                   std::to_string(tokens.special_tokens.size() - max_listed) +
                                   " more special token changes");
            break;
        }
        diff.summary.push_back(special_change_line(change));
    }
    if (tokens.old_merges) {
        diff.summary.push_back("merges " + std::to_string(*tokens.old_merges) + " -> " +
                               std::to_string(*tokens.new_merges));
    }
    for (const auto& name : tokens.chat_templates_changed) {
        diff.summary.push_back("chat template '" + name + "' changed");
    }
}

void diff_trainer(const Artifact& before, const Artifact& after, FileDiff& diff) {
    const auto* old_state = before.get<formats::TrainerState>();
    const auto* new_state = after.get<formats::TrainerState>();
    if (!old_state || !new_state) {
        return;
    }
    diff.trainer = TrainerProgress{
        old_state->global_step, new_state->global_step, old_state->epoch,     new_state->epoch,
        old_state->best_metric, new_state->best_metric, old_state->last_loss, new_state->last_loss};
}

void summarize_trainer(FileDiff& diff) {
    if (!diff.trainer) {
        return;
    }
    const auto& progress = *diff.trainer;
    std::vector<std::string> parts;
    auto integer = [](int64_t value) { return std::to_string(value); };
    add_progress(parts, "step", progress.old_step, progress.new_step, integer);
    add_progress(parts, "epoch", progress.old_epoch, progress.new_epoch, format_number);
    add_progress(parts, "best metric", progress.old_best_metric, progress.new_best_metric,
                 format_number);
    add_progress(parts, "loss", progress.old_loss, progress.new_loss, format_number);
    if (parts.empty()) {
        return;
    }
    std::string line = "trainer: ";
    for (size_t i = 0; i < parts.size(); ++i) {
        line += (i ? ", " : "") + parts[i];
    }
    if (progress.old_step && progress.new_step && *progress.new_step < *progress.old_step) {
        line += " (restarted)";
    }
    diff.summary.push_back(line);
}

} // namespace mlv::lifecycle::detail
