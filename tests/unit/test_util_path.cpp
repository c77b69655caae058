#include "mlv/util/path.hpp"

#include <doctest/doctest.h>

using namespace mlv;

TEST_CASE("path_file_name after the last slash") {
    CHECK(path_file_name("model.safetensors") == "model.safetensors");
    CHECK(path_file_name("text_encoder/config.json") == "config.json");
    CHECK(path_file_name("a/b/c") == "c");
    CHECK(path_file_name("folder/") == "");
    CHECK(path_file_name("") == "");
}

TEST_CASE("path_directory keeps the trailing slash") {
    CHECK(path_directory("model.safetensors") == "");
    CHECK(path_directory("text_encoder/config.json") == "text_encoder/");
    CHECK(path_directory("a/b/c") == "a/b/");
    CHECK(path_directory("folder/") == "folder/");
    CHECK(path_directory("") == "");
}

TEST_CASE("path_directory and path_file_name rejoin") {
    for (const char* path : {"a/b/c.json", "c.json", "a/", "/root"}) {
        CAPTURE(path);
        CHECK(path_directory(path) + path_file_name(path) == path);
    }
}
