#include "mlv/util/json.hpp"

#include <algorithm>
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

// Returns the name of a token as nlohmann 3.11 writes it ("string literal",
// "'['", "'[', '{', or a literal") in everyday JSON terms.
std::string plain_token(std::string_view name) {
    if (name == "string literal") {
        return "string";
    }
    if (name == "number literal") {
        return "number";
    }
    if (name == "true literal" || name == "false literal" || name == "null literal") {
        return "'" + std::string(name.substr(0, name.find(' '))) + "'";
    }
    if (name == "'[', '{', or a literal") {
        return "a value";
    }
    return std::string(name);
}

// Returns the character at `offset` quoted for a message: 'P', or
// "byte 0xC3" for bytes that are not printable ASCII.
std::string quoted_char(std::string_view text, size_t offset) {
    if (offset >= text.size()) {
        return "end of input";
    }
    auto byte = static_cast<unsigned char>(text[offset]);
    if (byte >= 0x20 && byte < 0x7f) {
        return std::string("'") + static_cast<char>(byte) + "'";
    }
    static const char digits[] = "0123456789ABCDEF";
    return std::string("byte 0x") + digits[byte >> 4] + digits[byte & 0xf];
}

// Returns whether the last non-space character before `offset` is a comma.
bool follows_comma(std::string_view text, size_t offset) {
    size_t i = std::min(offset, text.size());
    while (i > 0 && (text[i - 1] == ' ' || text[i - 1] == '\t' || text[i - 1] == '\n' ||
                     text[i - 1] == '\r')) {
        --i;
    }
    return i > 0 && text[i - 1] == ',';
}

// Rewords a parse error of nlohmann 3.11 as a plain reason. Its messages
// read "[json.exception.parse_error.101] parse error at line 3, column 5:
// syntax error while parsing value - invalid literal; last read: 'P'", where
// the part after " - " is either a lexer error with the token read so far or
// "unexpected <token>; expected <token>". `offset` is the byte of the
// offending character. Unknown shapes keep nlohmann's reason.
std::string reason_of(const nlohmann::json::parse_error& error, std::string_view text,
                      size_t offset) {
    std::string what = error.what();
    auto colon = what.find(": ", what.find("parse error"));
    std::string reason = colon == std::string::npos ? what : what.substr(colon + 2);
    while (!reason.empty() && (reason.back() == '.' || reason.back() == '\n')) {
        reason.pop_back();
    }

    constexpr std::string_view syntax = "syntax error ";
    auto dash = reason.find(" - ");
    if (!reason.starts_with(syntax) || dash == std::string::npos) {
        return reason;
    }
    std::string context =
        reason.substr(syntax.size(), dash - syntax.size()); // "while parsing object"
    std::string detail = reason.substr(dash + 3);

    auto last_read = detail.find("; last read: ");
    if (last_read != std::string::npos) {
        std::string lexer_error = detail.substr(0, last_read);
        if (lexer_error == "invalid literal") {
            return "unexpected " + quoted_char(text, offset);
        }
        if (lexer_error == "invalid string: missing closing quote") {
            return "unterminated string";
        }
        // Other lexer errors are already plain ("invalid number; expected
        // digit after '-'"); only the separator changes.
        for (size_t semicolon; (semicolon = lexer_error.find("; ")) != std::string::npos;) {
            lexer_error.replace(semicolon, 2, ", ");
        }
        return lexer_error;
    }

    constexpr std::string_view unexpected = "unexpected ";
    if (!detail.starts_with(unexpected)) {
        return reason;
    }
    auto expected_at = detail.find("; expected ");
    std::string found = detail.substr(unexpected.size(), expected_at == std::string::npos
                                                             ? std::string::npos
                                                             : expected_at - unexpected.size());
    if ((found == "'}'" || found == "']'") && follows_comma(text, offset)) {
        return "trailing comma";
    }
    std::string out = "unexpected " + plain_token(found);
    if (expected_at != std::string::npos) {
        std::string expected = detail.substr(expected_at + 11);
        // After a member or an element the parser takes a comma as well as
        // the closing bracket it names.
        if ((expected == "'}'" && context == "while parsing object") ||
            (expected == "']'" && context == "while parsing array")) {
            out += ", expected ',' or " + expected;
        } else {
            out += ", expected " + plain_token(expected);
        }
    }
    return out;
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
                          std::to_string(column) + ": " + reason_of(error, text, offset));
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
