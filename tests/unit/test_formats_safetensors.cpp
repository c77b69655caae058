#include "mlv/formats/safetensors.hpp"

#include "support/weights_writer.hpp"

#include <doctest/doctest.h>

using mlv::MemorySource;
using mlv::formats::read_safetensors;
using mlv::test::ByteWriter;
using mlv::test::safetensors_bytes;
using mlv::test::safetensors_with_header;

namespace {

mlv::Result<mlv::formats::SafetensorsHeader> read_bytes(const std::string& bytes) {
    MemorySource source(bytes);
    return read_safetensors(source);
}

std::string error_of(const std::string& bytes) {
    auto result = read_bytes(bytes);
    REQUIRE_FALSE(result.ok());
    return result.error().message;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// A large source without the memory: `prefix`, then zeros up to `size`.
class ZeroTailSource final : public mlv::ByteSource {
  public:
    ZeroTailSource(std::string prefix, uint64_t size) : prefix_(std::move(prefix)), size_(size) {}
    uint64_t size() const override { return size_; }
    mlv::Result<void> read(uint64_t offset, std::span<std::byte> out) const override {
        if (offset > size_ || out.size() > size_ - offset) {
            return mlv::make_error("read past the end");
        }
        for (size_t i = 0; i < out.size(); ++i) {
            uint64_t position = offset + i;
            out[i] = position < prefix_.size() ? std::byte(prefix_[position]) : std::byte{0};
        }
        return {};
    }

  private:
    std::string prefix_;
    uint64_t size_;
};

} // namespace

TEST_CASE("safetensors known answers") {
    auto bytes = safetensors_bytes({{"b.weight", "BF16", {3, 4}},
                                    {"a.bias", "F32", {4}},
                                    {"step", "I64", {}},
                                    {"mask", "BOOL", {2, 0}}},
                                   {{"format", "pt"}});
    auto header = read_bytes(bytes);
    REQUIRE_MESSAGE(header.ok(), header.error().message);

    CHECK(header->header_size % 8 == 0);
    CHECK(header->metadata == std::map<std::string, std::string>{{"format", "pt"}});
    CHECK(header->parameter_count == 12 + 4 + 1);
    REQUIRE(header->tensors.size() == 4);

    // In data offset order, which is the writing order here.
    CHECK(header->tensors[0].name == "b.weight");
    CHECK(header->tensors[0].dtype == "BF16");
    CHECK(header->tensors[0].shape == std::vector<uint64_t>{3, 4});
    CHECK(header->tensors[0].data_begin == 0);
    CHECK(header->tensors[0].data_end == 24);
    CHECK(header->tensors[1].name == "a.bias");
    CHECK(header->tensors[1].data_begin == 24);
    CHECK(header->tensors[1].data_end == 40);
    CHECK(header->tensors[2].name == "step");
    CHECK(header->tensors[2].shape.empty());
    CHECK(header->tensors[2].data_end == 48);
    CHECK(header->tensors[3].name == "mask");
    CHECK(header->tensors[3].data_begin == 48);
    CHECK(header->tensors[3].data_end == 48);
}

TEST_CASE("safetensors empty header") {
    auto header = read_bytes(safetensors_with_header("{}"));
    REQUIRE_MESSAGE(header.ok(), header.error().message);
    CHECK(header->tensors.empty());
    CHECK(header->parameter_count == 0);
}

TEST_CASE("safetensors sorted by offset") {
    auto header = read_bytes(
        safetensors_with_header(R"({"z":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},)"
                                R"("a":{"dtype":"U8","shape":[2],"data_offsets":[2,4]}})",
                                4));
    REQUIRE_MESSAGE(header.ok(), header.error().message);
    CHECK(header->tensors[0].name == "z");
    CHECK(header->tensors[1].name == "a");
}

TEST_CASE("safetensors gap allowed") {
    auto header = read_bytes(
        safetensors_with_header(R"({"x":{"dtype":"U8","shape":[2],"data_offsets":[4,6]}})", 10));
    REQUIRE_MESSAGE(header.ok(), header.error().message);
}

TEST_CASE("safetensors header length 2^63") {
    ByteWriter bytes;
    bytes.u64(1ull << 63).zeros(92);
    CHECK(error_of(bytes.str()) == "header length 9223372036854775808 exceeds file size 100");
}

TEST_CASE("safetensors header length beyond file") {
    ByteWriter bytes;
    bytes.u64(20).bytes("{}");
    CHECK(error_of(bytes.str()) == "header length 20 exceeds file size 10");
}

TEST_CASE("safetensors header length over limit") {
    ZeroTailSource source(ByteWriter().u64(100'000'001).str(), 200'000'000);
    auto result = read_safetensors(source);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().message == "header length 100000001 exceeds the limit of 100000000 bytes");
}

TEST_CASE("safetensors file too short") {
    CHECK(error_of("abc") == "file of 3 bytes is too short for a safetensors header");
}

TEST_CASE("safetensors invalid json") {
    std::string message = error_of(safetensors_with_header("{\n \"x\": }"));
    CHECK(contains(message, "invalid JSON header at line 2, column"));
    CHECK(error_of(safetensors_with_header("[1, 2]")) == "header is not a JSON object");
}

TEST_CASE("safetensors size mismatch") {
    auto bytes =
        safetensors_with_header(R"({"x":{"dtype":"F32","shape":[3,4],"data_offsets":[0,40]}})", 48);
    CHECK(error_of(bytes) ==
          "tensor 'x': shape [3, 4] of F32 needs 48 bytes but data_offsets give 40");
}

TEST_CASE("safetensors shape overflow") {
    auto bytes = safetensors_with_header(
        R"({"x":{"dtype":"F32","shape":[4294967296,4294967296,2],"data_offsets":[0,0]}})");
    CHECK(error_of(bytes) ==
          "tensor 'x': element count of shape [4294967296, 4294967296, 2] overflows");

    auto byte_overflow = safetensors_with_header(
        R"({"x":{"dtype":"F64","shape":[4611686018427387904],"data_offsets":[0,0]}})");
    CHECK(contains(error_of(byte_overflow), "tensor 'x': byte size of shape"));
}

TEST_CASE("safetensors unknown dtype") {
    auto bytes =
        safetensors_with_header(R"({"x":{"dtype":"Q4_K","shape":[1],"data_offsets":[0,1]}})", 1);
    CHECK(error_of(bytes) == "tensor 'x': unknown dtype 'Q4_K'");
}

TEST_CASE("safetensors overlapping ranges") {
    auto bytes =
        safetensors_with_header(R"({"a":{"dtype":"F32","shape":[12],"data_offsets":[0,48]},)"
                                R"("b":{"dtype":"F32","shape":[12],"data_offsets":[40,88]}})",
                                88);
    CHECK(error_of(bytes) == "tensors 'a' [0, 48] and 'b' [40, 88] overlap");

    auto same = safetensors_with_header(R"({"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},)"
                                        R"("b":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}})",
                                        4);
    CHECK(error_of(same) == "tensors 'a' [0, 4] and 'b' [0, 4] overlap");
}

TEST_CASE("safetensors range beyond file") {
    auto bytes =
        safetensors_with_header(R"({"x":{"dtype":"F32","shape":[3],"data_offsets":[0,12]}})", 8);
    CHECK(error_of(bytes) == "tensor 'x': data_offsets [0, 12] exceed the data section of 8 bytes");
}

TEST_CASE("safetensors reversed range") {
    auto bytes =
        safetensors_with_header(R"({"x":{"dtype":"U8","shape":[0],"data_offsets":[4,0]}})", 8);
    CHECK(error_of(bytes) == "tensor 'x': data_offsets [4, 0] end before they begin");
}

TEST_CASE("safetensors invalid entries") {
    CHECK(error_of(safetensors_with_header(R"({"x": 1})")) ==
          "tensor 'x': entry is not a JSON object");
    CHECK(error_of(safetensors_with_header(R"({"x":{"shape":[],"data_offsets":[0,4]}})")) ==
          "tensor 'x': missing or invalid 'dtype'");
    CHECK(error_of(safetensors_with_header(R"({"x":{"dtype":"F32","data_offsets":[0,4]}})")) ==
          "tensor 'x': missing or invalid 'shape'");
    CHECK(error_of(safetensors_with_header(
              R"({"x":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})")) ==
          "tensor 'x': invalid dimension -1 in 'shape'");
    CHECK(contains(error_of(safetensors_with_header(
                       R"({"x":{"dtype":"F32","shape":[1e30],"data_offsets":[0,4]}})")),
                   "invalid dimension"));
    CHECK(contains(error_of(safetensors_with_header(R"({"x":{"dtype":"F32","shape":[1]}})")),
                   "missing or invalid 'data_offsets'"));
    CHECK(contains(error_of(safetensors_with_header(
                       R"({"x":{"dtype":"F32","shape":[1],"data_offsets":[0]}})")),
                   "missing or invalid 'data_offsets'"));
}

TEST_CASE("safetensors invalid metadata") {
    CHECK(error_of(safetensors_with_header(R"({"__metadata__": {"n": 1}})")) ==
          "__metadata__ value of 'n' is not a string");
    CHECK(error_of(safetensors_with_header(R"({"__metadata__": []})")) ==
          "__metadata__ is not a JSON object");
}

TEST_CASE("safetensors truncated at every byte") {
    std::string full = safetensors_bytes({{"w", "F16", {2, 3}}, {"b", "F32", {3}}}, {{"k", "v"}});
    REQUIRE(read_bytes(full).ok());
    for (size_t length = 0; length < full.size(); ++length) {
        auto result = read_bytes(full.substr(0, length));
        CHECK_MESSAGE(!result.ok(), "prefix of ", length, " bytes parsed");
    }
}
