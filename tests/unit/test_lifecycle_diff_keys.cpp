// Unit tests of src/lifecycle/diff_keys.cpp: JSON key changes, README front matter
// and Markdown text.
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

TEST_CASE("diff_json nested keys") {
    Json before = {{"vocab_size", 128256},
                   {"rope_scaling", {{"factor", 8.0}, {"type", "llama3"}}},
                   {"eos_token_id", {128001, 128009}},
                   {"mlp_bias", false}};
    Json after = {{"vocab_size", 128262},
                  {"rope_scaling", {{"factor", 4.0}, {"type", "llama3"}}},
                  {"eos_token_id", 128009},
                  {"max_length", 4096}};
    auto changes = diff_json(before, after);
    REQUIRE(changes.size() == 5);
    CHECK(changes[0].key == "eos_token_id");
    CHECK(*changes[0].before == Json({128001, 128009}));
    CHECK(*changes[0].after == Json(128009));
    CHECK(changes[1].key == "max_length");
    CHECK_FALSE(changes[1].before.has_value());
    CHECK(changes[2].key == "mlp_bias");
    CHECK_FALSE(changes[2].after.has_value());
    CHECK(changes[3].key == "rope_scaling.factor");
    CHECK(changes[4].key == "vocab_size");
}

TEST_CASE("diff_json equal values") {
    CHECK(diff_json(Json{{"a", {1, 2}}}, Json{{"a", {1, 2}}}).empty());
}

TEST_CASE("config diff summary") {
    auto before = make_artifact("config.json", Role::config, Format::model_config, "c1",
                                test::make_config({{"vocab_size", 32000}, {"pad_token_id", 0}}));
    auto after = make_artifact("config.json", Role::config, Format::model_config, "c2",
                               test::make_config({{"vocab_size", 32001}, {"max_length", 4096}}));
    auto diff = diff_file(test::modified(before, after));
    CHECK(diff.content_changed);
    CHECK(diff.keys.size() == 3);
    CHECK(has_line(diff, "vocab_size: 32000 -> 32001"));
    CHECK(has_line(diff, "+ max_length: 4096"));
    CHECK(has_line(diff, "- pad_token_id (was 0)"));
}

TEST_CASE("front matter keys and lists") {
    std::string readme = "---\n"
                         "license: llama3.1\n"
                         "base_model: meta-llama/Meta-Llama-3.1-70B-Instruct\n"
                         "tags:\n"
                         "- a\n"
                         "- 'b'\n"
                         "datasets: [x, \"y\"]\n"
                         "extra_gated_prompt: >-\n"
                         "  please agree\n"
                         "---\n"
                         "# Title\n";
    auto front = parse_front_matter(readme);
    CHECK(front.present);
    CHECK(front.keys.at("license") == "llama3.1");
    CHECK(front_matter_list(front, "base_model") ==
          std::vector<std::string>{"meta-llama/Meta-Llama-3.1-70B-Instruct"});
    CHECK(front_matter_list(front, "tags") == std::vector<std::string>{"a", "b"});
    CHECK(front_matter_list(front, "datasets") == std::vector<std::string>{"x", "y"});
    CHECK(front.keys.at("extra_gated_prompt") == ">-\nplease agree");
    CHECK(front_matter_list(front, "missing").empty());
}

TEST_CASE("front matter absent or unclosed") {
    CHECK_FALSE(parse_front_matter("# Title\n").present);
    auto unclosed = parse_front_matter("---\nlicense: mit\n# Title\n");
    CHECK_FALSE(unclosed.present);
    CHECK(unclosed.keys.empty());
}

TEST_CASE("markdown diff with front matter") {
    std::map<std::string, std::string> texts = {
        {"m1", "---\nlicense: mit\n---\n# A\n"},
        {"m2", "---\nlicense: apache-2.0\nlibrary_name: transformers\n---\n# A\n"},
        {"m3", "---\nlicense: mit\n---\n# A\nmore\n"},
    };
    DiffOptions options;
    options.read_text =
        [&](const artifacts::Artifact& artifact) -> std::shared_ptr<const std::string> {
        for (const auto& [seed, text] : texts) {
            if (artifact.oid == test::fake_oid(seed)) {
                return std::make_shared<const std::string>(text);
            }
        }
        return nullptr;
    };
    auto readme = [](const std::string& seed) {
        return make_artifact("README.md", Role::docs, Format::markdown, seed);
    };

    auto front = diff_file(test::modified(readme("m1"), readme("m2")), options);
    CHECK_FALSE(front.body_changed);
    REQUIRE(front.keys.size() == 2);
    CHECK(front.keys[0].key == "front matter library_name");
    CHECK(front.keys[1].key == "front matter license");

    auto body = diff_file(test::modified(readme("m1"), readme("m3")), options);
    CHECK(body.body_changed);
    CHECK(body.keys.empty());
    CHECK(body.headline() == "text changed (+1 -0 lines)");
}

TEST_CASE("generation config keys") {
    formats::GenerationConfig old_config;
    old_config.raw = {{"temperature", 0.6}, {"top_p", 0.9}};
    formats::GenerationConfig new_config;
    new_config.raw = {{"temperature", 0.7}, {"do_sample", true}, {"top_p", 0.9}};
    auto before = make_artifact("generation_config.json", Role::config, Format::generation_config,
                                "g1", old_config);
    auto after = make_artifact("generation_config.json", Role::config, Format::generation_config,
                               "g2", new_config);
    auto diff = diff_file(test::modified(before, after));
    REQUIRE(diff.keys.size() == 2);
    CHECK(diff.keys[0].key == "do_sample");
    CHECK_FALSE(diff.keys[0].before.has_value());
    CHECK(diff.keys[1].key == "temperature");
    CHECK(has_line(diff, "temperature: 0.6 -> 0.7"));
}
