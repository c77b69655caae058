// Tokenizer files: tokenizer.json, tokenizer_config.json,
// special_tokens_map.json, added_tokens.json, vocab.txt, vocab.json and
// merges.txt. SentencePiece models are in sentencepiece.hpp.
#pragma once

#include "mlv/util/json.hpp"
#include "mlv/util/result.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mlv::formats {

// A vocabulary: token strings and their ids. Ids are usually dense from 0,
// but nothing requires it.
struct Vocabulary {
    std::vector<std::pair<std::string, int64_t>> entries; // in file order
    int64_t max_id = -1;                                  // -1 when empty
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Vocabulary, entries, max_id)

struct AddedToken {
    std::string content;
    int64_t id = -1; // -1 when the file gives no id
    bool special = false;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(AddedToken, content, id, special)

// tokenizer.json (the `tokenizers` library's serialisation).
struct TokenizerJson {
    // "BPE", "WordPiece", "Unigram" or "WordLevel". Old files have no
    // model.type; it is inferred: `merges` means BPE,
    // `continuing_subword_prefix` with `max_input_chars_per_word` means
    // WordPiece, a list-of-pairs vocab means Unigram.
    std::string model_type;
    Vocabulary vocab; // model.vocab
    uint64_t merge_count = 0;
    std::vector<AddedToken> added_tokens;
    std::optional<std::string> unk_token;
    // The number of distinct ids over vocab and added tokens (what
    // len(tokenizer) returns) and the largest of them.
    uint64_t total_size = 0;
    int64_t max_id = -1;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(TokenizerJson, model_type, vocab, merge_count,
                                                added_tokens, unk_token, total_size, max_id)

Result<TokenizerJson> parse_tokenizer_json(std::string_view text);

// Named special tokens as strings: "bos_token" -> "<s>". Values written as
// AddedToken objects ({"content": "<s>", "__type": "AddedToken", ...}) are
// read as their content. A null value is left out.
using SpecialTokens = std::map<std::string, std::string>;

struct ChatTemplate {
    std::string name; // "default" for a single template
    std::string source;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ChatTemplate, name, source)

// tokenizer_config.json.
struct TokenizerConfig {
    std::optional<std::string> tokenizer_class;
    SpecialTokens special_tokens; // bos_token, eos_token, unk_token, pad_token, sep_token,
                                  // cls_token, mask_token
    std::vector<std::string> additional_special_tokens;
    std::vector<AddedToken> added_tokens_decoder; // ids from the object's keys
    std::vector<ChatTemplate> chat_templates;     // a string, or a list of {name, template}
    std::optional<double> model_max_length;       // may exceed 64 bits (1e30)
    std::optional<int64_t> vocab_size;            // a few tokenizers state their own
    std::optional<std::string> padding_side;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(TokenizerConfig, tokenizer_class, special_tokens,
                                                additional_special_tokens, added_tokens_decoder,
                                                chat_templates, model_max_length, vocab_size,
                                                padding_side)

Result<TokenizerConfig> parse_tokenizer_config(std::string_view text);

// special_tokens_map.json.
struct SpecialTokensMap {
    SpecialTokens special_tokens;
    std::vector<std::string> additional_special_tokens;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SpecialTokensMap, special_tokens,
                                                additional_special_tokens)

Result<SpecialTokensMap> parse_special_tokens_map(std::string_view text);

// added_tokens.json: {"<pad>": 32000, ...}, read as a vocabulary.
Result<Vocabulary> parse_added_tokens(std::string_view text);

// vocab.txt (WordPiece): one token per line, the id is the line number from 0.
// A final newline does not add an empty token.
Result<Vocabulary> parse_vocab_txt(std::string_view text);

// vocab.json (BPE): {"token": id, ...}.
Result<Vocabulary> parse_vocab_json(std::string_view text);

// merges.txt: an optional "#version" header line, then one merge per line.
struct Merges {
    std::optional<std::string> version;
    uint64_t count = 0;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Merges, version, count)

Result<Merges> parse_merges(std::string_view text);

} // namespace mlv::formats
