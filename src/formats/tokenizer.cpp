#include "mlv/formats/tokenizer.hpp"

#include "formats/json_members.hpp"

#include "mlv/util/hash.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <utility>

namespace mlv::formats {
namespace {

using detail::describe_json_value;
using detail::MemberReader;
using detail::parse_object;
using detail::StreamedContainer;

constexpr std::array<std::string_view, 7> special_token_names = {
    "bos_token", "eos_token", "unk_token", "pad_token", "sep_token", "cls_token", "mask_token"};

// Keeps the first error met while streaming, since a visitor cannot stop the
// parse.
struct FirstError {
    std::optional<Error> error;

    void set(std::string message) {
        if (!error) {
            error = make_error(std::move(message));
        }
    }
};

void add_entry(Vocabulary& vocab, std::string token, int64_t id) {
    vocab.max_id = std::max(vocab.max_id, id);
    vocab.entries.emplace_back(std::move(token), id);
}

// A visitor that reads {"token": id} members into `vocab`. `container` names
// the object in errors ("'model.vocab'").
detail::MemberVisitor token_id_visitor(Vocabulary& vocab, FirstError& failure,
                                       std::string container) {
    return [&vocab, &failure, container = std::move(container)](const std::string* key,
                                                                const Json& value) {
        if (key == nullptr) {
            return; // an array: the caller reports the container's type
        }
        auto id = json_to_int(value);
        if (!id) {
            failure.set(container + " entry '" + *key + "' is " + describe_json_value(value) +
                        ", expected an integer id");
            return;
        }
        add_entry(vocab, *key, *id);
    };
}

// Parses a JSON object of token strings to ids (vocab.json, added_tokens.json)
// in file order.
Result<Vocabulary> parse_token_id_object(std::string_view text, std::string_view file_kind) {
    Vocabulary vocab;
    FirstError failure;
    std::vector<StreamedContainer> containers = {
        {{}, token_id_visitor(vocab, failure, std::string(file_kind))}};
    auto document = detail::parse_json_streaming(text, containers);
    if (!document) {
        return document.error();
    }
    if (auto is_object = detail::require_object(*document, file_kind); !is_object) {
        return is_object.error();
    }
    if (failure.error) {
        return *failure.error;
    }
    return vocab;
}

constexpr std::string_view token_forms = "a string or an object with a string 'content'";

// The text of a special token written as a string or as an AddedToken object
// ({"content": "<s>", ...}, with or without "__type"), or nullopt for any
// other value.
std::optional<std::string> token_content(const Json& value) {
    if (value.is_string()) {
        return value.get<std::string>();
    }
    return json_string(value, "content");
}

// Reads a special token member. Absent or null gives nullopt.
std::optional<std::string> special_token(MemberReader& reader, std::string_view key) {
    const Json* value = reader.find(key);
    if (value == nullptr) {
        return std::nullopt;
    }
    auto content = token_content(*value);
    if (!content) {
        reader.reject(key, *value, token_forms);
    }
    return content;
}

SpecialTokens read_special_tokens(MemberReader& reader) {
    SpecialTokens tokens;
    for (std::string_view name : special_token_names) {
        if (auto token = special_token(reader, name)) {
            tokens.emplace(std::string(name), std::move(*token));
        }
    }
    return tokens;
}

// additional_special_tokens: a list of strings or AddedToken objects.
std::vector<std::string> read_additional_special_tokens(MemberReader& reader) {
    constexpr std::string_view key = "additional_special_tokens";
    const Json* list = reader.find(key);
    if (list == nullptr) {
        return {};
    }
    if (!list->is_array()) {
        reader.reject(key, *list, "an array");
        return {};
    }

    std::vector<std::string> tokens;
    tokens.reserve(list->size());
    for (size_t i = 0; i < list->size(); ++i) {
        // A null element is an error too: the list has no optional slots.
        auto token = token_content((*list)[i]);
        if (!token) {
            reader.reject(std::string(key) + "[" + std::to_string(i) + "]", (*list)[i],
                          token_forms);
            return {};
        }
        tokens.push_back(std::move(*token));
    }
    return tokens;
}

// Reads the matching flags of an added token; errors stay in `reader`.
void read_token_flags(MemberReader& reader, AddedToken& token) {
    token.single_word = reader.boolean("single_word");
    token.lstrip = reader.boolean("lstrip");
    token.rstrip = reader.boolean("rstrip");
    token.normalized = reader.boolean("normalized");
}

// Reads the pipeline steps of tokenizer.json that are set.
std::map<std::string, PipelineStep> read_pipeline(const Json& document) {
    std::map<std::string, PipelineStep> steps;
    for (const char* name : {"normalizer", "pre_tokenizer", "post_processor", "decoder"}) {
        const auto found = document.find(name);
        if (found == document.end() || found->is_null()) {
            continue;
        }
        PipelineStep step;
        if (const auto type = found->find("type");
            found->is_object() && type != found->end() && type->is_string()) {
            step.type = type->get<std::string>();
        }
        step.digest = hash_bytes(found->dump(-1, ' ', false, Json::error_handler_t::replace)).xxh3;
        steps.emplace(name, std::move(step));
    }
    return steps;
}

// added_tokens_decoder: {"32000": {"content": "<pad>", "special": true, ...}},
// returned sorted by id.
Result<std::vector<AddedToken>> read_added_tokens_decoder(const MemberReader& reader) {
    constexpr std::string_view key = "added_tokens_decoder";
    const Json* decoder = reader.find(key);
    if (decoder == nullptr) {
        return std::vector<AddedToken>{};
    }
    if (!decoder->is_object()) {
        return make_error("'added_tokens_decoder' is " + describe_json_value(*decoder) +
                          ", expected an object");
    }

    std::vector<AddedToken> tokens;
    tokens.reserve(decoder->size());
    for (const auto& [id_text, entry] : decoder->items()) {
        AddedToken token;
        auto [end, status] =
            std::from_chars(id_text.data(), id_text.data() + id_text.size(), token.id);
        if (status != std::errc() || end != id_text.data() + id_text.size() || id_text.empty()) {
            return make_error("'added_tokens_decoder' key '" + id_text + "' is not a token id");
        }
        if (!entry.is_object()) {
            return make_error("'added_tokens_decoder." + id_text + "' is " +
                              describe_json_value(entry) + ", expected an object");
        }

        MemberReader entry_reader(entry, "added_tokens_decoder." + id_text + ".");
        auto content = entry_reader.string("content");
        token.special = entry_reader.boolean("special").value_or(false);
        read_token_flags(entry_reader, token);
        if (entry_reader.error()) {
            return *entry_reader.error();
        }
        if (!content) {
            return make_error("missing 'added_tokens_decoder." + id_text + ".content'");
        }
        token.content = std::move(*content);
        tokens.push_back(std::move(token));
    }

    // The object's keys come sorted as strings ("100" before "32"); order by
    // the ids they name.
    std::stable_sort(tokens.begin(), tokens.end(),
                     [](const AddedToken& a, const AddedToken& b) { return a.id < b.id; });
    return tokens;
}

// chat_template: one template as a string, or a list of {"name", "template"}.
Result<std::vector<ChatTemplate>> read_chat_templates(const MemberReader& reader) {
    const Json* value = reader.find("chat_template");
    if (value == nullptr) {
        return std::vector<ChatTemplate>{};
    }
    if (value->is_string()) {
        return std::vector<ChatTemplate>{{"default", value->get<std::string>()}};
    }
    if (!value->is_array()) {
        return make_error("'chat_template' is " + describe_json_value(*value) +
                          ", expected a string or a list of {name, template} objects");
    }

    std::vector<ChatTemplate> templates;
    for (size_t i = 0; i < value->size(); ++i) {
        const Json& entry = (*value)[i];
        auto name = json_string(entry, "name");
        auto source = json_string(entry, "template");
        if (!name || !source) {
            return make_error("'chat_template[" + std::to_string(i) + "]' is " +
                              describe_json_value(entry) +
                              ", expected an object with string 'name' and 'template'");
        }
        templates.push_back({std::move(*name), std::move(*source)});
    }
    return templates;
}

// Splits `text` into lines at "\n", dropping a "\r" before it. A final line
// without "\n" counts when it is not empty, so a final newline adds no line.
template <class Visit> void for_each_line(std::string_view text, Visit visit) {
    size_t number = 0;
    while (!text.empty()) {
        size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        ++number;
        visit(line, number);
    }
}

} // namespace

Result<TokenizerJson> parse_tokenizer_json(std::string_view text) {
    // tokenizer.json is parsed in one pass; vocab and merges stream past the
    // document because they make up nearly all of an 11 MB file.
    Vocabulary vocab;
    uint64_t merge_count = 0;
    FirstError failure;

    auto visit_vocab = [&](const std::string* key, const Json& value) {
        if (key != nullptr) {
            token_id_visitor(vocab, failure, "'model.vocab'")(key, value);
            return;
        }
        // Unigram: [piece, score] pairs whose ids are the list index.
        int64_t index = static_cast<int64_t>(vocab.entries.size());
        if (!value.is_array() || value.size() != 2 || !value[0].is_string() ||
            !value[1].is_number()) {
            failure.set("'model.vocab[" + std::to_string(index) + "]' is " +
                        describe_json_value(value) + ", expected a [piece, score] pair");
            return;
        }
        add_entry(vocab, value[0].get<std::string>(), index);
    };

    auto visit_merges = [&](const std::string*, const Json& value) {
        // "a b" in most files; tokenizers releases since late 2024 write
        // ["a", "b"] so that tokens may contain spaces.
        bool pair =
            value.is_array() && value.size() == 2 && value[0].is_string() && value[1].is_string();
        if (!value.is_string() && !pair) {
            failure.set("'model.merges[" + std::to_string(merge_count) + "]' is " +
                        describe_json_value(value) + ", expected a string or a pair of strings");
            return;
        }
        ++merge_count;
    };

    std::vector<StreamedContainer> containers = {{{"model", "vocab"}, visit_vocab},
                                                 {{"model", "merges"}, visit_merges}};
    auto document = detail::parse_json_streaming(text, containers);
    if (!document) {
        return document.error();
    }
    if (auto is_object = detail::require_object(*document, "tokenizer.json"); !is_object) {
        return is_object.error();
    }

    MemberReader reader(*document);
    const Json* model = reader.find("model");
    if (model == nullptr) {
        return make_error("missing 'model' in tokenizer.json");
    }
    if (!model->is_object()) {
        reader.reject("model", *model, "an object");
        return *reader.error();
    }
    MemberReader model_reader(*model, "model.");
    const Json* vocab_json = model_reader.find("vocab");
    if (vocab_json == nullptr) {
        return make_error("missing 'model.vocab' in tokenizer.json");
    }
    if (!vocab_json->is_object() && !vocab_json->is_array()) {
        model_reader.reject("vocab", *vocab_json, "an object or an array");
        return *model_reader.error();
    }
    if (const Json* merges = model_reader.find("merges");
        merges != nullptr && !merges->is_array()) {
        model_reader.reject("merges", *merges, "an array");
        return *model_reader.error();
    }
    if (failure.error) {
        return *failure.error;
    }

    TokenizerJson tokenizer;
    auto model_type = model_reader.string("type");
    if (model_type) {
        tokenizer.model_type = *model_type;
    } else if (model->contains("merges")) {
        tokenizer.model_type = "BPE";
    } else if (vocab_json->is_array()) {
        tokenizer.model_type = "Unigram";
    } else if (model->contains("continuing_subword_prefix") &&
               model->contains("max_input_chars_per_word")) {
        tokenizer.model_type = "WordPiece";
    } else {
        tokenizer.model_type = "WordLevel";
    }

    // Unigram models list [piece, score] pairs; the others map tokens to ids.
    bool expects_list = tokenizer.model_type == "Unigram";
    bool known_type = expects_list || tokenizer.model_type == "BPE" ||
                      tokenizer.model_type == "WordPiece" || tokenizer.model_type == "WordLevel";
    if (known_type && vocab_json->is_array() != expects_list) {
        model_reader.reject("vocab", *vocab_json,
                            expects_list ? "an array of [piece, score] pairs for a Unigram model"
                                         : "an object for a " + tokenizer.model_type + " model");
        return *model_reader.error();
    }
    tokenizer.vocab = std::move(vocab);
    tokenizer.merge_count = merge_count;

    tokenizer.unk_token = model_reader.string("unk_token");
    if (auto unk_id = model_reader.integer("unk_id");
        unk_id && *unk_id >= 0 && static_cast<size_t>(*unk_id) < tokenizer.vocab.entries.size()) {
        tokenizer.unk_token = tokenizer.vocab.entries[static_cast<size_t>(*unk_id)].first;
    }
    if (model_reader.error()) {
        return *model_reader.error();
    }

    if (const Json* added = reader.find("added_tokens")) {
        if (!added->is_array()) {
            reader.reject("added_tokens", *added, "an array");
            return *reader.error();
        }
        for (size_t i = 0; i < added->size(); ++i) {
            std::string name = "added_tokens[" + std::to_string(i) + "]";
            const Json& entry = (*added)[i];
            if (!entry.is_object()) {
                return make_error("'" + name + "' is " + describe_json_value(entry) +
                                  ", expected an object");
            }

            MemberReader token_reader(entry, name + ".");
            AddedToken token;
            token.id = token_reader.integer("id").value_or(-1);
            auto content = token_reader.string("content");
            token.special = token_reader.boolean("special").value_or(false);
            read_token_flags(token_reader, token);
            if (token_reader.error()) {
                return *token_reader.error();
            }
            if (!content) {
                return make_error("missing '" + name + ".content' in tokenizer.json");
            }
            token.content = std::move(*content);
            tokenizer.added_tokens.push_back(std::move(token));
        }
    }

    // len(tokenizer) counts distinct ids: added tokens usually repeat vocab
    // entries (Llama's <unk>, <s>, </s>) or extend past them.
    std::vector<int64_t> ids;
    ids.reserve(tokenizer.vocab.entries.size() + tokenizer.added_tokens.size());
    for (const auto& [token, id] : tokenizer.vocab.entries) {
        ids.push_back(id);
    }
    for (const auto& token : tokenizer.added_tokens) {
        if (token.id >= 0) {
            ids.push_back(token.id);
        }
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    tokenizer.total_size = ids.size();
    tokenizer.max_id = ids.empty() ? -1 : ids.back();
    tokenizer.pipeline = read_pipeline(*document);
    return tokenizer;
}

Result<TokenizerConfig> parse_tokenizer_config(std::string_view text) {
    auto document = parse_object(text, "tokenizer_config.json");
    if (!document) {
        return document.error();
    }

    MemberReader reader(*document);
    TokenizerConfig config;
    config.tokenizer_class = reader.string("tokenizer_class");
    config.special_tokens = read_special_tokens(reader);
    config.additional_special_tokens = read_additional_special_tokens(reader);
    config.model_max_length = reader.number("model_max_length");
    config.vocab_size = reader.integer("vocab_size");
    config.padding_side = reader.string("padding_side");
    if (reader.error()) {
        return *reader.error();
    }

    auto decoder = read_added_tokens_decoder(reader);
    if (!decoder) {
        return decoder.error();
    }
    config.added_tokens_decoder = std::move(decoder.value());

    auto templates = read_chat_templates(reader);
    if (!templates) {
        return templates.error();
    }
    config.chat_templates = std::move(templates.value());

    config.settings = *document;
    config.settings.erase("added_tokens_decoder");
    config.settings.erase("chat_template");
    return config;
}

Result<SpecialTokensMap> parse_special_tokens_map(std::string_view text) {
    auto document = parse_object(text, "special_tokens_map.json");
    if (!document) {
        return document.error();
    }

    MemberReader reader(*document);
    SpecialTokensMap map;
    map.special_tokens = read_special_tokens(reader);
    map.additional_special_tokens = read_additional_special_tokens(reader);
    if (reader.error()) {
        return *reader.error();
    }
    map.settings = *document;
    return map;
}

Result<Vocabulary> parse_added_tokens(std::string_view text) {
    return parse_token_id_object(text, "added_tokens.json");
}

Result<Vocabulary> parse_vocab_json(std::string_view text) {
    return parse_token_id_object(text, "vocab.json");
}

Result<Vocabulary> parse_vocab_txt(std::string_view text) {
    // Lines end at "\n" with an optional "\r", as the tokenizers library reads
    // them. NOTE: transformers' BertTokenizer reads in Python's text mode,
    // which also ends a line at a lone "\r"; here such a "\r" stays in the
    // token.
    Vocabulary vocab;
    for_each_line(text, [&vocab](std::string_view line, size_t number) {
        add_entry(vocab, std::string(line), static_cast<int64_t>(number - 1));
    });
    return vocab;
}

Result<Merges> parse_merges(std::string_view text) {
    Merges merges;
    std::optional<Error> error;
    for_each_line(text, [&](std::string_view line, size_t number) {
        if (error || line.empty()) {
            return;
        }

        // "#version: 0.2" (sometimes followed by " - Trained by
        // huggingface/tokenizers"); the tokenizers library skips such lines
        // wherever they are.
        constexpr std::string_view header = "#version";
        if (line.substr(0, header.size()) == header) {
            if (!merges.version) {
                std::string_view version = line.substr(header.size());
                size_t start = version.find_first_not_of(": \t");
                merges.version =
                    std::string(start == std::string_view::npos ? "" : version.substr(start));
            }
            return;
        }

        size_t space = line.find(' ');
        if (space == std::string_view::npos || space == 0 || space + 1 == line.size() ||
            line.find(' ', space + 1) != std::string_view::npos) {
            error = make_error("invalid merge on line " + std::to_string(number) + ": '" +
                               std::string(line.substr(0, 80)) +
                               "', expected two tokens separated by one space");
            return;
        }
        ++merges.count;
    });
    if (error) {
        return *error;
    }
    return merges;
}

} // namespace mlv::formats
