#include "mlv/lifecycle/diff.hpp"

#include "support/lifecycle_artifacts.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>

using namespace mlv;
using namespace mlv::lifecycle;
using artifacts::Format;
using artifacts::Role;
using mlv::test::make_artifact;

namespace {

bool has_line(const FileDiff& diff, const std::string& needle) {
    return std::any_of(diff.summary.begin(), diff.summary.end(), [&](const std::string& line) {
        return line.find(needle) != std::string::npos;
    });
}

const TensorChange* find_tensor(const FileDiff& diff, const std::string& name) {
    for (const auto& change : diff.tensors) {
        if (change.name == name) {
            return &change;
        }
    }
    return nullptr;
}

// The bytes of a safetensors file for `header`: the length, a header of
// header_size filler bytes, then `data`.
std::string safetensors_bytes(const formats::SafetensorsHeader& header, const std::string& data) {
    std::string out(8, '\0');
    uint64_t length = header.header_size;
    std::memcpy(out.data(), &length, 8);
    out += std::string(header.header_size, ' ');
    out += data;
    return out;
}

} // namespace

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

TEST_CASE("tensor set changes") {
    auto old_header = test::make_header({{"embed", {32000, 8}}, {"norm", {8}}, {"old", {2}}});
    auto new_header =
        test::make_header({{"embed", {32006, 8}}, {"norm", {8}}, {"new", {3}}}, "F16");
    auto before =
        make_artifact("model.safetensors", Role::weights, Format::safetensors, "w1", old_header);
    auto after =
        make_artifact("model.safetensors", Role::weights, Format::safetensors, "w2", new_header);
    auto diff = diff_file(test::modified(before, after));

    const auto* embed = find_tensor(diff, "embed");
    REQUIRE(embed != nullptr);
    CHECK(embed->kind == TensorChange::Kind::reshaped);
    CHECK(embed->old_shape == std::vector<uint64_t>{32000, 8});
    CHECK(embed->new_shape == std::vector<uint64_t>{32006, 8});
    const auto* norm = find_tensor(diff, "norm");
    REQUIRE(norm != nullptr);
    CHECK(norm->kind == TensorChange::Kind::retyped);
    CHECK(norm->old_dtype == "F32");
    CHECK(norm->new_dtype == "F16");
    REQUIRE(find_tensor(diff, "old") != nullptr);
    CHECK(find_tensor(diff, "old")->kind == TensorChange::Kind::removed);
    REQUIRE(find_tensor(diff, "new") != nullptr);
    CHECK(find_tensor(diff, "new")->kind == TensorChange::Kind::added);
    CHECK(has_line(diff, "tensors: 1 added, 1 removed, 1 reshaped, 1 retyped"));
    CHECK(has_line(diff, "reshaped embed [32000, 8] -> [32006, 8]"));
}

TEST_CASE("tensor values compared from content") {
    auto header = test::make_header({{"a", {2}}, {"b", {2}}, {"c", {1}}});
    std::string old_data(20, '\0');
    std::string new_data = old_data;
    new_data[9] = 1; // inside tensor b (bytes 8..15)
    std::string old_bytes = safetensors_bytes(header, old_data);
    std::string new_bytes = safetensors_bytes(header, new_data);

    auto before =
        make_artifact("model.safetensors", Role::weights, Format::safetensors, "v1", header);
    auto after =
        make_artifact("model.safetensors", Role::weights, Format::safetensors, "v2", header);
    DiffOptions options;
    options.open_content =
        [&](const artifacts::Artifact& artifact) -> Result<std::unique_ptr<ByteSource>> {
        const std::string& bytes = artifact.oid == before.oid ? old_bytes : new_bytes;
        return std::unique_ptr<ByteSource>(std::make_unique<MemorySource>(bytes));
    };
    auto diff = diff_file(test::modified(before, after), options);

    CHECK(diff.values == ValueCheck::compared);
    CHECK(diff.tensors_compared == 3);
    REQUIRE(diff.tensors.size() == 1);
    CHECK(diff.tensors[0].name == "b");
    CHECK(diff.tensors[0].kind == TensorChange::Kind::values_changed);
    CHECK(has_line(diff, "tensors: 1 with changed values (3 compared)"));
}

TEST_CASE("tensor values without content") {
    auto header = test::make_header({{"a", {2}}});
    auto before =
        make_artifact("model.safetensors", Role::weights, Format::safetensors, "x1", header);
    auto after =
        make_artifact("model.safetensors", Role::weights, Format::safetensors, "x2", header);
    auto diff = diff_file(test::modified(before, after));
    CHECK(diff.values == ValueCheck::content_changed);
    CHECK(diff.tensors.empty());
}

TEST_CASE("lfs pointer weights changed") {
    auto before = test::make_lfs_weights("model-00001-of-00002.safetensors", "s1");
    auto after = test::make_lfs_weights("model-00001-of-00002.safetensors", "s2");
    auto diff = diff_file(test::modified(before, after));
    CHECK(diff.values == ValueCheck::content_changed);
    std::string expected = "content changed (oid " + before.oid.substr(0, 7) + " -> " +
                           after.oid.substr(0, 7) + "); tensor detail needs the LFS objects";
    CHECK(diff.headline() == expected);
}

TEST_CASE("lfs pointer weights unchanged") {
    auto before = test::make_lfs_weights("model.safetensors", "same");
    auto after = before;
    auto diff = diff_file(test::modified(before, after));
    CHECK_FALSE(diff.content_changed);
}

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

TEST_CASE("shard index layout") {
    auto old_index = test::make_index({{"lm_head.weight", "model-00161-of-00162.safetensors"},
                                       {"norm.weight", "model-00162-of-00162.safetensors"},
                                       {"gone", "model-00001-of-00162.safetensors"}},
                                      282214825984ull);
    auto new_index = test::make_index({{"lm_head.weight", "model-00162-of-00162.safetensors"},
                                       {"norm.weight", "model-00162-of-00162.safetensors"},
                                       {"fresh", "model-00001-of-00162.safetensors"}},
                                      282215219200ull);
    auto before = make_artifact("model.safetensors.index.json", Role::weights, Format::shard_index,
                                "i1", old_index);
    auto after = make_artifact("model.safetensors.index.json", Role::weights, Format::shard_index,
                               "i2", new_index);
    auto diff = diff_file(test::modified(before, after));
    REQUIRE(diff.shards.has_value());
    REQUIRE(diff.shards->moved.size() == 1);
    CHECK(diff.shards->moved[0].tensor == "lm_head.weight");
    CHECK(diff.shards->tensors_added == std::vector<std::string>{"fresh"});
    CHECK(diff.shards->tensors_removed == std::vector<std::string>{"gone"});
    CHECK(has_line(diff, "total_size 282214825984 -> 282215219200"));
    CHECK(has_line(diff, "moved lm_head.weight: model-00161-of-00162.safetensors -> "
                         "model-00162-of-00162.safetensors"));
}

TEST_CASE("pytorch to safetensors conversion") {
    std::vector<std::pair<std::string, std::string>> bin_map = {
        {"a", "pytorch_model-00001-of-00002.bin"}, {"b", "pytorch_model-00002-of-00002.bin"}};
    std::vector<std::pair<std::string, std::string>> st_map = {
        {"a", "model-00001-of-00002.safetensors"}, {"b", "model-00002-of-00002.safetensors"}};
    TreeContext context;
    context.before["pytorch_model.bin.index.json"] =
        make_artifact("pytorch_model.bin.index.json", Role::weights, Format::shard_index, "pi",
                      test::make_index(bin_map, 100));
    context.after["model.safetensors.index.json"] =
        make_artifact("model.safetensors.index.json", Role::weights, Format::shard_index, "si",
                      test::make_index(st_map, 100));

    std::vector<FileChange> changes;
    changes.push_back(
        test::deleted(test::make_lfs_weights("pytorch_model-00001-of-00002.bin", "p1")));
    changes.push_back(
        test::deleted(test::make_lfs_weights("pytorch_model-00002-of-00002.bin", "p2")));
    changes.push_back(
        test::added(test::make_lfs_weights("model-00001-of-00002.safetensors", "s1")));
    changes.push_back(
        test::added(test::make_lfs_weights("model-00002-of-00002.safetensors", "s2")));
    // An LFS pointer's format comes from its name: pytorch for .bin.
    CHECK(changes[0].before->format == Format::pytorch);

    auto diff = diff_change_set(changes, {}, &context);
    CHECK(diff.files.size() == 4);
    REQUIRE(diff.conversions.size() == 1);
    const auto& conversion = diff.conversions[0];
    CHECK(conversion.from_format == Format::pytorch);
    CHECK(conversion.to_format == Format::safetensors);
    CHECK(conversion.tensors_match);
    CHECK(conversion.tensor_count == 2);
    CHECK(conversion.summary ==
          "2 pytorch file(s) replaced by 2 safetensors file(s) with the same 2 tensors");
}

TEST_CASE("tensor names from shard index") {
    std::map<std::string, artifacts::Artifact> tree;
    tree["sub/model.safetensors.index.json"] =
        make_artifact("sub/model.safetensors.index.json", Role::weights, Format::shard_index, "ix",
                      test::make_index({{"x", "model-00001-of-00002.safetensors"},
                                        {"y", "model-00002-of-00002.safetensors"},
                                        {"z", "model-00001-of-00002.safetensors"}},
                                       10));
    auto shard = test::make_lfs_weights("sub/model-00001-of-00002.safetensors", "q");
    CHECK(tensor_names_of(shard, tree) == std::vector<std::string>{"x", "z"});
    auto elsewhere = test::make_lfs_weights("model-00001-of-00002.safetensors", "q");
    CHECK(tensor_names_of(elsewhere, tree).empty());
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

TEST_CASE("file diff json shape") {
    auto before = make_artifact("config.json", Role::config, Format::model_config, "j1",
                                test::make_config({{"a", 1}}));
    auto after = make_artifact("config.json", Role::config, Format::model_config, "j2",
                               test::make_config({{"a", 2}}));
    auto json = to_json(diff_file(test::modified(before, after)));
    CHECK(json["path"] == "config.json");
    CHECK(json["change"] == "modified");
    CHECK(json["role"] == "config");
    CHECK(json["keys"][0]["key"] == "a");
    CHECK(json["keys"][0]["change"] == "changed");
    CHECK(json["summary"][0] == "a: 1 -> 2");
}

TEST_CASE("format_bytes units") {
    CHECK(format_bytes(999) == "999 B");
    CHECK(format_bytes(1500) == "1.50 kB");
    CHECK(format_bytes(4202692736ull) == "4.20 GB");
}
