// safetensors header reader.
//
// Layout: an unsigned 64-bit little-endian header length N, N bytes of UTF-8
// JSON mapping tensor names to {dtype, shape, data_offsets: [begin, end]}
// (plus an optional "__metadata__" object of string values), then the data
// section. Only the header is read.
#pragma once

#include "mlv/formats/tensor.hpp"
#include "mlv/util/byte_source.hpp"
#include "mlv/util/result.hpp"

#include <map>
#include <string>
#include <vector>

namespace mlv::formats {

// The header length is bounded before anything is allocated; the reference
// implementation rejects headers above 100 MB too.
inline constexpr uint64_t safetensors_max_header_size = 100'000'000;

struct SafetensorsHeader {
    uint64_t header_size = 0;                    // N, the JSON's length in bytes
    std::vector<TensorInfo> tensors;             // in data offset order
    std::map<std::string, std::string> metadata; // "__metadata__"
    uint64_t parameter_count = 0;                // sum of element counts
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SafetensorsHeader, header_size, tensors, metadata,
                                                parameter_count)

// Reads and validates the header of `source`. Fails, naming the tensor and
// values, when: the header length exceeds the limit or the file; the JSON is
// invalid; a dtype is unknown; a shape's element count overflows; a tensor's
// byte range does not equal element count times dtype size; a range lies
// outside the data section or overlaps another.
Result<SafetensorsHeader> read_safetensors(const ByteSource& source);

} // namespace mlv::formats
