#include "mlv/formats/tokenizer.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace mlv;
using namespace mlv::formats;

namespace {

using Entries = std::vector<std::pair<std::string, int64_t>>;

// A tokenizer.json whose "model" member is `model`, with `added` as its
// added_tokens list.
std::string tokenizer_json(const std::string& model, const std::string& added = "[]") {
    return R"({"version": "1.0", "truncation": null, "padding": null, "added_tokens": )" + added +
           R"(, "normalizer": null, "pre_tokenizer": null, "post_processor": null,
             "decoder": null, "model": )" +
           model + "}";
}

} // namespace

TEST_CASE("tokenizer.json: BPE with type") {
    auto tokenizer = parse_tokenizer_json(tokenizer_json(
        R"({"type": "BPE", "unk_token": "<unk>", "vocab": {"<unk>": 0, "<s>": 1, "</s>": 2,
            "b": 4, "a": 3}, "merges": ["a b", ["ab", "c"]]})",
        R"([{"id": 0, "content": "<unk>", "special": true},
            {"id": 5, "content": "<pad>", "special": false}])"));
    REQUIRE(tokenizer.ok());
    CHECK(tokenizer->model_type == "BPE");
    CHECK(tokenizer->vocab.entries ==
          Entries{{"<unk>", 0}, {"<s>", 1}, {"</s>", 2}, {"b", 4}, {"a", 3}});
    CHECK(tokenizer->vocab.max_id == 4);
    CHECK(tokenizer->merge_count == 2);
    CHECK(tokenizer->unk_token == "<unk>");
    REQUIRE(tokenizer->added_tokens.size() == 2);
    CHECK(tokenizer->added_tokens[0].content == "<unk>");
    CHECK(tokenizer->added_tokens[0].id == 0);
    CHECK(tokenizer->added_tokens[0].special);
    CHECK(tokenizer->added_tokens[1].content == "<pad>");
    CHECK(tokenizer->added_tokens[1].id == 5);
    CHECK_FALSE(tokenizer->added_tokens[1].special);
    CHECK(tokenizer->total_size == 6);
    CHECK(tokenizer->max_id == 5);
}

TEST_CASE("tokenizer.json: old BPE inferred") {
    auto tokenizer = parse_tokenizer_json(tokenizer_json(
        R"({"dropout": null, "unk_token": null, "continuing_subword_prefix": "",
            "end_of_word_suffix": "", "fuse_unk": false, "vocab": {"a": 0, "b": 1, "ab": 2},
            "merges": ["a b"]})"));
    REQUIRE(tokenizer.ok());
    CHECK(tokenizer->model_type == "BPE");
    CHECK(tokenizer->merge_count == 1);
    CHECK_FALSE(tokenizer->unk_token.has_value());
    CHECK(tokenizer->total_size == 3);
}

TEST_CASE("tokenizer.json: old WordPiece inferred") {
    auto tokenizer = parse_tokenizer_json(tokenizer_json(
        R"({"unk_token": "[UNK]", "continuing_subword_prefix": "##",
            "max_input_chars_per_word": 100, "vocab": {"[PAD]": 0, "[UNK]": 1, "##s": 2}})"));
    REQUIRE(tokenizer.ok());
    CHECK(tokenizer->model_type == "WordPiece");
    CHECK(tokenizer->vocab.entries == Entries{{"[PAD]", 0}, {"[UNK]", 1}, {"##s", 2}});
    CHECK(tokenizer->merge_count == 0);
    CHECK(tokenizer->unk_token == "[UNK]");
}

TEST_CASE("tokenizer.json: old Unigram inferred") {
    auto tokenizer = parse_tokenizer_json(
        tokenizer_json(R"({"unk_id": 1, "vocab": [["<pad>", 0.0], ["<unk>", 0.0], ["▁a", -2.5],
                                                   ["b", -3]]})"));
    REQUIRE(tokenizer.ok());
    CHECK(tokenizer->model_type == "Unigram");
    CHECK(tokenizer->vocab.entries == Entries{{"<pad>", 0}, {"<unk>", 1}, {"▁a", 2}, {"b", 3}});
    CHECK(tokenizer->vocab.max_id == 3);
    CHECK(tokenizer->unk_token == "<unk>");
    CHECK(tokenizer->total_size == 4);
}

TEST_CASE("tokenizer.json: old WordLevel inferred") {
    auto tokenizer = parse_tokenizer_json(
        tokenizer_json(R"({"unk_token": "<unk>", "vocab": {"<unk>": 0, "hello": 1}})"));
    REQUIRE(tokenizer.ok());
    CHECK(tokenizer->model_type == "WordLevel");
    CHECK(tokenizer->vocab.entries.size() == 2);
}

TEST_CASE("tokenizer.json: added tokens extend vocab") {
    auto tokenizer = parse_tokenizer_json(tokenizer_json(
        R"({"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
            "max_input_chars_per_word": 100, "vocab": {"[UNK]": 0, "a": 1}})",
        R"([{"id": 0, "content": "[UNK]", "special": true},
            {"id": 2, "content": "[NEW]", "special": true},
            {"id": 2, "content": "[NEW]", "special": true},
            {"id": 7, "content": "[FAR]", "special": false}])"));
    REQUIRE(tokenizer.ok());
    CHECK(tokenizer->total_size == 4);
    CHECK(tokenizer->max_id == 7);
    CHECK(tokenizer->vocab.max_id == 1);
}

TEST_CASE("tokenizer.json: nested vocab keys ignored") {
    // Only the top-level model's vocab and merges are streamed; a "vocab"
    // elsewhere stays in the document and does not count.
    auto tokenizer = parse_tokenizer_json(
        R"({"added_tokens": [], "decoder": {"vocab": {"x": 9}},
            "model": {"type": "BPE", "vocab": {"a": 0}, "merges": [],
                      "extra": {"vocab": {"y": 10}, "merges": ["q r"]}}})");
    REQUIRE(tokenizer.ok());
    CHECK(tokenizer->vocab.entries == Entries{{"a", 0}});
    CHECK(tokenizer->merge_count == 0);
    CHECK(tokenizer->max_id == 0);
}

TEST_CASE("tokenizer.json: empty vocab") {
    auto tokenizer =
        parse_tokenizer_json(tokenizer_json(R"({"type": "BPE", "vocab": {}, "merges": []})"));
    REQUIRE(tokenizer.ok());
    CHECK(tokenizer->vocab.entries.empty());
    CHECK(tokenizer->vocab.max_id == -1);
    CHECK(tokenizer->total_size == 0);
    CHECK(tokenizer->max_id == -1);
}

TEST_CASE("tokenizer.json: errors") {
    auto missing_model = parse_tokenizer_json(R"({"added_tokens": []})");
    REQUIRE_FALSE(missing_model.ok());
    CHECK(missing_model.error().message == "missing 'model' in tokenizer.json");

    auto missing_vocab = parse_tokenizer_json(tokenizer_json(R"({"type": "BPE", "merges": []})"));
    REQUIRE_FALSE(missing_vocab.ok());
    CHECK(missing_vocab.error().message == "missing 'model.vocab' in tokenizer.json");

    auto string_id = parse_tokenizer_json(tokenizer_json(R"({"vocab": {"a": 0, "b": "1"}})"));
    REQUIRE_FALSE(string_id.ok());
    CHECK(string_id.error().message ==
          "'model.vocab' entry 'b' is a string, expected an integer id");

    auto object_id = parse_tokenizer_json(tokenizer_json(R"({"vocab": {"a": {"id": 0}}})"));
    REQUIRE_FALSE(object_id.ok());
    CHECK(object_id.error().message ==
          "'model.vocab' entry 'a' is an object, expected an integer id");

    auto bad_pair = parse_tokenizer_json(tokenizer_json(R"({"vocab": [["a", 0.0], ["b"]]})"));
    REQUIRE_FALSE(bad_pair.ok());
    CHECK(bad_pair.error().message ==
          "'model.vocab[1]' is an array, expected a [piece, score] pair");

    auto bad_merge =
        parse_tokenizer_json(tokenizer_json(R"({"vocab": {"a": 0}, "merges": ["a b", 3]})"));
    REQUIRE_FALSE(bad_merge.ok());
    CHECK(bad_merge.error().message ==
          "'model.merges[1]' is the number 3, expected a string or a pair of strings");

    auto unigram_dict =
        parse_tokenizer_json(tokenizer_json(R"({"type": "Unigram", "vocab": {"a": 0}})"));
    REQUIRE_FALSE(unigram_dict.ok());
    CHECK(unigram_dict.error().message ==
          "'model.vocab' is an object, expected an array of [piece, score] pairs for a "
          "Unigram model");

    auto bpe_list = parse_tokenizer_json(
        tokenizer_json(R"({"type": "BPE", "vocab": [["a", 0.0]], "merges": []})"));
    REQUIRE_FALSE(bpe_list.ok());
    CHECK(bpe_list.error().message == "'model.vocab' is an array, expected an object for a BPE "
                                      "model");

    auto vocab_string = parse_tokenizer_json(tokenizer_json(R"({"vocab": "vocab.json"})"));
    REQUIRE_FALSE(vocab_string.ok());
    CHECK(vocab_string.error().message ==
          "'model.vocab' is a string, expected an object or an array");

    auto added = parse_tokenizer_json(
        tokenizer_json(R"({"vocab": {}})", R"([{"id": "5", "content": "x"}])"));
    REQUIRE_FALSE(added.ok());
    CHECK(added.error().message == "'added_tokens[0].id' is a string, expected an integer");

    auto added_content = parse_tokenizer_json(tokenizer_json(R"({"vocab": {}})", R"([{"id": 5}])"));
    REQUIRE_FALSE(added_content.ok());
    CHECK(added_content.error().message == "missing 'added_tokens[0].content' in tokenizer.json");

    auto top = parse_tokenizer_json("[]");
    REQUIRE_FALSE(top.ok());
    CHECK(top.error().message == "tokenizer.json top level is an array, expected an object");
}

TEST_CASE("tokenizer.json: invalid JSON position") {
    auto tokenizer = parse_tokenizer_json("{\"model\": {\"vocab\": {\"a\": 0,\n\"b\" 1}}}");
    REQUIRE_FALSE(tokenizer.ok());
    CHECK(tokenizer.error().message ==
          "invalid JSON at line 2, column 5: unexpected number, expected ':'");
}

TEST_CASE("tokenizer.json: large vocab linear" * doctest::timeout(10)) {
    // 200,000 entries parse in well under a second. A quadratic step, such as
    // an insertion that scans the keys read so far, would take minutes (an
    // estimate: 2e10 string comparisons).
    std::string vocab = "{";
    for (int i = 0; i < 200000; ++i) {
        vocab += (i == 0 ? "\"t" : ",\"t") + std::to_string(i) + "\":" + std::to_string(i);
    }
    vocab += "}";
    auto tokenizer = parse_tokenizer_json(
        tokenizer_json(R"({"type": "BPE", "vocab": )" + vocab + R"(, "merges": []})"));
    REQUIRE(tokenizer.ok());
    CHECK(tokenizer->vocab.entries.size() == 200000);
    CHECK(tokenizer->vocab.entries.back() ==
          std::make_pair(std::string("t199999"), int64_t{199999}));
    CHECK(tokenizer->total_size == 200000);
}

TEST_CASE("tokenizer config: AddedToken objects") {
    auto config = parse_tokenizer_config(R"({
      "bos_token": {"__type": "AddedToken", "content": "<s>", "lstrip": false},
      "eos_token": {"content": "</s>"},
      "unk_token": "<unk>",
      "pad_token": null,
      "sep_token": "[SEP]", "cls_token": "[CLS]", "mask_token": "[MASK]",
      "model_max_length": 1000000000000000019884624838656,
      "padding_side": "right",
      "tokenizer_class": "LlamaTokenizer"
    })");
    REQUIRE(config.ok());
    CHECK(config->special_tokens == SpecialTokens{{"bos_token", "<s>"},
                                                  {"eos_token", "</s>"},
                                                  {"unk_token", "<unk>"},
                                                  {"sep_token", "[SEP]"},
                                                  {"cls_token", "[CLS]"},
                                                  {"mask_token", "[MASK]"}});
    CHECK(config->special_tokens.count("pad_token") == 0);
    CHECK(config->model_max_length == 1e30);
    CHECK(config->padding_side == "right");
    CHECK(config->tokenizer_class == "LlamaTokenizer");
    CHECK_FALSE(config->vocab_size.has_value());
    CHECK(config->chat_templates.empty());
    CHECK(config->added_tokens_decoder.empty());
}

TEST_CASE("tokenizer config: added_tokens_decoder by id") {
    auto config = parse_tokenizer_config(R"({
      "added_tokens_decoder": {
        "32000": {"content": "<|im_end|>", "special": true, "lstrip": false},
        "100": {"content": "[UNK]", "special": false},
        "2": {"content": "</s>", "special": true}
      },
      "additional_special_tokens": ["<|im_start|>", {"content": "<|im_end|>"}],
      "vocab_size": 49152
    })");
    REQUIRE(config.ok());
    REQUIRE(config->added_tokens_decoder.size() == 3);
    CHECK(config->added_tokens_decoder[0].id == 2);
    CHECK(config->added_tokens_decoder[0].content == "</s>");
    CHECK(config->added_tokens_decoder[1].id == 100);
    CHECK_FALSE(config->added_tokens_decoder[1].special);
    CHECK(config->added_tokens_decoder[2].id == 32000);
    CHECK(config->added_tokens_decoder[2].content == "<|im_end|>");
    CHECK(config->added_tokens_decoder[2].special);
    CHECK(config->additional_special_tokens ==
          std::vector<std::string>{"<|im_start|>", "<|im_end|>"});
    CHECK(config->vocab_size == 49152);
}

TEST_CASE("tokenizer config: chat templates") {
    auto single = parse_tokenizer_config(R"({"chat_template": "{{ messages }}"})");
    REQUIRE(single.ok());
    REQUIRE(single->chat_templates.size() == 1);
    CHECK(single->chat_templates[0].name == "default");
    CHECK(single->chat_templates[0].source == "{{ messages }}");

    auto named = parse_tokenizer_config(
        R"({"chat_template": [{"name": "default", "template": "A"},
                              {"name": "tool_use", "template": "B"}]})");
    REQUIRE(named.ok());
    REQUIRE(named->chat_templates.size() == 2);
    CHECK(named->chat_templates[1].name == "tool_use");
    CHECK(named->chat_templates[1].source == "B");

    auto invalid = parse_tokenizer_config(R"({"chat_template": [{"name": "default"}]})");
    REQUIRE_FALSE(invalid.ok());
    CHECK(invalid.error().message ==
          "'chat_template[0]' is an object, expected an object with string 'name' and "
          "'template'");
}

TEST_CASE("tokenizer config: errors") {
    auto token = parse_tokenizer_config(R"({"eos_token": 2})");
    REQUIRE_FALSE(token.ok());
    CHECK(token.error().message ==
          "'eos_token' is the number 2, expected a string or an object with a string 'content'");

    auto no_content = parse_tokenizer_config(R"({"bos_token": {"__type": "AddedToken"}})");
    REQUIRE_FALSE(no_content.ok());
    CHECK(no_content.error().message ==
          "'bos_token' is an object, expected a string or an object with a string 'content'");

    auto key = parse_tokenizer_config(R"({"added_tokens_decoder": {"x1": {"content": "a"}}})");
    REQUIRE_FALSE(key.ok());
    CHECK(key.error().message == "'added_tokens_decoder' key 'x1' is not a token id");

    auto entry = parse_tokenizer_config(R"({"added_tokens_decoder": {"5": {"special": true}}})");
    REQUIRE_FALSE(entry.ok());
    CHECK(entry.error().message == "missing 'added_tokens_decoder.5.content'");

    auto additional = parse_tokenizer_config(R"({"additional_special_tokens": ["a", null]})");
    REQUIRE_FALSE(additional.ok());
    CHECK(additional.error().message == "'additional_special_tokens[1]' is null, expected a "
                                        "string or an object with a string 'content'");

    auto length = parse_tokenizer_config(R"({"model_max_length": "2048"})");
    REQUIRE_FALSE(length.ok());
    CHECK(length.error().message == "'model_max_length' is a string, expected a number");

    auto top = parse_tokenizer_config("\"LlamaTokenizer\"");
    REQUIRE_FALSE(top.ok());
    CHECK(top.error().message == "tokenizer_config.json top level is a string, expected an object");
}

TEST_CASE("special tokens map: value forms") {
    auto map = parse_special_tokens_map(R"({
      "bos_token": {"content": "<s>", "lstrip": false, "normalized": false},
      "eos_token": "</s>",
      "pad_token": null,
      "additional_special_tokens": [{"content": "<a>"}, "<b>"]
    })");
    REQUIRE(map.ok());
    CHECK(map->special_tokens == SpecialTokens{{"bos_token", "<s>"}, {"eos_token", "</s>"}});
    CHECK(map->additional_special_tokens == std::vector<std::string>{"<a>", "<b>"});
}

TEST_CASE("special tokens map: invalid") {
    auto map = parse_special_tokens_map(R"({"additional_special_tokens": "<a>"})");
    REQUIRE_FALSE(map.ok());
    CHECK(map.error().message == "'additional_special_tokens' is a string, expected an array");
}

TEST_CASE("added tokens: file order") {
    auto vocab = parse_added_tokens(R"({"<|im_end|>": 32000, "<|im_start|>": 32001, "<a>": 5})");
    REQUIRE(vocab.ok());
    CHECK(vocab->entries == Entries{{"<|im_end|>", 32000}, {"<|im_start|>", 32001}, {"<a>", 5}});
    CHECK(vocab->max_id == 32001);
}

TEST_CASE("added tokens: errors") {
    auto string_id = parse_added_tokens(R"({"<pad>": "32000"})");
    REQUIRE_FALSE(string_id.ok());
    CHECK(string_id.error().message ==
          "added_tokens.json entry '<pad>' is a string, expected an integer id");

    auto array = parse_added_tokens(R"(["<pad>"])");
    REQUIRE_FALSE(array.ok());
    CHECK(array.error().message == "added_tokens.json top level is an array, expected an object");

    auto empty = parse_added_tokens("{}");
    REQUIRE(empty.ok());
    CHECK(empty->entries.empty());
    CHECK(empty->max_id == -1);
}

TEST_CASE("vocab.json: entries and errors") {
    auto vocab = parse_vocab_json(R"({"!": 0, "\"": 1, "\u0120the": 262})");
    REQUIRE(vocab.ok());
    CHECK(vocab->entries == Entries{{"!", 0}, {"\"", 1}, {"\xC4\xA0the", 262}});
    CHECK(vocab->max_id == 262);

    auto invalid = parse_vocab_json("{\"a\": 0,}");
    REQUIRE_FALSE(invalid.ok());
    CHECK(invalid.error().message.rfind("invalid JSON at line 1, column 9: ", 0) == 0);
}

TEST_CASE("vocab.txt: lines and ids") {
    auto vocab = parse_vocab_txt("[PAD]\n[UNK]\n##s\n");
    REQUIRE(vocab.ok());
    CHECK(vocab->entries == Entries{{"[PAD]", 0}, {"[UNK]", 1}, {"##s", 2}});
    CHECK(vocab->max_id == 2);
}

TEST_CASE("vocab.txt: line ends") {
    auto crlf = parse_vocab_txt("a\r\nb\r\n");
    REQUIRE(crlf.ok());
    CHECK(crlf->entries == Entries{{"a", 0}, {"b", 1}});

    auto no_final_newline = parse_vocab_txt("a\nb");
    REQUIRE(no_final_newline.ok());
    CHECK(no_final_newline->entries == Entries{{"a", 0}, {"b", 1}});

    auto empty_line = parse_vocab_txt("a\n\nb\n");
    REQUIRE(empty_line.ok());
    CHECK(empty_line->entries == Entries{{"a", 0}, {"", 1}, {"b", 2}});

    auto trailing_empty_line = parse_vocab_txt("a\n\n");
    REQUIRE(trailing_empty_line.ok());
    CHECK(trailing_empty_line->entries == Entries{{"a", 0}, {"", 1}});

    auto lone_cr = parse_vocab_txt("a\rb\n");
    REQUIRE(lone_cr.ok());
    CHECK(lone_cr->entries == Entries{{"a\rb", 0}});

    auto empty = parse_vocab_txt("");
    REQUIRE(empty.ok());
    CHECK(empty->entries.empty());
    CHECK(empty->max_id == -1);
}

TEST_CASE("merges: header and count") {
    auto merges = parse_merges("#version: 0.2 - Trained by huggingface/tokenizers\n"
                               "\xC4\xA0 t\nh e\r\n\ni n\n");
    REQUIRE(merges.ok());
    CHECK(merges->version == "0.2 - Trained by huggingface/tokenizers");
    CHECK(merges->count == 3);

    auto bare = parse_merges("a b\nc d");
    REQUIRE(bare.ok());
    CHECK_FALSE(bare->version.has_value());
    CHECK(bare->count == 2);

    auto empty = parse_merges("");
    REQUIRE(empty.ok());
    CHECK(empty->count == 0);
}

TEST_CASE("merges: invalid line") {
    auto one_token = parse_merges("#version: 0.2\na b\nabc\n");
    REQUIRE_FALSE(one_token.ok());
    CHECK(one_token.error().message ==
          "invalid merge on line 3: 'abc', expected two tokens separated by one space");

    auto three_tokens = parse_merges("a b c\n");
    REQUIRE_FALSE(three_tokens.ok());
    CHECK(three_tokens.error().message ==
          "invalid merge on line 1: 'a b c', expected two tokens separated by one space");
}

TEST_CASE("tokenizer.json: added token flags") {
    auto tokenizer = parse_tokenizer_json(
        tokenizer_json(R"({"type": "BPE", "vocab": {"a": 0}, "merges": []})",
                       R"([{"id": 1, "content": "<s>", "single_word": false, "lstrip": true,
             "rstrip": false, "normalized": false, "special": true},
            {"id": 2, "content": "<pad>"}])"));
    REQUIRE(tokenizer.ok());
    REQUIRE(tokenizer->added_tokens.size() == 2);
    const auto& first = tokenizer->added_tokens[0];
    CHECK(first.single_word == false);
    CHECK(first.lstrip == true);
    CHECK(first.rstrip == false);
    CHECK(first.normalized == false);
    CHECK_FALSE(tokenizer->added_tokens[1].normalized.has_value());
}

TEST_CASE("tokenizer.json: pipeline steps") {
    const std::string model = R"({"type": "BPE", "vocab": {"a": 0}, "merges": []})";
    auto without = parse_tokenizer_json(tokenizer_json(model));
    REQUIRE(without.ok());
    CHECK(without->pipeline.empty());

    const auto with_normalizer = [&](const std::string& normalizer) {
        return parse_tokenizer_json(R"({"added_tokens": [], "normalizer": )" + normalizer +
                                    R"(, "decoder": {"type": "ByteLevel"}, "model": )" + model +
                                    "}");
    };
    auto first = with_normalizer(R"({"type": "Replace", "content": "a"})");
    auto second = with_normalizer(R"({"type": "Replace", "content": "b"})");
    REQUIRE(first.ok());
    REQUIRE(second.ok());
    REQUIRE(first->pipeline.size() == 2);
    CHECK(first->pipeline.at("normalizer").type == "Replace");
    CHECK(first->pipeline.at("decoder").type == "ByteLevel");
    CHECK(first->pipeline.at("normalizer").digest.size() == 32);
    CHECK(first->pipeline.at("normalizer").digest != second->pipeline.at("normalizer").digest);
    CHECK(first->pipeline.at("decoder").digest == second->pipeline.at("decoder").digest);
}

TEST_CASE("tokenizer config: flags and settings") {
    auto config = parse_tokenizer_config(R"({
      "added_tokens_decoder": {"0": {"content": "<unk>", "normalized": true, "special": true}},
      "chat_template": "{{ messages }}",
      "bos_token": {"content": "<s>", "normalized": false},
      "use_fast": false
    })");
    REQUIRE(config.ok());
    REQUIRE(config->added_tokens_decoder.size() == 1);
    CHECK(config->added_tokens_decoder[0].normalized == true);
    CHECK_FALSE(config->added_tokens_decoder[0].lstrip.has_value());
    CHECK(config->settings.contains("use_fast"));
    CHECK(config->settings["bos_token"]["normalized"] == false);
    CHECK_FALSE(config->settings.contains("added_tokens_decoder"));
    CHECK_FALSE(config->settings.contains("chat_template"));
}

TEST_CASE("special tokens map: settings") {
    auto map = parse_special_tokens_map(R"({"bos_token": {"content": "<s>", "lstrip": false}})");
    REQUIRE(map.ok());
    CHECK(map->settings["bos_token"]["lstrip"] == false);
}
