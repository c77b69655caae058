#include "mlv/util/error.hpp"
#include "mlv/util/result.hpp"

#include <doctest/doctest.h>

#include <memory>
#include <string>

using namespace mlv;

TEST_CASE("result holds a value") {
    Result<int> result = 42;
    REQUIRE(result.ok());
    CHECK(static_cast<bool>(result));
    CHECK(*result == 42);
    CHECK(result.value() == 42);
}

TEST_CASE("result holds an error") {
    Result<int> result = make_error("cannot read 'x': truncated", 128);
    REQUIRE_FALSE(result.ok());
    CHECK_FALSE(static_cast<bool>(result));
    CHECK(result.error().message == "cannot read 'x': truncated");
    CHECK(result.error().code == 128);
}

TEST_CASE("result error default code") {
    CHECK(make_error("broken").code == exit_code::failure);
}

TEST_CASE("result moves its value out") {
    Result<std::unique_ptr<int>> result = std::make_unique<int>(7);
    std::unique_ptr<int> owned = std::move(result).value();
    REQUIRE(owned != nullptr);
    CHECK(*owned == 7);
}

TEST_CASE("result arrow operator") {
    Result<std::string> result = std::string("abc");
    CHECK(result->size() == 3);
}

TEST_CASE("result void") {
    Result<void> success;
    CHECK(success.ok());
    Result<void> failure = make_error("no space left", 128);
    REQUIRE_FALSE(failure.ok());
    CHECK(failure.error().message == "no space left");
    CHECK(failure.error().code == 128);
}

TEST_CASE("value_or_die throws fatal error") {
    CHECK(value_or_die(Result<int>(5)) == 5);
    try {
        value_or_die(Result<int>(make_error("not a git repository", 128)));
        FAIL("no exception");
    } catch (const FatalError& error) {
        CHECK(std::string(error.what()) == "not a git repository");
        CHECK(error.code() == 128);
    }
}

TEST_CASE("check_or_die keeps the code") {
    CHECK_NOTHROW(check_or_die(Result<void>()));
    try {
        check_or_die(Result<void>(make_error("bad usage", exit_code::usage)));
        FAIL("no exception");
    } catch (const FatalError& error) {
        CHECK(error.code() == exit_code::usage);
    }
}
