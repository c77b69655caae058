#include "mlv/formats/onnx.hpp"

#include "mlv/util/protobuf.hpp"

#include <array>

namespace mlv::formats {
namespace {

using protobuf::Field;
using protobuf::WireType;

// Field numbers of onnx.proto.
namespace model_field {
constexpr uint32_t ir_version = 1;
constexpr uint32_t producer_name = 2;
constexpr uint32_t producer_version = 3;
constexpr uint32_t graph = 7;
constexpr uint32_t opset_import = 8;
} // namespace model_field

namespace graph_field {
constexpr uint32_t node = 1;
constexpr uint32_t initializer = 5;
} // namespace graph_field

namespace tensor_field {
constexpr uint32_t dims = 1;
constexpr uint32_t data_type = 2;
constexpr uint32_t name = 8;
} // namespace tensor_field

namespace opset_field {
constexpr uint32_t version = 2;
} // namespace opset_field

// TensorProto.DataType values, named like the safetensors dtypes where one
// exists. Index is the ONNX enum value.
constexpr std::array<std::string_view, 25> onnx_dtype_names{
    "UNDEFINED",   "F32",     "U8",          "I8",  "U16", "I16", "I32",    "I64",  "STRING",
    "BOOL",        "F16",     "F64",         "U32", "U64", "C64", "C128",   "BF16", "F8_E4M3",
    "F8_E4M3FNUZ", "F8_E5M2", "F8_E5M2FNUZ", "U4",  "I4",  "F4",  "F8_E8M0"};

std::string onnx_dtype_name(uint64_t data_type) {
    if (data_type < onnx_dtype_names.size()) {
        return std::string(onnx_dtype_names[data_type]);
    }
    return "ONNX_TYPE_" + std::to_string(data_type);
}

Error wrong_wire_type(std::string_view message, std::string_view field, const Field& found) {
    return make_error(std::string(message) + " field '" + std::string(field) + "' has wire type " +
                      std::to_string(static_cast<int>(found.wire_type)));
}

// Decodes a packed repeated varint payload.
Result<void> read_packed_varints(std::string_view payload, std::vector<uint64_t>& out) {
    size_t position = 0;
    while (position < payload.size()) {
        uint64_t value = 0;
        int shift = 0;
        while (true) {
            if (position >= payload.size()) {
                return make_error("truncated packed varint");
            }
            if (shift >= 64) {
                return make_error("packed varint longer than 10 bytes");
            }
            auto byte = static_cast<uint8_t>(payload[position++]);
            value |= static_cast<uint64_t>(byte & 0x7f) << shift;
            shift += 7;
            if ((byte & 0x80) == 0) {
                break;
            }
        }
        out.push_back(value);
    }
    return {};
}

Result<TensorInfo> read_initializer(std::string_view message, uint64_t index) {
    std::string subject = "initializer " + std::to_string(index);
    std::vector<uint64_t> raw_dims;
    uint64_t data_type = 0;
    TensorInfo tensor;

    protobuf::Reader reader(message);
    while (!reader.at_end()) {
        auto field = reader.next();
        if (!field) {
            return make_error(subject + ": " + field.error().message);
        }
        if (field->field_number == tensor_field::dims) {
            if (field->wire_type == WireType::varint) {
                raw_dims.push_back(field->number);
            } else if (field->wire_type == WireType::length_delimited) {
                if (auto status = read_packed_varints(field->bytes, raw_dims); !status) {
                    return make_error(subject + ": dims: " + status.error().message);
                }
            } else {
                return wrong_wire_type("TensorProto", "dims", *field);
            }
        } else if (field->field_number == tensor_field::data_type) {
            if (field->wire_type != WireType::varint) {
                return wrong_wire_type("TensorProto", "data_type", *field);
            }
            data_type = field->number;
        } else if (field->field_number == tensor_field::name) {
            if (field->wire_type != WireType::length_delimited) {
                return wrong_wire_type("TensorProto", "name", *field);
            }
            tensor.name = std::string(field->bytes);
        }
    }

    if (!tensor.name.empty()) {
        subject = "initializer '" + tensor.name + "'";
    }
    // int64 dims travel as two's complement varints, so a negative one
    // shows up as a value above INT64_MAX.
    for (uint64_t dimension : raw_dims) {
        if (dimension > static_cast<uint64_t>(INT64_MAX)) {
            return make_error(subject + " has negative dimension " +
                              std::to_string(static_cast<int64_t>(dimension)));
        }
    }
    tensor.shape = std::move(raw_dims);
    tensor.dtype = onnx_dtype_name(data_type);
    return tensor;
}

Result<void> read_graph(std::string_view message, OnnxModel& model) {
    protobuf::Reader reader(message);
    while (!reader.at_end()) {
        auto field = reader.next();
        if (!field) {
            return make_error("graph: " + field.error().message);
        }
        if (field->field_number == graph_field::node) {
            if (field->wire_type != WireType::length_delimited) {
                return wrong_wire_type("GraphProto", "node", *field);
            }
            ++model.node_count;
        } else if (field->field_number == graph_field::initializer) {
            if (field->wire_type != WireType::length_delimited) {
                return wrong_wire_type("GraphProto", "initializer", *field);
            }
            auto tensor = read_initializer(field->bytes, model.initializers.size());
            if (!tensor) {
                return tensor.error();
            }
            auto count = element_count(tensor->shape);
            if (!count ||
                __builtin_add_overflow(model.parameter_count, *count, &model.parameter_count)) {
                return make_error("initializer '" + tensor->name + "': element count overflows");
            }
            model.initializers.push_back(std::move(*tensor));
        }
    }
    return {};
}

Result<void> read_opset(std::string_view message, OnnxModel& model) {
    protobuf::Reader reader(message);
    while (!reader.at_end()) {
        auto field = reader.next();
        if (!field) {
            return make_error("opset_import: " + field.error().message);
        }
        if (field->field_number == opset_field::version) {
            if (field->wire_type != WireType::varint) {
                return wrong_wire_type("OperatorSetIdProto", "version", *field);
            }
            model.opset_versions.push_back(static_cast<int64_t>(field->number));
        }
    }
    return {};
}

Result<void> read_model_field(const Field& field, OnnxModel& model, bool& has_graph) {
    switch (field.field_number) {
    case model_field::ir_version:
        if (field.wire_type != WireType::varint) {
            return wrong_wire_type("ModelProto", "ir_version", field);
        }
        model.ir_version = static_cast<int64_t>(field.number);
        return {};
    case model_field::producer_name:
    case model_field::producer_version: {
        bool is_name = field.field_number == model_field::producer_name;
        if (field.wire_type != WireType::length_delimited) {
            return wrong_wire_type("ModelProto", is_name ? "producer_name" : "producer_version",
                                   field);
        }
        (is_name ? model.producer_name : model.producer_version) = std::string(field.bytes);
        return {};
    }
    case model_field::graph:
        if (field.wire_type != WireType::length_delimited) {
            return wrong_wire_type("ModelProto", "graph", field);
        }
        has_graph = true;
        return read_graph(field.bytes, model);
    case model_field::opset_import:
        if (field.wire_type != WireType::length_delimited) {
            return wrong_wire_type("ModelProto", "opset_import", field);
        }
        return read_opset(field.bytes, model);
    default:
        return {};
    }
}

} // namespace

Result<OnnxModel> read_onnx(const ByteSource& source) {
    auto bytes = source.read_all(onnx_max_size);
    if (!bytes) {
        return bytes.error();
    }

    OnnxModel model;
    bool has_graph = false;
    protobuf::Reader reader(*bytes);
    while (!reader.at_end()) {
        auto field = reader.next();
        if (!field) {
            return make_error("invalid ModelProto: " + field.error().message);
        }
        if (auto status = read_model_field(*field, model, has_graph); !status) {
            return status.error();
        }
    }
    if (!has_graph) {
        return make_error("ModelProto has no graph");
    }
    return model;
}

} // namespace mlv::formats
