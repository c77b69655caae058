// Known answers from the real weight files of the corpus; each case returns
// early when the corpus is absent.
#include "mlv/formats/gguf.hpp"
#include "mlv/formats/onnx.hpp"
#include "mlv/formats/safetensors.hpp"
#include "mlv/formats/shard_index.hpp"
#include "mlv/formats/torch_zip.hpp"
#include "mlv/util/file.hpp"

#include "support/corpus.hpp"

#include <doctest/doctest.h>

#include <memory>

using namespace mlv::formats;

namespace {

// Opens a corpus file, or returns nullptr (with a message) when it is absent.
std::unique_ptr<mlv::FileSource> open_corpus(const std::string& relative) {
    auto path = mlv::test::corpus_file(relative);
    if (!path) {
        MESSAGE("corpus file absent, skipped: " << relative);
        return nullptr;
    }
    auto source = mlv::FileSource::open(*path);
    REQUIRE_MESSAGE(source.ok(), source.error().message);
    return std::move(*source);
}

std::optional<std::string> read_corpus_text(const std::string& relative) {
    auto path = mlv::test::corpus_file(relative);
    if (!path) {
        MESSAGE("corpus file absent, skipped: " << relative);
        return std::nullopt;
    }
    auto text = mlv::read_file(*path, 64 << 20);
    REQUIRE_MESSAGE(text.ok(), text.error().message);
    return *text;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

struct VocabAnswer {
    std::string path;
    uint32_t version;
    size_t token_count;
    std::string tokenizer_model;
    std::string architecture;
    std::map<std::string, int64_t> special_ids;
};

} // namespace

TEST_CASE("corpus gguf vocab files") {
    const std::vector<VocabAnswer> answers{
        {"llama.cpp/models/ggml-vocab-llama-spm.gguf",
         3,
         32000,
         "llama",
         "llama",
         {{"bos", 1}, {"eos", 2}, {"unk", 0}}},
        {"llama.cpp/models/ggml-vocab-bert-bge.gguf",
         3,
         30522,
         "bert",
         "bert",
         {{"cls", 101}, {"sep", 102}, {"mask", 103}, {"pad", 0}, {"unk", 100}}},
        {"llama.cpp/models/ggml-vocab-gpt-2.gguf",
         3,
         50257,
         "gpt2",
         "gpt2",
         {{"bos", 50256}, {"eos", 50256}}},
        {"llama.cpp/models/ggml-vocab-phi-3.gguf",
         3,
         32064,
         "llama",
         "phi3",
         {{"bos", 1}, {"eos", 32000}, {"pad", 32000}, {"unk", 0}}},
        {"llama.cpp/models/ggml-vocab-deepseek-coder.gguf",
         3,
         32256,
         "gpt2",
         "llama",
         {{"bos", 32013}, {"eos", 32014}, {"pad", 32014}}},
        {"llama.cpp/history/2023-09-18_bfaab6f4f/models/ggml-vocab-falcon.gguf",
         2,
         65024,
         "gpt2",
         "falcon",
         {{"eos", 11}}},
    };
    for (const auto& answer : answers) {
        CAPTURE(answer.path);
        auto source = open_corpus(answer.path);
        if (!source) {
            continue;
        }
        auto file = read_gguf(*source);
        REQUIRE_MESSAGE(file.ok(), file.error().message);
        CHECK(file->version == answer.version);
        CHECK(file->tokens.size() == answer.token_count);
        CHECK(file->tokenizer_model == answer.tokenizer_model);
        CHECK(file->architecture == answer.architecture);
        CHECK(file->special_token_ids == answer.special_ids);
        CHECK(file->tensors.empty());
        CHECK(file->parameter_count == 0);
    }
}

TEST_CASE("corpus gguf vocab details") {
    if (auto source = open_corpus("llama.cpp/models/ggml-vocab-llama-spm.gguf")) {
        auto file = read_gguf(*source);
        REQUIRE(file.ok());
        CHECK(file->metadata.size() == 22);
        CHECK(file->tokens[0] == "<unk>");
        CHECK(file->tokens[1] == "<s>");
        CHECK(file->tokens[2] == "</s>");
        CHECK(file->metadata.at("tokenizer.ggml.scores") ==
              mlv::Json{{"type", "f32"}, {"length", 32000}});
    }
    if (auto source = open_corpus("llama.cpp/models/ggml-vocab-deepseek-coder.gguf")) {
        auto file = read_gguf(*source);
        REQUIRE(file.ok());
        CHECK(file->metadata.at("tokenizer.ggml.pre") == "deepseek-coder");
    }
    if (auto source = open_corpus("llama.cpp/models/ggml-vocab-gpt-2.gguf")) {
        auto file = read_gguf(*source);
        REQUIRE(file.ok());
        CHECK(file->tokens[50256] == "<|endoftext|>");
    }
}

TEST_CASE("corpus gguf tiny llama tensors") {
    auto source = open_corpus("ollama/api/data/llama-2-tiny-random.gguf");
    if (!source) {
        return;
    }
    auto file = read_gguf(*source);
    REQUIRE_MESSAGE(file.ok(), file.error().message);
    CHECK(file->version == 3);
    CHECK(file->metadata.size() == 18);
    CHECK(file->tokens.size() == 32000);
    CHECK(file->metadata.at("llama.embedding_length") == 8);
    CHECK(file->tensor_count == 12);
    REQUIRE(file->tensors.size() == 12);

    std::map<std::string, TensorInfo> by_name;
    for (const auto& tensor : file->tensors) {
        by_name[tensor.name] = tensor;
    }
    REQUIRE(by_name.count("token_embd.weight") == 1);
    CHECK(by_name["token_embd.weight"].shape == std::vector<uint64_t>{32000, 8});
    CHECK(by_name["token_embd.weight"].dtype == "F16");
    CHECK(by_name["token_embd.weight"].data_end - by_name["token_embd.weight"].data_begin ==
          32000u * 8u * 2u);
    CHECK(by_name["output.weight"].shape == std::vector<uint64_t>{32000, 8});
    CHECK(by_name["output.weight"].dtype == "F16");
    CHECK(by_name["output_norm.weight"].shape == std::vector<uint64_t>{8});
    CHECK(by_name["output_norm.weight"].dtype == "F32");
    CHECK(by_name["blk.0.ffn_up.weight"].shape == std::vector<uint64_t>{32, 8});
    CHECK(by_name["blk.0.ffn_down.weight"].shape == std::vector<uint64_t>{8, 32});
    CHECK(file->parameter_count == 513048);
}

TEST_CASE("corpus gguf rejected files") {
    struct Rejection {
        std::string path;
        std::string message;
    };
    const std::vector<Rejection> rejections{
        {"llama.cpp/history/2023-07-28_62f4926bd/example.gguf",
         "pre-release GGUF (magic 'FUGG') is not supported"},
        {"llama.cpp/history/2023-08-17_e0429d38e/models/ggml-vocab-llama.gguf",
         "pre-release GGUF (magic 'FUGG') is not supported"},
        {"llama.cpp/history/2023-08-21_6381d4e11/models/ggml-vocab-llama.gguf",
         "unsupported GGUF version 1"},
        {"llama.cpp/history/2024-01-26_95a492a8c/models/test_writer.gguf",
         "unknown value type 13 for key 'dict1' at offset 204"},
        {"llama.cpp/history/2023-11-10_ee7650083/models/ggml-vocab-llama.gguf",
         "bad magic 'vers' (expected 'GGUF')"},
        {"llama.cpp/history/2024-05-08_0dc0e9aa4/models/ggml-vocab-llama-spm.gguf",
         "bad magic 'vers' (expected 'GGUF')"},
    };
    for (const auto& rejection : rejections) {
        CAPTURE(rejection.path);
        auto source = open_corpus(rejection.path);
        if (!source) {
            continue;
        }
        auto file = read_gguf(*source);
        REQUIRE_FALSE(file.ok());
        CHECK(file.error().message == rejection.message);
    }
}

TEST_CASE("corpus gguf damaged copy") {
    // Two bytes became EF BF BD in a text-mode commit, so the key/value
    // stream is misaligned from there on.
    auto source = open_corpus("llama-jni-bridge/models/ggml-vocab-bert-bge.gguf");
    if (!source) {
        return;
    }
    auto file = read_gguf(*source);
    REQUIRE_FALSE(file.ok());
    CHECK(contains(file.error().message, "at offset"));
    CHECK(file.error().message.find('\n') == std::string::npos);
}

TEST_CASE("corpus safetensors samples") {
    const std::map<std::string, std::string> dtypes{{"B", "U8"},  {"H", "U16"}, {"I", "U32"},
                                                    {"b", "I8"},  {"d", "F64"}, {"e", "F16"},
                                                    {"f", "F32"}, {"h", "I16"}, {"i", "I32"}};
    for (const auto& [name, dtype] : dtypes) {
        CAPTURE(name);
        auto source = open_corpus("safetensors/samples/" + name + ".safetensors");
        if (!source) {
            continue;
        }
        auto header = read_safetensors(*source);
        REQUIRE_MESSAGE(header.ok(), header.error().message);
        REQUIRE(header->tensors.size() == 1);
        CHECK(header->tensors[0].name == name);
        CHECK(header->tensors[0].dtype == dtype);
        CHECK(header->tensors[0].shape == std::vector<uint64_t>{6});
        CHECK(header->metadata == std::map<std::string, std::string>{{"test", "a"}});
        CHECK(header->parameter_count == 6);
    }

    if (auto source = open_corpus("safetensors/samples/overall.safetensors")) {
        auto header = read_safetensors(*source);
        REQUIRE_MESSAGE(header.ok(), header.error().message);
        CHECK(header->tensors.size() == 9);
        CHECK(header->parameter_count == 54);
        for (const auto& tensor : header->tensors) {
            CHECK(tensor.dtype == dtypes.at(tensor.name));
        }
    }
}

TEST_CASE("corpus safetensors lora adapter") {
    auto source = open_corpus("lora-imdb-distilbert/adapter_model.safetensors");
    if (!source) {
        return;
    }
    auto header = read_safetensors(*source);
    REQUIRE_MESSAGE(header.ok(), header.error().message);
    CHECK(header->tensors.size() == 28);
    CHECK(header->metadata == std::map<std::string, std::string>{{"format", "pt"}});
    for (const auto& tensor : header->tensors) {
        CHECK(tensor.dtype == "F32");
    }
    CHECK(header->tensors[0].name == "base_model.model.classifier.bias");
    CHECK(header->tensors[0].shape == std::vector<uint64_t>{2});
    CHECK(header->tensors[1].shape == std::vector<uint64_t>{2, 768});
}

TEST_CASE("corpus safetensors candle") {
    if (auto source = open_corpus("candle/candle-examples/examples/csm/voices.safetensors")) {
        auto header = read_safetensors(*source);
        REQUIRE_MESSAGE(header.ok(), header.error().message);
        REQUIRE(header->tensors.size() == 2);
        CHECK(header->tensors[0].name == "tokens");
        CHECK(header->tensors[0].dtype == "I64");
        CHECK(header->tensors[0].shape == std::vector<uint64_t>{1, 982, 33});
        CHECK(header->tensors[1].name == "mask");
        CHECK(header->tensors[1].dtype == "U8");
        CHECK(header->tensors[1].shape == std::vector<uint64_t>{1, 982, 33});
    }
    if (auto source =
            open_corpus("candle/candle-examples/examples/encodec/jfk-codes.safetensors")) {
        auto header = read_safetensors(*source);
        REQUIRE_MESSAGE(header.ok(), header.error().message);
        REQUIRE(header->tensors.size() == 1);
        CHECK(header->tensors[0].dtype == "I64");
        CHECK(header->tensors[0].shape == std::vector<uint64_t>{1, 2, 828});
    }
    if (auto source = open_corpus("candle/history/2023-07-05_c701ee33a/candle-examples/examples/"
                                  "whisper/mel_filters.safetensors")) {
        auto header = read_safetensors(*source);
        REQUIRE_MESSAGE(header.ok(), header.error().message);
        REQUIRE(header->tensors.size() == 1);
        CHECK(header->tensors[0].name == "mel_80");
        CHECK(header->tensors[0].dtype == "F32");
        CHECK(header->tensors[0].shape == std::vector<uint64_t>{80, 201});
    }
}

TEST_CASE("corpus safetensors lfs pointers rejected") {
    for (std::string path : {"Llama-2-7b-hf/model-00001-of-00002.safetensors",
                             "Reflection-Llama-3.1-70B/model-00162-of-00162.safetensors"}) {
        CAPTURE(path);
        auto source = open_corpus(path);
        if (!source) {
            continue;
        }
        auto header = read_safetensors(*source);
        REQUIRE_FALSE(header.ok());
        CHECK(contains(header.error().message, "exceeds file size 135"));
    }
}

TEST_CASE("corpus torch checkpoints") {
    struct TorchAnswer {
        std::string path;
        std::string prefix;
        uint64_t storage_count;
        uint64_t storage_bytes;
        std::optional<std::string> format_version;
    };
    const std::vector<TorchAnswer> answers{
        {"candle/candle-core/tests/test.pt", "test", 1, 64, std::nullopt},
        {"candle/candle-core/tests/test_with_key.pt", "test_with_key", 1, 64, std::nullopt},
        {"candle/candle-core/tests/fortran_tensor_3d.pth", "fortran_tensor_3d", 1, 192,
         std::nullopt},
        {"candle/history/2026-06-27_70efa8118/candle-core/tests/boolean.pt", "boolean", 1, 4, "1"},
        {"lora-imdb-distilbert/training_args.bin", "training_args", 0, 0, "1"},
        {"lora-imdb-distilbert/scheduler.pt", "scheduler", 0, 0, "1"},
        {"lora-imdb-distilbert/rng_state.pth", "rng_state", 1, 5056, "1"},
        {"tinyLlama-finetune/training_args.bin", "training_args", 0, 0, std::nullopt},
        {"tinyLlama-finetune/scheduler.pt", "scheduler", 0, 0, std::nullopt},
        {"tinyLlama-finetune/scaler.pt", "scaler", 0, 0, std::nullopt},
        {"tinyLlama-finetune/rng_state.pth", "rng_state", 2, 5072, std::nullopt},
    };
    for (const auto& answer : answers) {
        CAPTURE(answer.path);
        auto source = open_corpus(answer.path);
        if (!source) {
            continue;
        }
        auto checkpoint = read_torch_checkpoint(*source);
        REQUIRE_MESSAGE(checkpoint.ok(), checkpoint.error().message);
        CHECK(checkpoint->layout == TorchCheckpoint::Layout::zip);
        CHECK(checkpoint->record_prefix == answer.prefix);
        CHECK(checkpoint->storage_count == answer.storage_count);
        CHECK(checkpoint->storage_bytes == answer.storage_bytes);
        CHECK(checkpoint->byteorder == "little");
        CHECK(checkpoint->version == "3");
        CHECK(checkpoint->format_version == answer.format_version);
        REQUIRE_FALSE(checkpoint->entries.empty());
        CHECK(checkpoint->entries[0].name == answer.prefix + "/data.pkl");
    }
}

TEST_CASE("corpus torch lfs pointers rejected") {
    for (std::string path :
         {"Llama-2-7b-hf/pytorch_model-00001-of-00002.bin", "kpfbert/pytorch_model.bin"}) {
        CAPTURE(path);
        auto source = open_corpus(path);
        if (!source) {
            continue;
        }
        auto checkpoint = read_torch_checkpoint(*source);
        REQUIRE_FALSE(checkpoint.ok());
        CHECK(checkpoint.error().message ==
              "not a PyTorch checkpoint: neither a zip archive nor a pickle");
    }
}

TEST_CASE("corpus shard indexes") {
    struct IndexAnswer {
        std::string path;
        size_t shard_count;
        uint64_t total_size;
        std::string lm_head_shard;
    };
    const std::vector<IndexAnswer> answers{
        {"Llama-2-7b-hf/model.safetensors.index.json", 2, 13476839424,
         "model-00002-of-00002.safetensors"},
        {"Llama-2-7b-hf/pytorch_model.bin.index.json", 2, 13476839424,
         "pytorch_model-00002-of-00002.bin"},
        {"Reflection-Llama-3.1-70B/model.safetensors.index.json", 162, 282215219200,
         "model-00162-of-00162.safetensors"},
        {"Reflection-Llama-3.1-70B/history/276a4a0_initial/model.safetensors.index.json", 162,
         282214825984, "model-00161-of-00162.safetensors"},
        {"dolphin-2.5-mixtral-8x7b/pytorch_model.bin.index.json", 19, 93405618176,
         "pytorch_model-00019-of-00019.bin"},
    };
    for (const auto& answer : answers) {
        CAPTURE(answer.path);
        auto text = read_corpus_text(answer.path);
        if (!text) {
            continue;
        }
        auto index = parse_shard_index(*text);
        REQUIRE_MESSAGE(index.ok(), index.error().message);
        CHECK(index->shards.size() == answer.shard_count);
        CHECK(index->total_size == answer.total_size);
        CHECK(index->weight_map.at("lm_head.weight") == answer.lm_head_shard);
        for (const auto& shard : index->shards) {
            auto number = parse_shard_number(shard);
            REQUIRE_MESSAGE(number.has_value(), shard);
            CHECK(number->count == answer.shard_count);
            CHECK(number->index >= 1);
            CHECK(number->index <= number->count);
        }
    }
}

TEST_CASE("corpus onnx models") {
    if (auto source =
            open_corpus("debian/libonnx-testdata/pytorch-converted/test_Embedding/model.onnx")) {
        auto model = read_onnx(*source);
        REQUIRE_MESSAGE(model.ok(), model.error().message);
        CHECK(model->ir_version == 3);
        CHECK(model->producer_name == "pytorch");
        CHECK(model->producer_version == "0.3");
        CHECK(model->opset_versions == std::vector<int64_t>{6});
        CHECK(model->node_count == 1);
        REQUIRE(model->initializers.size() == 1);
        CHECK(model->initializers[0].dtype == "F32");
        CHECK(model->initializers[0].shape == std::vector<uint64_t>{4, 3});
        CHECK(model->parameter_count == 12);
    }
    if (auto source =
            open_corpus("debian/libonnx-testdata/pytorch-converted/test_Linear/model.onnx")) {
        auto model = read_onnx(*source);
        REQUIRE_MESSAGE(model.ok(), model.error().message);
        REQUIRE(model->initializers.size() == 2);
        CHECK(model->initializers[0].shape == std::vector<uint64_t>{8, 10});
        CHECK(model->initializers[1].shape == std::vector<uint64_t>{8});
        CHECK(model->parameter_count == 88);
    }
    if (auto source =
            open_corpus("debian/libonnx-testdata/pytorch-converted/test_Conv2d/model.onnx")) {
        auto model = read_onnx(*source);
        REQUIRE_MESSAGE(model.ok(), model.error().message);
        REQUIRE(model->initializers.size() == 2);
        CHECK(model->initializers[0].shape == std::vector<uint64_t>{4, 3, 3, 2});
    }
    if (auto source = open_corpus(
            "debian/libonnx-testdata/pytorch-operator/test_operator_params/model.onnx")) {
        auto model = read_onnx(*source);
        REQUIRE_MESSAGE(model.ok(), model.error().message);
        CHECK(model->node_count == 5);
        CHECK(model->initializers.size() == 1);
    }
    if (auto source = open_corpus("candle/history/609123d86_test-onnx/test.onnx")) {
        auto model = read_onnx(*source);
        REQUIRE_MESSAGE(model.ok(), model.error().message);
        CHECK(model->ir_version == 3);
        CHECK(model->producer_name == "backend-test");
        CHECK(model->opset_versions == std::vector<int64_t>{6});
        CHECK(model->node_count == 1);
        CHECK(model->initializers.empty());
    }
}
