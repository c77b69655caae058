// Configuration keys, GGUF metadata and model card front matter.
#include "diff_parts.hpp"

#include "mlv/lifecycle/stages.hpp"

#include <algorithm>
#include <memory>
#include <set>

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

bool is_fence(std::string_view line) {
    line = trim(line);
    return line == "---";
}

// diff_json on two objects, leaving out the top-level keys in `skipped`.
std::vector<KeyChange> diff_json_except(const Json& before, const Json& after,
                                        const std::set<std::string>& skipped) {
    if (skipped.empty() || !before.is_object() || !after.is_object()) {
        return diff_json(before, after);
    }
    std::vector<KeyChange> out;
    std::set<std::string> keys;
    for (const auto& [key, value] : before.items()) {
        keys.insert(key);
    }
    for (const auto& [key, value] : after.items()) {
        keys.insert(key);
    }
    for (const auto& key : keys) {
        if (skipped.count(key)) {
            continue;
        }
        Json old_part = Json::object();
        Json new_part = Json::object();
        if (auto it = before.find(key); it != before.end()) {
            old_part[key] = *it;
        }
        if (auto it = after.find(key); it != after.end()) {
            new_part[key] = *it;
        }
        auto changes = diff_json(old_part, new_part);
        out.insert(out.end(), changes.begin(), changes.end());
    }
    return out;
}

// Yields the lines of a text one at a time, without the line breaks, so
// that front matter parsing stops at the closing fence instead of splitting
// a long model card.
class LineReader {
  public:
    explicit LineReader(std::string_view text) : text_(text) {}

    std::optional<std::string_view> next() {
        if (position_ >= text_.size()) {
            return std::nullopt;
        }
        size_t end = text_.find('\n', position_);
        if (end == std::string_view::npos) {
            end = text_.size();
        }
        std::string_view line = text_.substr(position_, end - position_);
        position_ = end + 1;
        return line;
    }

    // The offset of the first byte not yet returned.
    size_t position() const { return std::min(position_, text_.size()); }

  private:
    std::string_view text_;
    size_t position_ = 0;
};

std::string_view without_bom(std::string_view text) {
    if (text.starts_with("\xEF\xBB\xBF")) {
        text.remove_prefix(3);
    }
    return text;
}

bool is_closing_fence(std::string_view line) {
    return is_fence(line) || trim(line) == "...";
}

// The text below the front matter, or the whole text when there is none.
std::string_view body_of(std::string_view markdown) {
    markdown = without_bom(markdown);
    LineReader reader(markdown);
    auto first = reader.next();
    if (!first || !is_fence(*first)) {
        return markdown;
    }
    while (auto line = reader.next()) {
        if (is_closing_fence(*line)) {
            return markdown.substr(reader.position());
        }
    }
    return markdown;
}

// Counts the lines removed and added between two texts from the region
// where they differ: the common prefix and suffix are skipped, so the cost
// follows the edit, not the file. Returns {removed, added}.
std::pair<size_t, size_t> changed_lines(std::string_view before, std::string_view after) {
    size_t prefix = 0;
    size_t limit = std::min(before.size(), after.size());
    while (prefix < limit && before[prefix] == after[prefix]) {
        ++prefix;
    }
    // Back up to the start of the line, so a changed line counts whole.
    while (prefix > 0 && before[prefix - 1] != '\n') {
        --prefix;
    }
    size_t suffix = 0;
    while (suffix < limit - prefix &&
           before[before.size() - 1 - suffix] == after[after.size() - 1 - suffix]) {
        ++suffix;
    }
    while (suffix > 0 && before[before.size() - suffix] != '\n') {
        --suffix;
    }
    auto count = [](std::string_view text) {
        size_t lines = static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
        return text.empty() || text.back() == '\n' ? lines : lines + 1;
    };
    return {count(before.substr(prefix, before.size() - prefix - suffix)),
            count(after.substr(prefix, after.size() - prefix - suffix))};
}

// The JSON of a configuration artifact: the raw object its reader kept, or
// the file read and parsed. The pointer does not own a reader's object, so
// the artifact must outlive it.
std::shared_ptr<const Json> json_of(const Artifact& artifact, const DiffOptions& options) {
    const Json* raw = nullptr;
    if (const auto* config = artifact.get<formats::ModelConfig>()) {
        raw = &config->raw;
    } else if (const auto* config = artifact.get<formats::GenerationConfig>()) {
        raw = &config->raw;
    } else if (const auto* config = artifact.get<formats::TokenizerConfig>()) {
        raw = &config->settings;
    } else if (const auto* map = artifact.get<formats::SpecialTokensMap>()) {
        raw = &map->settings;
    }
    if (raw && !raw->is_null()) {
        return std::shared_ptr<const Json>(std::shared_ptr<const Json>(), raw);
    }
    if (options.read_json) {
        return options.read_json(artifact);
    }
    if (!options.read_text) {
        return nullptr;
    }
    auto text = options.read_text(artifact);
    if (!text) {
        return nullptr;
    }
    auto parsed = parse_json(*text);
    if (!parsed) {
        return nullptr;
    }
    return std::make_shared<const Json>(std::move(parsed).value());
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
        auto [removed, added] = changed_lines(old_body, new_body);
        diff.summary.push_back("text changed (+" + std::to_string(added) + " -" +
                               std::to_string(removed) + " lines)");
    }
}

} // namespace

FrontMatter parse_front_matter(std::string_view markdown) {
    FrontMatter out;
    LineReader reader(without_bom(markdown));
    auto first = reader.next();
    if (!first || !is_fence(*first)) {
        return out;
    }
    std::string* current = nullptr;
    while (auto next = reader.next()) {
        std::string_view line = *next;
        if (is_closing_fence(line)) {
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
    LineReader reader(text);
    while (auto next = reader.next()) {
        std::string_view line = trim(*next);
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

namespace {

// Removes the key changes that repeat a special token change of the token
// diff: "pad_token" or "bos_token.content" when "special bos_token" already
// lists the change.
void drop_reported_special_tokens(FileDiff& diff) {
    if (!diff.tokens || diff.tokens->special_tokens.empty()) {
        return;
    }
    std::set<std::string> reported;
    for (const auto& change : diff.tokens->special_tokens) {
        reported.insert(change.key);
        reported.insert(change.key + ".content");
    }
    std::erase_if(diff.keys,
                  [&reported](const KeyChange& change) { return reported.count(change.key) != 0; });
}

} // namespace

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
    static const std::set<std::string> tokenizer_skipped = {"added_tokens_decoder",
                                                            "chat_template"};
    static const std::set<std::string> none;
    const auto& skipped = after.format == Format::tokenizer_config ? tokenizer_skipped : none;
    diff.keys = diff_json_except(*old_json, *new_json, skipped);
    drop_reported_special_tokens(diff);
}

void summarize_keys(FileDiff& diff) {
    // Structural keys first, so that a one-line summary names them.
    std::vector<const KeyChange*> ordered;
    for (const auto& change : diff.keys) {
        ordered.push_back(&change);
    }
    if (diff.new_format == Format::model_config) {
        std::stable_partition(ordered.begin(), ordered.end(), [](const KeyChange* change) {
            return is_structural_key(change->key, false);
        });
    }
    size_t listed = 0;
    for (const KeyChange* change : ordered) {
        if (listed++ == 2 * max_listed) {
            diff.summary.push_back("... and " + std::to_string(diff.keys.size() - 2 * max_listed) +
                                   " more keys");
            break;
        }
        if (!change->before) {
            diff.summary.push_back("+ " + change->key + ": " + short_value(change->after));
        } else if (!change->after) {
            diff.summary.push_back("- " + change->key + " (was " + short_value(change->before) +
                                   ")");
        } else {
            diff.summary.push_back(change->key + ": " + short_value(change->before) + " -> " +
                                   short_value(change->after));
        }
    }
}

} // namespace detail
} // namespace mlv::lifecycle
