#include "mlv/formats/tensor.hpp"

#include <doctest/doctest.h>

using mlv::formats::element_count;
using mlv::formats::safetensors_dtype_size;

TEST_CASE("element_count known answers") {
    CHECK(element_count({}) == 1u);
    CHECK(element_count({0}) == 0u);
    CHECK(element_count({3, 4}) == 12u);
    CHECK(element_count({32000, 4096}) == 131072000u);
    CHECK(element_count({1ull << 32, 1ull << 31}) == 1ull << 63);
}

TEST_CASE("element_count overflow") {
    CHECK_FALSE(element_count({1ull << 32, 1ull << 32}).has_value());
    CHECK_FALSE(element_count({UINT64_MAX, 2}).has_value());
    CHECK_FALSE(element_count({3, 1ull << 62, 5}).has_value());
}

TEST_CASE("element_count zero dimension after large ones") {
    // The product is taken left to right, so a zero before the large
    // dimensions keeps it from overflowing.
    CHECK(element_count({1ull << 40, 0, 1ull << 40}) == 0u);
}

TEST_CASE("safetensors_dtype_size table") {
    CHECK(safetensors_dtype_size("BOOL") == 1u);
    CHECK(safetensors_dtype_size("U8") == 1u);
    CHECK(safetensors_dtype_size("I8") == 1u);
    CHECK(safetensors_dtype_size("F8_E4M3") == 1u);
    CHECK(safetensors_dtype_size("F8_E5M2") == 1u);
    CHECK(safetensors_dtype_size("I16") == 2u);
    CHECK(safetensors_dtype_size("U16") == 2u);
    CHECK(safetensors_dtype_size("F16") == 2u);
    CHECK(safetensors_dtype_size("BF16") == 2u);
    CHECK(safetensors_dtype_size("I32") == 4u);
    CHECK(safetensors_dtype_size("U32") == 4u);
    CHECK(safetensors_dtype_size("F32") == 4u);
    CHECK(safetensors_dtype_size("F64") == 8u);
    CHECK(safetensors_dtype_size("I64") == 8u);
    CHECK(safetensors_dtype_size("U64") == 8u);
}

TEST_CASE("safetensors_dtype_size unknown") {
    CHECK_FALSE(safetensors_dtype_size("").has_value());
    CHECK_FALSE(safetensors_dtype_size("f32").has_value());
    CHECK_FALSE(safetensors_dtype_size("Q4_K").has_value());
    CHECK_FALSE(safetensors_dtype_size("F4").has_value());
}
