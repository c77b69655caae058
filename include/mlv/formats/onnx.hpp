// ONNX models: detected and summarised from the protobuf ModelProto fields,
// without running anything.
#pragma once

#include "mlv/formats/tensor.hpp"
#include "mlv/util/byte_source.hpp"
#include "mlv/util/json.hpp"
#include "mlv/util/result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mlv::formats {

struct OnnxModel {
    std::optional<int64_t> ir_version;
    std::optional<std::string> producer_name;
    std::optional<std::string> producer_version;
    std::vector<int64_t> opset_versions;
    uint64_t node_count = 0;
    std::vector<TensorInfo> initializers; // name, dtype, shape; offsets unused
    uint64_t parameter_count = 0;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(OnnxModel, ir_version, producer_name,
                                                producer_version, opset_versions, node_count,
                                                initializers, parameter_count)

// Maximum ONNX file read into memory; larger models keep their weights in
// external data files, so the graph itself stays small.
inline constexpr uint64_t onnx_max_size = 256ull << 20;

// Parses a ModelProto. Fails when the bytes are not a valid protobuf message
// or lack a graph.
Result<OnnxModel> read_onnx(const ByteSource& source);

} // namespace mlv::formats
