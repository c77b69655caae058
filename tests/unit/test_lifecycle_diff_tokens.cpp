// Unit tests of src/lifecycle/diff_tokens.cpp: tokens, special tokens,
// chat templates and trainer progress.
#include "mlv/lifecycle/diff.hpp"

#include "support/lifecycle_artifacts.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>

using namespace mlv;
using namespace mlv::lifecycle;
using artifacts::Format;
using artifacts::Role;
using mlv::test::has_line;
using mlv::test::make_artifact;

TEST_CASE("tokenizer json tokens") {
    formats::TokenizerJson old_tokenizer;
    old_tokenizer.vocab.entries = {{"a", 0}, {"b", 1}, {"c", 2}};
    old_tokenizer.added_tokens = {{"<s>", 3, true}};
    old_tokenizer.merge_count = 10;
    formats::TokenizerJson new_tokenizer;
    new_tokenizer.vocab.entries = {{"a", 0}, {"c", 1}, {"d", 2}};
    new_tokenizer.added_tokens = {{"<s>", 3, false}, {"<pad>", 4, true}};
    new_tokenizer.merge_count = 12;
    auto before = make_artifact("tokenizer.json", Role::tokenizer, Format::tokenizer_json, "t1",
                                old_tokenizer);
    auto after = make_artifact("tokenizer.json", Role::tokenizer, Format::tokenizer_json, "t2",
                               new_tokenizer);
    auto diff = diff_file(test::modified(before, after));

    REQUIRE(diff.tokens.has_value());
    const auto& tokens = *diff.tokens;
    REQUIRE(tokens.added.size() == 2);
    CHECK(tokens.added[0].token == "d");
    CHECK(tokens.added[0].id == 2);
    CHECK(tokens.added[1].token == "<pad>");
    REQUIRE(tokens.removed.size() == 1);
    CHECK(tokens.removed[0].token == "b");
    REQUIRE(tokens.renumbered.size() == 1);
    CHECK(tokens.renumbered[0].token == "c");
    CHECK(tokens.renumbered[0].old_id == 2);
    CHECK(tokens.renumbered[0].new_id == 1);
    CHECK(tokens.special_tokens.size() == 2); // <s> lost its flag, <pad> gained one
    CHECK(*tokens.old_merges == 10);
    CHECK(*tokens.new_merges == 12);
    CHECK(has_line(diff, "tokens: 2 added, 1 removed, 1 renumbered (4 -> 5)"));
    CHECK(has_line(diff, "merges 10 -> 12"));
    CHECK(has_line(diff, "token \"<pad>\" now marked special"));
    CHECK(has_line(diff, "token \"<s>\" no longer marked special"));
    for (const auto& line : diff.summary) {
        CHECK(line.find("special:") == std::string::npos);
        CHECK(line.find("(absent)") == std::string::npos);
    }
}

TEST_CASE("tokenizer config specials and template") {
    formats::TokenizerConfig old_config;
    old_config.special_tokens = {{"eos_token", "</s>"}};
    old_config.chat_templates = {{"default", "{{ messages }}"}};
    formats::TokenizerConfig new_config;
    new_config.special_tokens = {{"eos_token", "<|eot_id|>"}};
    new_config.chat_templates = {{"default", "{% for m in messages %}{{ m }}{% endfor %}"}};
    new_config.added_tokens_decoder = {{"<|eot_id|>", 128009, true}};
    auto before = make_artifact("tokenizer_config.json", Role::tokenizer, Format::tokenizer_config,
                                "k1", old_config);
    auto after = make_artifact("tokenizer_config.json", Role::tokenizer, Format::tokenizer_config,
                               "k2", new_config);
    auto diff = diff_file(test::modified(before, after));

    REQUIRE(diff.tokens.has_value());
    REQUIRE(diff.tokens->special_tokens.size() == 1);
    CHECK(diff.tokens->special_tokens[0].key == "eos_token");
    CHECK(diff.tokens->chat_templates_changed == std::vector<std::string>{"default"});
    REQUIRE(diff.tokens->added.size() == 1);
    CHECK(diff.tokens->added[0].id == 128009);
    CHECK(has_line(diff, "special eos_token: \"</s>\" -> \"<|eot_id|>\""));
    CHECK(has_line(diff, "chat template 'default' changed"));
}

TEST_CASE("trainer progress restarted") {
    formats::TrainerState old_state;
    old_state.global_step = 1000;
    old_state.epoch = 3.0;
    formats::TrainerState new_state;
    new_state.global_step = 200;
    new_state.epoch = 0.5;
    auto before =
        make_artifact("trainer_state.json", Role::training, Format::trainer_state, "r1", old_state);
    auto after =
        make_artifact("trainer_state.json", Role::training, Format::trainer_state, "r2", new_state);
    auto diff = diff_file(test::modified(before, after));
    REQUIRE(diff.trainer.has_value());
    CHECK(*diff.trainer->old_step == 1000);
    CHECK(*diff.trainer->new_step == 200);
    CHECK(has_line(diff, "trainer: step 1000 -> 200, epoch 3 -> 0.5 (restarted)"));
}

TEST_CASE("added token flags grouped") {
    formats::TokenizerJson old_tokenizer;
    old_tokenizer.added_tokens = {{"<unk>", 0, true}, {"<s>", 1, true}, {"</s>", 2, true}};
    for (auto& token : old_tokenizer.added_tokens) {
        token.normalized = true;
        token.lstrip = false;
    }
    formats::TokenizerJson new_tokenizer = old_tokenizer;
    for (auto& token : new_tokenizer.added_tokens) {
        token.normalized = false;
    }
    new_tokenizer.added_tokens[2].lstrip = true;
    auto before = make_artifact("tokenizer.json", Role::tokenizer, Format::tokenizer_json, "f1",
                                old_tokenizer);
    auto after = make_artifact("tokenizer.json", Role::tokenizer, Format::tokenizer_json, "f2",
                               new_tokenizer);
    auto diff = diff_file(test::modified(before, after));

    REQUIRE(diff.tokens.has_value());
    CHECK(diff.tokens->token_flags.size() == 4);
    CHECK(diff.tokens->pipeline.empty());
    REQUIRE(diff.summary.size() == 2);
    CHECK(diff.summary[0] ==
          "added tokens normalized: true -> false for \"<unk>\", \"<s>\", \"</s>\"");
    CHECK(diff.summary[1] == "added tokens lstrip: false -> true for \"</s>\"");
}

TEST_CASE("tokenizer pipeline changes") {
    formats::TokenizerJson old_tokenizer;
    old_tokenizer.model_type = "BPE";
    old_tokenizer.pipeline = {{"normalizer", {"Sequence", "aaaa"}},
                              {"decoder", {"ByteLevel", "bbbb"}},
                              {"pre_tokenizer", {"Metaspace", "cccc"}}};
    formats::TokenizerJson new_tokenizer;
    new_tokenizer.model_type = "Unigram";
    new_tokenizer.pipeline = {{"normalizer", {"Sequence", "dddd"}},
                              {"decoder", {"ByteLevel", "bbbb"}}};
    auto before = make_artifact("tokenizer.json", Role::tokenizer, Format::tokenizer_json, "p1",
                                old_tokenizer);
    auto after = make_artifact("tokenizer.json", Role::tokenizer, Format::tokenizer_json, "p2",
                               new_tokenizer);
    auto diff = diff_file(test::modified(before, after));

    REQUIRE(diff.tokens.has_value());
    CHECK(diff.tokens->pipeline.size() == 3);
    CHECK(has_line(diff, "model.type: \"BPE\" -> \"Unigram\""));
    CHECK(has_line(diff, "normalizer changed (\"Sequence\")"));
    CHECK(has_line(diff, "pre_tokenizer: \"Metaspace\" -> (absent)"));
    CHECK_FALSE(has_line(diff, "decoder"));
}

TEST_CASE("special token keys not repeated") {
    formats::SpecialTokensMap old_map;
    old_map.special_tokens = {{"bos_token", "<s>"}, {"pad_token", "<unk>"}};
    old_map.settings = {{"bos_token", {{"content", "<s>"}, {"normalized", true}}},
                        {"pad_token", "<unk>"}};
    formats::SpecialTokensMap new_map;
    new_map.special_tokens = {{"bos_token", "<s>"}};
    new_map.settings = {{"bos_token", {{"content", "<s>"}, {"normalized", false}}}};
    auto before = make_artifact("special_tokens_map.json", Role::tokenizer,
                                Format::special_tokens_map, "m1", old_map);
    auto after = make_artifact("special_tokens_map.json", Role::tokenizer,
                               Format::special_tokens_map, "m2", new_map);
    auto diff = diff_file(test::modified(before, after));

    REQUIRE(diff.summary.size() == 2);
    CHECK(diff.summary[0] == "special pad_token: \"<unk>\" -> (absent)");
    CHECK(diff.summary[1] == "bos_token.normalized: true -> false");
}
