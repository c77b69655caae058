#include "support/corpus.hpp"

#include <doctest/doctest.h>

TEST_CASE("corpus folder is found or skipped") {
    auto dir = mlv::test::corpus_dir();
    if (!dir) {
        MESSAGE("corpus not found; set MLV_CORPUS_DIR to run the corpus suite");
        return;
    }
    CHECK(mlv::test::corpus_file("SOURCES.md").has_value());
}
