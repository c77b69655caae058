#include "support/weights_writer.hpp"

#include "mlv/formats/gguf.hpp"
#include "mlv/formats/tensor.hpp"
#include "mlv/util/json.hpp"

#include <cstring>
#include <stdexcept>

namespace mlv::test {

ByteWriter& ByteWriter::u8(uint8_t value) {
    bytes_.push_back(static_cast<char>(value));
    return *this;
}

ByteWriter& ByteWriter::u16(uint16_t value) {
    for (int shift = 0; shift < 16; shift += 8) {
        u8(static_cast<uint8_t>(value >> shift));
    }
    return *this;
}

ByteWriter& ByteWriter::u32(uint32_t value) {
    for (int shift = 0; shift < 32; shift += 8) {
        u8(static_cast<uint8_t>(value >> shift));
    }
    return *this;
}

ByteWriter& ByteWriter::u64(uint64_t value) {
    for (int shift = 0; shift < 64; shift += 8) {
        u8(static_cast<uint8_t>(value >> shift));
    }
    return *this;
}

ByteWriter& ByteWriter::i32(int32_t value) {
    return u32(static_cast<uint32_t>(value));
}

ByteWriter& ByteWriter::i64(int64_t value) {
    return u64(static_cast<uint64_t>(value));
}

ByteWriter& ByteWriter::f32(float value) {
    uint32_t bits = 0;
    std::memcpy(&bits, &value, sizeof bits);
    return u32(bits);
}

ByteWriter& ByteWriter::f64(double value) {
    uint64_t bits = 0;
    std::memcpy(&bits, &value, sizeof bits);
    return u64(bits);
}

ByteWriter& ByteWriter::bytes(std::string_view value) {
    bytes_.append(value);
    return *this;
}

ByteWriter& ByteWriter::zeros(uint64_t count) {
    bytes_.append(count, '\0');
    return *this;
}

ByteWriter& ByteWriter::gguf_string(std::string_view value) {
    u64(value.size());
    return bytes(value);
}

ByteWriter& ByteWriter::pad_to(uint64_t alignment) {
    while (bytes_.size() % alignment != 0) {
        bytes_.push_back('\0');
    }
    return *this;
}

// safetensors

std::string safetensors_bytes(const std::vector<TensorSpec>& tensors,
                              const std::map<std::string, std::string>& metadata) {
    Json header = Json::object();
    if (!metadata.empty()) {
        header["__metadata__"] = metadata;
    }

    uint64_t offset = 0;
    for (const auto& tensor : tensors) {
        auto dtype_size = formats::safetensors_dtype_size(tensor.dtype);
        auto count = formats::element_count(tensor.shape);
        if (!dtype_size) {
            throw std::invalid_argument("tensor '" + tensor.name + "': unknown dtype '" +
                                        tensor.dtype + "'");
        }
        if (!count) {
            throw std::invalid_argument("tensor '" + tensor.name + "': element count overflows");
        }
        uint64_t size = *dtype_size * *count;
        header[tensor.name] = {{"dtype", tensor.dtype},
                               {"shape", tensor.shape},
                               {"data_offsets", {offset, offset + size}}};
        offset += size;
    }

    // The reference writer pads the header with spaces to a multiple of 8
    // bytes so that the data section is aligned.
    std::string text = header.dump();
    while (text.size() % 8 != 0) {
        text.push_back(' ');
    }
    return safetensors_with_header(text, offset);
}

std::string safetensors_with_header(std::string_view header_json, uint64_t data_size) {
    ByteWriter out;
    out.u64(header_json.size()).bytes(header_json).zeros(data_size);
    return out.str();
}

// GGUF

GgufBuilder& GgufBuilder::version(uint32_t value) {
    version_ = value;
    return *this;
}

GgufBuilder& GgufBuilder::set_raw(const std::string& key, uint32_t value_type,
                                  std::string_view payload) {
    kv_.gguf_string(key).u32(value_type).bytes(payload);
    ++kv_count_;
    return *this;
}

GgufBuilder& GgufBuilder::set_u8(const std::string& key, uint8_t value) {
    return set_raw(key, static_cast<uint32_t>(GgufValueType::u8), ByteWriter().u8(value).str());
}

GgufBuilder& GgufBuilder::set_u32(const std::string& key, uint32_t value) {
    // An invalid alignment is written as given but not used for the layout.
    bool power_of_two = value != 0 && (value & (value - 1)) == 0;
    if (key == "general.alignment" && power_of_two) {
        alignment_ = value;
    }
    return set_raw(key, static_cast<uint32_t>(GgufValueType::u32), ByteWriter().u32(value).str());
}

GgufBuilder& GgufBuilder::set_i32(const std::string& key, int32_t value) {
    return set_raw(key, static_cast<uint32_t>(GgufValueType::i32), ByteWriter().i32(value).str());
}

GgufBuilder& GgufBuilder::set_u64(const std::string& key, uint64_t value) {
    return set_raw(key, static_cast<uint32_t>(GgufValueType::u64), ByteWriter().u64(value).str());
}

GgufBuilder& GgufBuilder::set_i64(const std::string& key, int64_t value) {
    return set_raw(key, static_cast<uint32_t>(GgufValueType::i64), ByteWriter().i64(value).str());
}

GgufBuilder& GgufBuilder::set_f32(const std::string& key, float value) {
    return set_raw(key, static_cast<uint32_t>(GgufValueType::f32), ByteWriter().f32(value).str());
}

GgufBuilder& GgufBuilder::set_f64(const std::string& key, double value) {
    return set_raw(key, static_cast<uint32_t>(GgufValueType::f64), ByteWriter().f64(value).str());
}

GgufBuilder& GgufBuilder::set_bool(const std::string& key, bool value) {
    return set_raw(key, static_cast<uint32_t>(GgufValueType::boolean),
                   ByteWriter().u8(value ? 1 : 0).str());
}

GgufBuilder& GgufBuilder::set_string(const std::string& key, std::string_view value) {
    return set_raw(key, static_cast<uint32_t>(GgufValueType::string),
                   ByteWriter().gguf_string(value).str());
}

GgufBuilder& GgufBuilder::set_string_array(const std::string& key,
                                           const std::vector<std::string>& values) {
    ByteWriter payload;
    payload.u32(static_cast<uint32_t>(GgufValueType::string)).u64(values.size());
    for (const auto& value : values) {
        payload.gguf_string(value);
    }
    return set_raw(key, static_cast<uint32_t>(GgufValueType::array), payload.str());
}

GgufBuilder& GgufBuilder::set_i32_array(const std::string& key,
                                        const std::vector<int32_t>& values) {
    ByteWriter payload;
    payload.u32(static_cast<uint32_t>(GgufValueType::i32)).u64(values.size());
    for (int32_t value : values) {
        payload.i32(value);
    }
    return set_raw(key, static_cast<uint32_t>(GgufValueType::array), payload.str());
}

GgufBuilder& GgufBuilder::set_f32_array(const std::string& key, const std::vector<float>& values) {
    ByteWriter payload;
    payload.u32(static_cast<uint32_t>(GgufValueType::f32)).u64(values.size());
    for (float value : values) {
        payload.f32(value);
    }
    return set_raw(key, static_cast<uint32_t>(GgufValueType::array), payload.str());
}

GgufBuilder& GgufBuilder::add_tensor(const std::string& name, const std::string& type,
                                     const std::vector<uint64_t>& shape) {
    auto type_number = formats::ggml_type_from_name(type);
    if (!type_number) {
        throw std::invalid_argument("unknown ggml type '" + type + "'");
    }
    auto size = formats::ggml_tensor_size(*type_number, shape);
    if (!size) {
        throw std::invalid_argument(size.error().message);
    }
    tensors_.push_back(Tensor{name, *type_number, shape, *size});
    return *this;
}

std::string GgufBuilder::build(GgufData data) const {
    ByteWriter out;
    out.bytes("GGUF").u32(version_).u64(tensors_.size()).u64(kv_count_).bytes(kv_.str());

    uint64_t offset = 0;
    for (const auto& tensor : tensors_) {
        out.gguf_string(tensor.name).u32(static_cast<uint32_t>(tensor.shape.size()));
        for (auto dimension = tensor.shape.rbegin(); dimension != tensor.shape.rend();
             ++dimension) {
            out.u64(*dimension);
        }
        out.u32(tensor.type).u64(offset);
        offset += tensor.size;
        offset = (offset + alignment_ - 1) / alignment_ * alignment_;
    }
    if (data == GgufData::omit) {
        return out.str();
    }

    out.pad_to(alignment_);
    uint64_t data_start = out.size();
    for (const auto& tensor : tensors_) {
        out.zeros(tensor.size);
        while ((out.size() - data_start) % alignment_ != 0) {
            out.u8(0);
        }
    }
    return out.str();
}

// zip

namespace {

uint32_t crc32(std::string_view data) {
    uint32_t crc = 0xFFFFFFFFu;
    for (char c : data) {
        crc ^= static_cast<uint8_t>(c);
        for (int bit = 0; bit < 8; ++bit) {
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
        }
    }
    return ~crc;
}

constexpr uint32_t local_header_signature = 0x04034b50;
constexpr uint32_t central_header_signature = 0x02014b50;
constexpr uint32_t end_signature = 0x06054b50;
constexpr uint32_t zip64_end_signature = 0x06064b50;
constexpr uint32_t zip64_locator_signature = 0x07064b50;
constexpr uint16_t zip64_extra_id = 0x0001;
constexpr uint32_t all_ones_32 = 0xFFFFFFFFu;

} // namespace

std::string zip_bytes(const std::vector<ZipMember>& members, Zip64 zip64,
                      std::string_view comment) {
    bool wide = zip64 == Zip64::yes;
    uint16_t version_needed = wide ? 45 : 20;
    ByteWriter out;
    ByteWriter directory;

    for (const auto& member : members) {
        uint64_t local_offset = out.size();
        uint32_t crc = crc32(member.data);

        ByteWriter local_extra;
        if (wide) {
            local_extra.u16(zip64_extra_id).u16(16).u64(member.data.size()).u64(member.data.size());
        }
        out.u32(local_header_signature).u16(version_needed).u16(0).u16(member.method);
        out.u16(0).u16(0x21);
        out.u32(crc);
        out.u32(wide ? all_ones_32 : static_cast<uint32_t>(member.data.size()));
        out.u32(wide ? all_ones_32 : static_cast<uint32_t>(member.data.size()));
        out.u16(static_cast<uint16_t>(member.name.size()))
            .u16(static_cast<uint16_t>(local_extra.size()));
        out.bytes(member.name).bytes(local_extra.str()).bytes(member.data);

        ByteWriter central_extra;
        if (wide) {
            central_extra.u16(zip64_extra_id).u16(24);
            central_extra.u64(member.data.size()).u64(member.data.size()).u64(local_offset);
        }
        directory.u32(central_header_signature).u16(version_needed).u16(version_needed);
        directory.u16(0).u16(member.method).u16(0).u16(0x21).u32(crc);
        directory.u32(wide ? all_ones_32 : static_cast<uint32_t>(member.data.size()));
        directory.u32(wide ? all_ones_32 : static_cast<uint32_t>(member.data.size()));
        directory.u16(static_cast<uint16_t>(member.name.size()));
        directory.u16(static_cast<uint16_t>(central_extra.size()));
        directory.u16(0).u16(0).u16(0).u32(0);
        directory.u32(wide ? all_ones_32 : static_cast<uint32_t>(local_offset));
        directory.bytes(member.name).bytes(central_extra.str());
    }

    uint64_t directory_offset = out.size();
    out.bytes(directory.str());

    if (wide) {
        uint64_t zip64_end_offset = out.size();
        out.u32(zip64_end_signature).u64(44).u16(45).u16(45).u32(0).u32(0);
        out.u64(members.size()).u64(members.size());
        out.u64(directory.size()).u64(directory_offset);
        out.u32(zip64_locator_signature).u32(0).u64(zip64_end_offset).u32(1);
    }

    out.u32(end_signature).u16(0).u16(0);
    out.u16(wide ? 0xFFFF : static_cast<uint16_t>(members.size()));
    out.u16(wide ? 0xFFFF : static_cast<uint16_t>(members.size()));
    out.u32(wide ? all_ones_32 : static_cast<uint32_t>(directory.size()));
    out.u32(wide ? all_ones_32 : static_cast<uint32_t>(directory_offset));
    out.u16(static_cast<uint16_t>(comment.size())).bytes(comment);
    return out.str();
}

std::string torch_zip_bytes(const std::string& prefix, const std::vector<uint64_t>& storage_sizes,
                            Zip64 zip64) {
    // PROTO 2, EMPTY_DICT, BINPUT 0, STOP: a pickle of {} that is never loaded.
    const std::string empty_dict_pickle("\x80\x02}q\x00.", 6);

    std::vector<ZipMember> members;
    members.push_back({prefix + "/data.pkl", empty_dict_pickle});
    members.push_back({prefix + "/byteorder", "little"});
    for (size_t i = 0; i < storage_sizes.size(); ++i) {
        members.push_back(
            {prefix + "/data/" + std::to_string(i), std::string(storage_sizes[i], '\0')});
    }
    members.push_back({prefix + "/version", "3\n"});
    return zip_bytes(members, zip64);
}

// protobuf and ONNX

void ProtoWriter::raw_varint(uint64_t value) {
    while (value >= 0x80) {
        bytes_.push_back(static_cast<char>((value & 0x7f) | 0x80));
        value >>= 7;
    }
    bytes_.push_back(static_cast<char>(value));
}

ProtoWriter& ProtoWriter::varint(uint32_t field_number, uint64_t value) {
    raw_varint(uint64_t{field_number} << 3);
    raw_varint(value);
    return *this;
}

ProtoWriter& ProtoWriter::bytes(uint32_t field_number, std::string_view value) {
    raw_varint((uint64_t{field_number} << 3) | 2);
    raw_varint(value.size());
    bytes_.append(value);
    return *this;
}

ProtoWriter& ProtoWriter::fixed32(uint32_t field_number, uint32_t value) {
    raw_varint((uint64_t{field_number} << 3) | 5);
    for (int shift = 0; shift < 32; shift += 8) {
        bytes_.push_back(static_cast<char>(value >> shift));
    }
    return *this;
}

ProtoWriter& ProtoWriter::packed_varints(uint32_t field_number,
                                         const std::vector<uint64_t>& values) {
    ProtoWriter payload;
    for (uint64_t value : values) {
        payload.raw_varint(value);
    }
    return bytes(field_number, payload.str());
}

std::string onnx_model_bytes(const std::vector<OnnxInitializer>& initializers, uint64_t node_count,
                             int64_t ir_version, int64_t opset_version) {
    ProtoWriter graph;
    for (uint64_t i = 0; i < node_count; ++i) {
        graph.bytes(1, "");
    }
    for (const auto& initializer : initializers) {
        std::vector<uint64_t> dims(initializer.dims.begin(), initializer.dims.end());
        ProtoWriter tensor;
        tensor.packed_varints(1, dims)
            .varint(2, static_cast<uint64_t>(initializer.data_type))
            .bytes(8, initializer.name);
        graph.bytes(5, tensor.str());
    }

    ProtoWriter opset;
    opset.bytes(1, "").varint(2, static_cast<uint64_t>(opset_version));

    ProtoWriter model;
    model.varint(1, static_cast<uint64_t>(ir_version))
        .bytes(2, "mlv-test")
        .bytes(3, "1.0")
        .bytes(7, graph.str())
        .bytes(8, opset.str());
    return model.str();
}

} // namespace mlv::test
