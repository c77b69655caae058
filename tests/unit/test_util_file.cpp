#include "mlv/util/file.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sys/stat.h>

using namespace mlv;
namespace fs = std::filesystem;

namespace {

// A fresh directory under the system's temporary directory, removed at the
// end of the test.
struct TempDirectory {
    TempDirectory() {
        std::string pattern = (fs::temp_directory_path() / "mlv-test-file-XXXXXX").string();
        path = ::mkdtemp(pattern.data());
    }
    ~TempDirectory() { fs::remove_all(path); }
    fs::path path;
};

void write(const fs::path& path, const std::string& content) {
    std::ofstream out(path, std::ios::binary);
    out << content;
}

size_t count_entries(const fs::path& directory) {
    size_t count = 0;
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator(directory)) {
        ++count;
    }
    return count;
}

} // namespace

TEST_CASE("stat_file regular file") {
    TempDirectory dir;
    write(dir.path / "a.bin", "12345");
    auto stat = stat_file((dir.path / "a.bin").string());
    REQUIRE(stat.has_value());
    CHECK(stat->size == 5);
    CHECK(stat->inode != 0);
    CHECK(stat->mtime_ns > 0);
}

TEST_CASE("stat_file not a regular file") {
    TempDirectory dir;
    CHECK_FALSE(stat_file(dir.path.string()).has_value());
    CHECK_FALSE(stat_file((dir.path / "missing").string()).has_value());
    CHECK_FALSE(stat_file("/dev/null").has_value());
}

TEST_CASE("stat_file sees rewrites") {
    TempDirectory dir;
    auto path = (dir.path / "a.bin").string();
    write(path, "12345");
    auto before = stat_file(path);
    REQUIRE(before.has_value());

    write(path, "123456");
    auto longer = stat_file(path);
    REQUIRE(longer.has_value());
    CHECK_FALSE(*longer == *before);

    // A replacement by rename changes the inode even at equal size and time.
    auto other = (dir.path / "b.bin").string();
    write(other, "123456");
    fs::rename(other, path);
    auto replaced = stat_file(path);
    REQUIRE(replaced.has_value());
    CHECK(replaced->inode != longer->inode);
}

TEST_CASE("read_file content and limit") {
    TempDirectory dir;
    auto path = (dir.path / "config.json").string();
    write(path, "{\"a\": 1}");
    auto content = read_file(path, 100);
    REQUIRE(content.ok());
    CHECK(*content == "{\"a\": 1}");

    auto limited = read_file(path, 4);
    REQUIRE_FALSE(limited.ok());
    CHECK(limited.error().message ==
          "cannot read '" + path + "': size 8 exceeds the limit of 4 bytes");
}

TEST_CASE("read_file missing and directory") {
    TempDirectory dir;
    auto missing = read_file((dir.path / "missing").string(), 100);
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().code == 128);
    CHECK(missing.error().message.rfind("cannot open '", 0) == 0);

    auto directory = read_file(dir.path.string(), 100);
    REQUIRE_FALSE(directory.ok());
    CHECK(directory.error().message == "'" + dir.path.string() + "' is not a regular file");
}

TEST_CASE("write_file_atomic writes and replaces") {
    TempDirectory dir;
    auto path = (dir.path / "sub" / "deeper" / "map.json").string();
    REQUIRE(write_file_atomic(path, "first").ok());
    CHECK(*read_file(path, 100) == "first");
    REQUIRE(write_file_atomic(path, "second, longer").ok());
    CHECK(*read_file(path, 100) == "second, longer");
    REQUIRE(write_file_atomic(path, "").ok());
    CHECK(*read_file(path, 100) == "");
}

TEST_CASE("write_file_atomic leaves no temporary file") {
    TempDirectory dir;
    auto path = (dir.path / "map.json").string();
    REQUIRE(write_file_atomic(path, "content").ok());
    REQUIRE(write_file_atomic(path, "content again").ok());
    CHECK(count_entries(dir.path) == 1);
}

TEST_CASE("write_file_atomic file mode") {
    TempDirectory dir;
    auto path = (dir.path / "map.json").string();
    mode_t old_mask = ::umask(022);
    REQUIRE(write_file_atomic(path, "x").ok());
    ::umask(old_mask);
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0644);
}

TEST_CASE("write_file_atomic failure cleans up") {
    TempDirectory dir;
    // The target is a directory, so the rename fails after the temporary
    // file was written.
    auto target = dir.path / "taken";
    fs::create_directories(target / "inside");
    auto status = write_file_atomic(target.string(), "x");
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().code == 128);
    CHECK(status.error().message.rfind("cannot write '" + target.string() + "': ", 0) == 0);
    CHECK(count_entries(dir.path) == 1);
}

TEST_CASE("write_file_atomic parent is a file") {
    TempDirectory dir;
    write(dir.path / "file", "x");
    auto status = write_file_atomic((dir.path / "file" / "child.json").string(), "x");
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().message.rfind("cannot create directory '", 0) == 0);
}
