#include "support/snapshot_builder.hpp"

#include "mlv/checks/rules.hpp"

#include <doctest/doctest.h>

using mlv::artifacts::Format;
using mlv::checks::Severity;
using mlv::test::check;
using mlv::test::numbered_vocabulary;
using mlv::test::SnapshotBuilder;
using mlv::test::with_rule;
namespace formats = mlv::formats;

namespace {

// A Llama-3-style tokenizer: 128000 base tokens and 256 special ones.
formats::TokenizerJson llama3_tokenizer() {
    formats::TokenizerJson tokenizer;
    tokenizer.model_type = "BPE";
    tokenizer.vocab = numbered_vocabulary(128000);
    tokenizer.added_tokens = {{"<|begin_of_text|>", 128000, true},
                              {"<|end_of_text|>", 128001, true},
                              {"<|start_header_id|>", 128006, true},
                              {"<|end_header_id|>", 128007, true},
                              {"<|eot_id|>", 128009, true}};
    tokenizer.max_id = 128009;
    tokenizer.total_size = 128010;
    return tokenizer;
}

const char* llama3_template =
    "{% set loop_messages = messages %}{% for message in loop_messages %}"
    "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'"
    "+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}"
    "{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}"
    "{% endif %}";

formats::TokenizerConfig llama3_tokenizer_config() {
    formats::TokenizerConfig config;
    config.special_tokens = {{"bos_token", "<|begin_of_text|>"}, {"eos_token", "<|end_of_text|>"}};
    config.chat_templates = {{"default", llama3_template}};
    return config;
}

formats::ModelConfig llama3_config() {
    formats::ModelConfig config;
    config.architectures = {"LlamaForCausalLM"};
    config.vocab_size = 128256;
    config.token_ids.bos = {128000};
    config.token_ids.eos = {128001};
    return config;
}

formats::GenerationConfig generation_with_eos(std::vector<int64_t> eos) {
    formats::GenerationConfig generation;
    generation.token_ids.bos = {128000};
    generation.token_ids.eos = std::move(eos);
    generation.do_sample = true;
    return generation;
}

SnapshotBuilder llama3(std::vector<int64_t> generation_eos) {
    SnapshotBuilder state;
    state.add("config.json", Format::model_config, llama3_config())
        .add("generation_config.json", Format::generation_config,
             generation_with_eos(std::move(generation_eos)))
        .add("tokenizer.json", Format::tokenizer_json, llama3_tokenizer())
        .add("tokenizer_config.json", Format::tokenizer_config, llama3_tokenizer_config());
    return state;
}

} // namespace

TEST_CASE("special tokens: template end of turn not eos") {
    auto findings = check(llama3({128001}).snapshot());
    auto eos = with_rule(findings, "chat-template-eos");
    REQUIRE(eos.size() == 1);
    CHECK(eos[0].severity == Severity::warning);
    CHECK(eos[0].paths.front() == "generation_config.json");
    CHECK(eos[0].message.find("'<|eot_id|>' (id 128009)") != std::string::npos);
    CHECK(eos[0].hint.find("add 128009") != std::string::npos);
    CHECK(with_rule(findings, "special-token-mismatch").empty());
}

TEST_CASE("special tokens: eos list with end of turn passes") {
    CHECK(with_rule(check(llama3({128001, 128009}).snapshot()), "chat-template-eos").empty());
}

TEST_CASE("special tokens: chatml template in its own file") {
    formats::TokenizerJson tokenizer;
    tokenizer.vocab = numbered_vocabulary(1000);
    tokenizer.added_tokens = {
        {"<|endoftext|>", 1000, true}, {"<|im_start|>", 1001, true}, {"<|im_end|>", 1002, true}};
    formats::TokenizerConfig tokenizer_config;
    tokenizer_config.special_tokens = {{"eos_token", "<|endoftext|>"}};
    formats::ChatTemplate chat_template{
        "default", "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + "
                   "message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}"};
    formats::GenerationConfig generation;
    generation.token_ids.eos = {1000};

    SnapshotBuilder state;
    state.add("tokenizer.json", Format::tokenizer_json, tokenizer)
        .add("tokenizer_config.json", Format::tokenizer_config, tokenizer_config)
        .add("chat_template.jinja", Format::chat_template, chat_template)
        .add("generation_config.json", Format::generation_config, generation);
    auto eos = with_rule(check(state.snapshot()), "chat-template-eos");
    REQUIRE(eos.size() == 1);
    CHECK(eos[0].message.find("'<|im_end|>'") != std::string::npos);
    CHECK(eos[0].paths.back() == "chat_template.jinja");
}

TEST_CASE("special tokens: end of turn detection") {
    std::vector<std::string> specials = {
        "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>",
        "<|im_end|>",          "[/INST]",           "<end_of_turn>"};
    auto found = mlv::checks::find_end_of_turn_tokens(llama3_template, specials);
    CHECK(found == std::vector<std::string>{"<|eot_id|>"});

    // Mistral closes user turns with [/INST], which is not an end of turn.
    auto mistral = mlv::checks::find_end_of_turn_tokens(
        "{{ '[INST] ' + message['content'] + ' [/INST]' }}{{ message['content'] + eos_token }}",
        specials);
    CHECK(mistral.empty());

    auto gemma = mlv::checks::find_end_of_turn_tokens(
        "{{ '<start_of_turn>' + role + '\\n' + message['content'] | trim + '<end_of_turn>\\n' }}",
        specials);
    CHECK(gemma == std::vector<std::string>{"<end_of_turn>"});
}

TEST_CASE("special tokens: added token objects resolve") {
    // Values written as AddedToken objects must be read as their content.
    auto config = formats::parse_tokenizer_config(R"({
      "bos_token": {"__type": "AddedToken", "content": "<s>", "lstrip": false,
                    "normalized": true, "rstrip": false, "single_word": false},
      "eos_token": {"__type": "AddedToken", "content": "</s>", "lstrip": false,
                    "normalized": true, "rstrip": false, "single_word": false},
      "unk_token": {"content": "<unk>", "lstrip": false, "normalized": true,
                    "rstrip": false, "single_word": false},
      "pad_token": null,
      "tokenizer_class": "LlamaTokenizer"
    })");
    REQUIRE(config.ok());
    auto map = formats::parse_special_tokens_map(R"({
      "bos_token": {"content": "<s>", "lstrip": false, "normalized": false, "rstrip": false,
                    "single_word": false},
      "eos_token": "</s>",
      "additional_special_tokens": [{"content": "<extra>", "special": true}]
    })");
    REQUIRE(map.ok());

    formats::TokenizerJson tokenizer;
    tokenizer.vocab = numbered_vocabulary(100);
    tokenizer.added_tokens = {
        {"<unk>", 0, true}, {"<s>", 1, true}, {"</s>", 2, true}, {"<extra>", 99, true}};
    SnapshotBuilder state;
    state.add("tokenizer.json", Format::tokenizer_json, tokenizer)
        .add("tokenizer_config.json", Format::tokenizer_config, *config)
        .add("special_tokens_map.json", Format::special_tokens_map, *map);

    auto findings = check(state.snapshot());
    CHECK(with_rule(findings, "special-token-unknown").empty());
    CHECK(with_rule(findings, "special-token-mismatch").empty());
    CHECK(findings.empty());
}

TEST_CASE("special tokens: unknown named token") {
    formats::TokenizerJson tokenizer;
    tokenizer.vocab = numbered_vocabulary(100);
    formats::SpecialTokensMap map;
    map.special_tokens = {{"pad_token", "<pad>"}};
    map.additional_special_tokens = {"<tool>"};
    SnapshotBuilder state;
    state.add("tokenizer.json", Format::tokenizer_json, tokenizer)
        .add("special_tokens_map.json", Format::special_tokens_map, map);

    auto findings = with_rule(check(state.snapshot()), "special-token-unknown");
    REQUIRE(findings.size() == 2);
    CHECK(findings[0].message ==
          "pad_token '<pad>' in 'special_tokens_map.json' is not in the vocabulary or the added "
          "tokens");
    CHECK(findings[1].message.find("additional_special_tokens '<tool>'") != std::string::npos);
}

TEST_CASE("special tokens: unknown skipped without vocabulary") {
    // Only the SentencePiece model holds the vocabulary, and its object is absent.
    formats::TokenizerConfig config;
    config.special_tokens = {{"eos_token", "</s>"}};
    SnapshotBuilder state;
    state.add_pointer("tokenizer.model", Format::sentencepiece)
        .add("tokenizer_config.json", Format::tokenizer_config, config);
    CHECK(with_rule(check(state.snapshot()), "special-token-unknown").empty());
}

TEST_CASE("special tokens: ids disagree across files") {
    formats::ModelConfig config;
    config.vocab_size = 32000;
    config.token_ids.pad = {0};
    config.token_ids.eos = {2};
    formats::GenerationConfig generation;
    generation.token_ids.pad = {31999};
    generation.token_ids.eos = {2};
    SnapshotBuilder state;
    state.add("config.json", Format::model_config, config)
        .add("generation_config.json", Format::generation_config, generation);

    auto findings = with_rule(check(state.snapshot()), "special-token-mismatch");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].message ==
          "pad_token_id disagrees: 0 in 'config.json', 31999 in 'generation_config.json'");
}

TEST_CASE("special tokens: tokenizer eos outside config list") {
    formats::TokenizerJson tokenizer;
    tokenizer.vocab = numbered_vocabulary(10);
    formats::TokenizerConfig tokenizer_config;
    tokenizer_config.special_tokens = {{"eos_token", "t7"}};
    formats::ModelConfig config;
    config.token_ids.eos = {2, 3};
    SnapshotBuilder state;
    state.add("config.json", Format::model_config, config)
        .add("tokenizer.json", Format::tokenizer_json, tokenizer)
        .add("tokenizer_config.json", Format::tokenizer_config, tokenizer_config);
    auto findings = with_rule(check(state.snapshot()), "special-token-mismatch");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].message ==
          "eos_token_id disagrees: [2, 3] in 'config.json', 7 in 'tokenizer_config.json' "
          "(eos_token 't7')");

    // An eos list containing the tokenizer's eos agrees.
    config.token_ids.eos = {2, 7};
    state.add("config.json", Format::model_config, config);
    CHECK(with_rule(check(state.snapshot()), "special-token-mismatch").empty());
}

TEST_CASE("special tokens: negative id") {
    formats::ModelConfig config;
    config.token_ids.pad = {-1};
    SnapshotBuilder state;
    state.add("config.json", Format::model_config, config);
    auto findings = with_rule(check(state.snapshot()), "special-token-id-out-of-range");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].message.find("pad_token_id is -1") != std::string::npos);
}

TEST_CASE("special tokens: gguf special id beyond tokens") {
    formats::GgufFile gguf;
    gguf.tokens = {"<unk>", "<s>", "</s>"};
    gguf.special_token_ids = {{"eos", 2}, {"pad", 3}};
    SnapshotBuilder state;
    state.add("model.gguf", Format::gguf, gguf);
    auto findings = with_rule(check(state.snapshot()), "special-token-id-out-of-range");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].message.find("tokenizer.ggml.pad_token_id is 3") != std::string::npos);
}

TEST_CASE("special tokens: named tokens disagree") {
    formats::TokenizerConfig config;
    config.special_tokens = {{"eos_token", "</s>"}};
    formats::SpecialTokensMap map;
    map.special_tokens = {{"eos_token", "<|im_end|>"}};
    SnapshotBuilder state;
    state.add("special_tokens_map.json", Format::special_tokens_map, map)
        .add("tokenizer_config.json", Format::tokenizer_config, config);
    auto findings = with_rule(check(state.snapshot()), "special-token-mismatch");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].message.find("eos_token is") != std::string::npos);
}
