#include "mlv/artifacts/artifact.hpp"

#include "support/weights_writer.hpp"

#include <doctest/doctest.h>

using namespace mlv;
using namespace mlv::artifacts;
using namespace std::string_literals;

namespace {

Description describe_bytes(Format format, const std::string& bytes) {
    MemorySource source(bytes);
    return describe(format, source);
}

} // namespace

TEST_CASE("detect_format from names") {
    CHECK(detect_format("model.safetensors", "") == Format::safetensors);
    CHECK(detect_format("config.json", "{") == Format::model_config);
    CHECK(detect_format("sub/tokenizer.json", "{") == Format::tokenizer_json);
    CHECK(detect_format("README.md", "#") == Format::markdown);
}

TEST_CASE("detect_format content wins") {
    // GGUF magic wins over a weights extension, also the pre-release "FUGG".
    CHECK(detect_format("model.bin", "GGUF\x03\x00\x00\x00"s) == Format::gguf);
    CHECK(detect_format("model.safetensors", "GGUF") == Format::gguf);
    CHECK(detect_format("example.gguf", "FUGG") == Format::gguf);
    // A zip or a pickle under an unknown name is a PyTorch checkpoint.
    CHECK(detect_format("weights.ckpt.data", "PK\x03\x04"s) == Format::pytorch);
    CHECK(detect_format("unknown.dat", "\x80\x02"s) == Format::pytorch);
    CHECK(detect_format("unknown.dat", "\x89HDF\r\n\x1a\n"s) == Format::keras_h5);
    CHECK(detect_format("unknown.dat", "plain") == Format::binary);
}

TEST_CASE("detect_format training_args stays") {
    CHECK(detect_format("training_args.bin", "PK\x03\x04"s) == Format::training_args);
    CHECK(detect_format("training_args.bin", "\x80\x04"s) == Format::training_args);
    CHECK(detect_format("training_args.bin", "GGUF"s) == Format::training_args);
}

TEST_CASE("detect_format leaves text formats") {
    CHECK(detect_format("data.json", "GGUF") == Format::json);
    CHECK(detect_format("notes.txt", "PK\x03\x04"s) == Format::text);
    CHECK(detect_format("tokenizer.model", "GGUF") == Format::sentencepiece);
    CHECK(detect_format("config.json", "GGUF") == Format::model_config);
}

TEST_CASE("describe safetensors known answers") {
    auto bytes = test::safetensors_bytes({{"w", "F16", {4, 8}}, {"b", "F32", {8}}});
    auto description = describe_bytes(Format::safetensors, bytes);
    REQUIRE_FALSE(description.error.has_value());
    CHECK(description.format == Format::safetensors);
    const auto* header = std::get_if<formats::SafetensorsHeader>(&description.metadata);
    REQUIRE(header != nullptr);
    CHECK(header->tensors.size() == 2);
    CHECK(header->parameter_count == 40);
}

TEST_CASE("describe malformed json names line and column") {
    auto description =
        describe_bytes(Format::model_config, "{\n  \"vocab_size\": 32000\n  \"x\": 1\n}");
    REQUIRE(description.error.has_value());
    CHECK(description.error->rfind("invalid JSON at line 3, column 5: ", 0) == 0);
    CHECK(std::holds_alternative<std::monostate>(description.metadata));
}

TEST_CASE("describe number beyond double range") {
    // Every JSON reader, the streaming tokenizer readers included.
    for (Format format : {Format::model_config, Format::generation_config, Format::trainer_state,
                          Format::tokenizer_json, Format::tokenizer_config, Format::shard_index,
                          Format::added_tokens, Format::vocab_json, Format::special_tokens_map,
                          Format::adapter_config, Format::json}) {
        CAPTURE(to_string(format));
        auto description = describe_bytes(format, "{\"x\": 1e400}");
        REQUIRE(description.error.has_value());
        CHECK(*description.error == "invalid JSON: number overflow parsing '1e400'");
    }
}

TEST_CASE("describe error stays on one line") {
    // A GGUF key with a newline and an escape sequence, written twice: the
    // duplicate-key error quotes it.
    test::ByteWriter bytes;
    bytes.bytes("GGUF").u32(3).u64(0).u64(2);
    bytes.gguf_string("bad\nkey\x1b[2J").u32(4).u32(1);
    bytes.gguf_string("bad\nkey\x1b[2J").u32(4).u32(1);
    auto description = describe_bytes(Format::gguf, bytes.str());
    REQUIRE(description.error.has_value());
    CHECK(description.error->find("duplicate key 'bad\\nkey\\x1b[2J'") != std::string::npos);
    CHECK(description.error->find('\n') == std::string::npos);
    CHECK(description.error->find('\x1b') == std::string::npos);
}

TEST_CASE("describe json without a reader is validated") {
    auto valid = describe_bytes(Format::preprocessor_config, "{\"size\": 224}");
    CHECK_FALSE(valid.error.has_value());
    auto broken = describe_bytes(Format::json, "{\"size\": }");
    REQUIRE(broken.error.has_value());
    CHECK(broken.error->rfind("invalid JSON at line 1, column 10", 0) == 0);
}

TEST_CASE("describe training_args json and zip") {
    auto json = describe_bytes(Format::training_args, "{\"learning_rate\": 0.001}");
    CHECK_FALSE(json.error.has_value());
    auto zip = describe_bytes(Format::training_args, test::torch_zip_bytes("archive", {16}));
    CHECK_FALSE(zip.error.has_value());
    CHECK(std::holds_alternative<formats::TorchCheckpoint>(zip.metadata));
}

TEST_CASE("describe chat template keeps the source") {
    auto description = describe_bytes(Format::chat_template, "{{ bos_token }}");
    const auto* chat = std::get_if<formats::ChatTemplate>(&description.metadata);
    REQUIRE(chat != nullptr);
    CHECK(chat->source == "{{ bos_token }}");
}

TEST_CASE("describe formats without a reader") {
    for (Format format : {Format::markdown, Format::text, Format::binary, Format::keras_h5}) {
        auto description = describe_bytes(format, "anything");
        CHECK(description.format == format);
        CHECK_FALSE(description.error.has_value());
        CHECK(std::holds_alternative<std::monostate>(description.metadata));
    }
}

TEST_CASE("describe empty files") {
    // An empty file of each format gives an error or an empty description,
    // never a crash.
    for (Format format : {Format::safetensors, Format::gguf, Format::pytorch, Format::onnx,
                          Format::sentencepiece, Format::shard_index, Format::model_config,
                          Format::tokenizer_json, Format::vocab_txt, Format::merges_txt}) {
        auto description = describe_bytes(format, "");
        CHECK(description.format == format);
    }
    CHECK(describe_bytes(Format::safetensors, "").error.has_value());
    CHECK(describe_bytes(Format::model_config, "").error.has_value());
}
