// Unit tests of src/util/size.cpp: byte counts in binary units.
#include "mlv/util/size.hpp"

#include <doctest/doctest.h>

using mlv::format_size;

TEST_CASE("format_size bytes") {
    CHECK(format_size(0) == "0 B");
    CHECK(format_size(1) == "1 B");
    CHECK(format_size(1023) == "1023 B");
}

TEST_CASE("format_size binary units") {
    CHECK(format_size(1024) == "1.0 KiB");
    CHECK(format_size(1536) == "1.5 KiB");
    CHECK(format_size(5ull << 20) == "5.0 MiB");
    CHECK(format_size(3'500'000'000ull) == "3.3 GiB");
    CHECK(format_size(26953670656ull) == "25.1 GiB");
    CHECK(format_size(3ull << 40) == "3.0 TiB");
}

TEST_CASE("format_size rounds into the next unit") {
    // 1048575 bytes are 1023.999 KiB, which one decimal would print as 1024.0.
    CHECK(format_size(1048575) == "1.0 MiB");
    CHECK(format_size((1ull << 30) - 1) == "1.0 GiB");
}

TEST_CASE("format_size largest unit") {
    CHECK(format_size(2048ull << 40) == "2048.0 TiB");
    CHECK(format_size(UINT64_MAX) == "16777216.0 TiB");
}
