#include "mlv/formats/shard_index.hpp"

#include <charconv>
#include <set>

namespace mlv::formats {
namespace {

// Parses a run of ASCII digits that fits in 32 bits.
std::optional<uint32_t> parse_digits(std::string_view digits) {
    if (digits.empty()) {
        return std::nullopt;
    }
    for (char c : digits) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
    }
    uint32_t value = 0;
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (error != std::errc() || end != digits.data() + digits.size()) {
        return std::nullopt;
    }
    return value;
}

} // namespace

Result<ShardIndex> parse_shard_index(std::string_view text) {
    auto json = parse_json(text);
    if (!json) {
        return json.error();
    }
    if (!json->is_object()) {
        return make_error("shard index is not a JSON object");
    }

    ShardIndex index;
    if (auto metadata = json->find("metadata"); metadata != json->end()) {
        // Some writers store total_size as a float ("13476839424.0");
        // json_to_int accepts any integral number.
        if (metadata->is_object() && metadata->contains("total_size")) {
            if (auto total = json_to_int((*metadata)["total_size"]); total && *total >= 0) {
                index.total_size = static_cast<uint64_t>(*total);
            }
        }
    }

    auto weight_map = json->find("weight_map");
    if (weight_map == json->end() || !weight_map->is_object()) {
        return make_error("missing or invalid 'weight_map' (expected an object)");
    }
    std::set<std::string> shards;
    for (const auto& [tensor, shard] : weight_map->items()) {
        if (!shard.is_string()) {
            return make_error("weight_map entry '" + tensor + "' is not a string");
        }
        index.weight_map[tensor] = shard.get<std::string>();
        shards.insert(shard.get<std::string>());
    }
    index.shards.assign(shards.begin(), shards.end());
    return index;
}

std::optional<ShardNumber> parse_shard_number(std::string_view file_name) {
    if (auto slash = file_name.rfind('/'); slash != std::string_view::npos) {
        file_name = file_name.substr(slash + 1);
    }

    // "<stem>-<index>-of-<count>.<extension>"
    size_t of = file_name.rfind("-of-");
    if (of == std::string_view::npos) {
        return std::nullopt;
    }
    size_t index_start = file_name.rfind('-', of == 0 ? 0 : of - 1);
    if (of == 0 || index_start == std::string_view::npos || index_start == 0) {
        return std::nullopt;
    }
    size_t count_start = of + 4;
    size_t dot = file_name.find('.', count_start);
    if (dot == std::string_view::npos || dot + 1 == file_name.size()) {
        return std::nullopt;
    }

    auto index = parse_digits(file_name.substr(index_start + 1, of - index_start - 1));
    auto count = parse_digits(file_name.substr(count_start, dot - count_start));
    if (!index || !count) {
        return std::nullopt;
    }
    return ShardNumber{*index, *count};
}

} // namespace mlv::formats
