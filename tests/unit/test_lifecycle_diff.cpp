// Unit tests of src/lifecycle/diff.cpp: conversions across files, the JSON
// shape of a file diff and byte formatting.
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
          "2 pytorch files replaced by 2 safetensors files with the same 2 tensors");
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

TEST_CASE("change_detail drops the kind word") {
    auto weights = test::make_lfs_weights("model.safetensors", "w1", 1500);
    auto added_diff = diff_file(test::added(weights));
    CHECK(added_diff.headline() == "added: safetensors, 1.5 KiB (LFS object not present)");
    CHECK(added_diff.change_detail() == "safetensors, 1.5 KiB (LFS object not present)");

    auto deleted_diff = diff_file(test::deleted(weights));
    CHECK(deleted_diff.headline().rfind("deleted: ", 0) == 0);
    CHECK(deleted_diff.change_detail() == "safetensors, 1.5 KiB");
}

TEST_CASE("change_detail of renames") {
    auto before = make_artifact("old.json", Role::config, Format::model_config, "same",
                                test::make_config({{"a", 1}}));
    auto after = make_artifact("new.json", Role::config, Format::model_config, "same",
                               test::make_config({{"a", 1}}));
    auto change = test::modified(before, after);
    change.kind = git::ChangeKind::renamed;
    auto same = diff_file(change);
    CHECK(same.headline() == "renamed from old.json, content unchanged");
    CHECK(same.change_detail() == "content unchanged");

    change.after = make_artifact("new.json", Role::config, Format::model_config, "other",
                                 test::make_config({{"a", 2}}));
    auto edited = diff_file(change);
    CHECK(edited.headline() == "renamed from old.json");
    CHECK(edited.change_detail() == "a: 1 -> 2");
}

TEST_CASE("change_detail of type changes and edits") {
    auto before = make_artifact("config.json", Role::config, Format::model_config, "j1",
                                test::make_config({{"a", 1}}));
    auto after = make_artifact("config.json", Role::config, Format::model_config, "j2",
                               test::make_config({{"a", 2}}));
    auto change = test::modified(before, after);
    CHECK(diff_file(change).change_detail() == "a: 1 -> 2");

    change.kind = git::ChangeKind::type_changed;
    auto typechange = diff_file(change);
    CHECK(typechange.headline() == "file type changed");
    CHECK(typechange.change_detail() == "a: 1 -> 2");

    FileDiff bare;
    bare.kind = git::ChangeKind::type_changed;
    bare.content_changed = true;
    bare.summary = {"file type changed"};
    CHECK(bare.change_detail() == "content changed");
}

TEST_CASE("change_detail without description") {
    FileDiff diff;
    diff.kind = git::ChangeKind::added;
    diff.summary = {"added: "};
    CHECK(diff.change_detail().empty());
}

TEST_CASE("added weights with one tensor") {
    auto weights = make_artifact("model.safetensors", Role::weights, Format::safetensors, "one",
                                 test::make_header({{"w", {2}}}), 1500);
    auto diff = diff_file(test::added(weights));
    CHECK(diff.headline() == "added: safetensors, 1.5 KiB, 1 tensor");
}
