// Format dispatch: which reader sees which bytes.
#include "mlv/artifacts/artifact.hpp"

#include "mlv/formats/lfs_pointer.hpp"
#include "mlv/util/term.hpp"
#include "mlv/util/trace.hpp"

namespace mlv::artifacts {
namespace {

// Text formats are read whole. Real tokenizer.json files reach about 30 MB
// (large multilingual vocabularies); the limit leaves room while keeping a
// hostile file from exhausting memory.
constexpr uint64_t max_text_size = 256ull << 20;

bool starts_with(std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
}

bool is_zip(std::string_view bytes) {
    return starts_with(bytes, std::string_view("PK\x03\x04", 4));
}

bool is_pickle(std::string_view bytes) {
    return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x80 && bytes[1] >= 2 &&
           bytes[1] <= 5;
}

bool is_hdf5(std::string_view bytes) {
    return starts_with(bytes, "\x89HDF\r\n\x1a\n");
}

template <class T> Description from_result(Format format, Result<T> result) {
    Description description;
    description.format = format;
    if (!result) {
        description.error = result.error().message;
        return description;
    }
    description.metadata = std::move(result).value();
    return description;
}

template <class Parse>
Description parse_text(Format format, const ByteSource& source, Parse parse) {
    auto text = source.read_all(max_text_size);
    if (!text) {
        Description description;
        description.format = format;
        description.error = text.error().message;
        return description;
    }
    return from_result(format, parse(*text));
}

// Plain JSON files with no dedicated reader are still validated, so that a
// broken preprocessor_config.json is reported like any other.
Description validate_json(Format format, const ByteSource& source) {
    return parse_text(format, source, [](std::string_view text) -> Result<std::monostate> {
        auto parsed = parse_json(text);
        if (!parsed) {
            return parsed.error();
        }
        return std::monostate{};
    });
}

Description describe_unchecked(Format format, const ByteSource& source);

} // namespace

static Description describe_guarded(Format format, const ByteSource& source);

Format detect_format(std::string_view path, std::string_view first_bytes) {
    return detect_format_from(format_from_path(path), first_bytes);
}

Format detect_format_from(Format by_name, std::string_view first_bytes) {
    // Content wins where names lie: a GGUF saved as .bin, a zip checkpoint
    // named .ckpt, an HDF5 file without the extension. Only binary and
    // weights formats are sniffed. A file whose role rules out weights
    // readers gets neither (see format_for_role), so the description cached
    // for a content id and format does not depend on the role.
    bool sniffable = by_name == Format::binary || is_weights_format(by_name);
    if (!sniffable) {
        return by_name;
    }
    if (starts_with(first_bytes, "GGUF") || starts_with(first_bytes, "FUGG")) {
        return Format::gguf;
    }
    if (by_name == Format::binary && (is_zip(first_bytes) || is_pickle(first_bytes))) {
        return Format::pytorch;
    }
    if (by_name == Format::binary && is_hdf5(first_bytes)) {
        return Format::keras_h5;
    }
    return by_name;
}

Description describe(Format format, const ByteSource& source) {
    Description description = describe_guarded(format, source);
    // Errors quote names and values read from the file; keep them on one line.
    if (description.error) {
        description.error = term::escape_control(*description.error);
    }
    return description;
}

static Description describe_guarded(Format format, const ByteSource& source) {
    // Readers return their errors. An exception that escapes one (a JSON
    // value of a type the reader did not expect) is a reader bug, but the
    // file is untrusted input, so it still ends as a one-line error.
    try {
        return describe_unchecked(format, source);
    } catch (const std::exception& error) {
        trace::log("artifacts", std::string("reader raised: ") + error.what());
        Description description;
        description.format = format;
        description.error = std::string("cannot parse: ") + error.what();
        return description;
    }
}

namespace {

Description describe_unchecked(Format format, const ByteSource& source) {
    using namespace formats;
    switch (format) {
    case Format::safetensors:
        return from_result(format, read_safetensors(source));
    case Format::gguf:
        return from_result(format, read_gguf(source));
    case Format::pytorch:
        return from_result(format, read_torch_checkpoint(source));
    case Format::onnx:
        return from_result(format, read_onnx(source));
    case Format::sentencepiece:
        return from_result(format, read_sentencepiece(source));
    case Format::shard_index:
        return parse_text(format, source, parse_shard_index);
    case Format::model_config:
        return parse_text(format, source, parse_model_config);
    case Format::generation_config:
        return parse_text(format, source, parse_generation_config);
    case Format::adapter_config:
        return parse_text(format, source, parse_adapter_config);
    case Format::trainer_state:
        return parse_text(format, source, parse_trainer_state);
    case Format::tokenizer_json:
        return parse_text(format, source, parse_tokenizer_json);
    case Format::tokenizer_config:
        return parse_text(format, source, parse_tokenizer_config);
    case Format::special_tokens_map:
        return parse_text(format, source, parse_special_tokens_map);
    case Format::added_tokens:
        return parse_text(format, source, parse_added_tokens);
    case Format::vocab_txt:
        return parse_text(format, source, parse_vocab_txt);
    case Format::vocab_json:
        return parse_text(format, source, parse_vocab_json);
    case Format::merges_txt:
        return parse_text(format, source, parse_merges);
    case Format::chat_template:
        return parse_text(format, source, [](std::string_view text) -> Result<ChatTemplate> {
            return ChatTemplate{"default", std::string(text)};
        });
    case Format::training_args: {
        // training_args.bin is a pickled TrainingArguments inside a torch zip:
        // list it, never load it. The JSON variant is validated.
        auto head = source.read_string(0, std::min<uint64_t>(source.size(), 4));
        if (head && (is_zip(*head) || is_pickle(*head))) {
            return from_result(format, read_torch_checkpoint(source));
        }
        return validate_json(format, source);
    }
    case Format::preprocessor_config:
    case Format::json:
        return validate_json(format, source);
    case Format::keras_h5:
    case Format::flax_msgpack:
    case Format::tflite:
    case Format::markdown:
    case Format::text:
    case Format::binary:
        break;
    }
    Description description;
    description.format = format;
    return description;
}

} // namespace

} // namespace mlv::artifacts
