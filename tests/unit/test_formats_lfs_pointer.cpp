#include "mlv/formats/lfs_pointer.hpp"

#include <doctest/doctest.h>

using namespace mlv::formats;

namespace {
const std::string oid = "16c3724582d5c2e5c2c5f1e03e3a0a7b2f3d2c8f0b6a6a4ac1b1b8c0f7f1e2d3";
}

TEST_CASE("lfs pointer parses") {
    std::string text =
        "version https://git-lfs.github.com/spec/v1\noid sha256:" + oid + "\nsize 723869\n";
    auto pointer = parse_lfs_pointer(text);
    REQUIRE(pointer.has_value());
    CHECK(pointer->oid == oid);
    CHECK(pointer->size == 723869);
}

TEST_CASE("lfs pointer round trip") {
    LfsPointer pointer{oid, 42};
    auto parsed = parse_lfs_pointer(format_lfs_pointer(pointer));
    REQUIRE(parsed.has_value());
    CHECK(parsed->oid == oid);
    CHECK(parsed->size == 42);
}

TEST_CASE("lfs pointer with extension keys") {
    std::string text =
        "version https://git-lfs.github.com/spec/v1\next-0-foo sha256:" + std::string(64, '0') +
        "\noid sha256:" + oid + "\nsize 1\n";
    CHECK(parse_lfs_pointer(text).has_value());
}

TEST_CASE("lfs pointer rejects") {
    CHECK_FALSE(parse_lfs_pointer("").has_value());
    CHECK_FALSE(parse_lfs_pointer("{\"vocab_size\": 32000}").has_value());
    // Wrong spec, bad oid, missing size, non-numeric size, oversize.
    CHECK_FALSE(
        parse_lfs_pointer("version https://example.com/spec/v9\noid sha256:" + oid + "\nsize 1\n"));
    CHECK_FALSE(
        parse_lfs_pointer("version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 1\n"));
    CHECK_FALSE(
        parse_lfs_pointer("version https://git-lfs.github.com/spec/v1\noid sha256:" + oid + "\n"));
    CHECK_FALSE(parse_lfs_pointer("version https://git-lfs.github.com/spec/v1\noid sha256:" + oid +
                                  "\nsize 12x\n"));
    std::string big =
        "version https://git-lfs.github.com/spec/v1\noid sha256:" + oid + "\nsize 1\n";
    big += std::string(2000, '#');
    CHECK_FALSE(parse_lfs_pointer(big).has_value());
}
