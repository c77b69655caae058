#include "mlv/artifacts/inventory.hpp"

#include "support/snapshot_builder.hpp"

#include <doctest/doctest.h>

using namespace mlv;
using namespace mlv::artifacts;
using mlv::test::SnapshotBuilder;

namespace {

formats::ShardIndex two_shard_index(std::optional<uint64_t> total_size) {
    formats::ShardIndex index;
    index.total_size = total_size;
    index.weight_map = {{"a", "model-00001-of-00002.safetensors"},
                        {"b", "model-00001-of-00002.safetensors"},
                        {"c", "model-00002-of-00002.safetensors"}};
    index.shards = {"model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"};
    return index;
}

formats::ModelConfig config_with_dtype(const std::string& dtype) {
    formats::ModelConfig config;
    config.model_type = "llama";
    config.torch_dtype = dtype;
    return config;
}

Snapshot with_roles(Snapshot snapshot) {
    for (auto& artifact : snapshot.artifacts) {
        artifact.role = builtin_role(artifact.path);
    }
    return snapshot;
}

} // namespace

TEST_CASE("torch_dtype_size known answers") {
    CHECK(torch_dtype_size("float16") == 2);
    CHECK(torch_dtype_size("bfloat16") == 2);
    CHECK(torch_dtype_size("float32") == 4);
    CHECK(torch_dtype_size("float64") == 8);
    CHECK(torch_dtype_size("int8") == 1);
    CHECK(torch_dtype_size("float8_e4m3fn") == 1);
    CHECK(torch_dtype_size("auto") == 0);
    CHECK(torch_dtype_size("") == 0);
}

TEST_CASE("shard index sums present shards") {
    SnapshotBuilder builder;
    builder.add("model.safetensors.index.json", Format::shard_index, two_shard_index(1000))
        .add("model-00001-of-00002.safetensors", Format::safetensors,
             test::safetensors({test::tensor("a", "F16", {10, 10}), test::tensor("b", "F16", {5})}))
        .add("model-00002-of-00002.safetensors", Format::safetensors,
             test::safetensors({test::tensor("c", "F16", {7})}));
    const Snapshot& snapshot = builder.snapshot();
    Json summary = summarize_in(snapshot, *snapshot.find("model.safetensors.index.json"));
    CHECK(summary["shards"] == 2);
    CHECK(summary["shards_missing"] == 0);
    CHECK(summary["tensors"] == 3);
    CHECK(summary["parameters"] == 112);
    CHECK_FALSE(summary.contains("parameters_estimated"));
}

TEST_CASE("shard index estimates from total_size") {
    // The shards are LFS pointers without their objects: the parameter count
    // follows from total_size and the config's dtype.
    SnapshotBuilder builder;
    builder
        .add("model.safetensors.index.json", Format::shard_index, two_shard_index(13'476'839'424))
        .add("config.json", Format::model_config, config_with_dtype("float16"))
        .add_pointer("model-00001-of-00002.safetensors", Format::safetensors)
        .add_pointer("model-00002-of-00002.safetensors", Format::safetensors);
    const Snapshot& snapshot = builder.snapshot();
    Json summary = summarize_in(snapshot, *snapshot.find("model.safetensors.index.json"));
    CHECK(summary["parameters"] == 6'738'419'712);
    CHECK(summary["parameters_estimated"] == true);
    CHECK(summary["parameters_assumed_dtype"] == "float16");
    CHECK(parameter_phrase(summary) == "~6.74B params if float16");
    CHECK(summary["shards_missing"] == 0);
}

TEST_CASE("shard index without dtype has no parameters") {
    SnapshotBuilder builder;
    builder.add("model.safetensors.index.json", Format::shard_index, two_shard_index(1000));
    const Snapshot& snapshot = builder.snapshot();
    Json summary = summarize_in(snapshot, *snapshot.find("model.safetensors.index.json"));
    CHECK(summary["shards_missing"] == 2);
    CHECK_FALSE(summary.contains("parameters"));
}

TEST_CASE("shard index in a subdirectory") {
    SnapshotBuilder builder;
    builder.add("sub/model.safetensors.index.json", Format::shard_index, two_shard_index(800))
        .add("sub/config.json", Format::model_config, config_with_dtype("float32"))
        .add("config.json", Format::model_config, config_with_dtype("float16"));
    const Snapshot& snapshot = builder.snapshot();
    Json summary = summarize_in(snapshot, *snapshot.find("sub/model.safetensors.index.json"));
    // The config next to the index counts: 800 bytes of float32.
    CHECK(summary["parameters"] == 200);
}

TEST_CASE("snapshot find") {
    SnapshotBuilder builder;
    builder.add_plain("b.txt", Format::text).add_plain("a.txt", Format::text);
    const Snapshot& snapshot = builder.snapshot();
    REQUIRE(snapshot.find("a.txt") != nullptr);
    CHECK(snapshot.find("a.txt")->path == "a.txt");
    CHECK(snapshot.find("c.txt") == nullptr);
    CHECK(snapshot.find("") == nullptr);
}

TEST_CASE("weights totals through build") {
    // Totals count weights files and bytes; tested through summarize_in on
    // a single file here because build_inventory needs a repository.
    SnapshotBuilder builder;
    builder.add("model.safetensors", Format::safetensors,
                test::safetensors({test::tensor("w", "F32", {2, 3})}));
    Snapshot snapshot = with_roles(builder.snapshot());
    Json summary = summarize_in(snapshot, snapshot.artifacts.front());
    CHECK(summary["tensors"] == 1);
    CHECK(snapshot.artifacts.front().role == Role::weights);
}

namespace {

// The tensors of two_shard_index() as PyTorch shards whose LFS objects are
// absent, with a total_size twice that of float16 (they are float32).
formats::ShardIndex bin_index() {
    formats::ShardIndex index;
    index.total_size = 448;
    index.weight_map = {{"a", "pytorch_model-00001-of-00002.bin"},
                        {"b", "pytorch_model-00001-of-00002.bin"},
                        {"c", "pytorch_model-00002-of-00002.bin"}};
    index.shards = {"pytorch_model-00001-of-00002.bin", "pytorch_model-00002-of-00002.bin"};
    return index;
}

SnapshotBuilder float32_bin_shards() {
    SnapshotBuilder builder;
    builder.add("config.json", Format::model_config, config_with_dtype("float16"))
        .add("pytorch_model.bin.index.json", Format::shard_index, bin_index())
        .add_pointer("pytorch_model-00001-of-00002.bin", Format::pytorch)
        .add_pointer("pytorch_model-00002-of-00002.bin", Format::pytorch);
    return builder;
}

} // namespace

TEST_CASE("shard index counts from sibling index") {
    // The safetensors shards have their headers, and the .bin index names
    // the same tensors, so it has the same exact count.
    SnapshotBuilder builder = float32_bin_shards();
    builder.add("model.safetensors.index.json", Format::shard_index, two_shard_index(224))
        .add("model-00001-of-00002.safetensors", Format::safetensors,
             test::safetensors({test::tensor("a", "F16", {10, 10}), test::tensor("b", "F16", {5})}))
        .add("model-00002-of-00002.safetensors", Format::safetensors,
             test::safetensors({test::tensor("c", "F16", {7})}));
    const Snapshot& snapshot = builder.snapshot();

    Json summary = summarize_in(snapshot, *snapshot.find("pytorch_model.bin.index.json"));
    CHECK(summary["parameters"] == 112);
    CHECK(summary["parameters_from"] == "model.safetensors.index.json");
    CHECK_FALSE(summary.contains("parameters_estimated"));
    CHECK(parameter_phrase(summary) ==
          "112 params (same tensors as 'model.safetensors.index.json')");
}

TEST_CASE("shard index counts from standalone file") {
    SnapshotBuilder builder = float32_bin_shards();
    builder.add("model.safetensors", Format::safetensors,
                test::safetensors({test::tensor("a", "F16", {10, 10}),
                                   test::tensor("b", "F16", {5}), test::tensor("c", "F16", {7})}));
    const Snapshot& snapshot = builder.snapshot();

    Json summary = summarize_in(snapshot, *snapshot.find("pytorch_model.bin.index.json"));
    CHECK(summary["parameters"] == 112);
    CHECK(summary["parameters_from"] == "model.safetensors");
}

TEST_CASE("shard index ignores other tensor sets") {
    // A sibling with other tensors, or in another folder, gives no count.
    // The estimate assumes the config's dtype and names it.
    SnapshotBuilder builder = float32_bin_shards();
    builder
        .add("model.safetensors", Format::safetensors,
             test::safetensors({test::tensor("a", "F16", {10, 10}), test::tensor("b", "F16", {5})}))
        .add("sub/model.safetensors", Format::safetensors,
             test::safetensors({test::tensor("a", "F16", {10, 10}), test::tensor("b", "F16", {5}),
                                test::tensor("c", "F16", {7})}));
    const Snapshot& snapshot = builder.snapshot();

    Json summary = summarize_in(snapshot, *snapshot.find("pytorch_model.bin.index.json"));
    CHECK(summary["parameters"] == 224);
    CHECK(summary["parameters_estimated"] == true);
    CHECK_FALSE(summary.contains("parameters_from"));
    CHECK(parameter_phrase(summary) == "~224 params if float16");
}

TEST_CASE("shard index sibling without headers") {
    // Both indexes lack their shards' headers: neither count is exact.
    SnapshotBuilder builder = float32_bin_shards();
    builder.add("model.safetensors.index.json", Format::shard_index, two_shard_index(224))
        .add_pointer("model-00001-of-00002.safetensors", Format::safetensors)
        .add_pointer("model-00002-of-00002.safetensors", Format::safetensors);
    const Snapshot& snapshot = builder.snapshot();

    Json bin = summarize_in(snapshot, *snapshot.find("pytorch_model.bin.index.json"));
    CHECK(parameter_phrase(bin) == "~224 params if float16");
    Json safetensors = summarize_in(snapshot, *snapshot.find("model.safetensors.index.json"));
    CHECK(parameter_phrase(safetensors) == "~112 params if float16");
}

TEST_CASE("parameter phrase without count") {
    CHECK(parameter_phrase(Json::object()).empty());
    CHECK(parameter_phrase(Json{{"parameters", 6'738'415'616}}) == "6.74B params");
}

namespace {

Json totals_of(const Snapshot& snapshot) {
    std::vector<Json> summaries;
    for (const auto& artifact : snapshot.artifacts) {
        summaries.push_back(summarize_in(snapshot, artifact));
    }
    return weights_totals(snapshot, summaries);
}

} // namespace

TEST_CASE("weights totals per format") {
    // One model shipped twice, as safetensors and as pytorch shards, as
    // Llama-2-7b-hf does: each format is counted on its own.
    formats::ShardIndex pytorch_index = two_shard_index(13'476'839'424);
    pytorch_index.shards = {"pytorch_model-00001-of-00002.bin", "pytorch_model-00002-of-00002.bin"};
    SnapshotBuilder builder;
    builder
        .add("model.safetensors.index.json", Format::shard_index, two_shard_index(13'476'839'424))
        .add("pytorch_model.bin.index.json", Format::shard_index, pytorch_index)
        .add("config.json", Format::model_config, config_with_dtype("float16"))
        .add_pointer("model-00001-of-00002.safetensors", Format::safetensors, Storage::lfs_missing,
                     100)
        .add_pointer("model-00002-of-00002.safetensors", Format::safetensors, Storage::lfs_missing,
                     200)
        .add("pytorch_model-00001-of-00002.bin", Format::pytorch, formats::TorchCheckpoint{})
        .add("pytorch_model-00002-of-00002.bin", Format::pytorch, formats::TorchCheckpoint{});
    Snapshot snapshot = with_roles(builder.snapshot());
    Json totals = totals_of(snapshot);

    // The totals over all formats keep their meaning.
    CHECK(totals["weights_files"] == 4);
    CHECK(totals["parameters"] == 6'738'419'712);
    CHECK(totals["parameters_estimated"] == true);

    REQUIRE(totals["formats"].size() == 2);
    const Json& safetensors = totals["formats"][0];
    CHECK(safetensors["format"] == "safetensors");
    CHECK(safetensors["files"] == 2);
    CHECK(safetensors["bytes"] == 300);
    CHECK(safetensors["parameters"] == 6'738'419'712);
    CHECK(safetensors["parameters_estimated"] == true);
    CHECK_FALSE(safetensors.contains("layout"));
    const Json& pytorch = totals["formats"][1];
    CHECK(pytorch["format"] == "pytorch");
    CHECK(pytorch["files"] == 2);
    CHECK(pytorch["layout"] == "zip");
    CHECK(pytorch["parameters"] == 6'738'419'712);
}

TEST_CASE("weights totals without index") {
    SnapshotBuilder builder;
    builder
        .add("model.safetensors", Format::safetensors,
             test::safetensors({test::tensor("w", "F32", {2, 3})}))
        .add_pointer("pytorch_model.bin", Format::pytorch, Storage::lfs_missing, 24);
    Json totals = totals_of(with_roles(builder.snapshot()));
    CHECK(totals["weights_files"] == 2);
    CHECK(totals["parameters"] == 6);
    CHECK_FALSE(totals.contains("parameters_estimated"));
    REQUIRE(totals["formats"].size() == 2);
    CHECK(totals["formats"][0]["format"] == "safetensors");
    CHECK(totals["formats"][0]["parameters"] == 6);
    CHECK(totals["formats"][1]["format"] == "pytorch");
    CHECK(totals["formats"][1]["parameters"] == 0);
    // The object of the pointer is absent, so its layout is unknown.
    CHECK_FALSE(totals["formats"][1].contains("layout"));
}

TEST_CASE("weights totals without weights") {
    SnapshotBuilder builder;
    builder.add("config.json", Format::model_config, config_with_dtype("float16"));
    Json totals = totals_of(with_roles(builder.snapshot()));
    CHECK(totals["weights_files"] == 0);
    CHECK(totals["formats"].empty());
}
