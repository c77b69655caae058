#include "mlv/store/cache.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

using namespace mlv;
using namespace mlv::store;
namespace fs = std::filesystem;

namespace {

struct TempDirectory {
    TempDirectory() {
        std::string pattern = (fs::temp_directory_path() / "mlv-test-cache-XXXXXX").string();
        path = ::mkdtemp(pattern.data());
    }
    ~TempDirectory() { fs::remove_all(path); }
    std::string path;
};

const std::string oid_a = std::string(64, 'a');
const std::string oid_b = std::string(64, 'b');

std::shared_ptr<const artifacts::Description> config_description(int64_t vocab_size) {
    auto description = std::make_shared<artifacts::Description>();
    description->format = artifacts::Format::model_config;
    formats::ModelConfig config;
    config.model_type = "llama";
    config.vocab_size = vocab_size;
    description->metadata = config;
    return description;
}

WorktreeRecord record_for(const FileStat& stat) {
    WorktreeRecord record;
    record.stat = stat;
    record.oid = oid_a;
    record.xxh3 = std::string(32, 'c');
    record.size = stat.size;
    return record;
}

void write(const std::string& path, const std::string& content) {
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream out(path, std::ios::binary);
    out << content;
}

size_t count_temporary_files(const std::string& root) {
    size_t count = 0;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        if (entry.path().filename().string().find(".tmp-") != std::string::npos) {
            ++count;
        }
    }
    return count;
}

} // namespace

TEST_CASE("cache description round trip") {
    TempDirectory dir;
    {
        Cache cache(dir.path);
        cache.put_description(oid_a, artifacts::Format::model_config, config_description(32000));
    }
    Cache reopened(dir.path);
    auto description = reopened.description(oid_a, artifacts::Format::model_config);
    REQUIRE(description != nullptr);
    CHECK(description->format == artifacts::Format::model_config);
    const auto* config = std::get_if<formats::ModelConfig>(&description->metadata);
    REQUIRE(config != nullptr);
    CHECK(config->vocab_size == 32000);
    CHECK(config->model_type == "llama");
}

TEST_CASE("cache description keyed by path format") {
    TempDirectory dir;
    Cache cache(dir.path);
    cache.put_description(oid_a, artifacts::Format::model_config, config_description(1));
    CHECK(cache.description(oid_a, artifacts::Format::json) == nullptr);
    CHECK(cache.description(oid_b, artifacts::Format::model_config) == nullptr);
}

TEST_CASE("cache blob records persist") {
    TempDirectory dir;
    {
        Cache cache(dir.path);
        cache.put_blob("1234", {oid_a, 135, true});
        cache.flush();
    }
    Cache reopened(dir.path);
    auto record = reopened.blob("1234");
    REQUIRE(record.has_value());
    CHECK(record->oid == oid_a);
    CHECK(record->size == 135);
    CHECK(record->lfs);
    CHECK_FALSE(reopened.blob("5678").has_value());
}

TEST_CASE("cache worktree record invalidation") {
    TempDirectory dir;
    FileStat stat{1000, 1'700'000'000'000'000'000, 42};
    {
        Cache cache(dir.path);
        cache.put_worktree("model.safetensors", record_for(stat));
    }
    Cache cache(dir.path);
    auto same = cache.worktree("model.safetensors", stat);
    REQUIRE(same.has_value());
    CHECK(same->oid == oid_a);
    CHECK(same->xxh3 == std::string(32, 'c'));
    CHECK(same->size == 1000);

    FileStat resized = stat;
    resized.size = 1001;
    CHECK_FALSE(cache.worktree("model.safetensors", resized).has_value());
    FileStat touched = stat;
    touched.mtime_ns += 1;
    CHECK_FALSE(cache.worktree("model.safetensors", touched).has_value());
    FileStat replaced = stat;
    replaced.inode = 43;
    CHECK_FALSE(cache.worktree("model.safetensors", replaced).has_value());
    CHECK_FALSE(cache.worktree("other.safetensors", stat).has_value());
}

TEST_CASE("cache files are written atomically") {
    TempDirectory dir;
    {
        Cache cache(dir.path);
        cache.put_blob("1234", {oid_a, 1, false});
        cache.put_worktree("a", record_for({1, 1, 1}));
        cache.put_description(oid_a, artifacts::Format::model_config, config_description(5));
    }
    CHECK(fs::exists(dir.path + "/cache-v2/blobs.json"));
    CHECK(fs::exists(dir.path + "/cache-v2/worktree.json"));
    CHECK(fs::exists(dir.path + "/cache-v2/meta/aa/" + oid_a + ".model-config.json"));
    CHECK(count_temporary_files(dir.path) == 0);
}

TEST_CASE("cache disabled keeps memory only") {
    Cache cache("");
    cache.put_blob("1234", {oid_a, 1, false});
    cache.put_description(oid_a, artifacts::Format::model_config, config_description(5));
    CHECK(cache.blob("1234").has_value());
    CHECK(cache.description(oid_a, artifacts::Format::model_config) != nullptr);
    cache.flush();
}

TEST_CASE("cache ignores corrupt files") {
    TempDirectory dir;
    std::string root = dir.path + "/cache-v2";
    write(root + "/blobs.json", "{not json");
    write(root + "/worktree.json", "[1, 2, 3]");
    write(root + "/meta/aa/" + oid_a + ".model-config.json", "{\"kind\": \"x\"");
    Cache cache(dir.path);
    CHECK_FALSE(cache.blob("1234").has_value());
    CHECK_FALSE(cache.worktree("a", {1, 1, 1}).has_value());
    CHECK(cache.description(oid_a, artifacts::Format::model_config) == nullptr);
}

TEST_CASE("cache ignores entries of the wrong type") {
    // The Git directory is writable by anything the user runs; a planted
    // entry with wrong types is a miss, not a crash.
    TempDirectory dir;
    std::string root = dir.path + "/cache-v2";
    write(root + "/blobs.json",
          R"({"1": {"oid": 5}, "2": {"oid": ")" + oid_a + R"(", "size": "big"}, "3": [1]})");
    write(root + "/worktree.json",
          R"({"a": {"file_size": "1", "mtime_ns": 1, "inode": 1},
              "b": {"file_size": 1, "mtime_ns": 1, "inode": 1, "oid": [], "lfs": "yes"}})");
    write(root + "/meta/aa/" + oid_a + ".model-config.json",
          R"({"format": "model-config", "kind": 6, "metadata": {"vocab_size": "many"}})");
    write(root + "/meta/bb/" + oid_b + ".model-config.json",
          R"({"format": 7, "kind": "six", "error": 3})");
    Cache cache(dir.path);
    CHECK_FALSE(cache.blob("1").has_value());
    CHECK_FALSE(cache.blob("2").has_value());
    CHECK_FALSE(cache.blob("3").has_value());
    CHECK_FALSE(cache.worktree("a", {1, 1, 1}).has_value());
    CHECK_FALSE(cache.worktree("b", {1, 1, 1}).has_value());
    CHECK(cache.description(oid_a, artifacts::Format::model_config) == nullptr);
    CHECK(cache.description(oid_b, artifacts::Format::model_config) == nullptr);
}
