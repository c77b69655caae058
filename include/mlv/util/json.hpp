// JSON parsing with Git-style error messages and typed look-ups that never
// throw.
//
// nlohmann::json parses integers beyond 64 bits (the 1e30 `model_max_length`
// of real tokenizer configs) as floating point, so such files parse.
#pragma once

#include "mlv/util/result.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlv {

using Json = nlohmann::json;

enum class JsonComments { reject, allow };

// Parses `text`. On failure the message gives the line and column and a
// plain reason: "invalid JSON at line 3, column 5: unexpected 'P'",
// "... unexpected end of input, expected ',' or '}'", "... trailing comma".
Result<Json> parse_json(std::string_view text, JsonComments comments = JsonComments::reject);

// Returns the 1-based line and column of byte `offset` in `text`.
std::pair<size_t, size_t> line_and_column(std::string_view text, size_t offset);

// Typed look-ups on an object member; nullopt when the member is missing,
// null, or of another type.
std::optional<int64_t> json_int(const Json& object, std::string_view key);
std::optional<double> json_number(const Json& object, std::string_view key);
std::optional<bool> json_bool(const Json& object, std::string_view key);
std::optional<std::string> json_string(const Json& object, std::string_view key);

// Converts a JSON number to int64 when it is integral and in range.
std::optional<int64_t> json_to_int(const Json& value);

// Reads a token id member that may be an integer or a list of integers (as
// `eos_token_id` is in many configs). Returns an empty vector when missing or
// null, and nullopt when present with another type.
std::optional<std::vector<int64_t>> json_int_list(const Json& object, std::string_view key);

} // namespace mlv

// std::optional<T> as JSON: null when empty. nlohmann::json 3.11.2 (Debian 12)
// has no built-in support, and the metadata structs use optional members with
// NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT.
namespace nlohmann {
template <class T> struct adl_serializer<std::optional<T>> {
    static void to_json(json& out, const std::optional<T>& value) {
        if (value) {
            out = *value;
        } else {
            out = nullptr;
        }
    }
    static void from_json(const json& in, std::optional<T>& value) {
        if (in.is_null()) {
            value.reset();
        } else {
            value = in.get<T>();
        }
    }
};
} // namespace nlohmann
