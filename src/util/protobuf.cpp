#include "mlv/util/protobuf.hpp"

#include <cstring>
#include <string>

namespace mlv::protobuf {

Result<uint64_t> Reader::varint() {
    uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (position_ >= data_.size()) {
            return make_error("truncated varint at byte " + std::to_string(position_));
        }
        auto byte = static_cast<uint8_t>(data_[position_++]);
        value |= static_cast<uint64_t>(byte & 0x7f) << shift;
        if ((byte & 0x80) == 0) {
            return value;
        }
    }
    return make_error("varint longer than 10 bytes at byte " + std::to_string(position_));
}

Result<Field> Reader::next() {
    size_t start = position_;
    auto key = varint();
    if (!key) {
        return key.error();
    }
    Field field;
    field.field_number = static_cast<uint32_t>(*key >> 3);
    auto wire = static_cast<uint8_t>(*key & 0x7);

    switch (wire) {
    case 0: {
        auto value = varint();
        if (!value) {
            return value.error();
        }
        field.wire_type = WireType::varint;
        field.number = *value;
        return field;
    }
    case 1:
    case 5: {
        size_t width = wire == 1 ? 8 : 4;
        if (data_.size() - position_ < width) {
            return make_error("truncated fixed-width field at byte " + std::to_string(start));
        }
        uint64_t value = 0;
        std::memcpy(&value, data_.data() + position_, width);
        position_ += width;
        field.wire_type = wire == 1 ? WireType::fixed64 : WireType::fixed32;
        field.number = value;
        return field;
    }
    case 2: {
        auto length = varint();
        if (!length) {
            return length.error();
        }
        if (*length > data_.size() - position_) {
            return make_error("field length " + std::to_string(*length) + " at byte " +
                              std::to_string(start) + " exceeds the " +
                              std::to_string(data_.size() - position_) + " bytes left");
        }
        field.wire_type = WireType::length_delimited;
        field.bytes = data_.substr(position_, *length);
        position_ += *length;
        return field;
    }
    default:
        return make_error("unsupported protobuf wire type " + std::to_string(wire) + " at byte " +
                          std::to_string(start));
    }
}

} // namespace mlv::protobuf
