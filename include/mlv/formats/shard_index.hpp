// Shard indexes: `model.safetensors.index.json`, `pytorch_model.bin.index.json`.
//
//   {"metadata": {"total_size": 13476839424},
//    "weight_map": {"model.embed_tokens.weight": "model-00001-of-00002.safetensors", ...}}
#pragma once

#include "mlv/util/json.hpp"
#include "mlv/util/result.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mlv::formats {

struct ShardIndex {
    std::optional<uint64_t> total_size;            // metadata.total_size, in bytes
    std::map<std::string, std::string> weight_map; // tensor name -> shard file name
    std::vector<std::string> shards;               // distinct shard file names, sorted
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ShardIndex, total_size, weight_map, shards)

// Parses an index. Fails on invalid JSON (with line and column), a missing
// or non-object `weight_map`, or a non-string shard name.
Result<ShardIndex> parse_shard_index(std::string_view text);

// Parses "model-00001-of-00002.safetensors" into {1, 2}; nullopt when the
// name does not follow the `-NNNNN-of-NNNNN` convention.
struct ShardNumber {
    uint32_t index = 0;
    uint32_t count = 0;
};
std::optional<ShardNumber> parse_shard_number(std::string_view file_name);

} // namespace mlv::formats
