#include "mlv/formats/safetensors.hpp"

#include <algorithm>
#include <tuple>

namespace mlv::formats {
namespace {

constexpr std::string_view metadata_key = "__metadata__";

std::string format_shape(const std::vector<uint64_t>& shape) {
    std::string out = "[";
    for (size_t i = 0; i < shape.size(); ++i) {
        out += (i == 0 ? "" : ", ") + std::to_string(shape[i]);
    }
    return out + "]";
}

std::string format_range(const TensorInfo& tensor) {
    return "[" + std::to_string(tensor.data_begin) + ", " + std::to_string(tensor.data_end) + "]";
}

Result<uint64_t> read_header_size(const ByteSource& source) {
    if (source.size() < 8) {
        return make_error("file of " + std::to_string(source.size()) +
                          " bytes is too short for a safetensors header");
    }
    ByteCursor cursor(source);
    auto header_size = cursor.u64();
    if (!header_size) {
        return header_size.error();
    }
    if (*header_size > source.size() - 8) {
        return make_error("header length " + std::to_string(*header_size) + " exceeds file size " +
                          std::to_string(source.size()));
    }
    if (*header_size > safetensors_max_header_size) {
        return make_error("header length " + std::to_string(*header_size) +
                          " exceeds the limit of " + std::to_string(safetensors_max_header_size) +
                          " bytes");
    }
    return *header_size;
}

Result<std::map<std::string, std::string>> parse_metadata(const Json& value) {
    if (!value.is_object()) {
        return make_error("__metadata__ is not a JSON object");
    }
    std::map<std::string, std::string> metadata;
    for (const auto& [key, entry] : value.items()) {
        if (!entry.is_string()) {
            return make_error("__metadata__ value of '" + key + "' is not a string");
        }
        metadata[key] = entry.get<std::string>();
    }
    return metadata;
}

std::optional<uint64_t> as_unsigned(const Json& value) {
    if (!value.is_number_unsigned()) {
        return std::nullopt;
    }
    return value.get<uint64_t>();
}

// Parses one tensor entry and checks that its byte range matches its dtype
// and shape. `data_size` is the length of the data section.
Result<TensorInfo> parse_tensor(const std::string& name, const Json& entry, uint64_t data_size) {
    std::string subject = "tensor '" + name + "'";
    if (!entry.is_object()) {
        return make_error(subject + ": entry is not a JSON object");
    }

    TensorInfo tensor;
    tensor.name = name;
    auto dtype = entry.find("dtype");
    if (dtype == entry.end() || !dtype->is_string()) {
        return make_error(subject + ": missing or invalid 'dtype'");
    }
    tensor.dtype = dtype->get<std::string>();

    auto shape = entry.find("shape");
    if (shape == entry.end() || !shape->is_array()) {
        return make_error(subject + ": missing or invalid 'shape'");
    }
    for (const auto& dimension : *shape) {
        auto value = as_unsigned(dimension);
        if (!value) {
            return make_error(subject + ": invalid dimension " + dimension.dump() + " in 'shape'");
        }
        tensor.shape.push_back(*value);
    }

    auto offsets = entry.find("data_offsets");
    if (offsets == entry.end() || !offsets->is_array() || offsets->size() != 2 ||
        !as_unsigned((*offsets)[0]) || !as_unsigned((*offsets)[1])) {
        return make_error(subject + ": missing or invalid 'data_offsets' (expected [begin, end])");
    }
    tensor.data_begin = *as_unsigned((*offsets)[0]);
    tensor.data_end = *as_unsigned((*offsets)[1]);

    auto dtype_size = safetensors_dtype_size(tensor.dtype);
    if (!dtype_size) {
        return make_error(subject + ": unknown dtype '" + tensor.dtype + "'");
    }
    auto count = element_count(tensor.shape);
    if (!count) {
        return make_error(subject + ": element count of shape " + format_shape(tensor.shape) +
                          " overflows");
    }
    uint64_t needed = 0;
    if (__builtin_mul_overflow(*count, *dtype_size, &needed)) {
        return make_error(subject + ": byte size of shape " + format_shape(tensor.shape) + " of " +
                          tensor.dtype + " overflows");
    }
    if (tensor.data_end < tensor.data_begin) {
        return make_error(subject + ": data_offsets " + format_range(tensor) +
                          " end before they begin");
    }
    if (tensor.data_end - tensor.data_begin != needed) {
        return make_error(subject + ": shape " + format_shape(tensor.shape) + " of " +
                          tensor.dtype + " needs " + std::to_string(needed) +
                          " bytes but data_offsets give " +
                          std::to_string(tensor.data_end - tensor.data_begin));
    }
    if (tensor.data_end > data_size) {
        return make_error(subject + ": data_offsets " + format_range(tensor) +
                          " exceed the data section of " + std::to_string(data_size) + " bytes");
    }
    return tensor;
}

// Sorts the tensors by data offset and fails when two non-empty ranges share
// a byte. Gaps are allowed although the reference writer leaves none.
Result<void> sort_and_check_overlaps(std::vector<TensorInfo>& tensors) {
    std::sort(tensors.begin(), tensors.end(), [](const TensorInfo& a, const TensorInfo& b) {
        return std::tie(a.data_begin, a.data_end, a.name) <
               std::tie(b.data_begin, b.data_end, b.name);
    });

    const TensorInfo* previous = nullptr;
    for (const auto& tensor : tensors) {
        if (tensor.data_begin == tensor.data_end) {
            continue;
        }
        if (previous != nullptr && tensor.data_begin < previous->data_end) {
            return make_error("tensors '" + previous->name + "' " + format_range(*previous) +
                              " and '" + tensor.name + "' " + format_range(tensor) + " overlap");
        }
        previous = &tensor;
    }
    return {};
}

} // namespace

Result<SafetensorsHeader> read_safetensors(const ByteSource& source) {
    auto header_size = read_header_size(source);
    if (!header_size) {
        return header_size.error();
    }
    auto text = source.read_string(8, *header_size);
    if (!text) {
        return text.error();
    }
    auto json = parse_json(*text);
    if (!json) {
        // parse_json's message starts with "invalid JSON at line ...".
        std::string message = json.error().message;
        return make_error("invalid JSON header" +
                          message.substr(std::string("invalid JSON").size()));
    }
    if (!json->is_object()) {
        return make_error("header is not a JSON object");
    }

    SafetensorsHeader header;
    header.header_size = *header_size;
    uint64_t data_size = source.size() - 8 - *header_size;
    for (const auto& [name, entry] : json->items()) {
        if (name == metadata_key) {
            auto metadata = parse_metadata(entry);
            if (!metadata) {
                return metadata.error();
            }
            header.metadata = std::move(*metadata);
            continue;
        }
        auto tensor = parse_tensor(name, entry, data_size);
        if (!tensor) {
            return tensor.error();
        }
        uint64_t count = *element_count(tensor->shape);
        if (__builtin_add_overflow(header.parameter_count, count, &header.parameter_count)) {
            return make_error("parameter count overflows at tensor '" + tensor->name + "'");
        }
        header.tensors.push_back(std::move(*tensor));
    }

    if (auto status = sort_and_check_overlaps(header.tensors); !status) {
        return status.error();
    }
    return header;
}

} // namespace mlv::formats
