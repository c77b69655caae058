#include "mlv/worktree/status.hpp"

#include "mlv/util/hash.hpp"
#include "support/git_fixture.hpp"
#include "support/weights_writer.hpp"

#include <doctest/doctest.h>

using namespace mlv;
using namespace mlv::worktree;
using mlv::test::TempRepository;

namespace {

const char* config_32000 = R"({"model_type": "llama", "vocab_size": 32000})";
const char* config_32001 = R"({"model_type": "llama", "vocab_size": 32001})";

StatusReport status_of(const TempRepository& fixture) {
    auto repo = fixture.open();
    store::Cache cache("");
    artifacts::Loader loader(repo, cache);
    auto report = compute_status(repo, loader);
    REQUIRE_MESSAGE(report.ok(), report.error().message);
    return std::move(report).value();
}

const ArtifactChange* find_change(const StatusReport& report, const std::string& path,
                                  ChangeArea area) {
    for (const auto& change : report.changes) {
        if (change.diff.path == path && change.area == area) {
            return &change;
        }
    }
    return nullptr;
}

} // namespace

TEST_CASE("status clean tree") {
    TempRepository fixture;
    fixture.write("config.json", config_32000);
    fixture.commit_all("import");
    auto report = status_of(fixture);
    CHECK(report.has_head);
    CHECK(report.changes.empty());
    CHECK(report.lfs_missing.empty());
    CHECK(report.problems.empty());
}

TEST_CASE("status vocab_size edit unstaged") {
    TempRepository fixture;
    fixture.write("config.json", config_32000);
    fixture.commit_all("import");
    fixture.write("config.json", config_32001);
    auto report = status_of(fixture);
    const ArtifactChange* change = find_change(report, "config.json", ChangeArea::unstaged);
    REQUIRE(change != nullptr);
    CHECK(change->diff.role == artifacts::Role::config);
    CHECK(change->diff.kind == git::ChangeKind::modified);
    CHECK(change->diff.headline().find("vocab_size") != std::string::npos);
    CHECK(change->diff.headline().find("32000 -> 32001") != std::string::npos);
}

TEST_CASE("status staged and untracked") {
    TempRepository fixture;
    fixture.write("config.json", config_32000);
    fixture.commit_all("import");
    fixture.write("config.json", config_32001);
    fixture.git("add config.json");
    fixture.write("tokenizer.json", R"({"model": {"type": "WordLevel", "vocab": {"a": 0}}})");
    auto report = status_of(fixture);
    REQUIRE(find_change(report, "config.json", ChangeArea::staged) != nullptr);
    CHECK(find_change(report, "config.json", ChangeArea::unstaged) == nullptr);
    const ArtifactChange* untracked = find_change(report, "tokenizer.json", ChangeArea::untracked);
    REQUIRE(untracked != nullptr);
    CHECK(untracked->diff.role == artifacts::Role::tokenizer);
    // Staged changes come first.
    CHECK(report.changes.front().area == ChangeArea::staged);
}

TEST_CASE("status touched file is unchanged") {
    TempRepository fixture;
    fixture.write("config.json", config_32000);
    fixture.commit_all("import");
    // Same content, new mtime and inode.
    fixture.write("config.json", config_32000);
    CHECK(status_of(fixture).changes.empty());
}

TEST_CASE("status malformed file is a problem") {
    TempRepository fixture;
    fixture.write("config.json", config_32000);
    fixture.commit_all("import");
    fixture.write("config.json", "{\n\"vocab_size\": 32001,\n}");
    auto report = status_of(fixture);
    REQUIRE(report.problems.size() == 1);
    CHECK(report.problems.front().rfind("cannot read 'config.json': invalid JSON at line 3", 0) ==
          0);
    CHECK(find_change(report, "config.json", ChangeArea::unstaged) != nullptr);
}

TEST_CASE("status missing LFS object") {
    TempRepository fixture;
    std::string pointer =
        "version https://git-lfs.github.com/spec/v1\noid sha256:" + std::string(64, 'e') +
        "\nsize 13476839424\n";
    fixture.write(".gitattributes", "*.safetensors filter=lfs diff=lfs merge=lfs -text\n");
    fixture.write("model.safetensors", pointer);
    fixture.commit_all("pointer");
    auto report = status_of(fixture);
    CHECK(report.changes.empty());
    REQUIRE(report.lfs_missing.size() == 1);
    CHECK(report.lfs_missing.front().path == "model.safetensors");
    CHECK(report.lfs_missing.front().size == 13476839424ull);
}

TEST_CASE("status pointer without LFS filter") {
    // Pointer text outside filter=lfs is the file's content, not an object
    // to fetch.
    TempRepository fixture;
    std::string pointer =
        "version https://git-lfs.github.com/spec/v1\noid sha256:" + std::string(64, 'e') +
        "\nsize 13476839424\n";
    fixture.write("model.safetensors", pointer);
    fixture.commit_all("pointer");
    auto report = status_of(fixture);
    CHECK(report.changes.empty());
    CHECK(report.lfs_missing.empty());
}

TEST_CASE("status deleted artifact") {
    TempRepository fixture;
    fixture.write("config.json", config_32000);
    fixture.write("README.md", "# card\n");
    fixture.commit_all("import");
    std::remove((fixture.workdir() + "config.json").c_str());
    auto report = status_of(fixture);
    const ArtifactChange* change = find_change(report, "config.json", ChangeArea::unstaged);
    REQUIRE(change != nullptr);
    CHECK(change->diff.kind == git::ChangeKind::deleted);
}

TEST_CASE("status before the first commit") {
    TempRepository fixture;
    fixture.write("config.json", config_32000);
    auto report = status_of(fixture);
    CHECK_FALSE(report.has_head);
    CHECK(find_change(report, "config.json", ChangeArea::untracked) != nullptr);
}

TEST_CASE("status json") {
    TempRepository fixture;
    fixture.write("config.json", config_32000);
    fixture.commit_all("import");
    fixture.write("config.json", config_32001);
    Json json = to_json(status_of(fixture));
    REQUIRE(json["changes"].size() == 1);
    CHECK(json["changes"][0]["path"] == "config.json");
    CHECK(json["changes"][0]["state"] == "unstaged");
    CHECK(json["changes"][0]["summary"].get<std::string>().find("32000 -> 32001") !=
          std::string::npos);
    CHECK(json["lfs_missing"].empty());
    CHECK(json["problems"].empty());
    CHECK(to_string(ChangeArea::untracked) == "untracked");
}
