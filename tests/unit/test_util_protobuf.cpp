#include "mlv/util/protobuf.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace mlv::protobuf;
using namespace std::string_literals;

namespace {

std::string error_of(const std::string& message) {
    Reader reader(message);
    auto field = reader.next();
    REQUIRE_FALSE(field.ok());
    return field.error().message;
}

} // namespace

TEST_CASE("protobuf varint known answers") {
    // Field 1, varint 150: the example of the protobuf encoding guide.
    std::string message = "\x08\x96\x01"s;
    Reader reader(message);
    auto field = reader.next();
    REQUIRE(field.ok());
    CHECK(field->field_number == 1);
    CHECK(field->wire_type == WireType::varint);
    CHECK(field->number == 150);
    CHECK(reader.at_end());
    CHECK(reader.position() == 3);
}

TEST_CASE("protobuf varint maximum") {
    // 2^64 - 1 takes ten bytes.
    std::string message = "\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"s;
    Reader reader(message);
    auto field = reader.next();
    REQUIRE(field.ok());
    CHECK(field->number == UINT64_MAX);
}

TEST_CASE("protobuf length-delimited field") {
    // Field 2, the string "testing".
    std::string message = "\x12\x07testing"s;
    Reader reader(message);
    auto field = reader.next();
    REQUIRE(field.ok());
    CHECK(field->field_number == 2);
    CHECK(field->wire_type == WireType::length_delimited);
    CHECK(field->bytes == "testing");
    CHECK(reader.at_end());
}

TEST_CASE("protobuf fixed-width fields") {
    // Field 3 fixed32 1.0f, field 4 fixed64 1.
    std::string message = "\x1d\x00\x00\x80\x3f\x21\x01\x00\x00\x00\x00\x00\x00\x00"s;
    Reader reader(message);
    auto fixed32 = reader.next();
    REQUIRE(fixed32.ok());
    CHECK(fixed32->field_number == 3);
    CHECK(fixed32->wire_type == WireType::fixed32);
    CHECK(fixed32->number == 0x3f800000);
    auto fixed64 = reader.next();
    REQUIRE(fixed64.ok());
    CHECK(fixed64->field_number == 4);
    CHECK(fixed64->wire_type == WireType::fixed64);
    CHECK(fixed64->number == 1);
    CHECK(reader.at_end());
}

TEST_CASE("protobuf large field number") {
    // Field 536870911 (the maximum), varint 0.
    std::string message = "\xf8\xff\xff\xff\x0f\x00"s;
    Reader reader(message);
    auto field = reader.next();
    REQUIRE(field.ok());
    CHECK(field->field_number == 536870911);
}

TEST_CASE("protobuf truncated varint") {
    CHECK(error_of("\x08\x96"s) == "truncated varint at byte 2");
    CHECK(error_of("\x80"s) == "truncated varint at byte 1");
}

TEST_CASE("protobuf varint too long") {
    std::string message = "\x08"s + std::string(11, '\xff');
    CHECK(error_of(message).rfind("varint longer than 10 bytes", 0) == 0);
}

TEST_CASE("protobuf length past the end") {
    CHECK(error_of("\x12\x08testing"s) == "field length 8 at byte 0 exceeds the 7 bytes left");
    // A length of 2^63 is rejected before any use.
    std::string huge = "\x12\x80\x80\x80\x80\x80\x80\x80\x80\x80\x01"s;
    CHECK(error_of(huge).rfind("field length 9223372036854775808 at byte 0", 0) == 0);
}

TEST_CASE("protobuf truncated fixed-width") {
    CHECK(error_of("\x1d\x00\x00"s) == "truncated fixed-width field at byte 0");
    CHECK(error_of("\x21\x00\x00\x00\x00"s) == "truncated fixed-width field at byte 0");
}

TEST_CASE("protobuf group wire types rejected") {
    CHECK(error_of("\x0b"s) == "unsupported protobuf wire type 3 at byte 0");
    CHECK(error_of("\x0c"s) == "unsupported protobuf wire type 4 at byte 0");
    CHECK(error_of("\x0e"s) == "unsupported protobuf wire type 6 at byte 0");
}

TEST_CASE("protobuf nested message") {
    // Field 1 holds a message with field 2 = 5.
    std::string message = "\x0a\x02\x10\x05"s;
    Reader outer(message);
    auto field = outer.next();
    REQUIRE(field.ok());
    Reader inner(field->bytes);
    auto nested = inner.next();
    REQUIRE(nested.ok());
    CHECK(nested->field_number == 2);
    CHECK(nested->number == 5);
    CHECK(inner.at_end());
}
