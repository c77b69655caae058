// Generation and chat template rules.
#include "model_view.hpp"

#include "mlv/checks/rules.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <set>

namespace mlv::checks {

using detail::make_finding;
using detail::quote;

namespace {

std::string format_number(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", value);
    return text;
}

// One Jinja statement tag: `{% name ... %}`.
struct Tag {
    std::string name;
    std::string body; // after the name, without whitespace control marks
    size_t line = 0;
};

size_t line_at(std::string_view source, size_t offset) {
    return static_cast<size_t>(std::count(source.begin(), source.begin() + offset, '\n')) + 1;
}

// Finds the "%}" that ends the tag whose body starts at `from`, skipping
// quoted strings. Returns npos when the tag never ends.
size_t find_tag_end(std::string_view source, size_t from) {
    char quote_char = 0;
    for (size_t i = from; i + 1 < source.size(); ++i) {
        char c = source[i];
        if (quote_char != 0) {
            if (c == '\\') {
                ++i;
            } else if (c == quote_char) {
                quote_char = 0;
            }
        } else if (c == '\'' || c == '"') {
            quote_char = c;
        } else if (c == '%' && source[i + 1] == '}') {
            return i;
        }
    }
    return std::string_view::npos;
}

std::string trim(std::string_view text) {
    size_t begin = 0;
    size_t end = text.size();
    while (begin < end && std::isspace(static_cast<unsigned char>(text[begin]))) {
        ++begin;
    }
    while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1]))) {
        --end;
    }
    return std::string(text.substr(begin, end - begin));
}

Tag parse_tag(std::string_view inner, size_t line) {
    // Whitespace control: "{%-", "{%+", "-%}", "+%}".
    if (!inner.empty() && (inner.front() == '-' || inner.front() == '+')) {
        inner.remove_prefix(1);
    }
    if (!inner.empty() && (inner.back() == '-' || inner.back() == '+')) {
        inner.remove_suffix(1);
    }
    std::string text = trim(inner);
    size_t name_end = 0;
    while (name_end < text.size() &&
           (std::isalnum(static_cast<unsigned char>(text[name_end])) || text[name_end] == '_')) {
        ++name_end;
    }
    return {text.substr(0, name_end), trim(std::string_view(text).substr(name_end)), line};
}

// `{% set x %}...{% endset %}` is a block; `{% set x = 1 %}` is not.
bool is_block_set(const std::string& body) {
    char quote_char = 0;
    for (char c : body) {
        if (quote_char != 0) {
            quote_char = c == quote_char ? 0 : quote_char;
        } else if (c == '\'' || c == '"') {
            quote_char = c;
        } else if (c == '=') {
            return false;
        }
    }
    return true;
}

bool is_block_opener(const Tag& tag) {
    static const std::set<std::string> openers = {
        "if", "for", "macro", "call", "filter", "block", "with", "autoescape",
        // transformers registers a `generation` block tag for assistant masks.
        "generation"};
    if (tag.name == "set") {
        return is_block_set(tag.body);
    }
    return openers.count(tag.name) != 0;
}

} // namespace

std::optional<std::string> find_unbalanced_block(std::string_view source) {
    std::vector<Tag> open;
    size_t position = 0;
    while (true) {
        size_t start = source.find("{%", position);
        size_t comment = source.find("{#", position);
        if (comment != std::string_view::npos &&
            (start == std::string_view::npos || comment < start)) {
            size_t comment_end = source.find("#}", comment + 2);
            if (comment_end == std::string_view::npos) {
                return "comment '{#' at line " + std::to_string(line_at(source, comment)) +
                       " is not closed";
            }
            position = comment_end + 2;
            continue;
        }
        if (start == std::string_view::npos) {
            break;
        }

        size_t end = find_tag_end(source, start + 2);
        if (end == std::string_view::npos) {
            return "tag '{%' at line " + std::to_string(line_at(source, start)) +
                   " is not closed with '%}'";
        }
        Tag tag = parse_tag(source.substr(start + 2, end - start - 2), line_at(source, start));
        position = end + 2;

        if (tag.name == "raw") {
            // Everything up to endraw is text, including tags.
            size_t search = position;
            bool closed = false;
            while (!closed) {
                size_t next = source.find("{%", search);
                if (next == std::string_view::npos) {
                    break;
                }
                size_t next_end = find_tag_end(source, next + 2);
                if (next_end == std::string_view::npos) {
                    break;
                }
                Tag inner = parse_tag(source.substr(next + 2, next_end - next - 2), 0);
                search = next_end + 2;
                closed = inner.name == "endraw";
            }
            if (!closed) {
                return "'raw' opened at line " + std::to_string(tag.line) + " is not closed";
            }
            position = search;
            continue;
        }

        if (is_block_opener(tag)) {
            open.push_back(tag);
            continue;
        }
        if (tag.name == "elif" || tag.name == "else") {
            bool inside = !open.empty() && (open.back().name == "if" ||
                                            (tag.name == "else" && open.back().name == "for"));
            if (!inside) {
                return "'" + tag.name + "' at line " + std::to_string(tag.line) +
                       " is outside an 'if'" + (tag.name == "else" ? " or 'for'" : "");
            }
            continue;
        }
        if (tag.name.rfind("end", 0) == 0 && tag.name.size() > 3) {
            std::string opened = tag.name.substr(3);
            if (open.empty()) {
                return "'" + tag.name + "' at line " + std::to_string(tag.line) +
                       " has no open block";
            }
            if (open.back().name != opened) {
                return "'" + tag.name + "' at line " + std::to_string(tag.line) + " closes '" +
                       open.back().name + "' opened at line " + std::to_string(open.back().line);
            }
            open.pop_back();
        }
    }
    if (!open.empty()) {
        return "'" + open.back().name + "' opened at line " + std::to_string(open.back().line) +
               " is not closed";
    }
    return std::nullopt;
}

namespace {

// End-of-turn markers name their purpose: <|eot_id|>, <|im_end|>,
// <end_of_turn>, <|end|>, <|END_OF_TURN_TOKEN|>, <|eom_id|>, </s>.
bool looks_like_end_of_turn(std::string_view token) {
    std::string lower;
    for (char c : token) {
        lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (lower == "</s>") {
        return true;
    }
    for (std::string_view word : {"end", "eot", "eom", "eos"}) {
        if (lower.find(word) != std::string::npos) {
            return true;
        }
    }
    return false;
}

} // namespace

std::vector<std::string> find_end_of_turn_tokens(std::string_view source,
                                                 const std::vector<std::string>& special_tokens) {
    // A turn's content is followed within a few characters (`'] | trim +
    // '`, `}}`) by the marker that ends it; 48 characters cover the
    // spellings seen in real templates.
    constexpr size_t window_size = 48;
    std::set<std::string> found;
    for (size_t at = source.find("content"); at != std::string_view::npos;
         at = source.find("content", at + 1)) {
        std::string_view window = source.substr(at + 7, window_size);
        size_t best = std::string_view::npos;
        std::string best_token;
        for (const auto& token : special_tokens) {
            if (token.empty()) {
                continue;
            }
            size_t hit = window.find(token);
            if (hit == std::string_view::npos) {
                continue;
            }
            if (hit < best || (hit == best && token.size() > best_token.size())) {
                best = hit;
                best_token = token;
            }
        }
        if (best != std::string_view::npos && looks_like_end_of_turn(best_token)) {
            found.insert(best_token);
        }
    }
    return {found.begin(), found.end()};
}

void check_generation(const CheckInput& input, Findings& out) {
    for (const auto& artifact : input.state->artifacts) {
        const auto* config = artifact.get<formats::GenerationConfig>();
        if (config == nullptr || config->do_sample.value_or(false)) {
            continue;
        }

        // The values transformers' GenerationConfig.validate warns about
        // when do_sample is off: anything but each parameter's default.
        std::vector<std::string> set;
        Json values = Json::object();
        if (config->temperature && *config->temperature != 1.0) {
            set.push_back("temperature " + format_number(*config->temperature));
            values["temperature"] = *config->temperature;
        }
        if (config->top_p && *config->top_p != 1.0) {
            set.push_back("top_p " + format_number(*config->top_p));
            values["top_p"] = *config->top_p;
        }
        if (config->top_k && *config->top_k != 50) {
            set.push_back("top_k " + std::to_string(*config->top_k));
            values["top_k"] = *config->top_k;
        }
        if (config->typical_p && *config->typical_p != 1.0) {
            set.push_back("typical_p " + format_number(*config->typical_p));
            values["typical_p"] = *config->typical_p;
        }
        if (set.empty()) {
            continue;
        }

        std::string listed;
        for (size_t i = 0; i < set.size(); ++i) {
            listed += (i == 0 ? "" : (i + 1 == set.size() ? " and " : ", ")) + set[i];
        }
        std::string sampling = config->do_sample ? "do_sample is false" : "do_sample is not set";
        values["do_sample"] = config->do_sample ? Json(*config->do_sample) : Json(nullptr);
        out.push_back(make_finding(
            "generation-sampling", {artifact.path},
            listed + (set.size() > 1 ? " are" : " is") + " set in " + quote(artifact.path) +
                ", but " + sampling + ", so generation is greedy and ignores " +
                (set.size() > 1 ? "them" : "it"),
            "set \"do_sample\": true, or remove the sampling parameters", values));
    }
}

void check_chat_template(const CheckInput& input, Findings& out) {
    for (const auto& artifact : input.state->artifacts) {
        std::vector<const formats::ChatTemplate*> templates;
        if (const auto* config = artifact.get<formats::TokenizerConfig>()) {
            for (const auto& entry : config->chat_templates) {
                templates.push_back(&entry);
            }
        } else if (const auto* file = artifact.get<formats::ChatTemplate>()) {
            templates.push_back(file);
        }

        for (const auto* chat_template : templates) {
            auto problem = find_unbalanced_block(chat_template->source);
            if (!problem) {
                continue;
            }
            std::string name = chat_template->name.empty() || chat_template->name == "default"
                                   ? "the chat template"
                                   : "chat template " + quote(chat_template->name);
            out.push_back(make_finding(
                "chat-template-syntax", {artifact.path},
                name + " in " + quote(artifact.path) + " does not parse: " + *problem,
                "close every block tag ({% if %} with {% endif %}, {% for %} with {% endfor %})",
                {{"template", chat_template->name}}));
        }
    }
}

} // namespace mlv::checks
