#include "mlv/util/hash.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

using namespace mlv;

TEST_CASE("hash_bytes known answers") {
    // SHA-256 and XXH3-128 of the empty string and of "abc".
    auto empty = hash_bytes("");
    CHECK(empty.sha256 == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(empty.size == 0);
    CHECK(empty.xxh3.size() == 32);

    auto abc = hash_bytes("abc");
    CHECK(abc.sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(abc.size == 3);
}

TEST_CASE("stream hasher equals one-shot") {
    StreamHasher hasher;
    hasher.update("a");
    hasher.update("bc");
    auto streamed = hasher.finish();
    auto whole = hash_bytes("abc");
    CHECK(streamed.sha256 == whole.sha256);
    CHECK(streamed.xxh3 == whole.xxh3);
}

TEST_CASE("hash_file matches hash_bytes") {
    auto path = std::filesystem::temp_directory_path() / "mlv-test-hash-file.bin";
    std::string content(3 * 1024 * 1024 + 17, 'x');
    {
        std::ofstream out(path, std::ios::binary);
        out << content;
    }
    auto digest = hash_file(path.string());
    REQUIRE(digest.ok());
    CHECK(digest->sha256 == hash_bytes(content).sha256);
    CHECK(digest->xxh3 == hash_bytes(content).xxh3);
    CHECK(digest->size == content.size());
    std::filesystem::remove(path);
}

TEST_CASE("hash_file missing file") {
    auto digest = hash_file("/nonexistent/mlv-test");
    REQUIRE_FALSE(digest.ok());
    CHECK(digest.error().message.find("cannot open '/nonexistent/mlv-test'") == 0);
    CHECK(digest.error().code == 128);
}

TEST_CASE("is_sha256_hex") {
    CHECK(is_sha256_hex(std::string(64, 'a')));
    CHECK_FALSE(is_sha256_hex(std::string(63, 'a')));
    CHECK_FALSE(is_sha256_hex(std::string(64, 'A')));
    CHECK_FALSE(is_sha256_hex(std::string(64, 'g')));
}
