#include "mlv/util/byte_source.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

using namespace mlv;
using namespace std::string_literals;

TEST_CASE("memory source reads ranges") {
    MemorySource source("abcdef");
    CHECK(source.size() == 6);
    CHECK(*source.read_string(0, 3) == "abc");
    CHECK(*source.read_string(3, 3) == "def");
    CHECK(*source.read_string(6, 0) == "");
}

TEST_CASE("memory source range past the end") {
    MemorySource source("abcdef");
    auto past = source.read_string(4, 3);
    REQUIRE_FALSE(past.ok());
    CHECK(past.error().message == "read of 3 bytes at offset 4 is past the end (size 6)");
    // Offset plus length would wrap around 2^64: still rejected.
    auto wrapping = source.read_string(2, UINT64_MAX);
    REQUIRE_FALSE(wrapping.ok());
    CHECK_FALSE(source.read_string(UINT64_MAX, 2).ok());
}

TEST_CASE("read_all limit") {
    MemorySource source("abcdef");
    CHECK(*source.read_all(6) == "abcdef");
    auto limited = source.read_all(5);
    REQUIRE_FALSE(limited.ok());
    CHECK(limited.error().message == "size 6 exceeds the limit of 5 bytes");
}

TEST_CASE("byte cursor little-endian known answers") {
    std::string bytes = "\x01\x02\x03\x04\x05\x06\x07\x08\xff\x00\x00\x80\x3f"s;
    MemorySource source(bytes);
    ByteCursor cursor(source);
    CHECK(*cursor.u8() == 0x01);
    CHECK(*cursor.u16() == 0x0302);
    CHECK(cursor.offset() == 3);
    CHECK(*cursor.u32() == 0x07060504);
    CHECK(*cursor.i8() == 8);
    CHECK(*cursor.i8() == -1);
    CHECK(*cursor.f32() == 1.0f);
    CHECK(cursor.remaining() == 0);
    CHECK_FALSE(cursor.u8().ok());
}

TEST_CASE("byte cursor 64-bit values") {
    std::string bytes = "\xff\xff\xff\xff\xff\xff\xff\xff\x00\x00\x00\x00\x00\x00\xf0\x3f"s;
    MemorySource source(bytes);
    ByteCursor cursor(source);
    CHECK(*cursor.i64() == -1);
    CHECK(*cursor.f64() == 1.0);
    ByteCursor again(source);
    CHECK(*again.u64() == UINT64_MAX);
}

TEST_CASE("byte cursor short read fails without moving") {
    std::string bytes = "\x01\x02\x03"s;
    MemorySource source(bytes);
    ByteCursor cursor(source, 1);
    auto value = cursor.u32();
    REQUIRE_FALSE(value.ok());
    CHECK(value.error().message == "read of 4 bytes at offset 1 is past the end (size 3)");
    CHECK(cursor.offset() == 1);
    CHECK(*cursor.u16() == 0x0302);
}

TEST_CASE("byte cursor bytes and skip bounds") {
    MemorySource source("abcdef");
    ByteCursor cursor(source);
    CHECK(*cursor.bytes(2) == "ab");
    REQUIRE(cursor.skip(2).ok());
    CHECK(*cursor.bytes(2) == "ef");
    // A length of 2^63 fails before allocating.
    auto huge = cursor.bytes(1ull << 63);
    REQUIRE_FALSE(huge.ok());
    CHECK(huge.error().message.find("past the end") != std::string::npos);
    CHECK_FALSE(cursor.skip(1).ok());
    CHECK(cursor.offset() == 6);
}

TEST_CASE("byte cursor crosses read-ahead boundaries") {
    // 200 KiB of a counting pattern, read as u32s across the 64 KiB buffer.
    std::string bytes;
    for (uint32_t i = 0; i < 50 * 1024; ++i) {
        bytes.append(reinterpret_cast<const char*>(&i), 4);
    }
    MemorySource source(bytes);
    ByteCursor cursor(source, 2);
    REQUIRE(cursor.skip(2).ok());
    for (uint32_t i = 1; i < 50 * 1024; ++i) {
        auto value = cursor.u32();
        REQUIRE(value.ok());
        REQUIRE(*value == i);
    }
    CHECK(cursor.remaining() == 0);
}

TEST_CASE("file source reads and rejects") {
    auto path = std::filesystem::temp_directory_path() / "mlv-test-byte-source.bin";
    {
        std::ofstream out(path, std::ios::binary);
        out << "hello world";
    }
    auto source = FileSource::open(path.string());
    REQUIRE(source.ok());
    CHECK((*source)->size() == 11);
    CHECK(*(*source)->read_string(6, 5) == "world");
    CHECK_FALSE((*source)->read_string(6, 6).ok());
    std::filesystem::remove(path);

    auto missing = FileSource::open("/nonexistent/mlv-test");
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().code == 128);
    CHECK(missing.error().message.rfind("cannot open '/nonexistent/mlv-test': ", 0) == 0);

    auto directory = FileSource::open(std::filesystem::temp_directory_path().string());
    REQUIRE_FALSE(directory.ok());
    CHECK(directory.error().message.find("is not a regular file") != std::string::npos);
}
