// TODO: placeholder until the reader lands; every function fails.
#include "mlv/formats/shard_index.hpp"

namespace mlv::formats {
Result<ShardIndex> parse_shard_index(std::string_view) {
    return make_error("not implemented");
}
std::optional<ShardNumber> parse_shard_number(std::string_view) {
    return std::nullopt;
}
} // namespace mlv::formats
