#include "support/snapshot_builder.hpp"

#include "mlv/checks/rules.hpp"

#include <doctest/doctest.h>

#include <cstdio>

using mlv::artifacts::Format;
using mlv::artifacts::Storage;
using mlv::checks::Severity;
using mlv::test::check;
using mlv::test::llama_tensor_names;
using mlv::test::SnapshotBuilder;
using mlv::test::tensor;
using mlv::test::with_rule;
namespace formats = mlv::formats;

namespace {

formats::ModelConfig config(int64_t layers, bool tied) {
    formats::ModelConfig out;
    out.architectures = {"LlamaForCausalLM"};
    out.vocab_size = 100;
    out.hidden_size = 8;
    out.num_hidden_layers = layers;
    out.tie_word_embeddings = tied;
    out.torch_dtype = "bfloat16";
    return out;
}

std::string shard_name(int index, int count) {
    char name[64];
    std::snprintf(name, sizeof name, "model-%05d-of-%05d.safetensors", index, count);
    return name;
}

// An index that spreads `names` over `count` shards.
formats::ShardIndex index_over(const std::vector<std::string>& names, int count) {
    formats::ShardIndex index;
    for (size_t i = 0; i < names.size(); ++i) {
        index.weight_map[names[i]] = shard_name(static_cast<int>(i % count) + 1, count);
    }
    for (int i = 1; i <= count; ++i) {
        index.shards.push_back(shard_name(i, count));
    }
    return index;
}

formats::SafetensorsHeader weights(int layers, bool head, uint64_t width = 8,
                                   const std::string& dtype = "BF16") {
    std::vector<formats::TensorInfo> tensors = {
        tensor("model.embed_tokens.weight", dtype, {100, width}),
        tensor("model.norm.weight", dtype, {width})};
    if (head) {
        tensors.push_back(tensor("lm_head.weight", dtype, {100, width}));
    }
    for (int i = 0; i < layers; ++i) {
        tensors.push_back(tensor("model.layers." + std::to_string(i) + ".mlp.up_proj.weight", dtype,
                                 {16, width}));
    }
    return mlv::test::safetensors(tensors);
}

} // namespace

TEST_CASE("shapes: untied model without head in index") {
    SnapshotBuilder state;
    state.add("config.json", Format::model_config, config(32, false))
        .add("model.safetensors.index.json", Format::shard_index,
             index_over(llama_tensor_names(32, false), 2))
        .add_pointer("model-00001-of-00002.safetensors", Format::safetensors)
        .add_pointer("model-00002-of-00002.safetensors", Format::safetensors);

    auto findings = check(state.snapshot());
    auto missing = with_rule(findings, "output-head-missing");
    REQUIRE(missing.size() == 1);
    CHECK(missing[0].severity == Severity::error);
    CHECK(missing[0].paths ==
          std::vector<std::string>{"config.json", "model.safetensors.index.json"});
    CHECK(with_rule(findings, "layer-count").empty());
    CHECK(with_rule(findings, "shard-missing").empty());
}

TEST_CASE("shapes: tied model with stored head") {
    SnapshotBuilder state;
    state.add("config.json", Format::model_config, config(2, true))
        .add("model.safetensors", Format::safetensors, weights(2, true));
    auto findings = with_rule(check(state.snapshot()), "output-head-tied");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].severity == Severity::warning);
}

TEST_CASE("shapes: consistent model passes") {
    SnapshotBuilder state;
    state.add("config.json", Format::model_config, config(2, false))
        .add("model.safetensors", Format::safetensors, weights(2, true));
    CHECK(check(state.snapshot()).empty());
}

TEST_CASE("shapes: embedding width and layer count") {
    SnapshotBuilder state;
    state.add("config.json", Format::model_config, config(3, false))
        .add("model.safetensors", Format::safetensors, weights(2, true, 16));
    auto findings = check(state.snapshot());

    auto width = with_rule(findings, "embedding-width");
    REQUIRE(width.size() == 1);
    CHECK(width[0].message.find("16 wide, but hidden_size in 'config.json' is 8") !=
          std::string::npos);

    auto layers = with_rule(findings, "layer-count");
    REQUIRE(layers.size() == 1);
    CHECK(layers[0].message.find("have 2 layers") != std::string::npos);
    CHECK(layers[0].message.find("num_hidden_layers in 'config.json' is 3") != std::string::npos);
}

TEST_CASE("shapes: layer prefixes of other naming schemes") {
    for (std::string prefix :
         {"transformer.h.", "gpt_neox.layers.", "bert.encoder.layer.", "blk."}) {
        CAPTURE(prefix);
        std::vector<formats::TensorInfo> tensors;
        for (int i = 0; i < 4; ++i) {
            tensors.push_back(tensor(prefix + std::to_string(i) + ".attn.weight", "BF16", {8, 8}));
        }
        SnapshotBuilder state;
        state.add("config.json", Format::model_config, config(5, false))
            .add("model.safetensors", Format::safetensors, mlv::test::safetensors(tensors));
        auto findings = with_rule(check(state.snapshot()), "layer-count");
        REQUIRE(findings.size() == 1);
        CHECK(findings[0].values["layers"] == 4);
    }
}

TEST_CASE("shapes: torch_dtype differs from tensors") {
    auto cfg = config(2, false);
    cfg.torch_dtype = "float16";
    SnapshotBuilder state;
    state.add("config.json", Format::model_config, cfg)
        .add("model.safetensors", Format::safetensors, weights(2, true, 8, "BF16"));
    auto findings = with_rule(check(state.snapshot()), "torch-dtype-mismatch");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].values["dtype"] == "BF16");

    // Integer tensors of a quantized model do not count.
    auto quantized =
        mlv::test::safetensors({tensor("model.layers.0.mlp.qweight", "I32", {1000, 1000}),
                                tensor("model.layers.0.mlp.scales", "F16", {10, 8}),
                                tensor("model.layers.1.mlp.scales", "F16", {10, 8})});
    SnapshotBuilder gptq;
    gptq.add("config.json", Format::model_config, cfg)
        .add("model.safetensors", Format::safetensors, quantized);
    CHECK(with_rule(check(gptq.snapshot()), "torch-dtype-mismatch").empty());
}

TEST_CASE("shards: index names other shard count") {
    // The index names 30 shards while the repository holds 15 of another save.
    SnapshotBuilder state;
    auto names = llama_tensor_names(32, true);
    state.add("config.json", Format::model_config, config(32, false))
        .add("model.safetensors.index.json", Format::shard_index, index_over(names, 30));
    for (int i = 1; i <= 15; ++i) {
        state.add_pointer(shard_name(i, 15), Format::safetensors);
    }

    auto findings = check(state.snapshot());
    auto missing = with_rule(findings, "shard-missing");
    REQUIRE(missing.size() == 1);
    CHECK(missing[0].paths.size() == 31);
    CHECK(missing[0].message.find("30 of the 30 shards") != std::string::npos);

    auto count = with_rule(findings, "shard-count-mismatch");
    REQUIRE(count.size() == 1);
    CHECK(count[0].message.find("-of-30") != std::string::npos);
    CHECK(count[0].message.find("15 shard files -of-15") != std::string::npos);

    auto unreferenced = with_rule(findings, "shard-unreferenced");
    REQUIRE(unreferenced.size() == 1);
    CHECK(unreferenced[0].paths.size() == 15);
}

TEST_CASE("shards: names disagree on count") {
    formats::ShardIndex index;
    index.weight_map = {{"a", shard_name(1, 2)}, {"b", shard_name(2, 3)}};
    index.shards = {shard_name(1, 2), shard_name(2, 3)};
    SnapshotBuilder state;
    state.add("model.safetensors.index.json", Format::shard_index, index)
        .add_pointer(shard_name(1, 2), Format::safetensors)
        .add_pointer(shard_name(2, 3), Format::safetensors);
    auto findings = with_rule(check(state.snapshot()), "shard-count-mismatch");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].message.find("-of-2 and -of-3") != std::string::npos);
}

TEST_CASE("shards: tensors against headers") {
    formats::ShardIndex index;
    index.weight_map = {{"a", shard_name(1, 2)}, {"b", shard_name(1, 2)}, {"c", shard_name(2, 2)}};
    index.shards = {shard_name(1, 2), shard_name(2, 2)};
    index.total_size = 999;
    SnapshotBuilder state;
    state.add("model.safetensors.index.json", Format::shard_index, index)
        .add(shard_name(1, 2), Format::safetensors,
             mlv::test::safetensors({tensor("a", "F16", {4}), tensor("stray", "F16", {4})}))
        .add(shard_name(2, 2), Format::safetensors,
             mlv::test::safetensors({tensor("c", "F16", {4})}));

    auto findings = check(state.snapshot());
    auto absent = with_rule(findings, "shard-tensor-missing");
    REQUIRE(absent.size() == 1);
    CHECK(absent[0].message.find("'b'") != std::string::npos);
    auto stray = with_rule(findings, "shard-tensor-unmapped");
    REQUIRE(stray.size() == 1);
    CHECK(stray[0].message.find("'stray'") != std::string::npos);
    auto total = with_rule(findings, "shard-total-size");
    REQUIRE(total.size() == 1);
    CHECK(total[0].values["tensor_bytes"] == 24);
}

TEST_CASE("shards: total size skipped without headers") {
    formats::ShardIndex index;
    index.weight_map = {{"a", shard_name(1, 1)}};
    index.shards = {shard_name(1, 1)};
    index.total_size = 999;
    SnapshotBuilder state;
    state.add("model.safetensors.index.json", Format::shard_index, index)
        .add_pointer(shard_name(1, 1), Format::safetensors);
    CHECK(with_rule(check(state.snapshot()), "shard-total-size").empty());
}

TEST_CASE("shards: shards without index") {
    SnapshotBuilder state;
    state.add_pointer("pytorch_model-00001-of-00002.bin", Format::pytorch)
        .add_pointer("pytorch_model-00002-of-00002.bin", Format::pytorch);
    auto findings = with_rule(check(state.snapshot()), "shard-index-missing");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].paths.size() == 2);
}

TEST_CASE("shapes: gguf metadata against tensors") {
    formats::GgufFile gguf;
    gguf.architecture = "llama";
    gguf.metadata = {{"llama.embedding_length", 8}, {"llama.block_count", 2}};
    gguf.tensors = {tensor("token_embd.weight", "F16", {32, 16}),
                    tensor("blk.0.attn_q.weight", "F16", {8, 8})};
    SnapshotBuilder state;
    state.add("model.gguf", Format::gguf, gguf);
    auto findings = check(state.snapshot());
    CHECK(with_rule(findings, "embedding-width").size() == 1);
    CHECK(with_rule(findings, "layer-count").size() == 1);
}

TEST_CASE("shapes: extra weights files not judged") {
    // Untied model with its head; beside it, files that are not the model
    // config.json describes, without a head and in another dtype.
    for (const char* name : {"zz.safetensors", "extra.safetensors", "adapter_model.safetensors",
                             "consolidated.safetensors", "model_extra.safetensors",
                             "model.fp16.extra.safetensors", "pytorch_model.safetensors"}) {
        CAPTURE(name);
        SnapshotBuilder state;
        state.add("config.json", Format::model_config, config(2, false))
            .add("model.safetensors", Format::safetensors, weights(2, true))
            .add(name, Format::safetensors, mlv::test::safetensors({tensor("w", "F32", {4})}));

        auto findings = check(state.snapshot());
        CHECK(with_rule(findings, "output-head-missing").empty());
        CHECK(with_rule(findings, "torch-dtype-mismatch").empty());
        CHECK(with_rule(findings, "embedding-width").empty());
        CHECK(with_rule(findings, "layer-count").empty());
    }
}

TEST_CASE("shapes: standard weights names judged") {
    for (const char* name : {"model.safetensors", "model.fp16.safetensors",
                             "model.non_ema.safetensors", "diffusion_pytorch_model.safetensors",
                             "diffusion_pytorch_model.fp16.safetensors", "sub/model.safetensors"}) {
        CAPTURE(name);
        std::string directory = std::string(name).rfind("sub/", 0) == 0 ? "sub/" : "";
        SnapshotBuilder state;
        state.add(directory + "config.json", Format::model_config, config(2, false))
            .add(name, Format::safetensors, weights(2, false));

        auto missing = with_rule(check(state.snapshot()), "output-head-missing");
        REQUIRE(missing.size() == 1);
        CHECK(missing[0].paths[1] == name);
    }
}

TEST_CASE("shapes: index names any shard file") {
    // A file an index names is the model's, whatever its name.
    formats::ShardIndex index;
    for (const auto& name : llama_tensor_names(2, false)) {
        index.weight_map[name] = "weights-a.safetensors";
    }
    index.shards = {"weights-a.safetensors"};
    SnapshotBuilder state;
    state.add("config.json", Format::model_config, config(2, false))
        .add("model.safetensors.index.json", Format::shard_index, index)
        .add("weights-a.safetensors", Format::safetensors, weights(2, false, 8, "F32"));

    auto findings = check(state.snapshot());
    CHECK(with_rule(findings, "output-head-missing").size() == 1);
    auto dtype = with_rule(findings, "torch-dtype-mismatch");
    REQUIRE(dtype.size() == 1);
    CHECK(dtype[0].paths[1] == "model.safetensors.index.json");
}

TEST_CASE("vocabulary: extra weights rows not compared") {
    // An extra file's embedding is not compared with the model's vocabulary.
    SnapshotBuilder state;
    state.add("config.json", Format::model_config, config(2, true))
        .add("model.safetensors", Format::safetensors, weights(2, false))
        .add("extra.safetensors", Format::safetensors,
             mlv::test::safetensors({tensor("model.embed_tokens.weight", "BF16", {50, 8})}));

    CHECK(with_rule(check(state.snapshot()), "vocab-size-mismatch").empty());
}
