#include "mlv/store/history_cache.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <thread>

using namespace mlv;
using namespace mlv::store;
namespace fs = std::filesystem;

namespace {

struct TempDirectory {
    TempDirectory() {
        std::string pattern = (fs::temp_directory_path() / "mlv-test-log-cache-XXXXXX").string();
        path = ::mkdtemp(pattern.data());
    }
    ~TempDirectory() { fs::remove_all(path); }
    std::string path;
};

const std::string key = std::string(64, 'c');

HistoryEntry sample_entry() {
    HistoryEntry entry;
    entry.lfs_objects = {{std::string(64, 'a'), true}, {std::string(64, 'b'), false}};
    HistoryRow first;
    first.commit = std::string(40, '1');
    first.session = 1;
    first.weights_total_size = 13476839424ull;
    first.stage = "initial_import";
    first.maintenance = "adaptive";
    first.summary = "import: 3 weights, 2 config";
    first.evidence = {"first commit with weights", "tab\there, newline\nthere, back\\slash\r"};
    first.files = {{"config.json", "config", "added"},
                   {"dir with\ttab/model.safetensors", "weights", "added: 2 tensors"}};
    HistoryRow second;
    second.commit = std::string(40, '2');
    second.session = 2;
    second.stage = "tokenizer";
    second.secondary_stages = {"architecture", "configuration"};
    second.maintenance = "perfective";
    entry.rows = {first, second};
    return entry;
}

void check_equal(const HistoryEntry& a, const HistoryEntry& b) {
    REQUIRE(a.lfs_objects.size() == b.lfs_objects.size());
    for (size_t i = 0; i < a.lfs_objects.size(); ++i) {
        CHECK(a.lfs_objects[i].oid == b.lfs_objects[i].oid);
        CHECK(a.lfs_objects[i].present == b.lfs_objects[i].present);
    }
    REQUIRE(a.rows.size() == b.rows.size());
    for (size_t i = 0; i < a.rows.size(); ++i) {
        const auto& x = a.rows[i];
        const auto& y = b.rows[i];
        CHECK(x.commit == y.commit);
        CHECK(x.session == y.session);
        CHECK(x.weights_total_size == y.weights_total_size);
        CHECK(x.stage == y.stage);
        CHECK(x.secondary_stages == y.secondary_stages);
        CHECK(x.maintenance == y.maintenance);
        CHECK(x.summary == y.summary);
        CHECK(x.evidence == y.evidence);
        REQUIRE(x.files.size() == y.files.size());
        for (size_t j = 0; j < x.files.size(); ++j) {
            CHECK(x.files[j].path == y.files[j].path);
            CHECK(x.files[j].role == y.files[j].role);
            CHECK(x.files[j].headline == y.files[j].headline);
        }
    }
}

void write(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

} // namespace

TEST_CASE("history cache: round trip") {
    auto entry = sample_entry();
    std::string text = encode_history_entry(key, entry);
    auto decoded = decode_history_entry(text, key);
    REQUIRE(decoded);
    check_equal(entry, *decoded);
}

TEST_CASE("history cache: known encoding") {
    HistoryEntry entry;
    HistoryRow row;
    row.commit = "ab";
    row.session = 3;
    row.weights_total_size = 7;
    row.stage = "training";
    row.secondary_stages = {"configuration"};
    row.maintenance = "perfective";
    row.summary = "a\tb";
    row.files = {{"x.json", "config", "1 key"}};
    entry.rows = {row};
    CHECK(encode_history_entry("ff", entry) ==
          "mlv-log-cache\t1\n"
          "key\tff\n"
          "commit\tab\t3\t7\ttraining\tperfective\tconfiguration\n"
          "summary\ta\\tb\n"
          "file\tx.json\tconfig\t1 key\n"
          "end\t1\n");
}

TEST_CASE("history cache: malformed entries") {
    std::string good = encode_history_entry(key, sample_entry());
    CHECK_FALSE(decode_history_entry(good, std::string(64, 'd')));
    CHECK_FALSE(decode_history_entry("", key));
    CHECK_FALSE(decode_history_entry(good.substr(0, good.size() - 1), key));
    CHECK_FALSE(decode_history_entry(good.substr(0, good.size() / 2), key));
    CHECK_FALSE(decode_history_entry(good + "end\t2\n", key));

    auto replace = [&](const std::string& from, const std::string& to) {
        std::string text = good;
        auto at = text.find(from);
        REQUIRE(at != std::string::npos);
        return text.replace(at, from.size(), to);
    };
    CHECK_FALSE(decode_history_entry(replace("mlv-log-cache\t1", "mlv-log-cache\t2"), key));
    CHECK_FALSE(decode_history_entry(replace("end\t2", "end\t3"), key));
    CHECK_FALSE(decode_history_entry(replace("\t1\t13476839424", "\tx\t13476839424"), key));
    CHECK_FALSE(decode_history_entry(replace("\t13476839424\t", "\t-1\t"), key));
    CHECK_FALSE(decode_history_entry(replace("initial_import", "Initial Import"), key));
    CHECK_FALSE(decode_history_entry(replace("back\\\\slash", "back\\qslash"), key));
    CHECK_FALSE(decode_history_entry(replace("summary\t", "sumary\t"), key));
    CHECK_FALSE(decode_history_entry(replace("\t0\n", "\t2\n"), key));

    std::string lfs_late = good;
    lfs_late.insert(lfs_late.rfind("end\t"), "lfs\t" + std::string(64, 'e') + "\t1\n");
    CHECK_FALSE(decode_history_entry(lfs_late, key));

    std::string second_summary = good;
    second_summary.insert(second_summary.rfind("end\t"), "summary\tagain\n");
    CHECK_FALSE(decode_history_entry(second_summary, key));
}

TEST_CASE("history cache: store and load") {
    TempDirectory directory;
    HistoryCache cache(directory.path + "/log");
    CHECK_FALSE(cache.load(key));

    cache.store(key, sample_entry());
    auto loaded = cache.load(key);
    REQUIRE(loaded);
    check_equal(sample_entry(), *loaded);
}

TEST_CASE("history cache: corrupt file ignored") {
    TempDirectory directory;
    HistoryCache cache(directory.path);
    cache.store(key, sample_entry());
    std::string path = directory.path + "/" + key + ".log";
    REQUIRE(fs::exists(path));

    write(path, std::string("\0\xff garbage\n", 11));
    CHECK_FALSE(cache.load(key));
    write(path, "");
    CHECK_FALSE(cache.load(key));

    cache.store(key, sample_entry());
    CHECK(cache.load(key));
}

TEST_CASE("history cache: disabled") {
    HistoryCache cache("");
    cache.store(key, sample_entry());
    CHECK_FALSE(cache.load(key));
}

TEST_CASE("history cache: eviction") {
    TempDirectory directory;
    HistoryCache cache(directory.path);
    auto timestamp = fs::file_time_type::clock::now() - std::chrono::hours(1);
    for (size_t i = 0; i < history_cache_max_entries + 3; ++i) {
        std::string name = std::string(63, 'a') + "0123456789abcdefghij"[i];
        cache.store(name, sample_entry());
        fs::last_write_time(directory.path + "/" + name + ".log",
                            timestamp + std::chrono::seconds(i));
    }
    cache.store(key, sample_entry());

    size_t count = 0;
    for (const auto& item : fs::directory_iterator(directory.path)) {
        count += item.path().extension() == ".log" ? 1 : 0;
    }
    CHECK(count == history_cache_max_entries);
    CHECK(cache.load(key));
    CHECK_FALSE(cache.load(std::string(63, 'a') + "0"));
}
