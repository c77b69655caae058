// Unit tests of src/lifecycle/stages.cpp: stage names, fix words, structural
// keys, change sessions and change summaries.
#include "mlv/lifecycle/history.hpp"

#include "support/lifecycle_artifacts.hpp"

#include <doctest/doctest.h>

using namespace mlv;
using namespace mlv::lifecycle;
using artifacts::Format;
using artifacts::Role;

namespace {

git::CommitInfo commit_with(const std::string& message, int64_t time = 0,
                            const std::string& email = "a@example.com") {
    git::CommitInfo commit;
    commit.summary = message;
    commit.message = message + "\n";
    commit.author.email = email;
    commit.author.time = time;
    return commit;
}

artifacts::Artifact config_artifact(const Json& raw, const std::string& seed) {
    return test::make_artifact("config.json", Role::config, Format::model_config, seed,
                               test::make_config(raw));
}

} // namespace

TEST_CASE("stage names round trip") {
    for (Stage stage : all_stages()) {
        CHECK(parse_stage(to_string(stage)) == stage);
    }
    CHECK(parse_stage("fine-tuning") == Stage::fine_tuning);
    CHECK_FALSE(parse_stage("retraining").has_value());
    CHECK(stage_priority().size() == all_stages().size());
}

TEST_CASE("fix words in messages") {
    CHECK(message_names_fix("Fix model links"));
    CHECK(message_names_fix("correct the eos id"));
    CHECK(message_names_fix("typo"));
    CHECK_FALSE(message_names_fix("Update config.json"));
    CHECK_FALSE(message_names_fix("prefix handling")); // whole words only
    CHECK_FALSE(message_names_fix("Upload tokenizer"));
}

TEST_CASE("sessions by author and gap") {
    std::vector<git::CommitInfo> commits = {
        commit_with("a", 0),
        commit_with("b", 1800),
        commit_with("c", 1800 + 3600),
        commit_with("d", 1800 + 3601 + 3600),
        commit_with("e", 1800 + 3601 + 3700, "b@example.com"),
        commit_with("f", 1800 + 3601 + 3800, "B@Example.com"),
    };
    CHECK(assign_sessions(commits) == std::vector<int>{1, 1, 1, 2, 3, 3});
    CHECK(assign_sessions(commits, 60) == std::vector<int>{1, 2, 3, 4, 5, 6});
}

TEST_CASE("summary of many files") {
    std::vector<FileChange> changes;
    for (int i = 1; i <= 4; ++i) {
        changes.push_back(test::added(test::make_lfs_weights(
            "model-0000" + std::to_string(i) + "-of-00004.safetensors", "s" + std::to_string(i))));
    }
    changes.push_back(test::added(config_artifact({{"a", 1}}, "c")));
    auto diff = diff_change_set(changes);
    CHECK(summarize_changes(changes, diff) == "5 files: 4 weights added, 1 config added");
}

TEST_CASE("summary names hidden changes") {
    const std::vector<FileChange> few = {
        test::modified(config_artifact({{"a", 1}, {"b", 1}, {"c", 1}}, "c1"),
                       config_artifact({{"a", 2}, {"b", 2}, {"c", 2}}, "c2"))};
    CHECK(summarize_changes(few, diff_change_set(few)) == "config.json: a: 1 -> 2 (+2 more: b, c)");

    Json old_keys = Json::object();
    Json new_keys = Json::object();
    for (const char* key : {"a", "rope_scaling_factor", "attention_dropout", "initializer_range"}) {
        old_keys[key] = 1;
        new_keys[key] = 2;
    }
    const std::vector<FileChange> many = {
        test::modified(config_artifact(old_keys, "d1"), config_artifact(new_keys, "d2"))};
    CHECK(summarize_changes(many, diff_change_set(many)) ==
          "config.json: a: 1 -> 2 (+3 more changes)");
}

TEST_CASE("stage priority order") {
    const std::vector<Stage> expected = {
        Stage::initial_import, Stage::architecture, Stage::fine_tuning, Stage::training,
        Stage::conversion,     Stage::tokenizer,    Stage::evaluation,  Stage::configuration,
        Stage::documentation,  Stage::maintenance,
    };
    CHECK(stage_priority() == expected);
}

TEST_CASE("fix word forms") {
    for (const char* message : {"fixes", "fixed", "fixing", "bugfix", "hotfix", "corrected",
                                "correction", "typos", "bugs", "repair", "repaired", "wrong",
                                "broken", "Revert \"x\"", "reverts", "reverted", "FIX"}) {
        CAPTURE(message);
        CHECK(message_names_fix(message));
    }
    CHECK_FALSE(message_names_fix("fixture update"));
    CHECK_FALSE(message_names_fix("incorrectly named")); // whole words only
}

TEST_CASE("structural keys") {
    for (const char* key : {"vocab_size", "hidden_size", "num_hidden_layers", "n_embd", "d_model",
                            "text_config.hidden_size", "vision_config.num_hidden_layers",
                            "model_type", "architectures", "type_vocab_size"}) {
        CAPTURE(key);
        CHECK(is_structural_key(key, false));
    }
    CHECK_FALSE(is_structural_key("max_position_embeddings", false));
    CHECK(is_structural_key("max_position_embeddings", true));
    CHECK_FALSE(is_structural_key("n_positions", false));
    CHECK_FALSE(is_structural_key("rope_scaling.factor", false));
    CHECK_FALSE(is_structural_key("torch_dtype", false));
}

TEST_CASE("generation keys") {
    CHECK(generation_keys().count("temperature") == 1);
    CHECK(generation_keys().count("max_length") == 1);
    CHECK(generation_keys().count("do_sample") == 1);
    CHECK(generation_keys().count("vocab_size") == 0);
}

TEST_CASE("sessions on the gap boundary") {
    const std::vector<git::CommitInfo> commits = {
        commit_with("a", 0),
        commit_with("b", default_session_gap_seconds),
        commit_with("c", 2 * default_session_gap_seconds + 1),
    };
    CHECK(assign_sessions(commits) == std::vector<int>{1, 1, 2});
    CHECK(assign_sessions({}).empty());
}

TEST_CASE("summary of few files") {
    const std::vector<FileChange> changes = {test::added(config_artifact({{"a", 1}}, "c"))};
    const auto diff = diff_change_set(changes);
    CHECK(summarize_changes(changes, diff).find("config.json") != std::string::npos);
}
