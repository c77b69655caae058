#include "mlv/formats/shard_index.hpp"

#include <doctest/doctest.h>

using mlv::formats::parse_shard_index;
using mlv::formats::parse_shard_number;

TEST_CASE("shard index known answers") {
    auto index = parse_shard_index(R"({
      "metadata": {"total_size": 13476839424},
      "weight_map": {
        "lm_head.weight": "model-00002-of-00002.safetensors",
        "model.embed_tokens.weight": "model-00001-of-00002.safetensors",
        "model.norm.weight": "model-00002-of-00002.safetensors"
      }})");
    REQUIRE_MESSAGE(index.ok(), index.error().message);
    CHECK(index->total_size == 13476839424u);
    CHECK(index->weight_map.size() == 3);
    CHECK(index->weight_map.at("lm_head.weight") == "model-00002-of-00002.safetensors");
    CHECK(index->shards == std::vector<std::string>{"model-00001-of-00002.safetensors",
                                                    "model-00002-of-00002.safetensors"});
}

TEST_CASE("shard index total size variants") {
    auto as_float =
        parse_shard_index(R"({"metadata": {"total_size": 13476839424.0}, "weight_map": {}})");
    REQUIRE(as_float.ok());
    CHECK(as_float->total_size == 13476839424u);

    auto missing = parse_shard_index(R"({"weight_map": {}})");
    REQUIRE(missing.ok());
    CHECK_FALSE(missing->total_size.has_value());
    CHECK(missing->shards.empty());

    auto negative = parse_shard_index(R"({"metadata": {"total_size": -1}, "weight_map": {}})");
    REQUIRE(negative.ok());
    CHECK_FALSE(negative->total_size.has_value());
}

TEST_CASE("shard index errors") {
    auto invalid = parse_shard_index("{\"weight_map\": {,}}");
    REQUIRE_FALSE(invalid.ok());
    CHECK(invalid.error().message.rfind("invalid JSON at line 1, column", 0) == 0);

    auto missing = parse_shard_index(R"({"metadata": {}})");
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().message == "missing or invalid 'weight_map' (expected an object)");

    auto not_object = parse_shard_index(R"({"weight_map": []})");
    REQUIRE_FALSE(not_object.ok());
    CHECK(not_object.error().message == "missing or invalid 'weight_map' (expected an object)");

    auto not_string = parse_shard_index(R"({"weight_map": {"w": 3}})");
    REQUIRE_FALSE(not_string.ok());
    CHECK(not_string.error().message == "weight_map entry 'w' is not a string");

    auto array = parse_shard_index("[]");
    REQUIRE_FALSE(array.ok());
    CHECK(array.error().message == "shard index is not a JSON object");
}

TEST_CASE("shard number known answers") {
    auto safetensors = parse_shard_number("model-00001-of-00002.safetensors");
    REQUIRE(safetensors.has_value());
    CHECK(safetensors->index == 1);
    CHECK(safetensors->count == 2);

    auto bin = parse_shard_number("pytorch_model-00001-of-00003.bin");
    REQUIRE(bin.has_value());
    CHECK(bin->index == 1);
    CHECK(bin->count == 3);

    auto large = parse_shard_number("model-00162-of-00162.safetensors");
    REQUIRE(large.has_value());
    CHECK(large->index == 162);
    CHECK(large->count == 162);

    auto in_folder = parse_shard_number("sub/dir/model-00002-of-00005.safetensors");
    REQUIRE(in_folder.has_value());
    CHECK(in_folder->index == 2);

    auto dashed_stem = parse_shard_number("my-model-v2-00003-of-00004.gguf");
    REQUIRE(dashed_stem.has_value());
    CHECK(dashed_stem->index == 3);
    CHECK(dashed_stem->count == 4);
}

TEST_CASE("shard number rejects other names") {
    CHECK_FALSE(parse_shard_number("model.safetensors").has_value());
    CHECK_FALSE(parse_shard_number("00001-of-00002.safetensors").has_value());
    CHECK_FALSE(parse_shard_number("-00001-of-00002.safetensors").has_value());
    CHECK_FALSE(parse_shard_number("model-00001-of-00002").has_value());
    CHECK_FALSE(parse_shard_number("model-00001-of-00002.").has_value());
    CHECK_FALSE(parse_shard_number("model-0000a-of-00002.bin").has_value());
    CHECK_FALSE(parse_shard_number("model--of-00002.bin").has_value());
    CHECK_FALSE(parse_shard_number("model-00001-of-.bin").has_value());
    CHECK_FALSE(parse_shard_number("model-99999999999-of-99999999999.bin").has_value());
    CHECK_FALSE(parse_shard_number("").has_value());
    CHECK_FALSE(parse_shard_number("-of-").has_value());
}
