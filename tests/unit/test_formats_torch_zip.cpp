#include "mlv/formats/torch_zip.hpp"

#include "support/weights_writer.hpp"

#include <doctest/doctest.h>

using mlv::MemorySource;
using mlv::formats::read_torch_checkpoint;
using mlv::formats::TorchCheckpoint;
using mlv::test::ByteWriter;
using mlv::test::torch_zip_bytes;
using mlv::test::Zip64;
using mlv::test::zip_bytes;
using mlv::test::ZipMember;

namespace {

mlv::Result<TorchCheckpoint> read_bytes(const std::string& bytes) {
    MemorySource source(bytes);
    return read_torch_checkpoint(source);
}

std::string error_of(const std::string& bytes) {
    auto result = read_bytes(bytes);
    REQUIRE_FALSE(result.ok());
    return result.error().message;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

void check_archive_answers(const TorchCheckpoint& checkpoint) {
    CHECK(checkpoint.layout == TorchCheckpoint::Layout::zip);
    CHECK(checkpoint.record_prefix == "archive");
    REQUIRE(checkpoint.entries.size() == 5);
    CHECK(checkpoint.entries[0].name == "archive/data.pkl");
    CHECK(checkpoint.entries[0].size == 6);
    CHECK(checkpoint.entries[2].name == "archive/data/0");
    CHECK(checkpoint.entries[2].size == 64);
    CHECK(checkpoint.entries[2].compressed_size == 64);
    CHECK(checkpoint.storage_count == 2);
    CHECK(checkpoint.storage_bytes == 80);
    CHECK(checkpoint.byteorder == "little");
    CHECK(checkpoint.version == "3");
    CHECK_FALSE(checkpoint.format_version.has_value());
}

// The ZIP64 locator and record, then the classic end record, at the end of a
// file whose central directory is empty.
std::string zip64_end_with_counts(uint64_t entry_count, uint64_t directory_size) {
    ByteWriter out;
    out.bytes("PK\x03\x04").zeros(60);
    uint64_t record_offset = out.size();
    out.u32(0x06064b50).u64(44).u16(45).u16(45).u32(0).u32(0);
    out.u64(entry_count).u64(entry_count).u64(directory_size).u64(0);
    out.u32(0x07064b50).u32(0).u64(record_offset).u32(1);
    out.u32(0x06054b50).u16(0).u16(0).u16(0xFFFF).u16(0xFFFF).u32(0xFFFFFFFF).u32(0xFFFFFFFF);
    out.u16(0);
    return out.str();
}

} // namespace

TEST_CASE("torch zip known answers") {
    auto checkpoint = read_bytes(torch_zip_bytes("archive", {64, 16}));
    REQUIRE_MESSAGE(checkpoint.ok(), checkpoint.error().message);
    check_archive_answers(*checkpoint);
}

TEST_CASE("torch zip64 known answers") {
    auto checkpoint = read_bytes(torch_zip_bytes("archive", {64, 16}, Zip64::yes));
    REQUIRE_MESSAGE(checkpoint.ok(), checkpoint.error().message);
    check_archive_answers(*checkpoint);
}

TEST_CASE("torch zip with archive comment") {
    std::vector<ZipMember> members{{"m/data.pkl", "x"}, {"m/version", "3\n"}};
    std::string comment(300, 'c');
    // A fake end signature inside the comment must not be taken for the record.
    comment.replace(10, 4, "PK\x05\x06");
    auto checkpoint = read_bytes(zip_bytes(members, Zip64::no, comment));
    REQUIRE_MESSAGE(checkpoint.ok(), checkpoint.error().message);
    CHECK(checkpoint->record_prefix == "m");
    CHECK(checkpoint->version == "3");
    CHECK(checkpoint->storage_count == 0);
}

TEST_CASE("torch zip format version") {
    std::vector<ZipMember> members{{"boolean/data.pkl", "x"},
                                   {"boolean/.format_version", "1"},
                                   {"boolean/.storage_alignment", "64"},
                                   {"boolean/byteorder", "little"},
                                   {"boolean/data/0", std::string(4, '\1')},
                                   {"boolean/version", "3\n"},
                                   {"boolean/.data/serialization_id", "0843"}};
    auto checkpoint = read_bytes(zip_bytes(members));
    REQUIRE_MESSAGE(checkpoint.ok(), checkpoint.error().message);
    CHECK(checkpoint->format_version == "1");
    CHECK(checkpoint->storage_count == 1);
    CHECK(checkpoint->storage_bytes == 4);
    CHECK(checkpoint->entries.size() == 7);
}

TEST_CASE("torch zip text entries skipped") {
    std::vector<ZipMember> members{
        {"m/data.pkl", "x"}, {"m/byteorder", "little", 8}, {"m/version", std::string(65, '3')}};
    auto checkpoint = read_bytes(zip_bytes(members));
    REQUIRE_MESSAGE(checkpoint.ok(), checkpoint.error().message);
    CHECK_FALSE(checkpoint->byteorder.has_value());
    CHECK_FALSE(checkpoint->version.has_value());
}

TEST_CASE("torch zip nested data.pkl ignored") {
    std::vector<ZipMember> members{{"a/b/data.pkl", "x"}, {"top/data.pkl", "y"}};
    auto checkpoint = read_bytes(zip_bytes(members));
    REQUIRE_MESSAGE(checkpoint.ok(), checkpoint.error().message);
    CHECK(checkpoint->record_prefix == "top");
}

TEST_CASE("torch zip layout as json") {
    auto zip = read_bytes(torch_zip_bytes("archive", {}));
    REQUIRE(zip.ok());
    CHECK(mlv::Json(*zip)["layout"] == "zip");

    auto legacy = read_bytes(std::string("\x80\x02\x8a\x0alZ", 6));
    REQUIRE(legacy.ok());
    CHECK(mlv::Json(*legacy)["layout"] == "legacy_pickle");
    CHECK(mlv::Json(*legacy)["byteorder"].is_null());
    CHECK(mlv::Json(*legacy).get<TorchCheckpoint>().layout ==
          TorchCheckpoint::Layout::legacy_pickle);
}

TEST_CASE("torch legacy pickle protocols") {
    for (char protocol : {'\x02', '\x03', '\x04', '\x05'}) {
        auto checkpoint = read_bytes(std::string("\x80") + protocol + "}q");
        REQUIRE(checkpoint.ok());
        CHECK(checkpoint->layout == TorchCheckpoint::Layout::legacy_pickle);
        CHECK(checkpoint->record_prefix.empty());
        CHECK(checkpoint->entries.empty());
    }
    CHECK(contains(error_of(std::string("\x80\x01", 2)), "neither a zip archive nor a pickle"));
    CHECK(contains(error_of(std::string("\x80\x06", 2)), "neither a zip archive nor a pickle"));
}

TEST_CASE("torch zip not a checkpoint") {
    CHECK(error_of("version https://git-lfs.github.com/spec/v1\n") ==
          "not a PyTorch checkpoint: neither a zip archive nor a pickle");
    CHECK(error_of("") == "not a PyTorch checkpoint: neither a zip archive nor a pickle");
    CHECK(error_of(zip_bytes({{"arr_0.npy", "x"}})) ==
          "zip archive has no '<prefix>/data.pkl' entry, so it is not a PyTorch checkpoint");
}

TEST_CASE("torch zip without end record") {
    std::string bytes = "PK\x03\x04" + std::string(100, 'x');
    CHECK(error_of(bytes) == "no zip end of central directory record in the last 104 bytes");
    CHECK(error_of("PK") == "file of 2 bytes is too short for a zip archive");
}

TEST_CASE("torch zip directory outside the file") {
    ByteWriter bytes;
    bytes.bytes("PK\x03\x04").zeros(10);
    bytes.u32(0x06054b50).u16(0).u16(0).u16(1).u16(1).u32(46).u32(1000).u16(0);
    CHECK(error_of(bytes.str()) ==
          "zip central directory of 46 bytes at offset 1000 does not fit before offset 14");
}

TEST_CASE("torch zip entry count beyond directory") {
    ByteWriter bytes;
    bytes.bytes("PK\x03\x04").zeros(60);
    bytes.u32(0x06054b50).u16(0).u16(0).u16(0xFFFE).u16(0xFFFE).u32(46).u32(10).u16(0);
    CHECK(error_of(bytes.str()) ==
          "zip entry count 65534 does not fit in a central directory of 46 bytes");
}

TEST_CASE("torch zip64 entry count 2^60") {
    CHECK(error_of(zip64_end_with_counts(1ull << 60, 0)) ==
          "zip entry count 1152921504606846976 exceeds the limit of 1000000");
}

TEST_CASE("torch zip64 record missing") {
    ByteWriter bytes;
    bytes.bytes("PK\x03\x04").zeros(60);
    bytes.u32(0x06054b50).u16(0).u16(0).u16(0xFFFF).u16(0xFFFF).u32(0xFFFFFFFF).u32(0xFFFFFFFF);
    bytes.u16(0);
    CHECK(contains(error_of(bytes.str()), "needs a ZIP64 record, but there is none"));
}

TEST_CASE("torch zip multi-disk rejected") {
    ByteWriter bytes;
    bytes.bytes("PK\x03\x04").zeros(10);
    bytes.u32(0x06054b50).u16(1).u16(0).u16(0).u16(0).u32(0).u32(0).u16(0);
    CHECK(error_of(bytes.str()) == "multi-disk zip archives are not supported");
}

TEST_CASE("torch zip truncated at every byte") {
    for (Zip64 zip64 : {Zip64::no, Zip64::yes}) {
        std::string full = torch_zip_bytes("archive", {8}, zip64);
        REQUIRE(read_bytes(full).ok());
        for (size_t length = 0; length < full.size(); ++length) {
            auto result = read_bytes(full.substr(0, length));
            CHECK_MESSAGE(!result.ok(), "prefix of ", length, " bytes parsed");
        }
    }
}

TEST_CASE("torch zip byte flips fail cleanly") {
    for (Zip64 zip64 : {Zip64::no, Zip64::yes}) {
        std::string full = torch_zip_bytes("archive", {8}, zip64);
        for (size_t i = 0; i < full.size(); ++i) {
            std::string damaged = full;
            damaged[i] = static_cast<char>(damaged[i] ^ 0xFF);
            auto result = read_bytes(damaged);
            if (result.ok()) {
                CHECK(result->entries.size() <= 5);
            }
        }
    }
}
