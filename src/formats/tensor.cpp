// TODO: placeholder until the reader lands; every function fails.
#include "mlv/formats/tensor.hpp"

namespace mlv::formats {
std::optional<uint64_t> element_count(const std::vector<uint64_t>&) {
    return std::nullopt;
}
std::optional<uint64_t> safetensors_dtype_size(std::string_view) {
    return std::nullopt;
}
} // namespace mlv::formats
