#include "mlv/util/text.hpp"

#include <doctest/doctest.h>

using mlv::text::count_noun;

TEST_CASE("count_noun regular plural") {
    CHECK(count_noun(0, "file") == "0 files");
    CHECK(count_noun(1, "file") == "1 file");
    CHECK(count_noun(2, "file") == "2 files");
    CHECK(count_noun(18446744073709551615ull, "byte") == "18446744073709551615 bytes");
}

TEST_CASE("count_noun irregular plural") {
    CHECK(count_noun(1, "entry", "entries") == "1 entry");
    CHECK(count_noun(3, "entry", "entries") == "3 entries");
    CHECK(count_noun(0, "entry", "entries") == "0 entries");
}
