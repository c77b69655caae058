// GGUF reader (versions 2 and 3), metadata and tensor infos only.
//
// Layout: magic "GGUF", uint32 version, uint64 tensor count, uint64 key/value
// count, the key/value pairs, the tensor infos, padding to the alignment
// (general.alignment, default 32), then tensor data. Version 1 used 32-bit
// counts and lengths; it and the pre-release "FUGG" files are rejected with
// an "unsupported version" message.
#pragma once

#include "mlv/formats/tensor.hpp"
#include "mlv/util/byte_source.hpp"
#include "mlv/util/json.hpp"
#include "mlv/util/result.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mlv::formats {

// Limits applied before allocating anything a count or length from the file
// asks for; each is far above what real files use.
inline constexpr uint64_t gguf_max_string_length = 64ull << 20;
inline constexpr uint64_t gguf_max_array_length = 1ull << 26;
inline constexpr uint64_t gguf_max_tensor_count = 1ull << 20;
inline constexpr uint64_t gguf_max_kv_count = 1ull << 20;
inline constexpr uint32_t gguf_max_dimensions = 4; // GGML_MAX_DIMS

struct GgufFile {
    uint32_t version = 0;
    uint64_t tensor_count = 0;
    uint64_t alignment = 32;
    // Key/value metadata. Scalars and strings map to JSON values; an array of
    // more than 64 elements is summarised as {"type": "<element type>", "length": N}.
    std::map<std::string, Json> metadata;
    std::vector<TensorInfo> tensors;         // shape outermost first; see tensor.hpp
    std::optional<std::string> architecture; // general.architecture
    // tokenizer.ggml.tokens, in id order; empty when the file has no vocabulary.
    std::vector<std::string> tokens;
    std::optional<std::string> tokenizer_model; // tokenizer.ggml.model: llama, gpt2, bert, ...
    // Special token ids keyed by short name: bos, eos, eot, eom, unk, sep,
    // pad, cls, mask. They come from tokenizer.ggml.<long name>_token_id with
    // llama.cpp's long names (unknown, seperator, padding for unk, sep, pad),
    // or from the short-name key when the long one is absent.
    std::map<std::string, int64_t> special_token_ids;
    uint64_t parameter_count = 0;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(GgufFile, version, tensor_count, alignment,
                                                metadata, tensors, architecture, tokens,
                                                tokenizer_model, special_token_ids, parameter_count)

// Reads the metadata and tensor infos. Fails with the byte offset and what
// is wrong on: a bad magic; version 1 or a pre-release file ("unsupported
// GGUF version 1"); an unknown value type ("unknown value type 13 for key
// 'x' at offset N"); a count or length over the limits above or past the
// end of the file; a tensor with more than 4 dimensions, an unknown ggml
// type, or data outside the file.
Result<GgufFile> read_gguf(const ByteSource& source);

// Returns the name of a ggml tensor type ("F32", "Q4_K"), or nullopt when unknown.
std::optional<std::string> ggml_type_name(uint32_t type);

// Returns the ggml type number of a name ("Q4_K" is 12), or nullopt when unknown.
std::optional<uint32_t> ggml_type_from_name(std::string_view name);

// Returns the size in bytes of a tensor of ggml `type` with `shape` (outermost
// first): ggml stores each row of shape.back() elements as blocks of a fixed
// number of elements (32 for Q4_0, 256 for the K-quants, 1 for F32). Fails on
// an unknown type, a row length that is not a multiple of the block size, or
// a size that overflows 64 bits.
Result<uint64_t> ggml_tensor_size(uint32_t type, const std::vector<uint64_t>& shape);

} // namespace mlv::formats
