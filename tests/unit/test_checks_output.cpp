#include "mlv/checks/output.hpp"

#include <doctest/doctest.h>

#include <set>

using mlv::checks::CheckReport;
using mlv::checks::Finding;
using mlv::checks::Severity;

namespace {

CheckReport sample_report() {
    CheckReport report;
    report.states.push_back(
        {mlv::artifacts::SnapshotKind::commit, std::string(40, 'a'), "Upload tokenizer", 12});
    Finding error;
    error.rule = "vocab-token-out-of-range";
    error.severity = Severity::error;
    error.paths = {"added_tokens.json", "config.json"};
    error.message = "'<pad>' has id 32000 in 'added_tokens.json', but vocab_size in "
                    "'config.json' is 32000";
    error.hint = "remove the token";
    error.values = {{"max_token_id", 32000}};
    error.commit = std::string(40, 'a');
    Finding note = error;
    note.rule = "vocab-padding";
    note.severity = Severity::info;
    note.paths = {"config.json"};
    note.message = "padding";
    note.hint.clear();
    report.findings = {error, note};
    return report;
}

} // namespace

TEST_CASE("output: human text") {
    auto text = mlv::checks::format_human(sample_report(), mlv::checks::Color::off);
    CHECK(text == "commit aaaaaaaaaaaa Upload tokenizer\n"
                  "added_tokens.json\n"
                  "  error: '<pad>' has id 32000 in 'added_tokens.json', but vocab_size in "
                  "'config.json' is 32000 [vocab-token-out-of-range]\n"
                  "    hint: remove the token\n"
                  "config.json\n"
                  "  info: padding [vocab-padding]\n"
                  "\n"
                  "1 error, 0 warnings, 1 info in 2 files\n");
    CHECK(mlv::checks::format_human(CheckReport{}, mlv::checks::Color::off) == "no findings\n");

    auto colored = mlv::checks::format_human(sample_report(), mlv::checks::Color::on);
    CHECK(colored.find("\x1b[") != std::string::npos);
}

TEST_CASE("output: json report") {
    auto json = mlv::checks::format_json(sample_report());
    REQUIRE(json["findings"].size() == 2);
    CHECK(json["findings"][0]["rule"] == "vocab-token-out-of-range");
    CHECK(json["findings"][0]["severity"] == "error");
    CHECK(json["findings"][0]["paths"][0] == "added_tokens.json");
    CHECK(json["findings"][0]["hint"] == "remove the token");
    CHECK(json["findings"][0]["commit"] == std::string(40, 'a'));
    CHECK(json["findings"][0]["values"]["max_token_id"] == 32000);
    CHECK_FALSE(json["findings"][1].contains("hint"));
    CHECK(json["summary"]["error"] == 1);
    CHECK(json["summary"]["info"] == 1);
    CHECK(json["checked"][0]["kind"] == "commit");
}

TEST_CASE("output: sarif log") {
    auto sarif = mlv::checks::format_sarif(sample_report());
    CHECK(sarif["version"] == "2.1.0");
    CHECK(sarif["$schema"].get<std::string>().find("sarif") != std::string::npos);
    const auto& run = sarif["runs"][0];
    const auto& driver = run["tool"]["driver"];
    CHECK(driver["name"] == "git-mlv");
    CHECK(driver["version"] == MLV_VERSION);
    CHECK_FALSE(driver.contains("informationUri"));
    CHECK(driver["rules"].size() == mlv::checks::rule_catalog().size());
    CHECK(driver["rules"][0]["shortDescription"]["text"].is_string());

    REQUIRE(run["results"].size() == 2);
    const auto& result = run["results"][0];
    CHECK(result["ruleId"] == "vocab-token-out-of-range");
    CHECK(result["level"] == "error");
    CHECK(result["message"]["text"].get<std::string>().find("hint: remove the token") !=
          std::string::npos);
    CHECK(result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] ==
          "added_tokens.json");
    CHECK(driver["rules"][result["ruleIndex"].get<size_t>()]["id"] == result["ruleId"]);
    CHECK(run["results"][1]["level"] == "note");
}

TEST_CASE("output: sarif uris are encoded") {
    auto report = sample_report();
    report.findings[1].paths = {"weights:v2/my model/t\xc3\xa9.json"};
    auto sarif = mlv::checks::format_sarif(report);
    const auto& location = sarif["runs"][0]["results"][1]["locations"][0]["physicalLocation"];
    CHECK(location["artifactLocation"]["uri"] == "weights%3Av2/my%20model/t%C3%A9.json");
}

TEST_CASE("output: sarif region of a position") {
    auto report = sample_report();
    report.findings[1].values = {{"line", 3}, {"column", 16}};
    auto sarif = mlv::checks::format_sarif(report);
    const auto& result = sarif["runs"][0]["results"][1];
    const auto& region = result["locations"][0]["physicalLocation"]["region"];
    CHECK(region["startLine"] == 3);
    CHECK(region["startColumn"] == 16);
    CHECK_FALSE(
        sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"].contains("region"));
}

TEST_CASE("output: catalog ids are unique") {
    std::set<std::string_view> ids;
    for (const auto& rule : mlv::checks::rule_catalog()) {
        CHECK(ids.insert(rule.id).second);
        CHECK(mlv::checks::find_rule(rule.id) == &rule);
    }
    CHECK(mlv::checks::find_rule("no-such-rule") == nullptr);
}
