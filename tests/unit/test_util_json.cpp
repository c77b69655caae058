#include "mlv/util/json.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace mlv;

namespace {

std::string error_of(std::string_view text, JsonComments comments = JsonComments::reject) {
    auto result = parse_json(text, comments);
    REQUIRE_FALSE(result.ok());
    return result.error().message;
}

} // namespace

TEST_CASE("json parses an object") {
    auto json = parse_json(R"({"vocab_size": 32000, "name": "llama"})");
    REQUIRE(json.ok());
    CHECK(json_int(*json, "vocab_size") == 32000);
    CHECK(json_string(*json, "name") == "llama");
}

TEST_CASE("json integer beyond 64 bits parses") {
    // The model_max_length of real tokenizer configs.
    auto json = parse_json(R"({"model_max_length": 1000000000000000019884624838656})");
    REQUIRE(json.ok());
    CHECK((*json)["model_max_length"].is_number_float());
    CHECK(json_number(*json, "model_max_length") == doctest::Approx(1e30));
    CHECK_FALSE(json_int(*json, "model_max_length").has_value());

    auto exponent = parse_json(R"({"x": 1e30})");
    REQUIRE(exponent.ok());
    CHECK(json_number(*exponent, "x") == doctest::Approx(1e30));
}

TEST_CASE("json error gives line and column") {
    // A missing comma before "b" on line 3: the column is the last character
    // read, the closing quote of "b".
    CHECK(error_of("{\n  \"a\": 1\n  \"b\": 2\n}").rfind("invalid JSON at line 3, column 5: ", 0) ==
          0);
    // A trailing comma: the '}' on line 3 is unexpected.
    CHECK(error_of("{\n  \"a\": 1,\n}").rfind("invalid JSON at line 3, column 1: ", 0) == 0);
}

TEST_CASE("json error reasons are plain") {
    CHECK(error_of("{\n  \"a\": 1,\n  \"b\": Python\n}") ==
          "invalid JSON at line 3, column 8: unexpected 'P'");
    CHECK(error_of("{\"a\": tru}") == "invalid JSON at line 1, column 10: unexpected '}'");
    CHECK(error_of("{\"a\": 1,\n}") == "invalid JSON at line 2, column 1: trailing comma");
    CHECK(error_of("[1, 2, ]") == "invalid JSON at line 1, column 8: trailing comma");
    CHECK(error_of("{\"a\": [1, 2") ==
          "invalid JSON at line 1, column 12: unexpected end of input, expected ',' or ']'");
    CHECK(error_of("") == "invalid JSON at line 1, column 1: unexpected end of input, "
                          "expected a value");
    CHECK(error_of("{\"a\" 1}") ==
          "invalid JSON at line 1, column 6: unexpected number, expected ':'");
    CHECK(error_of("{\"a\": 1 \"b\": 2}") ==
          "invalid JSON at line 1, column 11: unexpected string, expected ',' or '}'");
    CHECK(error_of("{\"a\": \"open") == "invalid JSON at line 1, column 12: unterminated string");
    CHECK(error_of("{\"a\": -x}") ==
          "invalid JSON at line 1, column 8: invalid number, expected digit after '-'");
    CHECK(error_of("{\"a\": \x01}") == "invalid JSON at line 1, column 7: unexpected byte 0x01");
    CHECK(error_of("{} true") == "invalid JSON at line 1, column 7: unexpected 'true', "
                                 "expected end of input");
}

TEST_CASE("json error keeps no nlohmann wording") {
    for (std::string_view text : {"{\"a\": P}", "[1,]", "{", "{\"a\" 1}", "\"x", "[1 2]"}) {
        CAPTURE(text);
        std::string message = error_of(text);
        CHECK(message.find("syntax error") == std::string::npos);
        CHECK(message.find("last read") == std::string::npos);
        CHECK(message.find("literal") == std::string::npos);
        CHECK(message.find(';') == std::string::npos);
    }
}

TEST_CASE("json number beyond double range") {
    // nlohmann raises out_of_range, not parse_error, for such numbers.
    CHECK(error_of("{\"x\": 1e400}") == "invalid JSON: number overflow parsing '1e400'");
    CHECK(error_of("-1e400") == "invalid JSON: number overflow parsing '-1e400'");
}

TEST_CASE("json error is one line without final period") {
    std::string message = error_of("{\"a\": [1, 2}");
    CHECK(message.find('\n') == std::string::npos);
    CHECK(message.back() != '.');
    CHECK(message.find("[json.exception") == std::string::npos);
}

TEST_CASE("json empty and truncated input") {
    CHECK(error_of("").rfind("invalid JSON at line 1, column 1: ", 0) == 0);
    CHECK(error_of("{\"a\": ").rfind("invalid JSON at line 1, column ", 0) == 0);
}

TEST_CASE("json comments") {
    std::string text = "{\n  // a comment\n  \"a\": 1\n}";
    CHECK(error_of(text).rfind("invalid JSON at line 2, column ", 0) == 0);
    auto allowed = parse_json(text, JsonComments::allow);
    REQUIRE(allowed.ok());
    CHECK(json_int(*allowed, "a") == 1);
}

TEST_CASE("json deep nesting is an error or a value") {
    // nlohmann parses iteratively; deep input must not overflow the stack.
    std::string deep(100000, '[');
    CHECK_FALSE(parse_json(deep).ok());
    std::string closed = std::string(20000, '[') + std::string(20000, ']');
    CHECK(parse_json(closed).ok());
}

TEST_CASE("line_and_column counts from one") {
    std::string_view text = "ab\ncd\n";
    CHECK(line_and_column(text, 0) == std::pair<size_t, size_t>{1, 1});
    CHECK(line_and_column(text, 1) == std::pair<size_t, size_t>{1, 2});
    CHECK(line_and_column(text, 3) == std::pair<size_t, size_t>{2, 1});
    CHECK(line_and_column(text, 4) == std::pair<size_t, size_t>{2, 2});
    // Offsets past the end stop at the end.
    CHECK(line_and_column(text, 100) == std::pair<size_t, size_t>{3, 1});
}

TEST_CASE("json_to_int ranges") {
    CHECK(json_to_int(Json(5)) == 5);
    CHECK(json_to_int(Json(-3)) == -3);
    CHECK(json_to_int(Json(2.0)) == 2);
    CHECK_FALSE(json_to_int(Json(2.5)).has_value());
    CHECK_FALSE(json_to_int(Json(1e30)).has_value());
    CHECK_FALSE(json_to_int(Json(18446744073709551615ull)).has_value());
    CHECK(json_to_int(Json(9223372036854775807ull)) == 9223372036854775807ll);
    CHECK_FALSE(json_to_int(Json("5")).has_value());
    CHECK_FALSE(json_to_int(Json(nullptr)).has_value());
}

TEST_CASE("json typed look-ups") {
    Json object = {{"n", 1}, {"f", 0.5}, {"b", true}, {"s", "x"}, {"z", nullptr}};
    CHECK(json_int(object, "n") == 1);
    CHECK(json_number(object, "f") == doctest::Approx(0.5));
    CHECK(json_bool(object, "b") == true);
    CHECK(json_string(object, "s") == "x");
    CHECK_FALSE(json_int(object, "z").has_value());
    CHECK_FALSE(json_int(object, "missing").has_value());
    CHECK_FALSE(json_string(object, "n").has_value());
    CHECK_FALSE(json_bool(object, "n").has_value());
    CHECK_FALSE(json_int(Json::array({1, 2}), "n").has_value());
}

TEST_CASE("json_int_list forms") {
    Json object = {
        {"one", 2}, {"many", {1, 2}}, {"bad", {1, "x"}}, {"text", "x"}, {"none", nullptr}};
    CHECK(json_int_list(object, "one") == std::vector<int64_t>{2});
    CHECK(json_int_list(object, "many") == std::vector<int64_t>{1, 2});
    CHECK(json_int_list(object, "none") == std::vector<int64_t>{});
    CHECK(json_int_list(object, "missing") == std::vector<int64_t>{});
    CHECK_FALSE(json_int_list(object, "bad").has_value());
    CHECK_FALSE(json_int_list(object, "text").has_value());
}

TEST_CASE("json optional serializer") {
    std::optional<int> empty;
    std::optional<int> five = 5;
    CHECK(Json(empty).is_null());
    CHECK(Json(five) == 5);
    CHECK_FALSE(Json(nullptr).get<std::optional<int>>().has_value());
    CHECK(Json(7).get<std::optional<int>>() == 7);
}
