#include "support/snapshot_builder.hpp"

#include "mlv/checks/rules.hpp"

#include <doctest/doctest.h>

using mlv::artifacts::Format;
using mlv::checks::CheckInput;
using mlv::checks::Severity;
using mlv::test::check;
using mlv::test::numbered_vocabulary;
using mlv::test::SnapshotBuilder;
using mlv::test::tensor;
using mlv::test::with_rule;
namespace formats = mlv::formats;

namespace {

formats::TokenizerJson tokenizer(std::vector<formats::AddedToken> added) {
    formats::TokenizerJson out;
    out.vocab = numbered_vocabulary(100);
    out.added_tokens = std::move(added);
    return out;
}

formats::TokenizerConfig tokenizer_config(std::vector<formats::AddedToken> added) {
    formats::TokenizerConfig out;
    out.special_tokens = {{"eos_token", "</s>"}};
    out.added_tokens_decoder = std::move(added);
    return out;
}

formats::ModelConfig model_config(int64_t hidden) {
    formats::ModelConfig out;
    out.hidden_size = hidden;
    out.vocab_size = 100;
    out.raw = {{"hidden_size", hidden}};
    return out;
}

formats::SafetensorsHeader model_weights(uint64_t hidden) {
    return mlv::test::safetensors({tensor("model.embed_tokens.weight", "F16", {100, hidden})});
}

} // namespace

TEST_CASE("co-edit: tokenizer gains token alone") {
    std::vector<formats::AddedToken> before = {{"</s>", 2, true}};
    std::vector<formats::AddedToken> after = {{"</s>", 2, true}, {"<|im_end|>", 99, true}};
    SnapshotBuilder parent;
    parent.add("tokenizer.json", Format::tokenizer_json, tokenizer(before))
        .add("tokenizer_config.json", Format::tokenizer_config, tokenizer_config(before))
        .add("README.md", Format::markdown, std::monostate{});
    SnapshotBuilder state = parent;
    state.add("tokenizer.json", Format::tokenizer_json, tokenizer(after));

    auto findings = with_rule(check(state.snapshot(), &parent.snapshot()), "co-edit-stale");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].severity == Severity::warning);
    CHECK(findings[0].paths == std::vector<std::string>{"tokenizer_config.json", "tokenizer.json"});
    CHECK(findings[0].message.find("changed its added tokens") != std::string::npos);
    CHECK(findings[0].values["group"] == "tokenizer");

    // Updating both files together is the expected change.
    state.add("tokenizer_config.json", Format::tokenizer_config, tokenizer_config(after));
    CHECK(with_rule(check(state.snapshot(), &parent.snapshot()), "co-edit-stale").empty());
}

TEST_CASE("co-edit: config architecture without weights") {
    SnapshotBuilder parent;
    parent.add("config.json", Format::model_config, model_config(8))
        .add("model.safetensors", Format::safetensors, model_weights(8));
    SnapshotBuilder state = parent;
    state.add("config.json", Format::model_config, model_config(16));

    auto findings = with_rule(check(state.snapshot(), &parent.snapshot()), "co-edit-stale");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].paths.front() == "model.safetensors");
    CHECK(findings[0].message.find("'config.json' changed the model's shapes") !=
          std::string::npos);
}

TEST_CASE("co-edit: contract unchanged is no change") {
    // New weights with the same shapes need no config change.
    SnapshotBuilder parent;
    parent.add("config.json", Format::model_config, model_config(8))
        .add_plain("model.safetensors", Format::safetensors, 100, "v1");
    SnapshotBuilder state = parent;
    state.add_plain("model.safetensors", Format::safetensors, 100, "v2");
    CHECK(check(state.snapshot(), &parent.snapshot()).empty());
}

TEST_CASE("co-edit: resharding changes no contract") {
    SnapshotBuilder parent;
    parent.add("config.json", Format::model_config, model_config(8))
        .add("model-00001-of-00002.safetensors", Format::safetensors, model_weights(8))
        .add("model-00002-of-00002.safetensors", Format::safetensors,
             mlv::test::safetensors({tensor("lm_head.weight", "F16", {100, 8})}));
    SnapshotBuilder state;
    state.add("config.json", Format::model_config, model_config(8))
        .add("model.safetensors", Format::safetensors,
             mlv::test::safetensors({tensor("model.embed_tokens.weight", "F16", {100, 8}),
                                     tensor("lm_head.weight", "F16", {100, 8})}));
    CHECK(with_rule(check(state.snapshot(), &parent.snapshot()), "co-edit-stale").empty());

    // The other way round, the new shards follow the unchanged config.
    CHECK(with_rule(check(parent.snapshot(), &state.snapshot()), "co-edit-stale").empty());
}

TEST_CASE("co-edit: other directory is another model") {
    SnapshotBuilder parent;
    parent.add("config.json", Format::model_config, model_config(8))
        .add("checkpoint-500/model.safetensors", Format::safetensors, model_weights(8));
    SnapshotBuilder state = parent;
    state.add("config.json", Format::model_config, model_config(16));
    CHECK(with_rule(check(state.snapshot(), &parent.snapshot()), "co-edit-stale").empty());
}

TEST_CASE("co-edit: training step without optimizer") {
    formats::TrainerState step_100;
    step_100.global_step = 100;
    formats::TrainerState step_200;
    step_200.global_step = 200;
    SnapshotBuilder parent;
    parent.add("trainer_state.json", Format::trainer_state, step_100)
        .add("optimizer.pt", Format::pytorch, formats::TorchCheckpoint{});
    SnapshotBuilder state = parent;
    state.add("trainer_state.json", Format::trainer_state, step_200);
    auto findings = with_rule(check(state.snapshot(), &parent.snapshot()), "co-edit-stale");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].paths.front() == "optimizer.pt");
}

TEST_CASE("co-edit: configured group on any change") {
    SnapshotBuilder parent;
    parent.add_plain("eval/results.csv", Format::text, 10, "a")
        .add_plain("docs/model.md", Format::markdown, 10, "b");
    SnapshotBuilder state = parent;
    state.add_plain("eval/results.csv", Format::text, 10, "a2");

    CheckInput input;
    input.state = &state.snapshot();
    input.parent = &parent.snapshot();
    input.configured_groups = {{"eval", {"eval/*.csv", "docs/model.md"}}};
    auto findings = with_rule(mlv::checks::run_rules(input), "co-edit-stale");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].paths.front() == "docs/model.md");
    CHECK(findings[0].values["group"] == "eval");
}

TEST_CASE("co-edit: no parent no finding") {
    SnapshotBuilder state;
    state.add("config.json", Format::model_config, model_config(8))
        .add("model.safetensors", Format::safetensors, model_weights(8));
    CHECK(with_rule(check(state.snapshot()), "co-edit-stale").empty());
}

TEST_CASE("co-edit: extra weights file added") {
    // A new safetensors file that is not the model changes no shape of it.
    SnapshotBuilder parent;
    parent.add("config.json", Format::model_config, model_config(8))
        .add("model.safetensors", Format::safetensors, model_weights(8));
    for (const char* name : {"zz.safetensors", "adapter_model.safetensors"}) {
        CAPTURE(name);
        SnapshotBuilder state = parent;
        state.add(name, Format::safetensors, mlv::test::safetensors({tensor("w", "F32", {4})}));
        CHECK(with_rule(check(state.snapshot(), &parent.snapshot()), "co-edit-stale").empty());
    }
}

TEST_CASE("co-edit: extra weights file not stale") {
    // config.json changes the architecture; the model's weights follow it,
    // and an unchanged extra file is not expected to.
    SnapshotBuilder parent;
    parent.add("config.json", Format::model_config, model_config(8))
        .add("model.safetensors", Format::safetensors, model_weights(8))
        .add("extra.safetensors", Format::safetensors, model_weights(8));
    SnapshotBuilder state = parent;
    state.add("config.json", Format::model_config, model_config(16))
        .add("model.safetensors", Format::safetensors, model_weights(16));
    CHECK(with_rule(check(state.snapshot(), &parent.snapshot()), "co-edit-stale").empty());

    // Without the model's weights following, model.safetensors is stale.
    SnapshotBuilder config_only = parent;
    config_only.add("config.json", Format::model_config, model_config(16));
    auto stale = with_rule(check(config_only.snapshot(), &parent.snapshot()), "co-edit-stale");
    REQUIRE(stale.size() == 1);
    CHECK(stale[0].paths[0] == "model.safetensors");
}

TEST_CASE("co-edit: gguf conversion added") {
    // A GGUF file carries its own metadata, so adding one requires no change to
    // config.json or the safetensors weights.
    SnapshotBuilder parent;
    parent.add("config.json", Format::model_config, model_config(8))
        .add("model.safetensors", Format::safetensors, model_weights(8));
    formats::GgufFile gguf;
    gguf.tensors = {tensor("token_embd.weight", "F16", {8, 100})};
    SnapshotBuilder state = parent;
    state.add("model-q4_0.gguf", Format::gguf, gguf);
    CHECK(with_rule(check(state.snapshot(), &parent.snapshot()), "co-edit-stale").empty());
}
