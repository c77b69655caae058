#include "mlv/formats/gguf.hpp"

#include <array>
#include <cstdio>
#include <set>

namespace mlv::formats {
namespace {

// ggml tensor types: number, name, elements per block and bytes per block,
// as ggml-common.h (llama.cpp, 2025) lays out each block struct. Numbers 4, 5
// and 31 to 33, 36 to 38 belong to layouts that ggml removed and GGUF files
// no longer carry.
struct GgmlType {
    uint32_t number;
    std::string_view name;
    uint64_t block_size;
    uint64_t type_size;
};

constexpr std::array<GgmlType, 32> ggml_types{{
    {0, "F32", 1, 4},         {1, "F16", 1, 2},         {2, "Q4_0", 32, 18},
    {3, "Q4_1", 32, 20},      {6, "Q5_0", 32, 22},      {7, "Q5_1", 32, 24},
    {8, "Q8_0", 32, 34},      {9, "Q8_1", 32, 36},      {10, "Q2_K", 256, 84},
    {11, "Q3_K", 256, 110},   {12, "Q4_K", 256, 144},   {13, "Q5_K", 256, 176},
    {14, "Q6_K", 256, 210},   {15, "Q8_K", 256, 292},   {16, "IQ2_XXS", 256, 66},
    {17, "IQ2_XS", 256, 74},  {18, "IQ3_XXS", 256, 98}, {19, "IQ1_S", 256, 50},
    {20, "IQ4_NL", 32, 18},   {21, "IQ3_S", 256, 110},  {22, "IQ2_S", 256, 82},
    {23, "IQ4_XS", 256, 136}, {24, "I8", 1, 1},         {25, "I16", 1, 2},
    {26, "I32", 1, 4},        {27, "I64", 1, 8},        {28, "F64", 1, 8},
    {29, "IQ1_M", 256, 56},   {30, "BF16", 1, 2},       {34, "TQ1_0", 256, 54},
    {35, "TQ2_0", 256, 66},   {39, "MXFP4", 32, 17},
}};

const GgmlType* find_ggml_type(uint32_t number) {
    for (const auto& type : ggml_types) {
        if (type.number == number) {
            return &type;
        }
    }
    return nullptr;
}

std::string format_shape(const std::vector<uint64_t>& shape) {
    std::string out = "[";
    for (size_t i = 0; i < shape.size(); ++i) {
        out += (i == 0 ? "" : ", ") + std::to_string(shape[i]);
    }
    return out + "]";
}

// GGUF metadata value types (GGUF specification, version 3).
enum class ValueType : uint32_t {
    u8 = 0,
    i8 = 1,
    u16 = 2,
    i16 = 3,
    u32 = 4,
    i32 = 5,
    f32 = 6,
    boolean = 7,
    string = 8,
    array = 9,
    u64 = 10,
    i64 = 11,
    f64 = 12,
};
constexpr uint32_t value_type_count = 13;

constexpr std::array<std::string_view, value_type_count> value_type_names{
    "u8", "i8", "u16", "i16", "u32", "i32", "f32", "bool", "string", "array", "u64", "i64", "f64"};

// Bytes taken by one value of a fixed-size type, or 0 for strings and arrays.
constexpr std::array<uint64_t, value_type_count> value_type_sizes{1, 1, 2, 2, 4, 4, 4,
                                                                  1, 0, 0, 8, 8, 8};

// The smallest encoding of one value: a string is at least its 8-byte
// length, an array at least its element type and count.
uint64_t min_value_size(ValueType type) {
    switch (type) {
    case ValueType::string:
        return 8;
    case ValueType::array:
        return 12;
    default:
        return value_type_sizes[static_cast<uint32_t>(type)];
    }
}

// Keys of the special token ids. llama.cpp (gguf-py constants.py) writes
// "unknown", "seperator" (sic) and "padding"; the short aliases are accepted
// when the long key is absent.
struct SpecialTokenKey {
    std::string_view key;
    std::string_view name;
    bool preferred;
};
constexpr std::array<SpecialTokenKey, 13> special_token_keys{{
    {"tokenizer.ggml.bos_token_id", "bos", true},
    {"tokenizer.ggml.eos_token_id", "eos", true},
    {"tokenizer.ggml.eot_token_id", "eot", true},
    {"tokenizer.ggml.eom_token_id", "eom", true},
    {"tokenizer.ggml.unknown_token_id", "unk", true},
    {"tokenizer.ggml.unk_token_id", "unk", false},
    {"tokenizer.ggml.seperator_token_id", "sep", true},
    {"tokenizer.ggml.separator_token_id", "sep", false},
    {"tokenizer.ggml.sep_token_id", "sep", false},
    {"tokenizer.ggml.padding_token_id", "pad", true},
    {"tokenizer.ggml.pad_token_id", "pad", false},
    {"tokenizer.ggml.cls_token_id", "cls", true},
    {"tokenizer.ggml.mask_token_id", "mask", true},
}};

// Arrays up to this many elements are kept in GgufFile::metadata. Longer
// ones are summarised by their element type and length.
constexpr uint64_t max_inline_array_length = 64;

// Arrays of arrays are legal GGUF but rare, and the cap keeps the recursion
// bounded on hostile input.
constexpr int max_array_depth = 8;

// Returns the length of the UTF-8 sequence that `lead` starts, or 0 when
// `lead` cannot start one.
size_t utf8_sequence_length(uint8_t lead) {
    if (lead < 0x80) {
        return 1;
    }
    if ((lead >> 5) == 0x6) {
        return 2;
    }
    if ((lead >> 4) == 0xE) {
        return 3;
    }
    if ((lead >> 3) == 0x1E) {
        return 4;
    }
    return 0;
}

// Returns `text` with each byte that is not part of valid UTF-8 replaced by
// U+FFFD, so that metadata can be serialised as JSON. Tokens keep their bytes.
std::string valid_utf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    size_t i = 0;
    while (i < text.size()) {
        auto lead = static_cast<uint8_t>(text[i]);
        size_t length = utf8_sequence_length(lead);
        bool valid = length > 0 && i + length <= text.size();
        for (size_t k = 1; valid && k < length; ++k) {
            valid = (static_cast<uint8_t>(text[i + k]) & 0xC0) == 0x80;
        }
        if (valid && length > 1) {
            // Reject overlong encodings, surrogates and code points above U+10FFFF.
            uint32_t code = lead & (0x7F >> length);
            for (size_t k = 1; k < length; ++k) {
                code = (code << 6) | (static_cast<uint8_t>(text[i + k]) & 0x3F);
            }
            constexpr std::array<uint32_t, 5> min_code{0, 0, 0x80, 0x800, 0x10000};
            valid =
                code >= min_code[length] && code <= 0x10FFFF && (code < 0xD800 || code > 0xDFFF);
        }
        if (!valid) {
            out += "\xEF\xBF\xBD";
            ++i;
            continue;
        }
        out.append(text.substr(i, length));
        i += length;
    }
    return out;
}

std::string describe_magic(std::string_view magic) {
    bool printable = true;
    for (char c : magic) {
        printable = printable && c >= 0x20 && c < 0x7f;
    }
    if (printable) {
        return "'" + std::string(magic) + "'";
    }
    std::string hex;
    for (char c : magic) {
        char digits[4];
        std::snprintf(digits, sizeof digits, "%02x", static_cast<uint8_t>(c));
        hex += digits;
    }
    return "0x" + hex;
}

class Parser {
  public:
    explicit Parser(const ByteSource& source) : source_(source), cursor_(source) {}

    Result<GgufFile> parse();

  private:
    Result<void> parse_header();
    Result<void> parse_key_value(uint64_t index);
    Result<void> parse_tensor_info(uint64_t index);
    Result<void> check_tensor_data();

    // String readers. `describe` returns the string's name for an error
    // message and runs only on failure, so that reading a vocabulary does
    // not format a name per token.
    template <class Describe> Result<uint64_t> read_string_length(const Describe& describe);
    template <class Describe> Result<std::string> read_string(const Describe& describe);
    template <class Describe> Result<void> skip_string(const Describe& describe);
    Result<Json> read_value(ValueType type, const std::string& key, int depth);
    Result<Json> read_scalar(ValueType type);
    Result<Json> read_array(const std::string& key, int depth);
    Result<void> read_tokens(uint64_t count, const std::string& key);
    Result<void> record_known_key(const std::string& key, const Json& value);

    Error fail(std::string message) const { return make_error(std::move(message)); }
    Error truncated(std::string_view what, uint64_t offset, const Error& cause) const {
        return make_error("truncated " + std::string(what) + " at offset " +
                          std::to_string(offset) + ": " + cause.message);
    }

    const ByteSource& source_;
    ByteCursor cursor_;
    GgufFile file_;
    uint64_t kv_count_ = 0;
    std::set<std::string> tensor_names_;
};

Result<GgufFile> Parser::parse() {
    if (auto status = parse_header(); !status) {
        return status.error();
    }
    for (uint64_t i = 0; i < kv_count_; ++i) {
        if (auto status = parse_key_value(i); !status) {
            return status.error();
        }
    }
    for (uint64_t i = 0; i < file_.tensor_count; ++i) {
        if (auto status = parse_tensor_info(i); !status) {
            return status.error();
        }
    }
    if (auto status = check_tensor_data(); !status) {
        return status.error();
    }
    return std::move(file_);
}

Result<void> Parser::parse_header() {
    if (source_.size() < 4) {
        return fail("file of " + std::to_string(source_.size()) + " bytes is too short for GGUF");
    }
    auto magic = cursor_.bytes(4);
    if (!magic) {
        return magic.error();
    }
    if (*magic == "FUGG") {
        return fail("pre-release GGUF (magic 'FUGG') is not supported");
    }
    if (*magic != "GGUF") {
        return fail("bad magic " + describe_magic(*magic) + " (expected 'GGUF')");
    }

    auto version = cursor_.u32();
    if (!version) {
        return truncated("header", 4, version.error());
    }
    if (*version != 2 && *version != 3) {
        // Version 1 used 32-bit counts and lengths. A byte-swapped number is
        // a big-endian file, which this reader does not decode.
        return fail("unsupported GGUF version " + std::to_string(*version));
    }
    file_.version = *version;

    auto tensor_count = cursor_.u64();
    if (!tensor_count) {
        return truncated("header", 8, tensor_count.error());
    }
    auto kv_count = cursor_.u64();
    if (!kv_count) {
        return truncated("header", 16, kv_count.error());
    }
    if (*tensor_count > gguf_max_tensor_count) {
        return fail("tensor count " + std::to_string(*tensor_count) +
                    " at offset 8 exceeds the limit of " + std::to_string(gguf_max_tensor_count));
    }
    if (*kv_count > gguf_max_kv_count) {
        return fail("key/value count " + std::to_string(*kv_count) +
                    " at offset 16 exceeds the limit of " + std::to_string(gguf_max_kv_count));
    }
    // Each key/value pair takes at least 13 bytes (key length, type, one
    // byte of value), so a count the file cannot hold fails here.
    if (*kv_count > cursor_.remaining() / 13) {
        return fail("key/value count " + std::to_string(*kv_count) +
                    " at offset 16 exceeds what the " + std::to_string(cursor_.remaining()) +
                    " bytes left can hold");
    }
    file_.tensor_count = *tensor_count;
    kv_count_ = *kv_count;
    return {};
}

template <class Describe> Result<uint64_t> Parser::read_string_length(const Describe& describe) {
    uint64_t start = cursor_.offset();
    auto length = cursor_.u64();
    if (!length) {
        return truncated(describe(), start, length.error());
    }
    if (*length > gguf_max_string_length) {
        return fail(describe() + " at offset " + std::to_string(start) + ": string length " +
                    std::to_string(*length) + " exceeds the limit of " +
                    std::to_string(gguf_max_string_length));
    }
    if (*length > cursor_.remaining()) {
        return fail(describe() + " at offset " + std::to_string(start) + ": string length " +
                    std::to_string(*length) + " exceeds the " +
                    std::to_string(cursor_.remaining()) + " bytes left");
    }
    return *length;
}

template <class Describe> Result<std::string> Parser::read_string(const Describe& describe) {
    auto length = read_string_length(describe);
    if (!length) {
        return length.error();
    }
    return cursor_.bytes(*length);
}

template <class Describe> Result<void> Parser::skip_string(const Describe& describe) {
    auto length = read_string_length(describe);
    if (!length) {
        return length.error();
    }
    return cursor_.skip(*length);
}

Result<void> Parser::parse_key_value(uint64_t index) {
    uint64_t start = cursor_.offset();
    auto key = read_string([&] { return "key of key/value pair " + std::to_string(index); });
    if (!key) {
        return key.error();
    }
    if (file_.metadata.count(valid_utf8(*key)) != 0) {
        return fail("duplicate key '" + valid_utf8(*key) + "' at offset " + std::to_string(start));
    }

    uint64_t type_offset = cursor_.offset();
    auto type = cursor_.u32();
    if (!type) {
        return truncated("value type of key '" + valid_utf8(*key) + "'", type_offset, type.error());
    }
    if (*type >= value_type_count) {
        return fail("unknown value type " + std::to_string(*type) + " for key '" +
                    valid_utf8(*key) + "' at offset " + std::to_string(type_offset));
    }

    auto value = read_value(static_cast<ValueType>(*type), *key, 0);
    if (!value) {
        return value.error();
    }
    if (auto status = record_known_key(*key, *value); !status) {
        return status;
    }
    // The vocabulary goes to GgufFile::tokens, and metadata keeps only its summary.
    file_.metadata[valid_utf8(*key)] = std::move(*value);
    return {};
}

Result<Json> Parser::read_value(ValueType type, const std::string& key, int depth) {
    uint64_t start = cursor_.offset();
    if (type == ValueType::array) {
        return read_array(key, depth);
    }
    if (type == ValueType::string) {
        auto text = read_string([&] { return "value of key '" + valid_utf8(key) + "'"; });
        if (!text) {
            return text.error();
        }
        return Json(valid_utf8(*text));
    }
    auto scalar = read_scalar(type);
    if (!scalar) {
        return truncated("value of key '" + valid_utf8(key) + "'", start, scalar.error());
    }
    return scalar;
}

Result<Json> Parser::read_scalar(ValueType type) {
    auto convert = [](auto result) -> Result<Json> {
        if (!result) {
            return result.error();
        }
        return Json(*result);
    };
    switch (type) {
    case ValueType::u8:
        return convert(cursor_.u8());
    case ValueType::i8:
        return convert(cursor_.i8());
    case ValueType::u16:
        return convert(cursor_.u16());
    case ValueType::i16:
        return convert(cursor_.i16());
    case ValueType::u32:
        return convert(cursor_.u32());
    case ValueType::i32:
        return convert(cursor_.i32());
    case ValueType::f32:
        return convert(cursor_.f32());
    case ValueType::u64:
        return convert(cursor_.u64());
    case ValueType::i64:
        return convert(cursor_.i64());
    case ValueType::f64:
        return convert(cursor_.f64());
    case ValueType::boolean: {
        auto byte = cursor_.u8();
        if (!byte) {
            return byte.error();
        }
        return Json(*byte != 0);
    }
    case ValueType::string:
    case ValueType::array:
        break;
    }
    return make_error("internal error: not a scalar value type");
}

Result<Json> Parser::read_array(const std::string& key, int depth) {
    std::string subject = "array of key '" + valid_utf8(key) + "'";
    uint64_t start = cursor_.offset();
    if (depth >= max_array_depth) {
        return fail(subject + " at offset " + std::to_string(start) + " nests more than " +
                    std::to_string(max_array_depth) + " levels");
    }

    auto element_type = cursor_.u32();
    if (!element_type) {
        return truncated(subject, start, element_type.error());
    }
    if (*element_type >= value_type_count) {
        return fail("unknown array element type " + std::to_string(*element_type) + " for key '" +
                    valid_utf8(key) + "' at offset " + std::to_string(start));
    }
    auto type = static_cast<ValueType>(*element_type);

    auto count = cursor_.u64();
    if (!count) {
        return truncated(subject, start, count.error());
    }
    if (*count > gguf_max_array_length) {
        return fail(subject + " at offset " + std::to_string(start) + ": length " +
                    std::to_string(*count) + " exceeds the limit of " +
                    std::to_string(gguf_max_array_length));
    }
    if (*count > cursor_.remaining() / min_value_size(type)) {
        return fail(subject + " at offset " + std::to_string(start) + ": length " +
                    std::to_string(*count) + " exceeds what the " +
                    std::to_string(cursor_.remaining()) + " bytes left can hold");
    }

    Json summary{{"type", std::string(value_type_names[*element_type])}, {"length", *count}};

    if (depth == 0 && key == "tokenizer.ggml.tokens" && type == ValueType::string) {
        if (auto status = read_tokens(*count, key); !status) {
            return status.error();
        }
        return summary;
    }

    if (*count <= max_inline_array_length) {
        Json elements = Json::array();
        for (uint64_t i = 0; i < *count; ++i) {
            auto element = read_value(type, key, depth + 1);
            if (!element) {
                return element.error();
            }
            elements.push_back(std::move(*element));
        }
        return elements;
    }

    if (uint64_t size = value_type_sizes[*element_type]; size != 0) {
        // The bound above guarantees that count * size fits in the bytes left.
        if (auto status = cursor_.skip(*count * size); !status) {
            return truncated(subject, start, status.error());
        }
        return summary;
    }
    for (uint64_t i = 0; i < *count; ++i) {
        if (type == ValueType::string) {
            auto status =
                skip_string([&] { return "element " + std::to_string(i) + " of " + subject; });
            if (!status) {
                return status.error();
            }
            continue;
        }
        auto element = read_value(type, key, depth + 1);
        if (!element) {
            return element.error();
        }
    }
    return summary;
}

Result<void> Parser::read_tokens(uint64_t count, const std::string& key) {
    file_.tokens.reserve(count);
    for (uint64_t i = 0; i < count; ++i) {
        auto token =
            read_string([&] { return "token " + std::to_string(i) + " of key '" + key + "'"; });
        if (!token) {
            return token.error();
        }
        file_.tokens.push_back(std::move(*token));
    }
    return {};
}

Result<void> Parser::record_known_key(const std::string& key, const Json& value) {
    if (key == "general.architecture" && value.is_string()) {
        file_.architecture = value.get<std::string>();
    } else if (key == "tokenizer.ggml.model" && value.is_string()) {
        file_.tokenizer_model = value.get<std::string>();
    } else if (key == "general.alignment") {
        auto alignment = json_to_int(value);
        if (!alignment || *alignment <= 0 || (*alignment & (*alignment - 1)) != 0) {
            return fail("invalid general.alignment " + value.dump() + " (expected a power of two)");
        }
        file_.alignment = static_cast<uint64_t>(*alignment);
    }

    for (const auto& special : special_token_keys) {
        if (key != special.key) {
            continue;
        }
        auto id = json_to_int(value);
        // The llama.cpp spelling wins over a short alias set in the same file.
        bool taken = file_.special_token_ids.count(std::string(special.name)) != 0;
        if (id && (special.preferred || !taken)) {
            file_.special_token_ids[std::string(special.name)] = *id;
        }
    }
    return {};
}

Result<void> Parser::parse_tensor_info(uint64_t index) {
    uint64_t start = cursor_.offset();
    auto name = read_string([&] { return "name of tensor " + std::to_string(index); });
    if (!name) {
        return name.error();
    }
    std::string subject = "tensor '" + valid_utf8(*name) + "' at offset " + std::to_string(start);
    if (!tensor_names_.insert(*name).second) {
        return fail("duplicate " + subject);
    }

    auto dimension_count = cursor_.u32();
    if (!dimension_count) {
        return truncated("tensor info", start, dimension_count.error());
    }
    if (*dimension_count > gguf_max_dimensions) {
        return fail(subject + " has " + std::to_string(*dimension_count) +
                    " dimensions (the maximum is " + std::to_string(gguf_max_dimensions) + ")");
    }

    // GGUF stores dimensions innermost first; TensorInfo::shape is outermost first.
    std::vector<uint64_t> shape(*dimension_count);
    for (uint32_t i = 0; i < *dimension_count; ++i) {
        auto dimension = cursor_.u64();
        if (!dimension) {
            return truncated("tensor info", start, dimension.error());
        }
        shape[*dimension_count - 1 - i] = *dimension;
    }

    auto type = cursor_.u32();
    if (!type) {
        return truncated("tensor info", start, type.error());
    }
    auto offset = cursor_.u64();
    if (!offset) {
        return truncated("tensor info", start, offset.error());
    }

    const GgmlType* ggml_type = find_ggml_type(*type);
    if (ggml_type == nullptr) {
        return fail(subject + " has unknown ggml type " + std::to_string(*type));
    }
    auto size = ggml_tensor_size(*type, shape);
    if (!size) {
        return fail(subject + ": " + size.error().message);
    }
    auto count = element_count(shape);
    if (!count || *count > UINT64_MAX - file_.parameter_count) {
        return fail(subject + ": parameter count overflows");
    }
    if (*offset > UINT64_MAX - *size) {
        return fail(subject + ": data offset " + std::to_string(*offset) + " overflows");
    }

    file_.parameter_count += *count;
    file_.tensors.push_back(TensorInfo{valid_utf8(*name), std::string(ggml_type->name),
                                       std::move(shape), *offset, *offset + *size});
    return {};
}

Result<void> Parser::check_tensor_data() {
    if (file_.tensors.empty()) {
        return {};
    }
    uint64_t alignment = file_.alignment;
    uint64_t end_of_infos = cursor_.offset();
    uint64_t data_start = (end_of_infos + alignment - 1) / alignment * alignment;
    uint64_t file_size = source_.size();

    for (const auto& tensor : file_.tensors) {
        std::string subject = "tensor '" + tensor.name + "'";
        if (tensor.data_begin % alignment != 0) {
            return fail(subject + ": data offset " + std::to_string(tensor.data_begin) +
                        " is not a multiple of the alignment " + std::to_string(alignment));
        }
        bool inside = data_start <= file_size && tensor.data_end <= file_size - data_start;
        if (!inside) {
            return fail(subject + ": data [" + std::to_string(tensor.data_begin) + ", " +
                        std::to_string(tensor.data_end) + ") after the data section at offset " +
                        std::to_string(data_start) + " lies outside the file of " +
                        std::to_string(file_size) + " bytes");
        }
    }
    return {};
}

} // namespace

std::optional<std::string> ggml_type_name(uint32_t type) {
    const GgmlType* found = find_ggml_type(type);
    if (found == nullptr) {
        return std::nullopt;
    }
    return std::string(found->name);
}

std::optional<uint32_t> ggml_type_from_name(std::string_view name) {
    for (const auto& type : ggml_types) {
        if (type.name == name) {
            return type.number;
        }
    }
    return std::nullopt;
}

Result<uint64_t> ggml_tensor_size(uint32_t type, const std::vector<uint64_t>& shape) {
    const GgmlType* found = find_ggml_type(type);
    if (found == nullptr) {
        return make_error("unknown ggml type " + std::to_string(type));
    }
    auto count = element_count(shape);
    if (!count) {
        return make_error("element count of shape " + format_shape(shape) + " overflows");
    }
    uint64_t row_length = shape.empty() ? 1 : shape.back();
    if (row_length % found->block_size != 0) {
        return make_error("row length " + std::to_string(row_length) +
                          " is not a multiple of the block size " +
                          std::to_string(found->block_size) + " of " + std::string(found->name));
    }
    uint64_t size = 0;
    if (__builtin_mul_overflow(*count / found->block_size, found->type_size, &size)) {
        return make_error("byte size of shape " + format_shape(shape) + " of " +
                          std::string(found->name) + " overflows");
    }
    return size;
}

Result<GgufFile> read_gguf(const ByteSource& source) {
    Parser parser(source);
    return parser.parse();
}

} // namespace mlv::formats
