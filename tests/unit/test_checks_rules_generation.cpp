#include "support/snapshot_builder.hpp"

#include "mlv/checks/rules.hpp"

#include <doctest/doctest.h>

using mlv::artifacts::Format;
using mlv::checks::find_unbalanced_block;
using mlv::checks::Severity;
using mlv::test::check;
using mlv::test::SnapshotBuilder;
using mlv::test::with_rule;
namespace formats = mlv::formats;

TEST_CASE("generation: sampling without do_sample") {
    formats::GenerationConfig generation;
    generation.temperature = 0.9;
    generation.top_p = 0.6;
    SnapshotBuilder state;
    state.add("generation_config.json", Format::generation_config, generation);

    auto findings = with_rule(check(state.snapshot()), "generation-sampling");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].severity == Severity::warning);
    CHECK(findings[0].message ==
          "temperature 0.9 and top_p 0.6 are set in 'generation_config.json', but do_sample is "
          "not set, so generation is greedy and ignores them");
    CHECK(findings[0].values["temperature"] == 0.9);
}

TEST_CASE("generation: each sampling parameter") {
    struct Case {
        const char* name;
        formats::GenerationConfig config;
    };
    formats::GenerationConfig top_k;
    top_k.top_k = 40;
    top_k.do_sample = false;
    formats::GenerationConfig typical;
    typical.typical_p = 0.5;
    for (const auto& [name, config] : {Case{"top_k", top_k}, Case{"typical_p", typical}}) {
        CAPTURE(name);
        SnapshotBuilder state;
        state.add("generation_config.json", Format::generation_config, config);
        auto findings = with_rule(check(state.snapshot()), "generation-sampling");
        REQUIRE(findings.size() == 1);
        CHECK(findings[0].message.find(name) != std::string::npos);
    }
}

TEST_CASE("generation: defaults and do_sample pass") {
    formats::GenerationConfig defaults;
    defaults.temperature = 1.0;
    defaults.top_p = 1.0;
    defaults.top_k = 50;
    formats::GenerationConfig sampling;
    sampling.do_sample = true;
    sampling.temperature = 0.6;
    for (const auto& config : {defaults, sampling}) {
        SnapshotBuilder state;
        state.add("generation_config.json", Format::generation_config, config);
        CHECK(check(state.snapshot()).empty());
    }
}

TEST_CASE("chat template: balanced blocks") {
    CHECK_FALSE(find_unbalanced_block("{% for m in messages %}{% if m.role == 'user' %}x"
                                      "{% elif m.role %}y{% else %}z{% endif %}{% endfor %}"));
    CHECK_FALSE(find_unbalanced_block("{%- for m in messages -%}{{ m['content'] }}{%- endfor %}"));
    CHECK_FALSE(find_unbalanced_block("{% set x = '%}' %}{% set y %}block{% endset %}"));
    CHECK_FALSE(find_unbalanced_block("{% macro f(a) %}{{ a }}{% endmacro %}"
                                      "{% call f(1) %}{% endcall %}"
                                      "{% filter upper %}t{% endfilter %}"));
    CHECK_FALSE(find_unbalanced_block("{% raw %}{% if %}{% endraw %}{# {% for %} #}"));
    CHECK_FALSE(find_unbalanced_block("{% for x in y %}a{% else %}b{% endfor %}"));
    CHECK_FALSE(find_unbalanced_block("{%+ if a +%}{% generation %}x{% endgeneration %}"
                                      "{% endif %}"));
}

TEST_CASE("chat template: unbalanced blocks") {
    CHECK(find_unbalanced_block("{% for m in messages %}\n{% if m %}\n{% endfor %}") ==
          "'endfor' at line 3 closes 'if' opened at line 2");
    CHECK(find_unbalanced_block("{% if a %}x") == "'if' opened at line 1 is not closed");
    CHECK(find_unbalanced_block("x{%- endif -%}") == "'endif' at line 1 has no open block");
    CHECK(find_unbalanced_block("{% set y %}z") == "'set' opened at line 1 is not closed");
    CHECK(find_unbalanced_block("{% raw %}x") == "'raw' opened at line 1 is not closed");
    CHECK(find_unbalanced_block("{% else %}") == "'else' at line 1 is outside an 'if' or 'for'");
    CHECK(find_unbalanced_block("{% if a ") == "tag '{%' at line 1 is not closed with '%}'");
}

TEST_CASE("chat template: finding on tokenizer config") {
    formats::TokenizerConfig config;
    config.chat_templates = {{"default", "{% for m in messages %}{{ m }}"},
                             {"tool_use", "{% if tools %}{% endif %}"}};
    SnapshotBuilder state;
    state.add("tokenizer_config.json", Format::tokenizer_config, config);
    auto findings = with_rule(check(state.snapshot()), "chat-template-syntax");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].message ==
          "the chat template in 'tokenizer_config.json' does not parse: 'for' opened at line 1 "
          "is not closed");
}
