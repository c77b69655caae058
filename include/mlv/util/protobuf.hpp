// A bounded reader of the protobuf wire format, enough to walk the fields of
// a message without a schema compiler (SentencePiece and ONNX models).
#pragma once

#include "mlv/util/result.hpp"

#include <cstdint>
#include <string_view>

namespace mlv::protobuf {

enum class WireType : uint8_t { varint = 0, fixed64 = 1, length_delimited = 2, fixed32 = 5 };

// One field of a message. For length-delimited fields `bytes` views the
// payload inside the input; for the others `number` holds the raw value.
struct Field {
    uint32_t field_number = 0;
    WireType wire_type = WireType::varint;
    uint64_t number = 0;
    std::string_view bytes;
};

// Walks the fields of one message. Every length is checked against the bytes
// left before use, so a corrupt input fails instead of reading past the end.
class Reader {
  public:
    explicit Reader(std::string_view message) : data_(message) {}

    bool at_end() const { return position_ >= data_.size(); }
    size_t position() const { return position_; }

    // Reads the next field. Fails on a truncated field, a length past the end
    // or an unsupported wire type (the deprecated groups, 3 and 4).
    Result<Field> next();

  private:
    Result<uint64_t> varint();

    std::string_view data_;
    size_t position_ = 0;
};

} // namespace mlv::protobuf
