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
    // How the tokenizer matches the token in text; nullopt when the file
    // leaves a flag out.
    std::optional<bool> single_word;
    std::optional<bool> lstrip;
    std::optional<bool> rstrip;
    std::optional<bool> normalized;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(AddedToken, content, id, special, single_word,
                                                lstrip, rstrip, normalized)

// One step of the tokenizers pipeline in tokenizer.json (normalizer,
// pre_tokenizer, post_processor or decoder), reduced to what a diff needs
// to tell that it changed without keeping its JSON.
struct PipelineStep {
    std::string type;   // the step's "type" member; empty when it has none
    std::string digest; // XXH3-128 of the step's compact JSON dump, 32 hex digits
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(PipelineStep, type, digest)

// tokenizer.json (the `tokenizers` library's serialisation).
struct TokenizerJson {
    // "BPE", "WordPiece", "Unigram" or "WordLevel" (or any other model.type
    // as written). Old files have no model.type, so it is inferred in this
    // order: `merges` means BPE, a list-of-pairs vocab means Unigram,
    // `continuing_subword_prefix` with `max_input_chars_per_word` means
    // WordPiece, and any other object vocab means WordLevel.
    std::string model_type;
    Vocabulary vocab; // model.vocab; for Unigram the ids are the list indexes
    uint64_t merge_count = 0;
    std::vector<AddedToken> added_tokens; // in file order
    // model.unk_token, or for Unigram the piece at model.unk_id.
    std::optional<std::string> unk_token;
    // The number of distinct ids over vocab and added tokens (what
    // len(tokenizer) returns) and the largest of them.
    uint64_t total_size = 0;
    int64_t max_id = -1;
    // The pipeline steps by name ("normalizer", "pre_tokenizer",
    // "post_processor", "decoder"); a step that is null or absent is left out.
    std::map<std::string, PipelineStep> pipeline;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(TokenizerJson, model_type, vocab, merge_count,
                                                added_tokens, unk_token, total_size, max_id,
                                                pipeline)

// Parses tokenizer.json in time linear in its size, streaming model.vocab
// and model.merges (merges as "a b" strings or ["a", "b"] pairs). Fails on
// invalid JSON, a missing model or model.vocab, a vocab entry that is not an
// integer id or [piece, score] pair, a vocab shape that contradicts
// model.type, or an added token without content.
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
    std::vector<AddedToken> added_tokens_decoder; // ids from the object's keys, sorted by id
    std::vector<ChatTemplate> chat_templates;     // a string, or a list of {name, template}
    std::optional<double> model_max_length;       // may exceed 64 bits (1e30)
    std::optional<int64_t> vocab_size;            // a few tokenizers state their own
    std::optional<std::string> padding_side;
    // The whole object without added_tokens_decoder and chat_template (kept
    // above in a better shape), for key-level diffs without rereading the file.
    Json settings = Json::object();
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(TokenizerConfig, tokenizer_class, special_tokens,
                                                additional_special_tokens, added_tokens_decoder,
                                                chat_templates, model_max_length, vocab_size,
                                                padding_side, settings)

// Parses tokenizer_config.json. Fails on invalid JSON, a special token that
// is neither a string, null nor an object with a string "content", an
// added_tokens_decoder key that is not a decimal id, or a modelled key with
// the wrong type.
Result<TokenizerConfig> parse_tokenizer_config(std::string_view text);

// special_tokens_map.json.
struct SpecialTokensMap {
    SpecialTokens special_tokens;
    std::vector<std::string> additional_special_tokens;
    Json settings = Json::object(); // the whole object, for key-level diffs
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SpecialTokensMap, special_tokens,
                                                additional_special_tokens, settings)

Result<SpecialTokensMap> parse_special_tokens_map(std::string_view text);

// added_tokens.json: {"<pad>": 32000, ...}, read as a vocabulary in file
// order. Every value must be an integer.
Result<Vocabulary> parse_added_tokens(std::string_view text);

// vocab.txt (WordPiece): one token per line, the id is the line number from 0.
// Lines end at "\n", with an optional "\r" before it. A final newline does
// not add an empty token, but an empty line before it is a token. Never fails.
Result<Vocabulary> parse_vocab_txt(std::string_view text);

// vocab.json (BPE): {"token": id, ...}, in file order.
Result<Vocabulary> parse_vocab_json(std::string_view text);

// merges.txt: an optional "#version" header line, then one merge per line.
struct Merges {
    // The header's text after "#version:" ("0.2 - Trained by ...").
    std::optional<std::string> version;
    uint64_t count = 0; // non-empty merge lines
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Merges, version, count)

// Parses merges.txt. Fails on a non-empty line that is not two tokens
// separated by one space, as the tokenizers library does.
Result<Merges> parse_merges(std::string_view text);

} // namespace mlv::formats
