#include "mlv/util/trace.hpp"

#include "support/capture.hpp"

#include <doctest/doctest.h>

using namespace mlv;

TEST_CASE("trace writes subsystem lines") {
    bool was_enabled = trace::enabled();
    mlv::test::StderrCapture capture;
    trace::set_enabled(true);
    CHECK(trace::enabled());
    trace::log("store", "cache hit for 3f2a");
    trace::set_enabled(was_enabled);
    CHECK(capture.text() == "store: cache hit for 3f2a\n");
}

TEST_CASE("trace off writes nothing") {
    bool was_enabled = trace::enabled();
    mlv::test::StderrCapture capture;
    trace::set_enabled(false);
    CHECK_FALSE(trace::enabled());
    trace::log("store", "hidden");
    trace::set_enabled(was_enabled);
    CHECK(capture.text().empty());
}
