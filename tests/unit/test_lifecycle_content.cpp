// Unit tests of src/lifecycle/content.cpp: pairing two snapshots into file
// changes, as git mlv diff does for the work tree and the index.
#include "mlv/lifecycle/diff.hpp"

#include "support/lifecycle_artifacts.hpp"

#include <doctest/doctest.h>

using namespace mlv;
using namespace mlv::lifecycle;
using artifacts::Format;
using artifacts::Role;

namespace {

artifacts::Artifact file(const std::string& path, const std::string& content) {
    return test::make_artifact(path, Role::other, Format::text, content);
}

artifacts::Snapshot snapshot(std::vector<artifacts::Artifact> files) {
    artifacts::Snapshot out;
    out.kind = artifacts::SnapshotKind::worktree;
    out.artifacts = std::move(files);
    return out;
}

} // namespace

TEST_CASE("snapshot pairs by path") {
    const auto before = snapshot({file("a.txt", "1"), file("b.txt", "2"), file("c.txt", "3")});
    const auto after = snapshot({file("a.txt", "1"), file("b.txt", "changed"), file("d.txt", "4")});
    const auto changes = changes_between(before, after);
    REQUIRE(changes.size() == 3);
    CHECK(changes[0].path == "b.txt");
    CHECK(changes[0].kind == git::ChangeKind::modified);
    CHECK(changes[1].path == "c.txt");
    CHECK(changes[1].kind == git::ChangeKind::deleted);
    CHECK(changes[2].path == "d.txt");
    CHECK(changes[2].kind == git::ChangeKind::added);
}

TEST_CASE("snapshot exact rename") {
    const auto before = snapshot({file("model.safetensors", "w")});
    const auto after = snapshot({file("weights/model.safetensors", "w")});
    const auto changes = changes_between(before, after);
    REQUIRE(changes.size() == 1);
    CHECK(changes[0].kind == git::ChangeKind::renamed);
    CHECK(changes[0].path == "weights/model.safetensors");
    CHECK(changes[0].old_path == "model.safetensors");
    REQUIRE(changes[0].before.has_value());
    REQUIRE(changes[0].after.has_value());
}

TEST_CASE("snapshot rename needs equal content") {
    const auto before = snapshot({file("a.txt", "1")});
    const auto after = snapshot({file("b.txt", "2")});
    const auto changes = changes_between(before, after);
    REQUIRE(changes.size() == 2);
    CHECK(changes[0].kind == git::ChangeKind::deleted);
    CHECK(changes[1].kind == git::ChangeKind::added);
}

TEST_CASE("snapshot untracked files left out") {
    const auto before = snapshot({file("a.txt", "1")});
    const auto after = snapshot({file("a.txt", "1"), file("new.txt", "n")});
    CHECK(changes_between(before, after, std::set<std::string>{}).empty());
    CHECK(changes_between(before, after, std::set<std::string>{"new.txt"}).size() == 1);
}
