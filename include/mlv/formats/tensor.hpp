// Tensor descriptions shared by the weight formats.
#pragma once

#include "mlv/util/json.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mlv::formats {

// One tensor as a file's header describes it. `shape` is outermost first, as
// PyTorch and safetensors write it; GGUF readers reverse GGUF's
// innermost-first dimensions into this order so that shapes compare across
// formats (an embedding is [vocab, hidden] everywhere).
struct TensorInfo {
    std::string name;
    std::string dtype; // "F32", "BF16", "I64", "Q4_K", ...
    std::vector<uint64_t> shape;
    uint64_t data_begin = 0; // byte offsets relative to the data section
    uint64_t data_end = 0;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(TensorInfo, name, dtype, shape, data_begin,
                                                data_end)

// Returns the product of the dimensions, or nullopt when it overflows 64 bits.
// A scalar (empty shape) has one element.
std::optional<uint64_t> element_count(const std::vector<uint64_t>& shape);

// Returns the size in bytes of one element of a safetensors dtype ("F32" is 4,
// "BOOL" is 1, "F8_E4M3" is 1), or nullopt for an unknown dtype.
std::optional<uint64_t> safetensors_dtype_size(std::string_view dtype);

} // namespace mlv::formats
