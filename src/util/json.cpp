#include "mlv/util/json.hpp"

#include <cmath>
#include <limits>

namespace mlv {

std::pair<size_t, size_t> line_and_column(std::string_view text, size_t offset) {
    size_t line = 1;
    size_t column = 1;
    size_t end = std::min(offset, text.size());
    for (size_t i = 0; i < end; ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return {line, column};
}

namespace {

// nlohmann's messages look like "[json.exception.parse_error.101] parse error
// at line 3, column 5: syntax error while parsing object - unexpected ...".
// Keep only the reason after the position.
std::string reason_of(const nlohmann::json::parse_error& error) {
    std::string what = error.what();
    auto colon = what.find(": ", what.find("parse error"));
    std::string reason = colon == std::string::npos ? what : what.substr(colon + 2);
    while (!reason.empty() && (reason.back() == '.' || reason.back() == '\n')) {
        reason.pop_back();
    }
    return reason;
}

// Drops the "[json.exception.out_of_range.406] " prefix of nlohmann's
// messages.
std::string without_id(std::string message) {
    if (message.rfind("[json.exception.", 0) == 0) {
        size_t end = message.find("] ");
        if (end != std::string::npos) {
            message.erase(0, end + 2);
        }
    }
    return message;
}

} // namespace

Result<Json> parse_json(std::string_view text, JsonComments comments) {
    try {
        return Json::parse(text.begin(), text.end(), nullptr, true,
                           comments == JsonComments::allow);
    } catch (const nlohmann::json::parse_error& error) {
        // error.byte is 1-based and points just past the offending character.
        size_t offset = error.byte > 0 ? error.byte - 1 : 0;
        auto [line, column] = line_and_column(text, offset);
        return make_error("invalid JSON at line " + std::to_string(line) + ", column " +
                          std::to_string(column) + ": " + reason_of(error));
    } catch (const nlohmann::json::exception& error) {
        // A number too large for a double ("1e400") raises out_of_range,
        // which carries no position.
        return make_error("invalid JSON: " + without_id(error.what()));
    }
}

std::optional<int64_t> json_to_int(const Json& value) {
    if (value.is_number_integer()) {
        if (value.is_number_unsigned() &&
            value.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
            return std::nullopt;
        }
        return value.get<int64_t>();
    }
    if (value.is_number_float()) {
        double d = value.get<double>();
        if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9.0e18) {
            return static_cast<int64_t>(d);
        }
    }
    return std::nullopt;
}

static const Json* member(const Json& object, std::string_view key) {
    if (!object.is_object()) {
        return nullptr;
    }
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) {
        return nullptr;
    }
    return &*it;
}

std::optional<int64_t> json_int(const Json& object, std::string_view key) {
    const Json* value = member(object, key);
    return value ? json_to_int(*value) : std::nullopt;
}

std::optional<double> json_number(const Json& object, std::string_view key) {
    const Json* value = member(object, key);
    if (value == nullptr || !value->is_number()) {
        return std::nullopt;
    }
    return value->get<double>();
}

std::optional<bool> json_bool(const Json& object, std::string_view key) {
    const Json* value = member(object, key);
    if (value == nullptr || !value->is_boolean()) {
        return std::nullopt;
    }
    return value->get<bool>();
}

std::optional<std::string> json_string(const Json& object, std::string_view key) {
    const Json* value = member(object, key);
    if (value == nullptr || !value->is_string()) {
        return std::nullopt;
    }
    return value->get<std::string>();
}

std::optional<std::vector<int64_t>> json_int_list(const Json& object, std::string_view key) {
    const Json* value = member(object, key);
    if (value == nullptr) {
        return std::vector<int64_t>{};
    }
    if (auto single = json_to_int(*value)) {
        return std::vector<int64_t>{*single};
    }
    if (!value->is_array()) {
        return std::nullopt;
    }
    std::vector<int64_t> ids;
    for (const auto& item : *value) {
        auto id = json_to_int(item);
        if (!id) {
            return std::nullopt;
        }
        ids.push_back(*id);
    }
    return ids;
}

} // namespace mlv
