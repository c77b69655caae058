#include "mlv/formats/gguf.hpp"

#include "support/weights_writer.hpp"

#include <doctest/doctest.h>

#include <chrono>

using mlv::MemorySource;
using mlv::formats::ggml_tensor_size;
using mlv::formats::ggml_type_from_name;
using mlv::formats::ggml_type_name;
using mlv::formats::read_gguf;
using mlv::test::ByteWriter;
using mlv::test::GgufBuilder;

namespace {

mlv::Result<mlv::formats::GgufFile> read_bytes(const std::string& bytes) {
    MemorySource source(bytes);
    return read_gguf(source);
}

std::string error_of(const std::string& bytes) {
    auto result = read_bytes(bytes);
    REQUIRE_FALSE(result.ok());
    return result.error().message;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// A GGUF header with the given counts, before any key/value pair.
ByteWriter header(uint32_t version, uint64_t tensor_count, uint64_t kv_count) {
    ByteWriter out;
    out.bytes("GGUF").u32(version).u64(tensor_count).u64(kv_count);
    return out;
}

GgufBuilder tiny_llama() {
    GgufBuilder gguf;
    gguf.set_string("general.architecture", "llama")
        .set_u32("llama.embedding_length", 8)
        .set_i32("llama.rope.freq_base_int", -3)
        .set_f32("llama.rope.freq_base", 10000.0f)
        .set_bool("tokenizer.ggml.add_bos_token", true)
        .set_string("tokenizer.ggml.model", "llama")
        .set_string_array("tokenizer.ggml.tokens", {"<unk>", "<s>", "</s>", "a", "b"})
        .set_u32("tokenizer.ggml.bos_token_id", 1)
        .set_u32("tokenizer.ggml.eos_token_id", 2)
        .set_u32("tokenizer.ggml.unk_token_id", 9)
        .set_i32("tokenizer.ggml.unknown_token_id", 0)
        .set_u32("tokenizer.ggml.padding_token_id", 2)
        .set_u32("tokenizer.ggml.seperator_token_id", 3)
        .set_u32("tokenizer.ggml.cls_token_id", 4)
        .set_u32("tokenizer.ggml.mask_token_id", 4)
        .set_u32("tokenizer.ggml.pad_token_id", 7)
        .add_tensor("token_embd.weight", "F16", {5, 8})
        .add_tensor("output_norm.weight", "F32", {8})
        .add_tensor("blk.0.ffn_up.weight", "Q8_0", {2, 64});
    return gguf;
}

} // namespace

TEST_CASE("gguf type names") {
    CHECK(ggml_type_name(0) == "F32");
    CHECK(ggml_type_name(1) == "F16");
    CHECK(ggml_type_name(12) == "Q4_K");
    CHECK(ggml_type_name(30) == "BF16");
    CHECK(ggml_type_name(35) == "TQ2_0");
    CHECK_FALSE(ggml_type_name(4).has_value());
    CHECK_FALSE(ggml_type_name(31).has_value());
    CHECK_FALSE(ggml_type_name(1000).has_value());
    for (uint32_t type = 0; type < 64; ++type) {
        if (auto name = ggml_type_name(type)) {
            CHECK(ggml_type_from_name(*name) == type);
        }
    }
}

TEST_CASE("gguf tensor sizes") {
    CHECK(ggml_tensor_size(0, {3, 4}).value() == 48u);
    CHECK(ggml_tensor_size(1, {32000, 8}).value() == 512000u);
    CHECK(ggml_tensor_size(2, {2, 64}).value() == 2u * 2u * 18u);            // Q4_0
    CHECK(ggml_tensor_size(8, {1, 32}).value() == 34u);                      // Q8_0
    CHECK(ggml_tensor_size(10, {1, 256}).value() == 84u);                    // Q2_K
    CHECK(ggml_tensor_size(12, {4096, 4096}).value() == 4096u * 16u * 144u); // Q4_K
    CHECK(ggml_tensor_size(14, {1, 256}).value() == 210u);                   // Q6_K
    CHECK(ggml_tensor_size(15, {1, 256}).value() == 292u);                   // Q8_K
    CHECK(ggml_tensor_size(23, {1, 256}).value() == 136u);                   // IQ4_XS
    CHECK(ggml_tensor_size(29, {1, 256}).value() == 56u);                    // IQ1_M
    CHECK(ggml_tensor_size(34, {1, 256}).value() == 54u);                    // TQ1_0
    CHECK(ggml_tensor_size(30, {}).value() == 2u);                           // BF16 scalar
}

TEST_CASE("gguf tensor size errors") {
    auto partial_block = ggml_tensor_size(2, {2, 33});
    REQUIRE_FALSE(partial_block.ok());
    CHECK(partial_block.error().message ==
          "row length 33 is not a multiple of the block size 32 of Q4_0");

    auto unknown = ggml_tensor_size(99, {1});
    REQUIRE_FALSE(unknown.ok());
    CHECK(unknown.error().message == "unknown ggml type 99");

    CHECK_FALSE(ggml_tensor_size(0, {1ull << 40, 1ull << 40}).ok());
    CHECK_FALSE(ggml_tensor_size(27, {1ull << 62}).ok());
}

TEST_CASE("gguf known answers") {
    auto file = read_bytes(tiny_llama().build());
    REQUIRE_MESSAGE(file.ok(), file.error().message);

    CHECK(file->version == 3);
    CHECK(file->tensor_count == 3);
    CHECK(file->alignment == 32);
    CHECK(file->architecture == "llama");
    CHECK(file->tokenizer_model == "llama");
    CHECK(file->tokens == std::vector<std::string>{"<unk>", "<s>", "</s>", "a", "b"});
    CHECK(file->special_token_ids.at("bos") == 1);
    CHECK(file->special_token_ids.at("eos") == 2);
    CHECK(file->special_token_ids.at("unk") == 0); // unknown_token_id wins over unk_token_id
    CHECK(file->special_token_ids.at("pad") == 2); // padding_token_id wins over pad_token_id
    CHECK(file->special_token_ids.at("sep") == 3);
    CHECK(file->special_token_ids.at("cls") == 4);
    CHECK(file->special_token_ids.at("mask") == 4);
    CHECK(file->special_token_ids.size() == 7);
    CHECK(file->metadata.at("llama.embedding_length") == 8);
    CHECK(file->metadata.at("llama.rope.freq_base_int") == -3);
    CHECK(file->metadata.at("llama.rope.freq_base") == 10000.0);
    CHECK(file->metadata.at("tokenizer.ggml.add_bos_token") == true);
    CHECK(file->metadata.at("tokenizer.ggml.tokens") ==
          mlv::Json{{"type", "string"}, {"length", 5}});

    REQUIRE(file->tensors.size() == 3);
    const auto& embedding = file->tensors[0];
    CHECK(embedding.name == "token_embd.weight");
    CHECK(embedding.dtype == "F16");
    CHECK(embedding.shape == std::vector<uint64_t>{5, 8});
    CHECK(embedding.data_begin == 0);
    CHECK(embedding.data_end == 80);
    CHECK(file->tensors[1].shape == std::vector<uint64_t>{8});
    CHECK(file->tensors[1].data_begin == 96);
    CHECK(file->tensors[1].data_end == 128);
    CHECK(file->tensors[2].dtype == "Q8_0");
    CHECK(file->tensors[2].shape == std::vector<uint64_t>{2, 64});
    CHECK(file->tensors[2].data_begin == 128);
    CHECK(file->tensors[2].data_end == 128 + 2 * 2 * 34);
    CHECK(file->parameter_count == 40 + 8 + 128);
}

TEST_CASE("gguf version 2") {
    GgufBuilder gguf;
    gguf.version(2).set_string("general.architecture", "falcon");
    auto file = read_bytes(gguf.build());
    REQUIRE_MESSAGE(file.ok(), file.error().message);
    CHECK(file->version == 2);
    CHECK(file->tensors.empty());
}

TEST_CASE("gguf vocab only file") {
    GgufBuilder gguf;
    gguf.set_string_array("tokenizer.ggml.tokens", {"x"});
    auto file = read_bytes(gguf.build());
    REQUIRE_MESSAGE(file.ok(), file.error().message);
    CHECK(file->tokens.size() == 1);
    CHECK(file->parameter_count == 0);
}

TEST_CASE("gguf all scalar types") {
    GgufBuilder gguf;
    gguf.set_u8("a.u8", 200)
        .set_raw("a.i8", 1, ByteWriter().u8(0xFF).str())
        .set_raw("a.u16", 2, ByteWriter().u16(65535).str())
        .set_raw("a.i16", 3, ByteWriter().u16(0x8000).str())
        .set_u64("a.u64", UINT64_MAX)
        .set_i64("a.i64", INT64_MIN)
        .set_f64("a.f64", 0.5);
    auto file = read_bytes(gguf.build());
    REQUIRE_MESSAGE(file.ok(), file.error().message);
    CHECK(file->metadata.at("a.u8") == 200);
    CHECK(file->metadata.at("a.i8") == -1);
    CHECK(file->metadata.at("a.u16") == 65535);
    CHECK(file->metadata.at("a.i16") == -32768);
    CHECK(file->metadata.at("a.u64") == UINT64_MAX);
    CHECK(file->metadata.at("a.i64") == INT64_MIN);
    CHECK(file->metadata.at("a.f64") == 0.5);
}

TEST_CASE("gguf long array summarised") {
    GgufBuilder gguf;
    gguf.set_f32_array("tokenizer.ggml.scores", std::vector<float>(100, 0.25f))
        .set_i32_array("short", {1, 2, 3})
        .set_string_array("tokenizer.ggml.merges", std::vector<std::string>(65, "a b"))
        .set_u32("after", 7);
    auto file = read_bytes(gguf.build());
    REQUIRE_MESSAGE(file.ok(), file.error().message);
    CHECK(file->metadata.at("tokenizer.ggml.scores") ==
          mlv::Json{{"type", "f32"}, {"length", 100}});
    CHECK(file->metadata.at("tokenizer.ggml.merges") ==
          mlv::Json{{"type", "string"}, {"length", 65}});
    CHECK(file->metadata.at("short") == mlv::Json::array({1, 2, 3}));
    CHECK(file->metadata.at("after") == 7);
}

TEST_CASE("gguf nested arrays") {
    // An array of two arrays: [[1, 2], ["x"]].
    ByteWriter payload;
    payload.u32(9).u64(2);
    payload.u32(5).u64(2).i32(1).i32(2);
    payload.u32(8).u64(1).gguf_string("x");
    GgufBuilder gguf;
    gguf.set_raw("nested", 9, payload.str()).set_u32("after", 1);
    auto file = read_bytes(gguf.build());
    REQUIRE_MESSAGE(file.ok(), file.error().message);
    CHECK(file->metadata.at("nested") == mlv::Json::parse(R"([[1, 2], ["x"]])"));
    CHECK(file->metadata.at("after") == 1);
}

TEST_CASE("gguf arrays nested too deep") {
    ByteWriter payload;
    for (int i = 0; i < 100; ++i) {
        payload.u32(9).u64(1);
    }
    payload.u32(4).u64(0);
    GgufBuilder gguf;
    gguf.set_raw("deep", 9, payload.str());
    CHECK(contains(error_of(gguf.build()), "array of key 'deep' at offset"));
    CHECK(contains(error_of(gguf.build()), "nests more than 8 levels"));
}

TEST_CASE("gguf custom alignment") {
    GgufBuilder gguf;
    gguf.set_u32("general.alignment", 64).add_tensor("a", "F32", {3}).add_tensor("b", "F32", {3});
    auto file = read_bytes(gguf.build());
    REQUIRE_MESSAGE(file.ok(), file.error().message);
    CHECK(file->alignment == 64);
    CHECK(file->tensors[1].data_begin == 64);
}

TEST_CASE("gguf invalid alignment") {
    for (uint32_t alignment : {0u, 3u, 48u}) {
        ByteWriter bytes = header(3, 0, 1);
        bytes.gguf_string("general.alignment").u32(4).u32(alignment);
        CHECK(contains(error_of(bytes.str()), "invalid general.alignment"));
    }
}

TEST_CASE("gguf version 1 rejected") {
    ByteWriter bytes = header(1, 0, 0);
    CHECK(error_of(bytes.str()) == "unsupported GGUF version 1");
}

TEST_CASE("gguf future version rejected") {
    CHECK(error_of(header(4, 0, 0).str()) == "unsupported GGUF version 4");
    // A big-endian file reads as a byte-swapped version.
    CHECK(error_of(header(0x03000000, 0, 0).str()) == "unsupported GGUF version 50331648");
}

TEST_CASE("gguf pre-release magic rejected") {
    ByteWriter bytes;
    bytes.bytes("FUGG").u32(1).u32(0).u32(0);
    CHECK(error_of(bytes.str()) == "pre-release GGUF (magic 'FUGG') is not supported");
}

TEST_CASE("gguf bad magic") {
    CHECK(error_of("version https://git-lfs.github.com/spec/v1\n") ==
          "bad magic 'vers' (expected 'GGUF')");
    CHECK(error_of(std::string("\x80\x02}q\x00", 5)) == "bad magic 0x80027d71 (expected 'GGUF')");
    CHECK(error_of("GG") == "file of 2 bytes is too short for GGUF");
}

TEST_CASE("gguf tensor count 2^60") {
    auto start = std::chrono::steady_clock::now();
    std::string message = error_of(header(3, 1ull << 60, 0).str());
    CHECK(message == "tensor count 1152921504606846976 at offset 8 exceeds the limit of 1048576");
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(1));
}

TEST_CASE("gguf tensor count beyond the file") {
    // Within the limit but far more than the bytes left can describe.
    std::string message = error_of(header(3, 1000, 0).str());
    CHECK(contains(message, "name of tensor 0 at offset 24"));
}

TEST_CASE("gguf key/value count too large") {
    CHECK(contains(error_of(header(3, 0, 1ull << 62).str()), "exceeds the limit of 1048576"));
    CHECK(error_of(header(3, 0, 1000).str()) ==
          "key/value count 1000 at offset 16 exceeds what the 0 bytes left can hold");
}

TEST_CASE("gguf string length 2^63") {
    ByteWriter key_length = header(3, 0, 1);
    key_length.u64(1ull << 63).bytes("abcdefghijklm");
    CHECK(error_of(key_length.str()) ==
          "key of key/value pair 0 at offset 24: string length 9223372036854775808 exceeds the "
          "limit of 67108864");

    ByteWriter value_length = header(3, 0, 1);
    value_length.gguf_string("general.name").u32(8).u64(1ull << 63);
    CHECK(contains(error_of(value_length.str()),
                   "value of key 'general.name' at offset 48: string length 9223372036854775808"));

    ByteWriter past_end = header(3, 0, 1);
    past_end.gguf_string("general.name").u32(8).u64(1000).bytes("short");
    CHECK(contains(error_of(past_end.str()), "string length 1000 exceeds the 5 bytes left"));
}

TEST_CASE("gguf array length too large") {
    ByteWriter bytes = header(3, 0, 1);
    bytes.gguf_string("tokenizer.ggml.tokens").u32(9).u32(8).u64(1ull << 62).zeros(16);
    CHECK(contains(error_of(bytes.str()), "length 4611686018427387904 exceeds the limit"));

    ByteWriter beyond = header(3, 0, 1);
    beyond.gguf_string("tokenizer.ggml.scores").u32(9).u32(6).u64(1000).zeros(16);
    CHECK(contains(error_of(beyond.str()), "length 1000 exceeds what the 16 bytes left can hold"));
}

TEST_CASE("gguf unknown value type") {
    GgufBuilder gguf;
    gguf.set_u32("first", 1).set_raw("general.object", 13, ByteWriter().u64(0).str());
    // Header 24 bytes, "first" pair 8 + 5 + 4 + 4, then the key of 8 + 14.
    CHECK(error_of(gguf.build()) == "unknown value type 13 for key 'general.object' at offset 67");
}

TEST_CASE("gguf unknown array element type") {
    GgufBuilder gguf;
    gguf.set_raw("list", 9, ByteWriter().u32(42).u64(1).str());
    CHECK(contains(error_of(gguf.build()), "unknown array element type 42 for key 'list'"));
}

TEST_CASE("gguf duplicate key") {
    GgufBuilder gguf;
    gguf.set_u32("a", 1).set_u32("a", 2);
    CHECK(contains(error_of(gguf.build()), "duplicate key 'a' at offset"));
}

TEST_CASE("gguf too many dimensions") {
    ByteWriter bytes = header(3, 1, 0);
    bytes.gguf_string("t").u32(5).u64(1).u64(1).u64(1).u64(1).u64(1).u32(0).u64(0);
    CHECK(error_of(bytes.str()) == "tensor 't' at offset 24 has 5 dimensions (the maximum is 4)");
}

TEST_CASE("gguf unknown ggml type") {
    ByteWriter bytes = header(3, 1, 0);
    bytes.gguf_string("t").u32(1).u64(4).u32(4).u64(0);
    CHECK(error_of(bytes.str()) == "tensor 't' at offset 24 has unknown ggml type 4");
}

TEST_CASE("gguf shape overflow") {
    ByteWriter bytes = header(3, 1, 0);
    bytes.gguf_string("t").u32(2).u64(1ull << 40).u64(1ull << 40).u32(0).u64(0);
    CHECK(contains(error_of(bytes.str()), "tensor 't' at offset 24: element count of shape"));
}

TEST_CASE("gguf duplicate tensor") {
    GgufBuilder gguf;
    gguf.add_tensor("t", "F32", {1}).add_tensor("t", "F32", {1});
    CHECK(contains(error_of(gguf.build()), "duplicate tensor 't'"));
}

TEST_CASE("gguf tensor data outside the file") {
    auto header_only = tiny_llama().build(mlv::test::GgufData::omit);
    CHECK(contains(error_of(header_only), "tensor 'token_embd.weight': data [0, 80)"));
    CHECK(contains(error_of(header_only), "lies outside the file"));

    ByteWriter bytes = header(3, 1, 0);
    bytes.gguf_string("t").u32(1).u64(1).u32(0).u64(UINT64_MAX - 1).pad_to(32).zeros(64);
    CHECK(contains(error_of(bytes.str()), "tensor 't' at offset 24: data offset"));
}

TEST_CASE("gguf misaligned tensor offset") {
    ByteWriter bytes = header(3, 1, 0);
    bytes.gguf_string("t").u32(1).u64(1).u32(0).u64(4).pad_to(32).zeros(64);
    CHECK(error_of(bytes.str()) ==
          "tensor 't': data offset 4 is not a multiple of the alignment 32");
}

TEST_CASE("gguf truncated at every byte") {
    std::string full = tiny_llama().build();
    auto parsed = read_bytes(full);
    REQUIRE(parsed.ok());
    // The padding after the last tensor's data is optional, so every prefix
    // shorter than the end of that data must fail.
    uint64_t data_start = (tiny_llama().build(mlv::test::GgufData::omit).size() + 31) / 32 * 32;
    uint64_t data_end = data_start + parsed->tensors.back().data_end;
    REQUIRE(data_end < full.size());
    for (size_t length = 0; length < data_end; ++length) {
        auto result = read_bytes(full.substr(0, length));
        CHECK_MESSAGE(!result.ok(), "prefix of ", length, " bytes parsed");
        if (!result.ok()) {
            CHECK_FALSE(result.error().message.empty());
        }
    }
}

TEST_CASE("gguf byte flips fail cleanly") {
    // A damaged header must fail or parse, and never crash, hang or allocate without bound.
    std::string full = tiny_llama().build(mlv::test::GgufData::omit);
    for (size_t i = 0; i < full.size(); ++i) {
        std::string damaged = full;
        damaged[i] = static_cast<char>(damaged[i] ^ 0xA5);
        auto result = read_bytes(damaged);
        (void)result;
    }
}

TEST_CASE("gguf metadata strings are valid utf-8") {
    GgufBuilder gguf;
    gguf.set_string("general.name", "a\xff"
                                    "b")
        .set_string_array("tokenizer.ggml.tokens", {"\xff"});
    auto file = read_bytes(gguf.build());
    REQUIRE_MESSAGE(file.ok(), file.error().message);
    CHECK(file->metadata.at("general.name") == "a\xEF\xBF\xBD"
                                               "b");
    CHECK(file->tokens[0] == "\xff");
    CHECK_NOTHROW((void)mlv::Json(file->metadata).dump());
}

TEST_CASE("gguf truncated long arrays") {
    // Long arrays are skipped rather than decoded, and that path must fail
    // cleanly on a cut too.
    GgufBuilder gguf;
    gguf.set_string_array("tokenizer.ggml.merges", std::vector<std::string>(70, "a b"))
        .set_f32_array("tokenizer.ggml.scores", std::vector<float>(70, 0.0f))
        .set_u32("after", 1);
    // Without tensors the file may end right after the key/value pairs.
    std::string full = gguf.build(mlv::test::GgufData::omit);
    REQUIRE(read_bytes(full).ok());
    for (size_t length = 0; length < full.size(); ++length) {
        auto result = read_bytes(full.substr(0, length));
        CHECK_MESSAGE(!result.ok(), "prefix of ", length, " bytes parsed");
    }
}
