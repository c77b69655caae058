// Configuration keys, GGUF metadata and model card front matter.
#include "diff_parts.hpp"

#include <algorithm>

namespace mlv::lifecycle {

using artifacts::Artifact;
using artifacts::Format;

namespace {

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
        text.remove_suffix(1);
    }
    return text;
}

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string_view::npos) {
            end = text.size();
        }
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

bool is_fence(std::string_view line) {
    line = trim(line);
    return line == "---";
}

// The text below the front matter, or the whole text when there is none.
std::string_view body_of(std::string_view markdown) {
    if (markdown.starts_with("\xEF\xBB\xBF")) {
        markdown.remove_prefix(3);
    }
    auto lines = split_lines(markdown);
    if (lines.empty() || !is_fence(lines.front())) {
        return markdown;
    }
    size_t offset = lines.front().size() + 1;
    for (size_t i = 1; i < lines.size(); ++i) {
        offset += lines[i].size() + 1;
        if (is_fence(lines[i]) || trim(lines[i]) == "...") {
            return markdown.substr(std::min(offset, markdown.size()));
        }
    }
    return markdown;
}

size_t count_lines(std::string_view text) {
    size_t lines = static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
    return text.empty() || text.back() == '\n' ? lines : lines + 1;
}

std::optional<Json> json_of(const Artifact& artifact, const DiffOptions& options) {
    if (const auto* config = artifact.get<formats::ModelConfig>();
        config && !config->raw.is_null()) {
        return std::optional<Json>(std::in_place, config->raw);
    }
    if (const auto* config = artifact.get<formats::GenerationConfig>();
        config && !config->raw.is_null()) {
        return std::optional<Json>(std::in_place, config->raw);
    }
    if (!options.read_text) {
        return std::nullopt;
    }
    auto text = options.read_text(artifact);
    if (!text) {
        return std::nullopt;
    }
    auto parsed = parse_json(*text);
    if (!parsed) {
        return std::nullopt;
    }
    return std::move(parsed).value();
}

bool is_json_config(Format format) {
    switch (format) {
    case Format::model_config:
    case Format::generation_config:
    case Format::adapter_config:
    case Format::preprocessor_config:
    case Format::tokenizer_config:
    case Format::special_tokens_map:
    case Format::json:
        return true;
    default:
        return false;
    }
}

Json gguf_metadata(const formats::GgufFile& gguf) {
    Json out = Json::object();
    for (const auto& [key, value] : gguf.metadata) {
        out[key] = value;
    }
    return out;
}

void diff_markdown(const Artifact& before, const Artifact& after, const DiffOptions& options,
                   FileDiff& diff) {
    if (!options.read_text) {
        return;
    }
    auto old_text = options.read_text(before);
    auto new_text = options.read_text(after);
    if (!old_text || !new_text) {
        return;
    }
    auto old_front = parse_front_matter(*old_text);
    auto new_front = parse_front_matter(*new_text);
    Json old_keys(old_front.keys);
    Json new_keys(new_front.keys);
    for (auto& change : diff_json(old_keys, new_keys)) {
        change.key = "front matter " + change.key;
        diff.keys.push_back(std::move(change));
    }
    auto old_body = body_of(*old_text);
    auto new_body = body_of(*new_text);
    if (old_body != new_body) {
        diff.body_changed = true;
        diff.summary.push_back("text changed (" + std::to_string(count_lines(old_body)) + " -> " +
                               std::to_string(count_lines(new_body)) + " lines)");
    }
}

} // namespace

FrontMatter parse_front_matter(std::string_view markdown) {
    FrontMatter out;
    if (markdown.starts_with("\xEF\xBB\xBF")) {
        markdown.remove_prefix(3);
    }
    auto lines = split_lines(markdown);
    if (lines.empty() || !is_fence(lines.front())) {
        return out;
    }
    std::string* current = nullptr;
    for (size_t i = 1; i < lines.size(); ++i) {
        std::string_view line = lines[i];
        if (is_fence(line) || trim(line) == "...") {
            out.present = true;
            return out;
        }
        bool nested = line.empty() || line.front() == ' ' || line.front() == '\t' ||
                      line.front() == '-' || line.front() == '#';
        auto colon = line.find(':');
        if (!nested && colon != std::string_view::npos) {
            std::string key(trim(line.substr(0, colon)));
            current = &out.keys[key];
            *current = std::string(trim(line.substr(colon + 1)));
            continue;
        }
        if (current && !trim(line).empty() && line.front() != '#') {
            if (!current->empty()) {
                current->push_back('\n');
            }
            current->append(trim(line));
        }
    }
    // No closing fence: not front matter.
    out.keys.clear();
    return out;
}

std::vector<std::string> front_matter_list(const FrontMatter& front_matter,
                                           const std::string& key) {
    std::vector<std::string> out;
    auto it = front_matter.keys.find(key);
    if (it == front_matter.keys.end()) {
        return out;
    }
    auto unquote = [](std::string_view value) {
        value = trim(value);
        if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
            value.back() == value.front()) {
            value = value.substr(1, value.size() - 2);
        }
        return std::string(value);
    };
    std::string_view text = it->second;
    if (text.starts_with('[')) {
        text.remove_prefix(1);
        auto end = text.find(']');
        text = text.substr(0, end);
        size_t start = 0;
        while (start <= text.size()) {
            size_t comma = text.find(',', start);
            auto item = unquote(text.substr(
                start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
            if (!item.empty()) {
                out.push_back(item);
            }
            if (comma == std::string_view::npos) {
                break;
            }
            start = comma + 1;
        }
        return out;
    }
    for (auto line : split_lines(text)) {
        line = trim(line);
        if (line.starts_with("- ")) {
            line.remove_prefix(2);
        } else if (line == "-") {
            continue;
        }
        auto item = unquote(line);
        if (!item.empty()) {
            out.push_back(item);
        }
    }
    return out;
}

namespace detail {

void diff_keys(const FileChange& change, const DiffOptions& options, FileDiff& diff) {
    if (!change.before || !change.after) {
        return;
    }
    const Artifact& before = *change.before;
    const Artifact& after = *change.after;

    if (after.format == Format::markdown && before.format == Format::markdown) {
        diff_markdown(before, after, options, diff);
        return;
    }
    if (const auto* old_gguf = before.get<formats::GgufFile>()) {
        if (const auto* new_gguf = after.get<formats::GgufFile>()) {
            diff.keys = diff_json(gguf_metadata(*old_gguf), gguf_metadata(*new_gguf));
        }
        return;
    }
    if (!is_json_config(after.format) || !is_json_config(before.format)) {
        return;
    }
    auto old_json = json_of(before, options);
    auto new_json = json_of(after, options);
    if (!old_json || !new_json) {
        return;
    }
    // The token diff reports these two in a better shape.
    if (after.format == Format::tokenizer_config) {
        for (auto* json : {&*old_json, &*new_json}) {
            if (json->is_object()) {
                json->erase("added_tokens_decoder");
                json->erase("chat_template");
            }
        }
    }
    diff.keys = diff_json(*old_json, *new_json);
}

void summarize_keys(FileDiff& diff) {
    size_t listed = 0;
    for (const auto& change : diff.keys) {
        if (listed++ == 2 * max_listed) {
            diff.summary.push_back("... and " + std::to_string(diff.keys.size() - 2 * max_listed) +
                                   " more keys");
            break;
        }
        if (!change.before) {
            diff.summary.push_back("+ " + change.key + ": " + short_value(change.after));
        } else if (!change.after) {
            diff.summary.push_back("- " + change.key + " (was " + short_value(change.before) + ")");
        } else {
            diff.summary.push_back(change.key + ": " + short_value(change.before) + " -> " +
                                   short_value(change.after));
        }
    }
}

} // namespace detail
} // namespace mlv::lifecycle
