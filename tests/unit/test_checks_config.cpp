#include "mlv/checks/config.hpp"

#include "mlv/util/file.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>

using mlv::checks::parse_config;
using mlv::checks::Severity;

TEST_CASE("config: rules groups and roles") {
    auto parsed = parse_config(R"({
      // comments are allowed
      "rules": {"generation-sampling": "off", "vocab-padding": "error"},
      "groups": [{"name": "eval", "members": ["eval_results.json", "README.md"]}],
      "roles": {"*.weights": "weights"}
    })");
    CHECK(parsed.problems.empty());
    CHECK(parsed.config.severities.at("generation-sampling") == Severity::off);
    CHECK(parsed.config.severities.at("vocab-padding") == Severity::error);
    REQUIRE(parsed.config.groups.size() == 1);
    CHECK(parsed.config.groups[0].name == "eval");
    CHECK(parsed.config.groups[0].members.size() == 2);
    REQUIRE(parsed.config.roles.size() == 1);
    CHECK(parsed.config.roles[0].pattern == "*.weights");
    CHECK(parsed.config.roles[0].role == mlv::artifacts::Role::weights);
}

TEST_CASE("config: unknown entries are reported") {
    auto parsed = parse_config(R"({
      "rule": {},
      "rules": {"vocab-paddin": "off", "layer-count": "loud"},
      "groups": [{"name": "g", "members": ["a"]}, {"members": ["a", "b"]}],
      "roles": {"*.x": "weight"}
    })");
    REQUIRE(parsed.problems.size() == 6);
    for (const auto& problem : parsed.problems) {
        CHECK(problem.rule == "config-invalid");
        CHECK(problem.severity == Severity::warning);
        CHECK(problem.paths == std::vector<std::string>{".mlv.json"});
    }
    auto reported = [&parsed](const std::string& text) {
        for (const auto& problem : parsed.problems) {
            if (problem.message.find(text) != std::string::npos) {
                return true;
            }
        }
        return false;
    };
    CHECK(reported("unknown key 'rule' in .mlv.json"));
    CHECK(reported("unknown rule id 'vocab-paddin' in .mlv.json"));
    CHECK(reported("invalid severity \"loud\" for 'layer-count'"));
    CHECK(reported("group 1 in .mlv.json ('g') has fewer than two members"));
    CHECK(reported("group 2 in .mlv.json needs a string \"name\""));
    CHECK(reported("invalid role \"weight\" for '*.x'"));
    CHECK(parsed.config.severities.empty());
    CHECK(parsed.config.groups.empty());
    CHECK(parsed.config.roles.empty());
}

TEST_CASE("config: ranges") {
    using mlv::checks::RangeErrors;
    CHECK(parse_config("{}").config.range_errors == RangeErrors::fixed_later_warns);

    auto strict = parse_config(R"({"ranges": "every-commit"})");
    CHECK(strict.problems.empty());
    CHECK(strict.config.range_errors == RangeErrors::every_commit);

    auto relaxed = parse_config(R"({"ranges": "fixed-later-warns"})");
    CHECK(relaxed.problems.empty());
    CHECK(relaxed.config.range_errors == RangeErrors::fixed_later_warns);

    auto invalid = parse_config(R"({"ranges": true})");
    REQUIRE(invalid.problems.size() == 1);
    CHECK(invalid.problems[0].severity == Severity::warning);
    CHECK(invalid.problems[0].message == "invalid value true for \"ranges\" in .mlv.json");
    CHECK(invalid.config.range_errors == RangeErrors::fixed_later_warns);
}

TEST_CASE("config: invalid JSON is an error") {
    auto parsed = parse_config("{\"rules\": {\"layer-count\": \"off\"\n");
    REQUIRE(parsed.problems.size() == 1);
    CHECK(parsed.problems[0].severity == Severity::error);
    CHECK(parsed.problems[0].message.find("line") != std::string::npos);
    CHECK(parsed.config.severities.empty());
}

TEST_CASE("config: git config overrides") {
    mlv::checks::CheckConfig config;
    config.severities["vocab-padding"] = Severity::error;
    auto warnings = mlv::checks::apply_git_config(config, {{"mlv.vocab-padding", "off"},
                                                           {"mlv.layer-count", "warning"},
                                                           {"mlv.no-such-rule", "error"},
                                                           {"mlv.hooks.skip", "true"},
                                                           {"mlv.cache", "off"}});
    CHECK(config.severities.at("vocab-padding") == Severity::off);
    CHECK(config.severities.at("layer-count") == Severity::warning);
    REQUIRE(warnings.size() == 2);
    CHECK(warnings[0] == "unknown rule id 'no-such-rule' in git config mlv.no-such-rule");
    CHECK(warnings[1] == "unknown rule id 'cache' in git config mlv.cache");
}

TEST_CASE("config: git config invalid severity") {
    // A rule id with a value that is no severity is reported; other
    // two-level keys with such values belong to other commands.
    mlv::checks::CheckConfig config;
    auto warnings = mlv::checks::apply_git_config(
        config, {{"mlv.vocab-padding", "loud"}, {"mlv.remote", "origin"}});
    CHECK(config.severities.empty());
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0] == "invalid severity 'loud' in git config mlv.vocab-padding: use off, "
                         "info, warning or error");
}

TEST_CASE("config: effective severity") {
    mlv::checks::CheckConfig config;
    config.severities["vocab-padding"] = Severity::error;
    mlv::checks::Finding padding;
    padding.rule = "vocab-padding";
    padding.severity = Severity::info;
    mlv::checks::Finding other;
    other.rule = "layer-count";
    other.severity = Severity::error;
    CHECK(mlv::checks::effective_severity(config, padding) == Severity::error);
    CHECK(mlv::checks::effective_severity(config, other) == Severity::error);
}

TEST_CASE("config: replace groups keeps other keys") {
    auto updated = mlv::checks::replace_config_groups(
        "{\n  // local rules\n  \"rules\": {\"layer-count\": \"off\"},\n  \"groups\": []\n}",
        {{"tokenizer", {"tokenizer.json", "tokenizer_config.json"}}});
    REQUIRE(updated.ok());
    auto json = mlv::Json::parse(*updated);
    CHECK(json["rules"]["layer-count"] == "off");
    REQUIRE(json["groups"].size() == 1);
    CHECK(json["groups"][0]["name"] == "tokenizer");
    CHECK(json["groups"][0]["members"][1] == "tokenizer_config.json");

    auto parsed = parse_config(*updated);
    CHECK(parsed.problems.empty());
    CHECK(parsed.config.groups.size() == 1);

    CHECK_FALSE(mlv::checks::replace_config_groups("[1]", {}).ok());
    CHECK_FALSE(mlv::checks::replace_config_groups("{", {}).ok());
}

TEST_CASE("config: write groups to file") {
    auto dir =
        std::filesystem::temp_directory_path() / ("mlv-config-test-" + std::to_string(std::rand()));
    std::filesystem::create_directories(dir);
    std::string path = (dir / ".mlv.json").string();

    REQUIRE(mlv::checks::write_config_groups(path, {{"g", {"a", "b"}}}).ok());
    auto text = mlv::read_file(path, 1 << 20);
    REQUIRE(text.ok());
    CHECK(mlv::Json::parse(*text)["groups"][0]["members"][0] == "a");

    REQUIRE(mlv::write_file_atomic(path, "{\"rules\": {\"layer-count\": \"off\"}}").ok());
    REQUIRE(mlv::checks::write_config_groups(path, {{"h", {"c", "d"}}}).ok());
    auto rewritten = mlv::Json::parse(*mlv::read_file(path, 1 << 20));
    CHECK(rewritten["rules"]["layer-count"] == "off");
    CHECK(rewritten["groups"][0]["name"] == "h");
    std::filesystem::remove_all(dir);
}
