// Stage names, change sessions, commit summaries and the key sets the rules
// use. The rules themselves are in classify.cpp.
#include "mlv/lifecycle/stages.hpp"

#include "mlv/formats/hf_config.hpp"
#include "mlv/util/text.hpp"

#include <algorithm>
#include <cctype>
#include <map>

namespace mlv::lifecycle {

namespace {

struct StageName {
    Stage stage;
    std::string_view name;
};

constexpr StageName stage_names[] = {
    {Stage::initial_import, "initial_import"},
    {Stage::architecture, "architecture"},
    {Stage::training, "training"},
    {Stage::fine_tuning, "fine_tuning"},
    {Stage::tokenizer, "tokenizer"},
    {Stage::configuration, "configuration"},
    {Stage::conversion, "conversion"},
    {Stage::evaluation, "evaluation"},
    {Stage::documentation, "documentation"},
    {Stage::maintenance, "maintenance"},
};

std::string lowercase(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

} // namespace

std::string_view to_string(Stage stage) {
    for (const auto& entry : stage_names) {
        if (entry.stage == stage) {
            return entry.name;
        }
    }
    return "maintenance";
}

std::optional<Stage> parse_stage(std::string_view name) {
    std::string wanted = lowercase(name);
    std::replace(wanted.begin(), wanted.end(), '-', '_');
    for (const auto& entry : stage_names) {
        if (entry.name == wanted) {
            return entry.stage;
        }
    }
    return std::nullopt;
}

const std::vector<Stage>& all_stages() {
    static const std::vector<Stage> stages = [] {
        std::vector<Stage> out;
        for (const auto& entry : stage_names) {
            out.push_back(entry.stage);
        }
        return out;
    }();
    return stages;
}

const std::vector<Stage>& stage_priority() {
    static const std::vector<Stage> priority = {
        Stage::initial_import, Stage::architecture, Stage::fine_tuning, Stage::training,
        Stage::conversion,     Stage::tokenizer,    Stage::evaluation,  Stage::configuration,
        Stage::documentation,  Stage::maintenance,
    };
    return priority;
}

std::string_view to_string(Maintenance maintenance) {
    switch (maintenance) {
    case Maintenance::corrective:
        return "corrective";
    case Maintenance::perfective:
        return "perfective";
    case Maintenance::adaptive:
        return "adaptive";
    }
    return "perfective";
}

std::vector<int> assign_sessions(const std::vector<git::CommitInfo>& commits, int64_t gap_seconds) {
    std::vector<int> sessions;
    sessions.reserve(commits.size());
    int session = 0;
    for (size_t i = 0; i < commits.size(); ++i) {
        bool continues = false;
        if (i > 0) {
            const auto& previous = commits[i - 1].author;
            const auto& current = commits[i].author;
            int64_t gap = current.time - previous.time;
            continues = lowercase(previous.email) == lowercase(current.email) && gap >= 0 &&
                        gap <= gap_seconds;
        }
        if (!continues) {
            ++session;
        }
        sessions.push_back(session);
    }
    return sessions;
}

bool message_names_fix(std::string_view message) {
    static const char* const words[] = {
        "fix",      "fixes",     "fixed",      "fixing", "bugfix", "hotfix",  "correct",
        "corrects", "corrected", "correction", "typo",   "typos",  "bug",     "bugs",
        "repair",   "repaired",  "wrong",      "broken", "revert", "reverts", "reverted"};
    std::string text = lowercase(message);
    size_t i = 0;
    while (i < text.size()) {
        if (!std::isalpha(static_cast<unsigned char>(text[i]))) {
            ++i;
            continue;
        }
        size_t end = i;
        while (end < text.size() && std::isalpha(static_cast<unsigned char>(text[end]))) {
            ++end;
        }
        std::string_view word(text.data() + i, end - i);
        for (const char* candidate : words) {
            if (word == candidate) {
                return true;
            }
        }
        i = end;
    }
    return false;
}

const std::set<std::string>& generation_keys() {
    static const std::set<std::string> keys = {
        "max_length",
        "min_length",
        "do_sample",
        "early_stopping",
        "num_beams",
        "num_beam_groups",
        "temperature",
        "top_k",
        "top_p",
        "typical_p",
        "repetition_penalty",
        "length_penalty",
        "no_repeat_ngram_size",
        "bad_words_ids",
        "num_return_sequences",
        "diversity_penalty",
        "max_new_tokens",
        "use_cache_generation",
    };
    return keys;
}

bool is_structural_key(const std::string& key, bool learned_positions) {
    static const std::set<std::string> own = {
        "vocab_size",
        "hidden_size",
        "intermediate_size",
        "num_hidden_layers",
        "num_attention_heads",
        "num_key_value_heads",
        "head_dim",
        "num_local_experts",
        "num_experts",
        "model_type",
        "architectures",
        "tie_word_embeddings",
        "hidden_act",
        "n_embd",
        "d_model",
        "n_layer",
        "num_layers",
        "n_head",
        "n_inner",
        "d_ff",
        "ffn_dim",
        "encoder_layers",
        "decoder_layers",
        "encoder_attention_heads",
        "decoder_attention_heads",
        "encoder_ffn_dim",
        "decoder_ffn_dim",
        "type_vocab_size",
    };
    // Nested configs of multimodal models ("text_config.hidden_size") count
    // like top-level keys.
    std::string name = key;
    for (std::string_view prefix : {"text_config.", "vision_config.", "audio_config."}) {
        if (name.starts_with(prefix)) {
            name = name.substr(prefix.size());
        }
    }
    // Rotary models (Llama) change only the usable context with these; models
    // with learned position embeddings (GPT-2, BERT) change a tensor's shape.
    if (name == "max_position_embeddings" || name == "n_positions") {
        return learned_positions;
    }
    if (own.count(name)) {
        return true;
    }
    const auto& theirs = formats::structural_config_keys();
    return std::find(theirs.begin(), theirs.end(), name) != theirs.end();
}

namespace {

// The subject of a summary line: the key or fact before its first ": " or
// " (", without a leading "+ " or "- " ("temperature: 0.9 -> 0.6" gives
// "temperature").
std::string_view summary_subject(std::string_view line) {
    if (line.starts_with("+ ") || line.starts_with("- ")) {
        line.remove_prefix(2);
    }
    return line.substr(0, std::min(line.find(": "), line.find(" (")));
}

// Describes the summary lines a one-line summary leaves out: their subjects
// when they fit in about 40 characters ("+2 more: temperature, top_p"),
// else their count ("+12 more changes").
std::string hidden_lines(const std::vector<std::string>& hidden) {
    constexpr size_t max_names_length = 40;
    std::string names;
    for (const auto& line : hidden) {
        names += (names.empty() ? "" : ", ") + std::string(summary_subject(line));
    }
    const std::string count = "+" + std::to_string(hidden.size()) + " more";
    if (names.size() > max_names_length) {
        return count + " " + text::noun_for(hidden.size(), "change");
    }
    return count + ": " + names;
}

} // namespace

std::string summarize_changes(const std::vector<FileChange>& changes, const ChangeSetDiff& diff) {
    if (changes.empty()) {
        return "no file changes";
    }
    std::string out;
    for (const auto& conversion : diff.conversions) {
        out += (out.empty() ? "" : "; ") + conversion.summary;
    }
    if (changes.size() <= 3) {
        for (const auto& file : diff.files) {
            // Detail lines are indented; list only the facts at top level.
            std::vector<std::string> hidden;
            for (size_t i = 1; i < file.summary.size(); ++i) {
                if (!file.summary[i].starts_with("  ")) {
                    hidden.push_back(file.summary[i]);
                }
            }
            out += (out.empty() ? "" : "; ") + file.path + ": " + file.headline();
            if (!hidden.empty()) {
                out += " (" + hidden_lines(hidden) + ")";
            }
        }
        return out;
    }

    // Many files: counts by role and kind, largest first.
    std::map<std::pair<std::string, std::string>, size_t> counts;
    for (const auto& file : diff.files) {
        ++counts[{std::string(artifacts::to_string(file.role)),
                  std::string(change_verb(file.kind))}];
    }
    std::vector<std::pair<size_t, std::string>> parts;
    for (const auto& [key, count] : counts) {
        parts.emplace_back(count, std::to_string(count) + " " + key.first + " " + key.second);
    }
    std::stable_sort(parts.begin(), parts.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    std::string counted = text::count_noun(changes.size(), "file") + ": ";
    for (size_t i = 0; i < parts.size(); ++i) {
        counted += (i ? ", " : "") + parts[i].second;
    }
    return out.empty() ? counted : counted + "; " + out;
}

} // namespace mlv::lifecycle
