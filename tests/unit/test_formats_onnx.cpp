#include "mlv/formats/onnx.hpp"

#include "support/weights_writer.hpp"

#include <doctest/doctest.h>

using mlv::MemorySource;
using mlv::formats::OnnxModel;
using mlv::formats::read_onnx;
using mlv::test::onnx_model_bytes;
using mlv::test::ProtoWriter;

namespace {

mlv::Result<OnnxModel> read_bytes(const std::string& bytes) {
    MemorySource source(bytes);
    return read_onnx(source);
}

std::string error_of(const std::string& bytes) {
    auto result = read_bytes(bytes);
    REQUIRE_FALSE(result.ok());
    return result.error().message;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

std::string model_with_graph(const std::string& graph) {
    return ProtoWriter().varint(1, 7).bytes(7, graph).str();
}

} // namespace

TEST_CASE("onnx known answers") {
    auto model = read_bytes(onnx_model_bytes(
        {{"embedding.weight", 1, {4, 3}}, {"bias", 10, {3}}, {"ids", 7, {}}}, 2, 8, 17));
    REQUIRE_MESSAGE(model.ok(), model.error().message);
    CHECK(model->ir_version == 8);
    CHECK(model->producer_name == "mlv-test");
    CHECK(model->producer_version == "1.0");
    CHECK(model->opset_versions == std::vector<int64_t>{17});
    CHECK(model->node_count == 2);
    REQUIRE(model->initializers.size() == 3);
    CHECK(model->initializers[0].name == "embedding.weight");
    CHECK(model->initializers[0].dtype == "F32");
    CHECK(model->initializers[0].shape == std::vector<uint64_t>{4, 3});
    CHECK(model->initializers[1].dtype == "F16");
    CHECK(model->initializers[2].dtype == "I64");
    CHECK(model->initializers[2].shape.empty());
    CHECK(model->parameter_count == 12 + 3 + 1);
}

TEST_CASE("onnx data type names") {
    const std::vector<std::pair<int32_t, std::string>> cases{
        {1, "F32"},   {2, "U8"},     {3, "I8"},        {6, "I32"},
        {7, "I64"},   {9, "BOOL"},   {10, "F16"},      {11, "F64"},
        {16, "BF16"}, {8, "STRING"}, {0, "UNDEFINED"}, {99, "ONNX_TYPE_99"}};
    for (const auto& [data_type, name] : cases) {
        auto model = read_bytes(onnx_model_bytes({{"t", data_type, {1}}}));
        REQUIRE(model.ok());
        CHECK(model->initializers[0].dtype == name);
    }
}

TEST_CASE("onnx unpacked dims") {
    ProtoWriter tensor;
    tensor.varint(1, 2).varint(1, 5).varint(2, 1).bytes(8, "w");
    auto model = read_bytes(model_with_graph(ProtoWriter().bytes(5, tensor.str()).str()));
    REQUIRE_MESSAGE(model.ok(), model.error().message);
    CHECK(model->initializers[0].shape == std::vector<uint64_t>{2, 5});
    CHECK(model->parameter_count == 10);
    CHECK(model->opset_versions.empty());
    CHECK_FALSE(model->producer_name.has_value());
}

TEST_CASE("onnx negative dimension") {
    ProtoWriter tensor;
    tensor.varint(1, static_cast<uint64_t>(int64_t{-1})).varint(2, 1).bytes(8, "w");
    CHECK(error_of(model_with_graph(ProtoWriter().bytes(5, tensor.str()).str())) ==
          "initializer 'w' has negative dimension -1");
}

TEST_CASE("onnx element count overflow") {
    ProtoWriter tensor;
    tensor.packed_varints(1, {1ull << 40, 1ull << 40}).varint(2, 1).bytes(8, "w");
    CHECK(error_of(model_with_graph(ProtoWriter().bytes(5, tensor.str()).str())) ==
          "initializer 'w': element count overflows");
}

TEST_CASE("onnx missing graph") {
    CHECK(error_of("") == "ModelProto has no graph");
    CHECK(error_of(ProtoWriter().varint(1, 7).str()) == "ModelProto has no graph");
}

TEST_CASE("onnx not protobuf") {
    CHECK(contains(error_of("version https://git-lfs.github.com/spec/v1\n"), "ModelProto"));
    CHECK(contains(error_of(std::string("\x0a\xff\xff\xff\x0f", 5)), "invalid ModelProto"));
    CHECK(error_of(ProtoWriter().bytes(1, "x").str()) ==
          "ModelProto field 'ir_version' has wire type 2");
    CHECK(error_of(ProtoWriter().varint(7, 3).str()) == "ModelProto field 'graph' has wire type 0");
}

TEST_CASE("onnx truncated at every byte") {
    std::string full = onnx_model_bytes({{"w", 1, {4, 3}}});
    REQUIRE(read_bytes(full).ok());
    // The graph is the last field but one. Only the prefix that ends right
    // after it parses: shorter ones cut the graph, longer ones the opset.
    int parsed_prefixes = 0;
    for (size_t length = 0; length < full.size(); ++length) {
        auto result = read_bytes(full.substr(0, length));
        if (result.ok()) {
            ++parsed_prefixes;
            CHECK(result->initializers.size() == 1);
            CHECK(result->opset_versions.empty());
        }
    }
    CHECK(parsed_prefixes == 1);
}

TEST_CASE("onnx byte flips fail cleanly") {
    std::string full = onnx_model_bytes({{"w", 1, {4, 3}}, {"b", 1, {3}}}, 3);
    for (size_t i = 0; i < full.size(); ++i) {
        std::string damaged = full;
        damaged[i] = static_cast<char>(damaged[i] ^ 0xFF);
        auto result = read_bytes(damaged);
        if (result.ok()) {
            CHECK(result->initializers.size() <= 2);
        }
    }
}
