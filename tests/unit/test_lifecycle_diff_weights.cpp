// Unit tests of src/lifecycle/diff_weights.cpp: tensor sets, tensor values,
// LFS pointers and shard layout.
#include "mlv/lifecycle/diff.hpp"

#include "support/lifecycle_artifacts.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>

using namespace mlv;
using namespace mlv::lifecycle;
using artifacts::Format;
using artifacts::Role;
using mlv::test::find_tensor;
using mlv::test::has_line;
using mlv::test::make_artifact;
using mlv::test::safetensors_bytes;

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

TEST_CASE("tensor values without content reader") {
    auto header = test::make_header({{"a", {2}}, {"b", {3}}});
    auto before =
        make_artifact("model.safetensors", Role::weights, Format::safetensors, "x1", header);
    auto after =
        make_artifact("model.safetensors", Role::weights, Format::safetensors, "x2", header);
    auto diff = diff_file(test::modified(before, after));
    CHECK(diff.values == ValueCheck::content_changed);
    CHECK(diff.value_gap == ValueGap::headers_only);
    CHECK(diff.tensors.empty());
    CHECK(diff.tensors_kept == 2);
    std::string expected = "content changed (oid " + before.oid.substr(0, 7) + " -> " +
                           after.oid.substr(0, 7) +
                           "); 2 tensors kept name, shape and dtype, values not compared";
    CHECK(diff.headline() == expected);
}

TEST_CASE("lfs pointer weights changed") {
    auto before = test::make_lfs_weights("model-00001-of-00002.safetensors", "s1");
    auto after = test::make_lfs_weights("model-00001-of-00002.safetensors", "s2");
    auto diff = diff_file(test::modified(before, after));
    CHECK(diff.values == ValueCheck::content_changed);
    CHECK(diff.value_gap == ValueGap::objects_missing);
    std::string expected =
        "content changed (oid " + before.oid.substr(0, 7) + " -> " + after.oid.substr(0, 7) +
        "); tensors not compared, the LFS objects of both versions are not present locally";
    CHECK(diff.headline() == expected);
}

TEST_CASE("lfs object of one version missing") {
    auto header = test::make_header({{"a", {2}}});
    auto present =
        make_artifact("model.safetensors", Role::weights, Format::safetensors, "p1", header);
    present.storage = artifacts::Storage::lfs;
    auto missing = test::make_lfs_weights("model.safetensors", "m1", present.size);

    auto old_missing = diff_file(test::modified(missing, present));
    CHECK(old_missing.value_gap == ValueGap::old_object_missing);
    CHECK(old_missing.headline().ends_with(
        "; tensors not compared, the LFS object of the old version is not present locally"));

    auto new_missing = diff_file(test::modified(present, missing));
    CHECK(new_missing.value_gap == ValueGap::new_object_missing);
    CHECK(new_missing.headline().ends_with(
        "; tensors not compared, the LFS object of the new version is not present locally"));
}

TEST_CASE("unreadable weights version") {
    auto header = test::make_header({{"a", {2}}});
    auto before =
        make_artifact("model.safetensors", Role::weights, Format::safetensors, "r1", header);
    auto after = make_artifact("model.safetensors", Role::weights, Format::safetensors, "r2");
    auto description = std::make_shared<artifacts::Description>();
    description->format = Format::safetensors;
    description->error = "header length 9000 exceeds file size 3000";
    after.description = description;

    auto diff = diff_file(test::modified(before, after));
    CHECK(diff.values == ValueCheck::content_changed);
    CHECK(diff.value_gap == ValueGap::unreadable);
    CHECK(diff.headline() ==
          "cannot read the new version: header length 9000 exceeds file size 3000");
    std::string changed =
        "content changed (oid " + before.oid.substr(0, 7) + " -> " + after.oid.substr(0, 7) + ")";
    CHECK(has_line(diff, changed));
    for (const auto& line : diff.summary) {
        CHECK(line.find("LFS") == std::string::npos);
    }
}

TEST_CASE("weights content that fails to open") {
    auto header = test::make_header({{"a", {2}}});
    auto before =
        make_artifact("model.safetensors", Role::weights, Format::safetensors, "o1", header);
    auto after =
        make_artifact("model.safetensors", Role::weights, Format::safetensors, "o2", header);
    DiffOptions options;
    options.open_content =
        [&](const artifacts::Artifact& artifact) -> Result<std::unique_ptr<ByteSource>> {
        if (artifact.oid == after.oid) {
            return make_error("permission denied", 128);
        }
        return std::unique_ptr<ByteSource>(std::make_unique<MemorySource>(std::string(24, '\0')));
    };
    auto diff = diff_file(test::modified(before, after), options);
    CHECK(diff.value_gap == ValueGap::unreadable);
    CHECK(diff.headline() == "cannot read the new version: permission denied");
}

TEST_CASE("gguf values not compared") {
    formats::GgufFile old_file;
    old_file.tensors.push_back(formats::TensorInfo{"a", "F16", {2}, 0, 4});
    auto new_file = old_file;
    auto before = make_artifact("model.gguf", Role::weights, Format::gguf, "g1", old_file);
    auto after = make_artifact("model.gguf", Role::weights, Format::gguf, "g2", new_file);
    DiffOptions options;
    options.open_content = [](const artifacts::Artifact&) -> Result<std::unique_ptr<ByteSource>> {
        return make_error("not expected to be opened", 128);
    };
    auto diff = diff_file(test::modified(before, after), options);
    CHECK(diff.value_gap == ValueGap::format_not_compared);
    CHECK(diff.headline().ends_with("; tensor values of gguf files are not compared"));
    CHECK(diff.errors.empty());
}

TEST_CASE("lfs pointer weights unchanged") {
    auto before = test::make_lfs_weights("model.safetensors", "same");
    auto after = before;
    auto diff = diff_file(test::modified(before, after));
    CHECK_FALSE(diff.content_changed);
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
    CHECK(has_line(diff, "total_size 282214825984 (262.8 GiB) -> 282215219200 (262.8 GiB)"));
    CHECK(has_line(diff, "moved lm_head.weight: model-00161-of-00162.safetensors -> "
                         "model-00162-of-00162.safetensors"));
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

TEST_CASE("tensor retyped") {
    auto before = make_artifact("model.safetensors", Role::weights, Format::safetensors, "w1",
                                test::make_header({{"a", {2, 2}}}, "F32"));
    auto after = make_artifact("model.safetensors", Role::weights, Format::safetensors, "w2",
                               test::make_header({{"a", {2, 2}}}, "BF16"));
    auto diff = diff_file(test::modified(before, after));
    const auto* change = find_tensor(diff, "a");
    REQUIRE(change != nullptr);
    CHECK(change->kind == TensorChange::Kind::retyped);
    CHECK(change->old_dtype == "F32");
    CHECK(change->new_dtype == "BF16");
}

TEST_CASE("weights file added") {
    auto after = make_artifact("model.safetensors", Role::weights, Format::safetensors, "w",
                               test::make_header({{"a", {2}}, {"b", {3}}}));
    auto diff = diff_file(test::added(after));
    CHECK(diff.kind == git::ChangeKind::added);
    CHECK(has_line(diff, "2 tensors"));
}
