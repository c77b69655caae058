#include "mlv/formats/tensor.hpp"

#include <array>
#include <utility>

namespace mlv::formats {

std::optional<uint64_t> element_count(const std::vector<uint64_t>& shape) {
    uint64_t count = 1;
    for (uint64_t dimension : shape) {
        uint64_t product = 0;
        if (__builtin_mul_overflow(count, dimension, &product)) {
            return std::nullopt;
        }
        count = product;
    }
    return count;
}

std::optional<uint64_t> safetensors_dtype_size(std::string_view dtype) {
    // The byte-aligned dtypes of the safetensors Dtype enum (safetensors 0.6).
    // NOTE: the sub-byte F4, F6_E2M3 and F6_E3M2 dtypes are not listed, so
    // files using them are reported as having an unknown dtype.
    static constexpr std::array<std::pair<std::string_view, uint64_t>, 17> sizes{{
        {"BOOL", 1},
        {"U8", 1},
        {"I8", 1},
        {"F8_E4M3", 1},
        {"F8_E5M2", 1},
        {"F8_E8M0", 1},
        {"I16", 2},
        {"U16", 2},
        {"F16", 2},
        {"BF16", 2},
        {"I32", 4},
        {"U32", 4},
        {"F32", 4},
        {"C64", 8},
        {"F64", 8},
        {"I64", 8},
        {"U64", 8},
    }};
    for (const auto& [name, size] : sizes) {
        if (name == dtype) {
            return size;
        }
    }
    return std::nullopt;
}

} // namespace mlv::formats
